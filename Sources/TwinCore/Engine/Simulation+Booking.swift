import Foundation

extension Simulation {
    /// Brings every plugged session to `time` and books the interval since the last booking:
    /// its mean load (one load sample), the peak, and the energy cost.
    ///
    /// At a control tick (`refreshStepS`: seconds to the next grid tick) the same pass refreshes
    /// the views of the sessions still charging, in place, from the SOC just integrated: the one
    /// pass over them saves reading every session and vehicle twice per tick.
    func bookInterval(to time: Double, refreshStepS: Double? = nil) {
        reachedBuffer.removeAll(keepingCapacity: true)
        // Views dropped (counted rather than those kept: a drop is rare, and a counter written in
        // the loop at every view costs a load and a store each).
        var dropped = 0
        let refreshing = refreshStepS != nil
        let stepS = refreshStepS ?? 0
        let stepChanged = stepS != lastViewStepS
        let n = viewSlots.count
        // Only sessions the last control gave power can have drawn since (later plug-ins start at
        // 0 kW; closed sessions were brought up to date when they closed).
        withHotTables { tables in
        sessions.withUnsafeMutableBufferPointer { ses in
        vehicles.withUnsafeMutableBufferPointer { veh in
        views.withUnsafeMutableBufferPointer { views in
        viewSlots.withUnsafeMutableBufferPointer { viewSlots in
        hot.withUnsafeMutableBufferPointer { hot in
        viewPos.withUnsafeMutableBufferPointer { viewPos in
            // Copies of the buffers (the closures get them inout): held in registers, they are not
            // reloaded from memory at every view after each call or write the loop makes.
            let (ses, veh, views, viewSlots, hot, viewPos) = (ses, veh, views, viewSlots, hot, viewPos)
            for i in 0..<n {
                if !hot[i].fresh {
                    // The records hold the session (an event released it since the last tick).
                    let slot = viewSlots[i]
                    if !ses[slot].open || ses[slot].reached {
                        // Closed or at its target: `sync` only moves its clock; no longer shown.
                        if sync(slot, to: time, ses, veh, tables) { reachedBuffer.append(slot) }
                        if refreshing {
                            viewSlots[i] = -1
                            dropped += 1
                        }
                        continue
                    }
                    hot[i] = Self.loadHot(slot, ses, veh)
                    viewPos[slot] = Int32(i)
                }
                if syncHot(&hot[i], to: time, ses, tables) {
                    // At its target: it leaves the views, its records take over.
                    let slot = viewSlots[i]
                    hot[i].fresh = false
                    viewPos[slot] = -1
                    Self.writeBack(hot[i], reached: true, ses, veh)
                    reachedBuffer.append(slot)
                    if refreshing {
                        viewSlots[i] = -1
                        dropped += 1
                    }
                    continue
                }
                // Kept: open and not at its target (a fresh entry always is).
                if !refreshing { continue }
                let ti = Int(hot[i].typeIndex)
                if !(hot[i].powerKW > 0), !(views[i].soc < tables.curveRiseEndSOC[ti]) {
                    // Given no power since its view was computed (last tick), the session has the
                    // same SOC (the view's), energy wanted and curve power; off a rising curve only
                    // the energy-limited power depends on the step (the same expression, same inputs).
                    if stepChanged {
                        views[i].energyLimitedKW = views[i].energyWantedKWh / views[i].efficiency / (stepS / 3600)
                    }
                    continue
                }
                Self.refresh(&views[i], with: Self.viewFigures(
                    soc: hot[i].soc, targetSOC: hot[i].targetSOC, type: ti, charger: views[i].chargerIndex,
                    piece: hot[i].segment, stepS: stepS, tables))
            }
        }
        }
        }
        }
        }
        }
        }
        keptViewCount = refreshing ? n - dropped : 0
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
    /// - Parameter sums: the views' instant and granted kW when the caller summed them already.
    func markBookingStart(sums: (instantKW: Double, grantedKW: Double)? = nil) {
        if let sums {
            bookedInstantKW = sums.instantKW
            bookedGrantedKW = sums.grantedKW
        } else {
            var instant = 0.0, granted = 0.0
            // Through the buffers: indexing `views` on self copied whole views (retaining their strings).
            views.withUnsafeBufferPointer { views in
                viewSlots.withUnsafeBufferPointer { viewSlots in
                    sessions.withUnsafeBufferPointer { sessions in
                        hot.withUnsafeBufferPointer { hot in
                        for i in 0..<viewSlots.count {
                            let kw = hot[i].fresh ? hot[i].powerKW : sessions[viewSlots[i]].powerKW
                            granted += kw
                            instant += min(kw, views[i].vehicleMaxKW)
                        }
                        }
                    }
                }
            }
            bookedInstantKW = instant
            bookedGrantedKW = granted
        }
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
}
