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
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: 0..<n)
        keys.withUnsafeBufferPointer { k in
            order.sort { a, b in k[a] < k[b] || (k[a] == k[b] && a < b) }
        }
        var left = GroupLeft()
        give(sessions, inOrder: order, headroomKW: headroomKW, limits: limits, left: &left, powerKW: &powerKW)
    }

    /// kW left per dispenser and cabinet during a sorted pass (scratch, reused between ticks).
    ///
    /// Each array has one slot more than there are groups, +infinity, for the sessions whose
    /// dispenser or cabinet is not limited: `min(p, +inf)` is `p` to the bit (`min` keeps its first
    /// argument unless the second is smaller, NaN included), so `give` needs no branch per group and
    /// gives exactly what skipping the group would.
    struct GroupLeft {
        var charger: [Double] = []
        var cabinet: [Double] = []
        /// The limits `chargerFull` and `cabinetFull` were made from, held (not copied) to recognize
        /// them: a buffer another array shares is never written in place (copy on write), so the
        /// same buffer next tick holds the same values.
        private var source = GroupLimits.none
        /// Each group's limit clamped (`max(0, limit)`) and the +infinity slot: what a reset copies
        /// into `charger` and `cabinet` (one `memcpy`, about 0.1 instruction a group, while the
        /// limits stay the same buffers, as the engine's do for a whole run).
        private var chargerFull: [Double] = [.infinity]
        private var cabinetFull: [Double] = [.infinity]

        /// Sets each group's kW left to its limit (never negative) and the extra slots to +infinity.
        /// All groups at once when they are not many more than the sessions (a copy of the clamped
        /// limits), else only those of the sessions present: O(n), not O(groups).
        mutating func reset(_ limits: GroupLimits, for sv: UnsafeBufferPointer<SessionView>) {
            let chargers = limits.chargerMaxKW.count, cabinets = limits.cabinetMaxKW.count
            if !Self.sameBuffer(limits.chargerMaxKW, source.chargerMaxKW)
                || !Self.sameBuffer(limits.cabinetMaxKW, source.cabinetMaxKW) {
                chargerFull = limits.chargerMaxKW.map { max(0, $0) } + [.infinity]
                cabinetFull = limits.cabinetMaxKW.map { max(0, $0) } + [.infinity]
                source = limits
            }
            if charger.count != chargers + 1 { charger = Array(repeating: 0, count: chargers + 1) }
            if cabinet.count != cabinets + 1 { cabinet = Array(repeating: 0, count: cabinets + 1) }
            chargerFull.withUnsafeBufferPointer { chargerFull in
            cabinetFull.withUnsafeBufferPointer { cabinetFull in
            charger.withUnsafeMutableBufferPointer { chargerLeft in
            cabinet.withUnsafeMutableBufferPointer { cabinetLeft in
                if chargers + cabinets <= 16 * sv.count {
                    Self.copy(chargerFull, to: chargerLeft)
                    Self.copy(cabinetFull, to: cabinetLeft)
                } else {
                    for i in 0..<sv.count {
                        let c = sv[i].chargerIndex
                        if c >= 0 && c < chargers { chargerLeft[c] = chargerFull[c] }
                        let k = sv[i].cabinetIndex
                        if k >= 0 && k < cabinets { cabinetLeft[k] = cabinetFull[k] }
                    }
                    chargerLeft[chargers] = .infinity
                    cabinetLeft[cabinets] = .infinity
                }
            }
            }
            }
            }
        }

        /// True when `a` and `b` are the same values because they are the same buffer (or empty).
        private static func sameBuffer(_ a: [Double], _ b: [Double]) -> Bool {
            guard a.count == b.count else { return false }
            if a.isEmpty { return true }
            return a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress } }
        }

        /// Copies `from` over `to` (the same count) as raw memory: one `memcpy`.
        private static func copy(_ from: UnsafeBufferPointer<Double>, to: UnsafeMutableBufferPointer<Double>) {
            UnsafeMutableRawPointer(to.baseAddress!).copyMemory(from: from.baseAddress!,
                                                               byteCount: from.count * MemoryLayout<Double>.stride)
        }
    }

    /// Gives each session in `order` (a permutation of the indices) the most it may within the
    /// site headroom, its dispenser's and its cabinet's kW left.
    static func give(_ sessions: [SessionView], inOrder order: [Int], headroomKW: Double, limits: GroupLimits,
                     left groups: inout GroupLeft, powerKW: inout [Double]) {
        let n = sessions.count
        // Every element is written below: only the count changes, no fill pass.
        if powerKW.count > n { powerKW.removeLast(powerKW.count - n) }
        if powerKW.count < n { powerKW.append(contentsOf: repeatElement(0, count: n - powerKW.count)) }
        let chargers = limits.chargerMaxKW.count, cabinets = limits.cabinetMaxKW.count
        sessions.withUnsafeBufferPointer { sv in
        groups.reset(limits, for: sv)
        order.withUnsafeBufferPointer { order in
        powerKW.withUnsafeMutableBufferPointer { out in
        groups.charger.withUnsafeMutableBufferPointer { chargerLeft in
        groups.cabinet.withUnsafeMutableBufferPointer { cabinetLeft in
            var left = max(0, headroomKW)
            guard !limits.isEmpty else {
                // No groups: every session is given `max(0, min(usefulKW, left))`, even after the site
                // is used up (a negative or NaN `usefulKW` then gives itself clamped, not a plain 0).
                for i in order {
                    let give = max(0, min(sv[i].usefulKW, left))
                    out[i] = give
                    left -= give
                }
                return
            }
            var o = 0
            while o < order.count {
                let i = order[o]
                o &+= 1
                // Unsigned: a negative index is out of range too; those not limited take the extra slot.
                let c = sv[i].chargerIndex, k = sv[i].cabinetIndex
                let charger = UInt(bitPattern: c) < UInt(chargers) ? c : chargers
                let cabinet = UInt(bitPattern: k) < UInt(cabinets) ? k : cabinets
                // With one session per dispenser and no cabinet the extra minima never bind, so the
                // result is bit-identical to the site-only pass.
                // Read once: the two arrays are distinct, so a write to one never changes the other.
                let chargerKW = chargerLeft[charger], cabinetKW = cabinetLeft[cabinet]
                let p = min(min(min(sv[i].usefulKW, left), chargerKW), cabinetKW)
                let give = max(0, p)
                out[i] = give
                left -= give
                chargerLeft[charger] = chargerKW - give
                cabinetLeft[cabinet] = cabinetKW - give
                // The site is used up (a session took exactly what was left): everyone after gets 0.
                if left == 0 { break }
            }
            while o < order.count { out[order[o]] = 0; o &+= 1 }
        }
        }
        }
        }
        }
    }

    /// Sorts session indices by (key, index) starting from the previous call's order, matched by
    /// `sessionID`: the order changes little between ticks, so sorting it is about linear.
    /// The result is the same as a full sort (the comparison is a strict total order, and the start
    /// is always a permutation of the indices, even with duplicate ids); it falls back to one when
    /// keys are NaN, ids are unusable (negative or above 2^30), or the order moved a lot.
    struct WarmOrder {
        /// The previous call's order as session ids: `previousIDs[0..<previousCount]` (-1 at the
        /// positions `scatter` has taken).
        private var previousIDs: [Int] = []
        private var previousCount = 0
        /// Per session id, its position in the previous order (-1: none). Never cleared: a position
        /// counts only if `previousIDs` holds the id there, so ids that left, were reused or came
        /// twice cost no reset pass.
        private var rankByID: [Int32] = []
        /// Per previous position, this call's index of the session there, then (from
        /// `previousCount` on) the new sessions; -1 where empty. All -1 between calls.
        private var slots: [Int] = []
        /// Scratch for `splitSortMerge`: the second run (then merged with the rest) and the rest.
        private var runB: [Int] = []
        private var runC: [Int] = []

        mutating func sort(_ sessions: [SessionView], keys: [Double], into order: inout [Int]) {
            let n = sessions.count
            // `order` is written through a pointer: sized to `n`, growing or shrinking by the few
            // sessions that came or left, not rebuilt.
            if order.count > n { order.removeLast(order.count - n) }
            if order.count < n { order.append(contentsOf: repeatElement(0, count: n - order.count)) }
            if previousIDs.count < n { previousIDs.append(contentsOf: repeatElement(0, count: n - previousIDs.count)) }
            if slots.count < previousCount + n {
                slots.append(contentsOf: repeatElement(-1, count: previousCount + n - slots.count))
            }
            if runB.count < n {
                runB.append(contentsOf: repeatElement(0, count: n - runB.count))
                runC.append(contentsOf: repeatElement(0, count: n - runC.count))
            }
            var sorted = false
            let used = scatter(sessions)
            if used >= 0 {
                sorted = keys.withUnsafeBufferPointer { k in
                    slots.withUnsafeMutableBufferPointer { slot in
                        order.withUnsafeMutableBufferPointer { o in
                            runB.withUnsafeMutableBufferPointer { b in
                                runC.withUnsafeMutableBufferPointer { c in
                                    let start = UnsafeMutableBufferPointer(rebasing: slot[0..<used])
                                    let done = Self.splitSortMerge(start, into: o, keys: k, b: b, c: c, budget: 16 * n + 4096)
                                    start.update(repeating: -1)
                                    return done
                                }
                            }
                        }
                    }
                }
            }
            if !sorted {
                order.removeAll(keepingCapacity: true)
                order.append(contentsOf: 0..<n)
                keys.withUnsafeBufferPointer { k in
                    order.sort { a, b in k[a] < k[b] || (k[a] == k[b] && a < b) }
                }
            }
            if used >= 0 { remember(sessions, order) } else { previousCount = 0 }
        }

        /// Puts each session index into `slots`: at its previous position when the previous order
        /// holds its id there (once: a second session with that id counts as new), else after the
        /// previous positions, in index order. Returns how many slots that spans (holes, -1, are
        /// sessions that left), or -1 when an id is negative or above 2^30 (too large to index by;
        /// `slots` is then left all -1). Every index is placed exactly once, so the slots read in
        /// order are a permutation of `0..<n` whatever the ids.
        private mutating func scatter(_ sessions: [SessionView]) -> Int {
            let n = sessions.count, previous = UInt(bitPattern: previousCount)
            var i = 0, next = previousCount
            while i < n {
                // Indexing reads one field; iterating would copy each view (and retain its strings).
                i = sessions.withUnsafeBufferPointer { sv in
                    rankByID.withUnsafeBufferPointer { rank in
                        previousIDs.withUnsafeMutableBufferPointer { prev in
                            slots.withUnsafeMutableBufferPointer { slot in
                                let ranked = UInt(bitPattern: rank.count)
                                var i = i
                                while i < n {
                                    let id = sv[i].sessionID
                                    if UInt(bitPattern: id) >= ranked { break }  // `rankByID` grown below
                                    let r = Int(rank[id])
                                    // Unsigned, -1 (not seen yet) is out of range too. A position is
                                    // taken once: its id is then cleared (-1, never an id), so a second
                                    // session with that id counts as new.
                                    if UInt(bitPattern: r) < previous, prev[r] == id {
                                        slot[r] = i
                                        prev[r] = -1
                                    } else {
                                        slot[next] = i
                                        next &+= 1
                                    }
                                    i &+= 1
                                }
                                return i
                            }
                        }
                    }
                }
                if i < n {
                    let id = sessions[i].sessionID
                    guard id >= 0, id <= 1 << 30 else {
                        slots.withUnsafeMutableBufferPointer { UnsafeMutableBufferPointer(rebasing: $0[0..<next]).update(repeating: -1) }
                        return -1
                    }
                    rankByID.append(contentsOf: repeatElement(-1, count: id + 1 - rankByID.count + 1024))
                }
            }
            return next
        }

        /// Stores `order` as the next call's previous order (its ids are in `rankByID`'s range).
        private mutating func remember(_ sessions: [SessionView], _ order: [Int]) {
            let n = order.count
            sessions.withUnsafeBufferPointer { sv in
                order.withUnsafeBufferPointer { o in
                    previousIDs.withUnsafeMutableBufferPointer { prev in
                        rankByID.withUnsafeMutableBufferPointer { rank in
                            for j in 0..<n {
                                let id = sv[o[j]].sessionID
                                prev[j] = id
                                rank[id] = Int32(truncatingIfNeeded: j)
                            }
                        }
                    }
                }
            }
            previousCount = n
        }

        /// Sorts the indices in `start` (the previous order then new sessions; negative entries are
        /// holes, skipped) by (key, index) into `o`.
        ///
        /// Under LLF the keys do not move together: a session charging at its vehicle's maximum keeps
        /// its laxity, one not charging loses the whole step, so each of the latter overtakes the
        /// many of the former it catches up with (about ten moves each in an insertion sort). Both
        /// kinds stay in order among themselves, so `start` is split greedily into two ascending runs
        /// (A, written to the front of `o`, and B) and the rest (C, few: sessions charging part of
        /// the step, new ones); C is insertion-sorted and B, then C, are merged into `o` in place,
        /// from the back, in linear time. False when C took more than `budget` moves or a key is NaN
        /// (`o` is then unusable).
        static func splitSortMerge(_ start: UnsafeMutableBufferPointer<Int>, into o: UnsafeMutableBufferPointer<Int>,
                                   keys k: UnsafeBufferPointer<Double>, b: UnsafeMutableBufferPointer<Int>,
                                   c: UnsafeMutableBufferPointer<Int>, budget: Int) -> Bool {
            var na = 0, nb = 0, nc = 0
            // The last of A and of B, held in registers; (-inf, Int.min) is below every (key, index)
            // not NaN, so the first goes to A and the next not above it to B.
            var lastA = Int.min, keyA = -Double.infinity, lastB = Int.min, keyB = -Double.infinity
            for j in 0..<start.count {
                let x = start[j]
                if x < 0 { continue }
                let kx = k[x]
                if kx > keyA || (kx == keyA && x > lastA) { o[na] = x; na &+= 1; lastA = x; keyA = kx }
                else if kx > keyB || (kx == keyB && x > lastB) { b[nb] = x; nb &+= 1; lastB = x; keyB = kx }
                else { c[nc] = x; nc &+= 1 }
            }
            // A NaN key fails both comparisons above, so every NaN is in C: checking C is enough.
            for j in 0..<nc where k[c[j]].isNaN { return false }
            let rest = UnsafeMutableBufferPointer(rebasing: c[0..<nc])
            if nc > 48 {
                // Many new sessions at once (buses back together): O(C log C), not O(C^2) moves.
                // B's buffer has room for C after B until C is merged into it.
                mergeSort(rest, spare: UnsafeMutableBufferPointer(rebasing: b[nb..<nb + nc]), keys: k)
            } else {
                guard insertionSort(rest, keys: k, budget: budget) else { return false }
            }
            // B and C (few) first, in B's buffer (room for both), so A's tail moves once, not twice.
            mergeBack(b, count: nb, UnsafeBufferPointer(rebasing: c[0..<nc]), keys: k)
            mergeBack(o, count: na, UnsafeBufferPointer(rebasing: b[0..<nb + nc]), keys: k)
            return true
        }

        /// Merges the run sorted by (key, index) at `out[0..<count]` with the sorted run `b` into
        /// `out[0..<count + b.count]`, from the back: a write at `m` never overtakes the read at
        /// `i <= m`, and once `b` is used up the rest of the first run is already in place. The
        /// (key, index) order is strict (indices differ), so the result is the one sorted order.
        static func mergeBack(_ out: UnsafeMutableBufferPointer<Int>, count: Int, _ b: UnsafeBufferPointer<Int>,
                              keys k: UnsafeBufferPointer<Double>) {
            var i = count &- 1, j = b.count &- 1, m = count &+ b.count &- 1
            if j >= 0 && i >= 0 {
                // b's current element stays in registers while the first run's larger ones move up
                // (most steps: b is the shorter run).
                var y = b[j], ky = k[y]
                while true {
                    let x = out[i], kx = k[x]
                    if kx > ky || (kx == ky && x > y) {
                        out[m] = x
                        m &-= 1
                        i &-= 1
                        if i < 0 { break }
                    } else {
                        out[m] = y
                        m &-= 1
                        j &-= 1
                        if j < 0 { break }
                        y = b[j]
                        ky = k[y]
                    }
                }
            }
            while j >= 0 { out[m] = b[j]; j &-= 1; m &-= 1 }
        }

        /// Sorts `o` (no NaN keys) by (key, index), `spare` (at least `(o.count + 1) / 2` long) as scratch: an
        /// insertion sort up to 16 elements, else a merge sort of two halves, whose merge is skipped
        /// when they are already in order.
        static func mergeSort(_ o: UnsafeMutableBufferPointer<Int>, spare: UnsafeMutableBufferPointer<Int>,
                              keys k: UnsafeBufferPointer<Double>) {
            let n = o.count
            if n <= 16 { _ = insertionSort(o, keys: k, budget: .max); return }
            let h = n / 2
            mergeSort(UnsafeMutableBufferPointer(rebasing: o[0..<h]), spare: spare, keys: k)
            mergeSort(UnsafeMutableBufferPointer(rebasing: o[h..<n]), spare: spare, keys: k)
            let x = o[h &- 1], y = o[h]
            if k[x] < k[y] || (k[x] == k[y] && x < y) { return }
            // The second half moves to `spare` and merges back in from the end (`mergeBack`).
            for j in h..<n { spare[j &- h] = o[j] }
            mergeBack(o, count: h, UnsafeBufferPointer(rebasing: spare[0..<n &- h]), keys: k)
        }

        /// Sorts `o` by (key, index); false when more than `budget` moves were needed (the order is
        /// then left partly sorted). Each element's place is found by binary search (C tends to come
        /// in descending order, so a linear search would compare with every element it passes).
        static func insertionSort(_ o: UnsafeMutableBufferPointer<Int>, keys k: UnsafeBufferPointer<Double>, budget: Int) -> Bool {
            var moves = 0
            var i = 1
            while i < o.count {
                let x = o[i], kx = k[x]
                // Most of C is in order already: above the last placed, x stays where it is.
                let last = o[i &- 1], kLast = k[last]
                if kx > kLast || (kx == kLast && x > last) { i &+= 1; continue }
                // The first of o[0..<i - 1] above x (o[i - 1] is): o[0..<i] is sorted, (key, index)
                // a strict order.
                var lo = 0, hi = i &- 1
                while lo < hi {
                    let mid = (lo &+ hi) >> 1, y = o[mid], ky = k[y]
                    if kx < ky || (kx == ky && x < y) { hi = mid } else { lo = mid &+ 1 }
                }
                // o[lo..<i] moves up one: element by element when few, else as one block (memmove;
                // the regions overlap), as new sessions arriving together move many.
                if i &- lo <= 16 {
                    var j = i
                    while j > lo { o[j] = o[j &- 1]; j &-= 1 }
                } else {
                    let base = o.baseAddress!
                    UnsafeMutableRawPointer(base + lo + 1).copyMemory(from: base + lo,
                                                                      byteCount: (i &- lo) * MemoryLayout<Int>.stride)
                }
                o[lo] = x
                moves &+= i &- lo
                if moves > budget { return false }
                i &+= 1
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
        sessions.withUnsafeBufferPointer { sv in
            keys.withUnsafeMutableBufferPointer { out in
                switch key {
                case .arrival: for i in 0..<sv.count { out[i] = sv[i].arrival }
                case .departure: for i in 0..<sv.count { out[i] = sv[i].departure }
                case .laxity: for i in 0..<sv.count { out[i] = sv[i].laxityS(now: now) }
                }
            }
        }
    }
}
