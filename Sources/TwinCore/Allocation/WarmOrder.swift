import Foundation

extension Allocation {
    /// Sorts session indices by (key, index) starting from the previous call's order: the order
    /// changes little between ticks, so sorting it is about linear.
    ///
    /// The previous order is carried over by index. The engine keeps its views in a fixed order,
    /// removing the sessions that left and inserting the new ones (a few a tick), so one walk over
    /// the previous and the current ids side by side matches them (`match`: no lookup by id,
    /// nothing to reset). The result is the same as a full sort whatever the sessions: the
    /// comparison is a strict total order and the start is always a permutation of the indices
    /// (a session the walk does not match counts as new, even with duplicate or reordered ids).
    /// It falls back to a full sort when keys are NaN or the order moved a lot.
    struct WarmOrder {
        /// The previous call's order, as that call's session indices: `previousOrder[0..<previousCount]`.
        private var previousOrder: [Int] = []
        private var previousCount = 0
        /// Per previous index, that session's id (what `match` walks by).
        private var previousIDs: [Int] = []
        /// The same for this call (filled by `match`), swapped with the previous ones at the end.
        private var currentIDs: [Int] = []
        /// Per previous index, this call's index of that session, -1 if it left.
        private var moved: [Int] = []
        /// This call's indices of the sessions `match` found no previous one for, ascending.
        private var arrived: [Int] = []
        /// Scratch for `splitSortMerge`: the second run (then merged with the rest) and the rest.
        private var runB: [Int] = []
        private var runC: [Int] = []

        /// Writes into `order` the indices of `sessions` sorted by (`keys`, index) and keeps that
        /// order as the next call's start.
        mutating func sort(_ sessions: [SessionView], keys: [Double], into order: inout [Int]) {
            let n = sessions.count
            // `order` is written through a pointer: sized to `n`, growing or shrinking by the few
            // sessions that came or left, not rebuilt.
            if order.count > n { order.removeLast(order.count - n) }
            Self.grow(&order, to: n)
            Self.grow(&currentIDs, to: n)
            Self.grow(&arrived, to: n)
            Self.grow(&runB, to: n)
            Self.grow(&runC, to: n)
            let fresh = match(sessions)
            let sorted = keys.withUnsafeBufferPointer { k in
                previousOrder.withUnsafeBufferPointer { previous in
                moved.withUnsafeBufferPointer { moved in
                arrived.withUnsafeBufferPointer { arrived in
                order.withUnsafeMutableBufferPointer { o in
                runB.withUnsafeMutableBufferPointer { b in
                runC.withUnsafeMutableBufferPointer { c in
                    Self.splitSortMerge(previous: UnsafeBufferPointer(rebasing: previous[0..<previousCount]), moved: moved,
                                        arrived: UnsafeBufferPointer(rebasing: arrived[0..<fresh]), into: o, keys: k,
                                        b: b, c: c, budget: 16 * n + 4096)
                }
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
            remember(order)
        }

        /// Appends zeros to `array` up to `count` elements (never shrinks it).
        private static func grow(_ array: inout [Int], to count: Int) {
            if array.count < count { array.append(contentsOf: repeatElement(0, count: count - array.count)) }
        }

        /// Matches each previous session with this call's by walking both id lists in index order:
        /// runs of equal ids are the same sessions; where they differ, the walk resynchronizes on
        /// the nearest run of up to `window` sessions that left or arrived, else takes the two
        /// sessions there as one that left and one that arrived. Fills `moved`, `arrived`
        /// (returning how many) and `currentIDs`.
        ///
        /// Views in another order only match worse (more sessions count as new): every index is
        /// matched at most once or listed as arrived, so the start is always a permutation.
        private mutating func match(_ sessions: [SessionView]) -> Int {
            let n = sessions.count, old = previousCount, window = 4
            Self.grow(&moved, to: old)
            // Indexing reads one field; iterating would copy each view (and retain its strings).
            return sessions.withUnsafeBufferPointer { sv in
            previousIDs.withUnsafeBufferPointer { previous in
            currentIDs.withUnsafeMutableBufferPointer { current in
            moved.withUnsafeMutableBufferPointer { moved in
            arrived.withUnsafeMutableBufferPointer { arrived in
                var i = 0, j = 0, fresh = 0
                // (Plain loops, no local functions: `i` and `j` stay in registers.)
                while i < n && j < old {
                    // The run of sessions in the same relative place (nearly all): one bound.
                    let run = min(n &- i, old &- j)
                    var r = 0
                    // Two at a time (half the loop's own instructions), then one at a time up to
                    // the first difference.
                    while r &+ 1 < run {
                        let id0 = sv[i &+ r].sessionID, id1 = sv[i &+ r &+ 1].sessionID
                        if id0 != previous[j &+ r] || id1 != previous[j &+ r &+ 1] { break }
                        current[i &+ r] = id0
                        current[i &+ r &+ 1] = id1
                        moved[j &+ r] = i &+ r
                        moved[j &+ r &+ 1] = i &+ r &+ 1
                        r &+= 2
                    }
                    while r < run {
                        let id = sv[i &+ r].sessionID
                        current[i &+ r] = id
                        if id != previous[j &+ r] { break }
                        moved[j &+ r] = i &+ r
                        r &+= 1
                    }
                    i &+= r
                    j &+= r
                    if r == run { break }
                    // Ids differ at (i, j): the nearest resynchronization, by distance: `left`
                    // previous sessions left, `came` new ones arrived.
                    let newID = sv[i].sessionID, oldID = previous[j]
                    var left = 1, came = 1
                    for d in 1...window {
                        if j &+ d < old && previous[j &+ d] == newID { left = d; came = 0; break }
                        if i &+ d < n && sv[i &+ d].sessionID == oldID { left = 0; came = d; break }
                    }
                    for t in j..<j &+ left { moved[t] = -1 }
                    j &+= left
                    for t in i..<i &+ came { current[t] = sv[t].sessionID; arrived[fresh] = t; fresh &+= 1 }
                    i &+= came
                }
                // The rest of either list: sessions that left, or arrived at the end.
                for t in j..<old { moved[t] = -1 }
                for t in i..<n { current[t] = sv[t].sessionID; arrived[fresh] = t; fresh &+= 1 }
                return fresh
            }
            }
            }
            }
            }
        }

        /// Keeps `order` (and this call's ids) as the next call's previous order.
        private mutating func remember(_ order: [Int]) {
            let n = order.count
            swap(&previousIDs, &currentIDs)
            Self.grow(&previousOrder, to: n)
            order.withUnsafeBufferPointer { o in
                previousOrder.withUnsafeMutableBufferPointer { previous in
                    if n > 0 {
                        UnsafeMutableRawPointer(previous.baseAddress!).copyMemory(from: o.baseAddress!,
                                                                                  byteCount: n * MemoryLayout<Int>.stride)
                    }
                }
            }
            previousCount = n
        }

        /// Two ascending runs and the rest, built by `add` (held in registers while a split runs:
        /// each run is only the pointer to its next free slot, no base and count to keep live).
        struct Runs {
            let aStart: UnsafeMutablePointer<Int>
            let bStart: UnsafeMutablePointer<Int>
            var a: UnsafeMutablePointer<Int>
            var b: UnsafeMutablePointer<Int>
            var c: UnsafeMutablePointer<Int>
            // The key of the last of A and of B; -inf (with no last index) is below every key not
            // NaN but -inf, so the first goes to A and the next not above it to B. The last index
            // is read back from the run only on a tie of keys (rare; no register held for it).
            var keyA = -Double.infinity, keyB = -Double.infinity

            init(a: UnsafeMutablePointer<Int>, b: UnsafeMutablePointer<Int>, c: UnsafeMutablePointer<Int>) {
                aStart = a; bStart = b
                self.a = a; self.b = b; self.c = c
            }

            /// Puts `x` at the end of A if not below A's last, else of B if not below B's last,
            /// else in C. A NaN key fails both comparisons, so every NaN is in C.
            @inline(__always)
            mutating func add(_ x: Int, _ k: UnsafePointer<Double>) {
                let kx = k[x]
                if kx > keyA || (kx == keyA && (a == aStart || x > a[-1])) { a.pointee = x; a += 1; keyA = kx }
                else if kx > keyB || (kx == keyB && (b == bStart || x > b[-1])) { b.pointee = x; b += 1; keyB = kx }
                else { c.pointee = x; c += 1 }
            }
        }

        /// Sorts the indices of the previous order (`moved[previous[p]]`, -1: left) then the
        /// arrived ones by (key, index) into `o`.
        ///
        /// Under LLF the keys do not move together: a session charging at its vehicle's maximum keeps
        /// its laxity, one not charging loses the whole step, so each of the latter overtakes the
        /// many of the former it catches up with (about ten moves each in an insertion sort). Both
        /// kinds stay in order among themselves, so the start is split greedily into two ascending
        /// runs (A, written to the front of `o`, and B) and the rest (C: sessions charging part of
        /// the step, new ones; mostly few, a hundred or so when the headroom changes); C is sorted
        /// and merged into B, then B into `o`, in place, from the back, in linear time. False when
        /// C took more than `budget` moves or a key is NaN (`o` is then unusable).
        @inline(never)  // its own registers: inlined into `sort`, the run ends spilled to the stack
        static func splitSortMerge(previous: UnsafeBufferPointer<Int>, moved: UnsafeBufferPointer<Int>,
                                   arrived: UnsafeBufferPointer<Int>, into o: UnsafeMutableBufferPointer<Int>,
                                   keys k: UnsafeBufferPointer<Double>, b: UnsafeMutableBufferPointer<Int>,
                                   c: UnsafeMutableBufferPointer<Int>, budget: Int) -> Bool {
            // `o`, `b` and `c` hold n >= 1 slots each unless there is no session at all.
            guard let aStart = o.baseAddress, let bStart = b.baseAddress, let cStart = c.baseAddress,
                  let kStart = k.baseAddress else { return true }
            var runs = Runs(a: aStart, b: bStart, c: cStart)
            for p in 0..<previous.count {
                let x = moved[previous[p]]
                if x >= 0 { runs.add(x, kStart) }
            }
            for q in 0..<arrived.count { runs.add(arrived[q], kStart) }
            let na = runs.a - aStart, nb = runs.b - bStart, nc = runs.c - cStart
            // A NaN key is always in C: checking C is enough.
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

        /// Sorts `o` (no NaN keys) by (key, index), `spare` (at least `(o.count + 1) / 2` long) as scratch: a
        /// linear insertion sort up to 16 elements, else a merge sort of two halves, whose merge is skipped
        /// when they are already in order.
        static func mergeSort(_ o: UnsafeMutableBufferPointer<Int>, spare: UnsafeMutableBufferPointer<Int>,
                              keys k: UnsafeBufferPointer<Double>) {
            let n = o.count
            if n <= 16 { insertionSortShort(o, keys: k); return }
            let h = n / 2
            mergeSort(UnsafeMutableBufferPointer(rebasing: o[0..<h]), spare: spare, keys: k)
            mergeSort(UnsafeMutableBufferPointer(rebasing: o[h..<n]), spare: spare, keys: k)
            let x = o[h &- 1], y = o[h]
            if k[x] < k[y] || (k[x] == k[y] && x < y) { return }
            // The second half moves to `spare` and merges back in from the end (`mergeBack`).
            for j in h..<n { spare[j &- h] = o[j] }
            mergeBack(o, count: h, UnsafeBufferPointer(rebasing: spare[0..<n &- h]), keys: k)
        }

        /// Sorts a short `o` (no NaN keys) by (key, index) by linear insertion: each element passes
        /// the few above it one by one (under 16 elements a binary search costs more than it saves).
        static func insertionSortShort(_ o: UnsafeMutableBufferPointer<Int>, keys k: UnsafeBufferPointer<Double>) {
            var i = 1
            while i < o.count {
                let x = o[i], kx = k[x]
                var j = i
                while j > 0 {
                    let y = o[j &- 1], ky = k[y]
                    if kx > ky || (kx == ky && x > y) { break }
                    o[j] = y
                    j &-= 1
                }
                o[j] = x
                i &+= 1
            }
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
}
