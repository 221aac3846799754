extension Allocation {
    /// Sorted allocation: sessions in ascending `keys` order (ties keep the sessions' order) each get
    /// the most they may within the headroom left. FCFS, EDF and LLF are this with a different key.
    ///
    /// - Parameters:
    ///   - sessions: the tick's sessions.
    ///   - keys: one sort key per session.
    ///   - headroomKW: total power available, kW.
    ///   - powerKW: output, aligned with `sessions`.
    ///   - order: scratch buffer reused between calls to avoid allocating.
    /// - Complexity: O(n log n).
    public static func sorted(_ sessions: [SessionView], keys: [Double], headroomKW: Double,
                              powerKW: inout [Double], order: inout [Int]) {
        let n = sessions.count
        resize(&powerKW, n)
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: 0..<n)
        keys.withUnsafeBufferPointer { k in
            order.sort { a, b in k[a] < k[b] || (k[a] == k[b] && a < b) }
        }
        var left = max(0, headroomKW)
        for i in order {
            let p = min(sessions[i].usefulKW, left)
            let give = max(0, p)
            powerKW[i] = give
            left -= give
        }
    }

    /// Sorted allocation returning a fresh array.
    public static func sorted(_ sessions: [SessionView], keys: [Double], headroomKW: Double) -> [Double] {
        var out: [Double] = []
        var order: [Int] = []
        sorted(sessions, keys: keys, headroomKW: headroomKW, powerKW: &out, order: &order)
        return out
    }

    /// The built-in sort keys.
    public enum SortKey: String, Sendable, CaseIterable {
        /// First come, first served.
        case arrival
        /// Earliest deadline first.
        case departure
        /// Least laxity first.
        case laxity
    }

    /// Fills `keys` with `key` for each session at `now`.
    public static func keys(_ key: SortKey, for sessions: [SessionView], now: Double, into keys: inout [Double]) {
        resize(&keys, sessions.count)
        for i in sessions.indices {
            switch key {
            case .arrival: keys[i] = sessions[i].arrival
            case .departure: keys[i] = sessions[i].departure
            case .laxity: keys[i] = sessions[i].laxityS(now: now)
            }
        }
    }
}
