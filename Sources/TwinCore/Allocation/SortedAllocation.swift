extension Allocation {
    /// Sorted allocation: sessions in ascending `keys` order (ties keep the sessions' order) each get
    /// the most they may: min(`usefulKW`, site headroom left, its dispenser's kW left, its cabinet's
    /// kW left). FCFS, EDF and LLF are this with a different key.
    ///
    /// - Parameters:
    ///   - sessions: the tick's sessions.
    ///   - keys: one sort key per session.
    ///   - headroomKW: total power available, kW.
    ///   - limits: dispenser and cabinet limits (`PolicyContext.limits`); `.none`: the site only.
    ///   - powerKW: output, aligned with `sessions`.
    ///   - order: scratch buffer reused between calls to avoid allocating.
    /// - Complexity: O(n log n).
    public static func sorted(_ sessions: [SessionView], keys: [Double], headroomKW: Double, limits: GroupLimits = .none,
                              powerKW: inout [Double], order: inout [Int]) {
        let n = sessions.count
        resize(&powerKW, n)
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: 0..<n)
        keys.withUnsafeBufferPointer { k in
            order.sort { a, b in k[a] < k[b] || (k[a] == k[b] && a < b) }
        }
        var left = GroupLeft()
        give(sessions, inOrder: order, headroomKW: headroomKW, limits: limits, left: &left, powerKW: &powerKW)
    }

    /// kW left per dispenser and cabinet during a sorted pass (scratch, reused between ticks).
    struct GroupLeft {
        var charger: [Double] = []
        var cabinet: [Double] = []
    }

    /// Gives each session in `order` the most it may within the site headroom, its dispenser's and
    /// its cabinet's kW left.
    static func give(_ sessions: [SessionView], inOrder order: [Int], headroomKW: Double, limits: GroupLimits,
                     left groups: inout GroupLeft, powerKW: inout [Double]) {
        resize(&powerKW, sessions.count)
        var left = max(0, headroomKW)
        if limits.isEmpty {
            for i in order {
                let p = min(sessions[i].usefulKW, left)
                let give = max(0, p)
                powerKW[i] = give
                left -= give
            }
            return
        }
        if groups.charger.count < limits.chargerMaxKW.count {
            groups.charger.append(contentsOf: repeatElement(0, count: limits.chargerMaxKW.count - groups.charger.count))
        }
        if groups.cabinet.count < limits.cabinetMaxKW.count {
            groups.cabinet.append(contentsOf: repeatElement(0, count: limits.cabinetMaxKW.count - groups.cabinet.count))
        }
        // Only the groups present are reset: O(n), not O(chargers).
        for i in sessions.indices {
            let c = limits.charger(sessions[i].chargerIndex)
            if c >= 0 { groups.charger[c] = max(0, limits.chargerMaxKW[c]) }
            let k = limits.cabinet(sessions[i].cabinetIndex)
            if k >= 0 { groups.cabinet[k] = max(0, limits.cabinetMaxKW[k]) }
        }
        for i in order {
            // With one session per dispenser and no cabinet the extra minima never bind, so the
            // result is bit-identical to the site-only pass.
            var p = min(sessions[i].usefulKW, left)
            let c = limits.charger(sessions[i].chargerIndex)
            if c >= 0 { p = min(p, groups.charger[c]) }
            let k = limits.cabinet(sessions[i].cabinetIndex)
            if k >= 0 { p = min(p, groups.cabinet[k]) }
            let give = max(0, p)
            powerKW[i] = give
            left -= give
            if c >= 0 { groups.charger[c] -= give }
            if k >= 0 { groups.cabinet[k] -= give }
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
    public static func sorted(_ sessions: [SessionView], keys: [Double], headroomKW: Double,
                              limits: GroupLimits = .none) -> [Double] {
        var out: [Double] = []
        var order: [Int] = []
        sorted(sessions, keys: keys, headroomKW: headroomKW, limits: limits, powerKW: &out, order: &order)
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
