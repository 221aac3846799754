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
        give(sessions, inOrder: order, headroomKW: headroomKW, powerKW: &powerKW)
    }

    /// Gives each session in `order` the most it may (`usefulKW`) within the headroom left.
    static func give(_ sessions: [SessionView], inOrder order: [Int], headroomKW: Double, powerKW: inout [Double]) {
        resize(&powerKW, sessions.count)
        var left = max(0, headroomKW)
        for i in order {
            let p = min(sessions[i].usefulKW, left)
            let give = max(0, p)
            powerKW[i] = give
            left -= give
        }
    }

    /// Sorts session indices by (key, index) starting from the previous call's order, matched by
    /// `sessionID`: the order changes little between ticks, so an insertion sort is about linear.
    /// The result is the same as a full sort (the comparison is a strict total order); it falls back
    /// to one when keys are NaN, ids are unusable, or the order moved a lot.
    struct WarmOrder {
        private var previousIDs: [Int] = []
        private var indexByID: [Int32] = []

        mutating func sort(_ sessions: [SessionView], keys: [Double], into order: inout [Int]) {
            let n = sessions.count
            order.removeAll(keepingCapacity: true)
            var usable = true
            var maxID = 0
            // Indexing reads one field; iterating would copy each view (and retain its strings).
            for i in 0..<n {
                let id = sessions[i].sessionID
                if id <= 0 || id > 1 << 30 { usable = false; break }
                if id > maxID { maxID = id }
            }
            for k in keys where k.isNaN { usable = false; break }
            if usable, maxID >= indexByID.count {
                indexByID.append(contentsOf: repeatElement(-1, count: maxID + 1 - indexByID.count + 1024))
            }
            if usable {
                for i in 0..<n {
                    let id = sessions[i].sessionID
                    if indexByID[id] >= 0 { usable = false }  // duplicate ids
                    indexByID[id] = Int32(i)
                }
                if usable {
                    for id in previousIDs where id < indexByID.count {
                        let i = indexByID[id]
                        if i >= 0 { order.append(Int(i)); indexByID[id] = -2 }
                    }
                    for i in 0..<n where indexByID[sessions[i].sessionID] >= 0 { order.append(i) }
                }
                for i in 0..<n { indexByID[sessions[i].sessionID] = -1 }
                if usable {
                    usable = keys.withUnsafeBufferPointer { k in
                        order.withUnsafeMutableBufferPointer { o in Self.insertionSort(o, keys: k, budget: 16 * n + 4096) }
                    }
                }
            }
            if !usable {
                order.removeAll(keepingCapacity: true)
                order.append(contentsOf: 0..<n)
                keys.withUnsafeBufferPointer { k in
                    order.sort { a, b in k[a] < k[b] || (k[a] == k[b] && a < b) }
                }
            }
            previousIDs.removeAll(keepingCapacity: true)
            for i in order { previousIDs.append(sessions[i].sessionID) }
        }

        /// False when more than `budget` moves were needed (the order is then left partly sorted).
        static func insertionSort(_ o: UnsafeMutableBufferPointer<Int>, keys k: UnsafeBufferPointer<Double>, budget: Int) -> Bool {
            var moves = 0
            var i = 1
            while i < o.count {
                let x = o[i], kx = k[x]
                var j = i
                while j > 0 {
                    let y = o[j - 1], ky = k[y]
                    if kx < ky || (kx == ky && x < y) { o[j] = y; j -= 1; moves += 1 } else { break }
                }
                o[j] = x
                if moves > budget { return false }
                i += 1
            }
            return true
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
