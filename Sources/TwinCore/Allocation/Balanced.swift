extension Allocation {
    /// Spreads each session's energy evenly to its departure: the lowest constant power that
    /// delivers what is still wanted by then (capped at `maxKW`). If the total exceeds the
    /// headroom, all are scaled down in proportion.
    ///
    /// With `limits`, when a dispenser's or cabinet's sessions together want more than it has, the
    /// sessions get the same fraction of what they want, as high as the nested limits allow
    /// (progressive filling weighted by the wanted power, at most 1): a full group's sessions are
    /// scaled within the group, and what the site has left goes to the others, never above what
    /// they want. Without a binding dispenser or cabinet this is the proportional site scaling.
    /// - Complexity: O(n); O(n log n + (n + g) g) when g dispensers or cabinets can bind.
    public static func balanced(_ sessions: [SessionView], now: Double, headroomKW: Double, limits: GroupLimits = .none,
                                powerKW: inout [Double]) {
        var scratch = FillScratch()
        balanced(sessions, now: now, headroomKW: headroomKW, limits: limits, powerKW: &powerKW, scratch: &scratch)
    }

    static func balanced(_ sessions: [SessionView], now: Double, headroomKW: Double, limits: GroupLimits,
                         powerKW: inout [Double], scratch: inout FillScratch) {
        resize(&powerKW, sessions.count)
        var total = 0.0
        for i in sessions.indices {
            let hours = (sessions[i].departure - now) / 3600
            let need = sessions[i].energyWantedKWh / sessions[i].efficiency
            let p = hours > 0 ? need / hours : sessions[i].maxKW
            powerKW[i] = max(0, min(p, sessions[i].maxKW))
            total += powerKW[i]
        }
        if !limits.isEmpty {
            scratch.cap.removeAll(keepingCapacity: true)
            scratch.weight.removeAll(keepingCapacity: true)
            for i in sessions.indices {
                let p = powerKW[i].isNaN ? 0 : powerKW[i]
                scratch.cap.append(p)
                scratch.weight.append(p)
            }
            if nestedFill(sessions, headroomKW: headroomKW, limits: limits, scratch: &scratch, powerKW: &powerKW) { return }
        }
        let headroom = max(0, headroomKW)
        if total > headroom, total > 0 {
            let f = headroom / total
            for i in sessions.indices { powerKW[i] *= f }
        }
    }

    /// Balanced allocation returning a fresh array.
    public static func balanced(_ sessions: [SessionView], now: Double, headroomKW: Double,
                                limits: GroupLimits = .none) -> [Double] {
        var out: [Double] = []
        balanced(sessions, now: now, headroomKW: headroomKW, limits: limits, powerKW: &out)
        return out
    }
}
