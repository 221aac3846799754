import Foundation

extension Simulation {
    /// A control tick: ask the policy, clamp to physics, set powers until the next event.
    func control(at t: Double) throws {
        if t == lastControlTime { return }
        lastControlTime = t
        controlCount += 1
        let s = scenario
        let stepIndex = ((t - s.start) / s.stepS + 1e-9).rounded(.down) + 1
        let nextGrid = s.start + stepIndex * s.stepS
        let stepS = nextGrid - t
        // Views are kept across ticks: the booking refreshes the SOC-dependent fields of those
        // still shown, `alignViews` moves them to the positions their sessions take this tick, and
        // only sessions shown for the first time get a view built in full.
        bookInterval(to: t, refreshStepS: stepS)
        var bookingSums: (instantKW: Double, grantedKW: Double)?
        defer { markBookingStart(sums: bookingSums) }
        let (_, anyWanting) = alignViews(at: t)
        buildNewViews(stepS: stepS)
        lastViewStepS = stepS
        if !views.isEmpty {
            refreshLocalTime(t)
            let headroom = max(0, s.site.gridLimitKW - baseKW - preconditionKW)
            let context = PolicyContext(now: t, stepS: stepS, siteLimitKW: s.site.gridLimitKW, baseKW: baseKW + preconditionKW,
                                        headroomKW: headroom, pricePerKWh: s.tariff.price(at: t, utcOffsetS: utcOffsetS),
                                        start: s.start, end: s.end, tariff: s.tariff, utcOffsetS: utcOffsetS, limits: groupLimits)
            requests.removeAll(keepingCapacity: true)
            requests.append(contentsOf: repeatElement(0, count: views.count))
            sessionViewsShown += views.count
            if anyRequestBeyondBattery, policy.seesRequestsBeyondBattery {
                try allocateShowingUnmetRequests(context, stepS: stepS)
            } else {
                try policy.allocate(context, sessions: views, powerKW: &requests)
            }
            clampRequests(headroomKW: headroom)
            if options.keepEvents {
                for i in views.indices { setPower(slot: viewSlots[i], kw: requests[i], nextGrid: nextGrid) }
            } else {
                bookingSums = setPowersQuietly(at: t, nextGrid: nextGrid)
            }
        }
        if (anyWanting || preconditionKW > 0), nextGrid < s.end, pendingGridTick != nextGrid {
            pendingGridTick = nextGrid
            events.push(time: nextGrid, kind: .control)
        }
        if behaviourWantsTick {
            // After allocation: the behaviour observes the tick's outcome (it returns nothing).
            tickVehicles.removeAll(keepingCapacity: true)
            for slot in plugged { tickVehicles.append(vehicleView(sessions[slot].vehicle)) }
            try behaviour.onTick(now: t, vehicles: tickVehicles)
        }
    }

    /// `setPower` for every view (no power-change events), holding the buffers once; returns the
    /// sums `markBookingStart` would take over the views, in the same order.
    func setPowersQuietly(at t: Double, nextGrid: Double) -> (instantKW: Double, grantedKW: Double) {
        var instant = 0.0, granted = 0.0
        let end = scenario.end
        let stepHours = (nextGrid - t) / 3600 * (1 + 1e-9)
        withHotTables { tables in
        sessions.withUnsafeMutableBufferPointer { ses in
        vehicles.withUnsafeMutableBufferPointer { veh in
        hot.withUnsafeMutableBufferPointer { hot in
        viewPos.withUnsafeMutableBufferPointer { viewPos in
        views.withUnsafeBufferPointer { views in
        viewSlots.withUnsafeBufferPointer { viewSlots in
        requests.withUnsafeBufferPointer { requests in
            for i in 0..<viewSlots.count {
                let slot = viewSlots[i], kw = requests[i]
                if !hot[i].fresh {
                    // Released since the booking (a policy asked about the vehicle): reload it.
                    hot[i] = Self.loadHot(slot, ses, veh)
                    viewPos[slot] = Int32(i)
                }
                hot[i].powerKW = kw
                hot[i].generation &+= 1
                granted += kw
                instant += min(kw, views[i].vehicleMaxKW)
                // Drawn power never exceeds kw: if even kw until the next tick cannot deliver what
                // is wanted (the view's energy over its efficiency), the target is not reached
                // before then; the closed form is skipped. An estimate: the margin covers its rounding.
                // Tested first, it is rarely false and so predicted well, unlike `kw > 0` (waiting
                // and charging sessions interleave); with kw = 0 it holds (a view wants energy).
                if views[i].energyWantedKWh > kw * stepHours * views[i].efficiency || !(kw > 0) { continue }
                let ti = Int(hot[i].typeIndex)
                let soc = hot[i].soc, targetSOC = hot[i].targetSOC
                let capacity = tables.capacities[ti], efficiency = tables.efficiencies[ti]
                let toTarget = tables.curves[ti].timeToChargeS(fromSOC: soc, toSOC: targetSOC, limitKW: kw,
                                                               capacityKWh: capacity, efficiency: efficiency)
                let at = t + toTarget
                if at < nextGrid, at <= end {
                    events.push(time: at, kind: .targetReached, a: slot, b: Int(hot[i].generation))
                }
            }
        }
        }
        }
        }
        }
        }
        }
        }
        return (instant, granted)
    }

    /// Cuts requests to each session's cap (`SessionView.maxKW`: charger and curve), then each
    /// dispenser's connectors together, then cabinets, then the site, in proportion.
    ///
    /// Counts a clamp (per session, per tick, per stage) when a request is cut beyond rounding:
    /// negative or NaN, above its cap, or scaled by a dispenser, cabinet or the site. The curve
    /// binding during the interval (drawn = min(granted, curve(soc(t)))) is physics, not a clamp.
    func clampRequests(headroomKW: Double) {
        let n = views.count
        if requests.count < n { requests.append(contentsOf: repeatElement(0, count: n - requests.count)) }
        var total = 0.0
        // Set when a shared limit (dispenser, cabinet, site) cut requests beyond rounding.
        var scaled = false
        defer { sharedLimitBound = scaled }
        let hasCabinets = !cabinetSums.isEmpty
        // Without multi-connector dispensers the cabinet sums are taken in the first pass (the
        // requests do not change in between); otherwise after the dispensers have cut them.
        let sumCabinetsFirst = hasCabinets && !anyMultiConnector
        views.withUnsafeBufferPointer { views in
        requests.withUnsafeMutableBufferPointer { requests in
        cabinetSums.withUnsafeMutableBufferPointer { cabinetSums in
        for c in 0..<cabinetSums.count { cabinetSums[c] = 0 }
        for i in 0..<n {
            var r = requests[i]
            let cap = views[i].maxKW
            if !(r >= 0) {
                if r != 0 { countClamp(i) }  // negative or NaN: V2G is not modelled
                r = 0
            } else if r > cap {
                if r > cap * (1 + 1e-12) + 1e-12 { countClamp(i) }
                r = cap
            }
            requests[i] = r
            total += r
            if sumCabinetsFirst, views[i].cabinetIndex >= 0 { cabinetSums[views[i].cabinetIndex] += r }
        }
        if anyMultiConnector {
            // A dispenser's limit applies to the sum of its connectors: scale in proportion.
            chargerSums.withUnsafeMutableBufferPointer { chargerSums in
                for i in 0..<n { chargerSums[views[i].chargerIndex] = 0 }
                for i in 0..<n { chargerSums[views[i].chargerIndex] += requests[i] }
                for i in 0..<n where requests[i] > 0 {
                    let c = views[i].chargerIndex
                    let sum = chargerSums[c], cap = chargerMaxKW[c]
                    guard sum > cap else { continue }
                    let scale = cap / sum
                    total -= requests[i] * (1 - scale)
                    requests[i] *= scale
                    if sum > cap * (1 + 1e-12) + 1e-12 { countClamp(i); scaled = true }
                }
            }
            if hasCabinets {
                for i in 0..<n where views[i].cabinetIndex >= 0 { cabinetSums[views[i].cabinetIndex] += requests[i] }
            }
        }
        if hasCabinets {
            // cabinetSums becomes each cabinet's scale factor (1 when within its limit; negative
            // marks a cut beyond rounding); the sessions are visited only if some cabinet is over.
            // Branch-free: a cabinet the policy filled sits at its limit give or take rounding, so
            // `sum > cap` follows no pattern the branch predictor could learn.
            var anyOver = false
            for c in 0..<cabinetSums.count {
                let sum = cabinetSums[c], cap = cabinetMaxKW[c]
                let over = sum > cap, beyond = sum > cap * (1 + 1e-12)
                let scale = cap / sum
                cabinetSums[c] = over ? (beyond ? -scale : scale) : 1
                anyOver = anyOver || over
            }
            if anyOver {
                for i in 0..<n where views[i].cabinetIndex >= 0 && requests[i] > 0 {
                    let f = cabinetSums[views[i].cabinetIndex]
                    if f == 1 { continue }
                    let scale = abs(f)
                    total -= requests[i] * (1 - scale)
                    requests[i] *= scale
                    if f < 0 { countClamp(i); scaled = true }
                }
            }
        }
        if total > headroomKW {
            let f = headroomKW / total
            let counts = total > headroomKW * (1 + 1e-12) + 1e-12
            // Only a cut beyond rounding: a policy that filled a limit itself (sorted, fair share,
            // balanced) keeps its ticks, so its runs do not change.
            if counts { scaled = true }
            for i in 0..<n where requests[i] > 0 {
                requests[i] *= f
                if counts { countClamp(i) }
            }
        }
        }
        }
        }
    }

    @inline(__always)
    func countClamp(_ i: Int) {
        sessions[viewSlots[i]].clamps += 1
        summary.clamps += 1
    }

    /// Sets a session's power from now, recording a change and scheduling the instant it reaches
    /// its target if that comes before the next tick.
    func setPower(slot: Int, kw: Double, nextGrid: Double) {
        releaseHot(slot: slot)
        let old = sessions[slot].powerKW
        sessions[slot].powerKW = kw
        sessions[slot].generation &+= 1
        let v = sessions[slot].vehicle
        let ti = vehicles[v].typeIndex
        if options.keepEvents, abs(kw - old) > 1e-12 {
            record(.powerChange, vehicle: v, powerKW: min(kw, curves[ti].powerKW(atSOC: vehicles[v].soc)))
        }
        guard kw > 0 else { return }
        // Drawn power never exceeds kw: if even kw until the next tick cannot deliver what is
        // wanted, the target is not reached before then (skips the closed form for most sessions).
        let wantedDrawnKWh = (sessions[slot].targetSOC - vehicles[v].soc) * capacities[ti] / efficiencies[ti]
        if wantedDrawnKWh > kw * (nextGrid - now) / 3600 * (1 + 1e-9) { return }
        let toTarget = curves[ti].timeToChargeS(fromSOC: vehicles[v].soc, toSOC: sessions[slot].targetSOC, limitKW: kw,
                                                 capacityKWh: capacities[ti], efficiency: efficiencies[ti])
        let at = now + toTarget
        if at < nextGrid, at <= scenario.end {
            events.push(time: at, kind: .targetReached, a: slot, b: Int(sessions[slot].generation))
        }
    }
}
