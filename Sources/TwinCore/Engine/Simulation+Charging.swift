import Foundation

extension Simulation {
    /// Integrates one session exactly from where it was last brought up to date to `time`.
    ///
    /// Sessions are integrated lazily (when the policy looks at them, when they leave, when they
    /// reach their target), not at every event: a year of 1000 buses has millions of trip events
    /// that change no charging. The energy goes into the current booking interval.
    /// - Returns: true when the session reached its target (the caller stops it).
    @discardableResult
    func sync(_ slot: Int, to time: Double) -> Bool {
        sessions.withUnsafeMutableBufferPointer { ses in
            vehicles.withUnsafeMutableBufferPointer { veh in sync(slot, to: time, ses, veh) }
        }
    }

    /// `sync(_:to:)` over the session and vehicle buffers (hot loops hold them once, saving a
    /// uniqueness check per write). Reads and writes no other copy of them.
    @inline(__always)
    func sync(_ slot: Int, to time: Double, _ sessions: UnsafeMutableBufferPointer<SessionRuntime>,
              _ vehicles: UnsafeMutableBufferPointer<VehicleRuntime>) -> Bool {
        let from = max(sessions[slot].syncedAt, sessions[slot].plugIn)
        sessions[slot].syncedAt = time
        let powerKW = sessions[slot].powerKW
        if sessions[slot].reached || !(powerKW > 0) || !(time > from) { return false }
        let v = sessions[slot].vehicle
        let targetSOC = sessions[slot].targetSOC
        let ti = vehicles[v].typeIndex
        var out = charge(&sessions[slot].segment, type: ti, fromSOC: vehicles[v].soc, toSOC: targetSOC, limitKW: powerKW,
                         durationS: time - from)
        if !out.reachedTarget, targetSOC - out.soc <= 1e-12 {
            // Rounding left the SOC a hair short of the target (the same threshold as at plug-in):
            // it is full, and must not hold its connector waiting for a policy to grant a crumb.
            out.drawnKWh += (targetSOC - out.soc) * capacities[ti] / efficiencies[ti]
            out.soc = targetSOC
            out.reachedTarget = true
        }
        vehicles[v].soc = out.soc
        if out.drawnKWh > 0 {
            vehicles[v].drawnKWh += out.drawnKWh
            sessions[slot].drawnKWh += out.drawnKWh
            if sessions[slot].chargeStart == nil { sessions[slot].chargeStart = from }
            sessions[slot].chargeEnd = from + out.elapsedS
            intervalDrawnKWh += out.drawnKWh
        }
        if out.reachedTarget { sessions[slot].reached = true }
        return out.reachedTarget
    }

    /// `ChargingCurve.charge` for a session, bit for bit: when the interval stays on one linear
    /// piece of the curve (the common case between two ticks), that piece is taken from the
    /// session's cache instead of being searched for, and the closed form is applied once.
    @inline(__always)
    func charge(_ piece: inout CurvePiece, type ti: Int, fromSOC soc: Double, toSOC targetSOC: Double, limitKW: Double,
                durationS: Double) -> ChargeOutcome {
        let capacityKWh = capacities[ti], efficiency = efficiencies[ti]
        if soc < targetSOC, limitKW > 0, durationS > 0, capacityKWh > 0, efficiency > 0 {
            var seg = piece
            if !(seg.lower <= soc && soc < seg.upper) {
                let found = curves[ti].segment(containing: soc)
                seg = CurvePiece(lower: found.lower, upper: found.upper, intercept: found.intercept, slope: found.slope)
                piece = seg
            }
            // The first step of `ChargingCurve.charge`'s loop: if the interval ends on this piece,
            // that step is the whole result.
            let k = efficiency / (capacityKWh * 3600)
            if case .within(var end) = seg.step(from: soc, target: targetSOC, limitKW: limitKW, k: k, timeLeft: durationS) {
                if end > targetSOC { end = targetSOC }
                return ChargeOutcome(soc: end, elapsedS: durationS, drawnKWh: (end - soc) * capacityKWh / efficiency,
                                     reachedTarget: end >= targetSOC)
            }
        }
        return curves[ti].charge(fromSOC: soc, toSOC: targetSOC, limitKW: limitKW, durationS: durationS,
                                 capacityKWh: capacityKWh, efficiency: efficiency)
    }

    /// SOC of vehicle `v` at `now`, integrating its session without changing state (for views).
    func currentSOC(_ v: Int) -> Double {
        let slot = vehicles[v].session
        guard slot >= 0 else { return vehicles[v].soc }
        let s = sessions[slot]
        let from = max(s.syncedAt, s.plugIn)
        if s.reached || !(s.powerKW > 0) || !(now > from) { return vehicles[v].soc }
        let ti = vehicles[v].typeIndex
        return curves[ti].charge(fromSOC: vehicles[v].soc, toSOC: s.targetSOC, limitKW: s.powerKW, durationS: now - from,
                                 capacityKWh: capacities[ti], efficiency: efficiencies[ti]).soc
    }

    /// Brings every plugged session to `time` and books the interval since the last booking:
    /// its mean load (one load sample), the peak, and the energy cost.
    func bookInterval(to time: Double) {
        reachedBuffer.removeAll(keepingCapacity: true)
        // Only sessions the last control gave power can have drawn since (later plug-ins start at
        // 0 kW; closed sessions were brought up to date when they closed).
        sessions.withUnsafeMutableBufferPointer { ses in
            vehicles.withUnsafeMutableBufferPointer { veh in
                for slot in viewSlots where sync(slot, to: time, ses, veh) { reachedBuffer.append(slot) }
            }
        }
        let t0 = lastBooking
        let dt = time - t0
        if dt > 0 {
            let hours = dt / 3600
            // The mean power comes from the SOC change; over a sub-microsecond interval that
            // difference is rounding noise, so use the power itself. Drawn power never exceeds
            // what was granted at the interval's start.
            let avgKW = dt < 1e-6 ? bookedInstantKW : min(intervalDrawnKWh / hours, bookedGrantedKW)
            let otherKW = bookedPreconditionKW
            preconditionKWh += otherKW * hours
            let siteKW = max(bookedInstantKW, avgKW) + otherKW + bookedBaseKW
            if siteKW > summary.peakKW { summary.peakKW = siteKW }
            // Tariffs: energy at the price when the interval starts (ticks fall on band edges when
            // the step divides the hour); demand on each local month's peak.
            refreshLocalTime(t0)
            if t0 >= monthEnd { startMonth(at: t0) }
            if siteKW > monthPeakKW { monthPeakKW = siteKW }
            summary.costEnergy += intervalDrawnKWh * scenario.tariff.price(at: t0, utcOffsetS: utcOffsetS)
            summary.costEnergy += constantLoadCost(kw: otherKW + bookedBaseKW, from: t0, to: time)
            if options.keepLoadProfile {
                let sample = LoadSample(time: t0, chargersKW: avgKW + otherKW, baseKW: bookedBaseKW, plugged: bookedPlugged)
                if let last = loadProfile.last, last.chargersKW == sample.chargersKW, last.baseKW == sample.baseKW,
                   last.plugged == sample.plugged {
                    // Same load: the previous sample already holds.
                } else {
                    loadProfile.append(sample)
                }
            }
        }
        intervalDrawnKWh = 0
        lastBooking = time
        for slot in reachedBuffer where sessions[slot].open && sessions[slot].powerKW > 0 { finishCharging(slot) }
    }

    /// Remembers the state the next booked interval starts from (after powers are set).
    func markBookingStart() {
        var instant = 0.0, granted = 0.0
        // Through the buffers: indexing `views` on self copied whole views (retaining their strings).
        views.withUnsafeBufferPointer { views in
            viewSlots.withUnsafeBufferPointer { viewSlots in
                sessions.withUnsafeBufferPointer { sessions in
                    for i in 0..<viewSlots.count {
                        let kw = sessions[viewSlots[i]].powerKW
                        granted += kw
                        instant += min(kw, views[i].vehicleMaxKW)
                    }
                }
            }
        }
        bookedInstantKW = instant
        bookedGrantedKW = granted
        bookedBaseKW = baseKW
        bookedPreconditionKW = preconditionKW
        bookedPlugged = plugged.count
    }

    /// Cost of a constant load over an interval that may cross price bands: with nothing plugged
    /// in there are no ticks, so the base load's interval can be long. Priced per quarter hour.
    func constantLoadCost(kw: Double, from t0: Double, to t1: Double) -> Double {
        guard kw > 0 else { return 0 }
        var cost = 0.0
        var t = t0
        while t < t1 {
            let next = min(t1, ((t / 900).rounded(.down) + 1) * 900)
            refreshLocalTime(t)
            cost += kw * (next - t) / 3600 * scenario.tariff.price(at: t, utcOffsetS: utcOffsetS)
            t = next
        }
        refreshLocalTime(t0)
        return cost
    }


    func refreshLocalTime(_ t: Double) {
        if t >= utcOffsetValidUntil || t < utcOffsetValidUntil - 4e7 {
            let date = Date(timeIntervalSince1970: t)
            utcOffsetS = Double(timeZone.secondsFromGMT(for: date))
            utcOffsetValidUntil = timeZone.nextDaylightSavingTimeTransition(after: date)?.timeIntervalSince1970 ?? .infinity
        }
    }

    func startMonth(at t: Double) {
        demandCost += monthPeakKW * scenario.tariff.demandChargePerKW
        monthPeakKW = 0
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let date = Date(timeIntervalSince1970: t)
        if let interval = calendar.dateInterval(of: .month, for: date) {
            monthEnd = interval.end.timeIntervalSince1970
        } else {
            monthEnd = t + 30 * 86400
        }
    }

    /// A control tick: ask the policy, clamp to physics, set powers until the next event.
    func control(at t: Double) throws {
        if t == lastControlTime { return }
        lastControlTime = t
        controlCount += 1
        bookInterval(to: t)
        defer { markBookingStart() }
        let s = scenario
        let stepIndex = ((t - s.start) / s.stepS + 1e-9).rounded(.down) + 1
        let nextGrid = s.start + stepIndex * s.stepS
        let stepS = nextGrid - t
        // Views are overwritten in place (no per-tick teardown of the buffer). A view moved by
        // `alignViews` to the position its session takes this tick keeps what never changes during
        // a session (ids, times, target, charger, battery); only the SOC-dependent fields are written.
        var count = 0
        let (shown, anyWanting) = alignViews(at: t)
        let pluggedCount = plugged.count
        // Every array read through its buffer: indexing them on self costs a bounds and
        // uniqueness check per read and a retain per curve copy.
        views.withUnsafeMutableBufferPointer { views in
        viewSlots.withUnsafeMutableBufferPointer { viewSlots in
        plugged.withUnsafeBufferPointer { plugged in
        sessions.withUnsafeBufferPointer { sessions in
        vehicles.withUnsafeBufferPointer { vehicles in
        curves.withUnsafeBufferPointer { curves in
        capacities.withUnsafeBufferPointer { capacities in
        efficiencies.withUnsafeBufferPointer { efficiencies in
        chargerMaxKW.withUnsafeBufferPointer { chargerMaxKW in
        curveRiseEndSOC.withUnsafeBufferPointer { curveRiseEndSOC in
        for p in 0..<pluggedCount where count < shown {
            let slot = plugged[p]
            if !Self.isShown(sessions[slot], at: t) { continue }
            let v = sessions[slot].vehicle
            let charger = sessions[slot].charger
            let targetSOC = sessions[slot].targetSOC
            let ti = vehicles[v].typeIndex
            let soc = vehicles[v].soc
            let wanted = (targetSOC - soc) * capacities[ti]
            let curveKW = curves[ti].powerKW(atSOC: soc)
            let chargerKW = chargerMaxKW[charger]
            var capKW = min(chargerKW, curveKW)
            if soc < curveRiseEndSOC[ti] {
                // Where the curve rises the session may be granted the curve's highest value over the
                // SOC it can reach by the next tick: the integration then draws min(granted,
                // curve(soc(t))) at every instant, which is the curve itself on the rise (exact,
                // independent of the step). Where the curve does not rise ahead this is curve(soc).
                let reach = min(targetSOC, soc + chargerKW * efficiencies[ti] * stepS / 3600 / capacities[ti])
                capKW = min(chargerKW, curves[ti].maxPowerKW(fromSOC: soc, toSOC: reach))
            }
            let energyLimitedKW = wanted / efficiencies[ti] / (stepS / 3600)
            if viewSlots[count] == slot {
                views[count].soc = soc
                views[count].energyWantedKWh = wanted
                views[count].maxKW = capKW
                views[count].vehicleMaxKW = curveKW
                views[count].energyLimitedKW = energyLimitedKW
            } else {
                views[count] = SessionView(
                    sessionID: slot + 1, vehicleIndex: v, chargerIndex: charger, cabinetIndex: chargers[charger].cabinet,
                    vehicleID: vehicleIDs[v], chargerID: chargerIDs[charger], arrival: sessions[slot].arrival,
                    departure: sessions[slot].departure, soc: soc, targetSOC: targetSOC, energyWantedKWh: wanted,
                    maxKW: capKW, chargerMaxKW: chargerKW, vehicleMaxKW: curveKW,
                    efficiency: efficiencies[ti], capacityKWh: capacities[ti], energyLimitedKW: energyLimitedKW)
                viewSlots[count] = slot
            }
            count += 1
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
        }
        if views.count > count {
            views.removeLast(views.count - count)
            viewSlots.removeLast(viewSlots.count - count)
        }
        if !views.isEmpty {
            refreshLocalTime(t)
            let headroom = max(0, s.site.gridLimitKW - baseKW - preconditionKW)
            let context = PolicyContext(now: t, stepS: stepS, siteLimitKW: s.site.gridLimitKW, baseKW: baseKW + preconditionKW,
                                        headroomKW: headroom, pricePerKWh: s.tariff.price(at: t, utcOffsetS: utcOffsetS),
                                        start: s.start, end: s.end, tariff: s.tariff, utcOffsetS: utcOffsetS, limits: groupLimits)
            requests.removeAll(keepingCapacity: true)
            requests.append(contentsOf: repeatElement(0, count: views.count))
            sessionViewsShown += views.count
            try policy.allocate(context, sessions: views, powerKW: &requests)
            clampRequests(headroomKW: headroom)
            if options.keepEvents {
                for i in views.indices { setPower(slot: viewSlots[i], kw: requests[i], nextGrid: nextGrid) }
            } else {
                // The same as `setPower` for each, holding the buffers once (no power-change events).
                let end = s.end
                sessions.withUnsafeMutableBufferPointer { ses in
                    for i in 0..<viewSlots.count {
                        let slot = viewSlots[i], kw = requests[i]
                        ses[slot].powerKW = kw
                        ses[slot].generation &+= 1
                        guard kw > 0 else { continue }
                        let v = ses[slot].vehicle
                        let ti = vehicles[v].typeIndex
                        let soc = vehicles[v].soc, targetSOC = ses[slot].targetSOC
                        let wantedDrawnKWh = (targetSOC - soc) * capacities[ti] / efficiencies[ti]
                        if wantedDrawnKWh > kw * (nextGrid - t) / 3600 * (1 + 1e-9) { continue }
                        let toTarget = curves[ti].timeToChargeS(fromSOC: soc, toSOC: targetSOC, limitKW: kw,
                                                                 capacityKWh: capacities[ti], efficiency: efficiencies[ti])
                        let at = t + toTarget
                        if at < nextGrid, at <= end {
                            events.push(time: at, kind: .targetReached, a: slot, b: Int(ses[slot].generation))
                        }
                    }
                }
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

    /// Whether a plugged session is shown to the policy at a tick at `t`: still wanting energy and
    /// plugged in by then.
    /// (Takes the session itself: the hot loops read it through the sessions' buffer.)
    @inline(__always)
    static func isShown(_ session: SessionRuntime, at t: Double) -> Bool {
        !session.reached && session.plugIn <= t
    }

    /// Moves last tick's views to the positions their sessions take this tick and sizes the buffer.
    ///
    /// A session arriving or leaving shifts every later position; matching views by position alone
    /// then rebuilt them all in full (copying ids and strings) about a million times over 20 days.
    /// Views and `plugged` are both in (charger, slot) order, so this is a merge: views still shown
    /// are compacted forward, then spread backward to their new positions, each run of them moved
    /// at once as raw memory (no string retains; one `memmove` instead of a swap per view).
    /// Positions taken by sessions newly shown hold a blank view with slot -1, for the caller to
    /// build in full. On return every element of `views` is initialized.
    /// - Returns: the number of views this tick, and whether any plugged session still wants energy.
    func alignViews(at t: Double) -> (shown: Int, anyWanting: Bool) {
        // `plugged` and `sessions` are read through their buffers: indexing them on self costs a
        // bounds and uniqueness check per read (and neither changes here).
        plugged.withUnsafeBufferPointer { plugged in
        sessions.withUnsafeBufferPointer { sessions in
            alignViews(at: t, plugged: plugged, sessions: sessions)
        }
        }
    }

    /// `alignViews(at:)` over the `plugged` and `sessions` buffers.
    private func alignViews(at t: Double, plugged: UnsafeBufferPointer<Int>,
                            sessions: UnsafeBufferPointer<SessionRuntime>) -> (shown: Int, anyWanting: Bool) {
        var shown = 0
        var anyWanting = false
        for p in 0..<plugged.count where !sessions[plugged[p]].reached {
            anyWanting = true
            if sessions[plugged[p]].plugIn <= t { shown += 1 }
        }
        guard let blank = views.first ?? placeholderView() else { return (shown, anyWanting) }
        let old = views.count
        if views.count < shown {
            views.append(contentsOf: repeatElement(blank, count: shown - views.count))
            viewSlots.append(contentsOf: repeatElement(-1, count: shown - viewSlots.count))
        }
        let size = views.count
        views.withUnsafeMutableBufferPointer { vb in
        viewSlots.withUnsafeMutableBufferPointer { viewSlots in
            let base = vb.baseAddress!
            // Compaction. Invariant: [0, kept) and [r, size) initialized, [kept, r) not.
            // Every old view's session was shown at an earlier tick (plugged in by then): it is
            // still shown if still open and not at its target.
            var kept = 0
            var r = 0
            while r < size {
                let slot = viewSlots[r]
                guard r < old, slot >= 0, sessions[slot].open, !sessions[slot].reached else {
                    (base + r).deinitialize(count: 1)
                    r += 1
                    continue
                }
                var e = r + 1
                while e < old, viewSlots[e] >= 0, sessions[viewSlots[e]].open, !sessions[viewSlots[e]].reached { e += 1 }
                if kept != r {
                    (base + kept).moveInitialize(from: base + r, count: e - r)
                    for j in r..<e { viewSlots[kept + j - r] = viewSlots[j] }
                }
                kept += e - r
                r = e
            }
            // Spread, backward so kept views only move right. Invariant: [0, i] holds the kept views
            // not yet placed, [i + 1, i + run] the run matched to [k + 1, k + run] (moved as one
            // block when it ends), and (k + run, shown) the final views; the rest is uninitialized.
            var i = kept - 1
            var k = shown - 1
            var p = plugged.count - 1
            var run = 0
            func flushRun() {
                if run > 0, i != k { (base + k + 1).moveInitialize(from: base + i + 1, count: run) }
                run = 0
            }
            while k >= 0 {
                let slot = plugged[p]
                p -= 1
                if !Self.isShown(sessions[slot], at: t) { continue }
                if i >= 0 && viewSlots[i] == slot {
                    viewSlots[k] = slot  // k > i, or k == i: no slot still to be read is overwritten
                    run += 1
                    i -= 1
                } else {
                    flushRun()
                    (base + k).initialize(to: blank)
                    viewSlots[k] = -1
                }
                k -= 1
            }
            flushRun()
            // Kept views are a subset of the shown ones, in the same order: all are placed.
            precondition(i == -1, "views out of step with plugged sessions")
            if shown < size { (base + shown).initialize(repeating: blank, count: size - shown) }
        }
        }
        return (shown, anyWanting)
    }

    /// A view to grow the buffer with (overwritten before use).
    func placeholderView() -> SessionView? {
        SessionView(sessionID: 0, vehicleIndex: -1, chargerIndex: -1, cabinetIndex: -1, vehicleID: "", chargerID: "",
                    arrival: 0, departure: 0, soc: 0, targetSOC: 0, energyWantedKWh: 0, maxKW: 0, chargerMaxKW: 0,
                    vehicleMaxKW: 0, efficiency: 1, capacityKWh: 0, energyLimitedKW: 0)
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
        views.withUnsafeBufferPointer { views in
        requests.withUnsafeMutableBufferPointer { requests in
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
                    if sum > cap * (1 + 1e-12) + 1e-12 { countClamp(i) }
                }
            }
        }
        if !cabinetSums.isEmpty {
            cabinetSums.withUnsafeMutableBufferPointer { cabinetSums in
                for c in cabinetSums.indices { cabinetSums[c] = 0 }
                for i in 0..<n where views[i].cabinetIndex >= 0 { cabinetSums[views[i].cabinetIndex] += requests[i] }
                // One pass: cabinetSums becomes each cabinet's scale factor (1 when within its limit).
                for c in cabinetSums.indices {
                    let sum = cabinetSums[c]
                    cabinetSums[c] = sum > cabinetMaxKW[c] ? (sum > cabinetMaxKW[c] * (1 + 1e-12) ? -cabinetMaxKW[c] / sum : cabinetMaxKW[c] / sum) : 1
                }
                for i in 0..<n where views[i].cabinetIndex >= 0 && requests[i] > 0 {
                    let f = cabinetSums[views[i].cabinetIndex]
                    if f == 1 { continue }
                    let scale = abs(f)
                    total -= requests[i] * (1 - scale)
                    requests[i] *= scale
                    if f < 0 { countClamp(i) }  // negative marks a cut beyond rounding
                }
            }
        }
        if total > headroomKW {
            let f = headroomKW / total
            let counts = total > headroomKW * (1 + 1e-12) + 1e-12
            for i in 0..<n where requests[i] > 0 {
                requests[i] *= f
                if counts { countClamp(i) }
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

    /// The scheduled instant a session reaches its target: snap rounding, stop, free the charger if
    /// someone waits.
    func targetReached(slot: Int, generation: Int32) {
        guard slot < sessions.count else { return }
        let s = sessions[slot]
        guard s.open, s.generation == generation, s.powerKW > 0 else { return }
        sync(slot, to: now)
        if !sessions[slot].reached {
            let v = s.vehicle
            let ti = vehicles[v].typeIndex
            let gap = s.targetSOC - vehicles[v].soc
            intervalDrawnKWh += max(0, gap) * capacities[ti] / efficiencies[ti]
            if gap > 0 {
                // Rounding left the SOC a hair short of a target the closed form reaches now.
                let drawn = gap * capacities[ti] / efficiencies[ti]
                vehicles[v].soc = s.targetSOC
                vehicles[v].drawnKWh += drawn
                sessions[slot].drawnKWh += drawn
            }
            sessions[slot].reached = true
            sessions[slot].chargeEnd = now
        }
        finishCharging(slot)
    }

    /// A session at its target stops drawing; a waiting vehicle takes the charger.
    func finishCharging(_ slot: Int) {
        sessions[slot].powerKW = 0
        sessions[slot].generation &+= 1
        let v = sessions[slot].vehicle
        vehicles[v].state = .ready
        record(.targetReached, vehicle: v)
        if queuedCount > 0 {
            let charger = sessions[slot].charger
            if let next = dequeue(forCharger: charger) {
                closeSession(slot)
                plug(next, charger: charger)
            }
        }
    }

    /// Closes open sessions at the end of the run and books the last month's demand charge.
    func finish() {
        if isFinished { return }
        now = scenario.end
        bookInterval(to: scenario.end)
        for slot in plugged.reversed() { closeSession(slot, recordEvent: false) }
        demandCost += monthPeakKW * scenario.tariff.demandChargePerKW
        monthPeakKW = 0
        isFinished = true
    }
}
