extension Allocation {
    /// Spreads each session's energy evenly to its departure: the lowest constant power that
    /// delivers what is still wanted by then (capped at `maxKW`). If the total exceeds the
    /// headroom, all are scaled down in proportion.
    /// - Complexity: O(n).
    public static func balanced(_ sessions: [SessionView], now: Double, headroomKW: Double,
                                powerKW: inout [Double]) {
        resize(&powerKW, sessions.count)
        var total = 0.0
        for i in sessions.indices {
            let s = sessions[i]
            let hours = (s.departure - now) / 3600
            let need = s.energyWantedKWh / s.efficiency
            let p = hours > 0 ? need / hours : s.maxKW
            powerKW[i] = max(0, min(p, s.maxKW))
            total += powerKW[i]
        }
        let headroom = max(0, headroomKW)
        if total > headroom, total > 0 {
            let f = headroom / total
            for i in sessions.indices { powerKW[i] *= f }
        }
    }

    /// Balanced allocation returning a fresh array.
    public static func balanced(_ sessions: [SessionView], now: Double, headroomKW: Double) -> [Double] {
        var out: [Double] = []
        balanced(sessions, now: now, headroomKW: headroomKW, powerKW: &out)
        return out
    }
}
