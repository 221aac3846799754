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
