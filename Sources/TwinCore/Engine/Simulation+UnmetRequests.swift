extension Simulation {
    /// Energy a session asked for beyond what its battery takes up to its target, kWh: > 0 only for
    /// a session-list visit whose request exceeds the battery (`Visit.requestedKWh`).
    func requestBeyondBattery(_ slot: Int) -> Double {
        let s = sessions[slot]
        let extra = s.wantedKWh - (s.targetSOC - s.socIn) * capacities[vehicles[s.vehicle].typeIndex]
        return extra > 1e-9 ? extra : 0
    }

    /// The policy's allocation as ACN-Sim makes it when requests exceed batteries (run only then,
    /// and only for policies that ask: `ChargingPolicy.seesRequestsBeyondBattery`).
    ///
    /// ACN-Sim's algorithms know a session by its request, not its battery: a session asking for
    /// more than its battery holds is capped at (request - delivered) / period, and once its
    /// battery is full it stays in the schedule until it leaves (its remaining demand stays above
    /// 1e-3 kWh), given power it cannot draw, which the others lose. So the policy sees every view
    /// with its energy wanted raised by what lies beyond the battery, and, in their places in
    /// charger order (ties as ACN's EVSE order), the plugged sessions at a full battery with such a
    /// remainder. What these full sessions are given is dropped: the engine only sets the views'.
    /// Simple on purpose (a fresh array a tick); other scenarios never come here.
    func allocateShowingUnmetRequests(_ context: PolicyContext, stepS: Double) throws {
        let stepH = stepS / 3600
        var shown: [SessionView] = []
        shown.reserveCapacity(views.count)
        var viewAt: [Int] = []
        viewAt.reserveCapacity(views.count)
        var k = 0
        // `views` is a subsequence of `plugged`, both in (charger, slot) order.
        for slot in plugged {
            if k < views.count, viewSlots[k] == slot {
                var view = views[k]
                let extra = requestBeyondBattery(slot)
                if extra > 0 {
                    view.energyWantedKWh += extra
                    view.energyLimitedKW = view.energyWantedKWh / view.efficiency / stepH
                }
                viewAt.append(shown.count)
                shown.append(view)
                k += 1
            } else if sessions[slot].open, sessions[slot].reached {
                let extra = requestBeyondBattery(slot)
                guard extra > 1e-3 else { continue }
                let s = sessions[slot]
                let ti = vehicles[s.vehicle].typeIndex
                let soc = vehicles[s.vehicle].soc
                let curveKW = curves[ti].powerKW(atSOC: soc)
                let f = ViewFigures(soc: soc, energyWantedKWh: extra, maxKW: min(chargerMaxKW[s.charger], curveKW),
                                    vehicleMaxKW: curveKW, energyLimitedKW: extra / efficiencies[ti] / stepH)
                shown.append(withHotTables { sessionView(slot: slot, s, type: ti, showing: f, $0) })
            }
        }
        guard k == views.count else {
            // Not the expected order (never seen): the plain allocation.
            assertionFailure("views are not a subsequence of plugged")
            try policy.allocate(context, sessions: views, powerKW: &requests)
            return
        }
        var power = [Double](repeating: 0, count: shown.count)
        try policy.allocate(context, sessions: shown, powerKW: &power)
        for i in 0..<views.count { requests[i] = viewAt[i] < power.count ? power[viewAt[i]] : 0 }
    }
}
