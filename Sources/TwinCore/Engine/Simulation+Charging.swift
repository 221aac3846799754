import Foundation

extension Simulation {
    /// The scheduled instant a session reaches its target: snap rounding, stop, free the charger if
    /// someone waits.
    func targetReached(slot: Int, generation: Int32) {
        guard slot < sessions.count else { return }
        releaseHot(slot: slot)
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
            readyPluggedCount += 1
            sessions[slot].chargeEnd = now
        }
        finishCharging(slot)
        // The others were cut to a shared limit at the last tick: share again now, as a continuous
        // "as fast as allowed, limit shared in proportion" would (reference B variants).
        if sharedLimitBound { requestControl() }
    }

    /// A session at its target stops drawing; a waiting vehicle takes the charger.
    func finishCharging(_ slot: Int) {
        releaseHot(slot: slot)
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
