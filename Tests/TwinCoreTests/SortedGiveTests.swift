import Testing
@testable import TwinCore

/// `Allocation.sorted` must give, to the bit, what the plain pass gives (a branch per group, the
/// groups of the sessions present reset, the unlimited ones skipped), whatever the groups, limits,
/// needs and headroom, NaN, infinities, negative zero and out-of-range group indices included.
@Suite struct SortedGiveTests {
    /// The pass as it was written before the unlimited slots and the all-groups reset: the reference.
    static func plainSorted(_ sessions: [SessionView], keys: [Double], headroomKW: Double,
                            limits: GroupLimits) -> [Double] {
        let n = sessions.count
        var out = Array(repeating: 0.0, count: n)
        var order = Array(0..<n)
        order.sort { a, b in keys[a] < keys[b] || (keys[a] == keys[b] && a < b) }
        var left = max(0, headroomKW)
        if limits.isEmpty {
            for i in order {
                let give = max(0, min(sessions[i].usefulKW, left))
                out[i] = give
                left -= give
            }
            return out
        }
        let chargers = limits.chargerMaxKW.count, cabinets = limits.cabinetMaxKW.count
        var chargerLeft = Array(repeating: 0.0, count: chargers), cabinetLeft = Array(repeating: 0.0, count: cabinets)
        for s in sessions {
            if s.chargerIndex >= 0 && s.chargerIndex < chargers { chargerLeft[s.chargerIndex] = max(0, limits.chargerMaxKW[s.chargerIndex]) }
            if s.cabinetIndex >= 0 && s.cabinetIndex < cabinets { cabinetLeft[s.cabinetIndex] = max(0, limits.cabinetMaxKW[s.cabinetIndex]) }
        }
        for i in order {
            var p = min(sessions[i].usefulKW, left)
            let c = sessions[i].chargerIndex, k = sessions[i].cabinetIndex
            let limitedCharger = c >= 0 && c < chargers, limitedCabinet = k >= 0 && k < cabinets
            if limitedCharger { p = min(p, chargerLeft[c]) }
            if limitedCabinet { p = min(p, cabinetLeft[k]) }
            let give = max(0, p)
            out[i] = give
            left -= give
            if limitedCharger { chargerLeft[c] -= give }
            if limitedCabinet { cabinetLeft[k] -= give }
            if left == 0 { break }  // the rest stay 0
        }
        return out
    }

    /// Random cases: few or many groups against the sessions (both reset paths), indices out of
    /// range or negative, shared dispensers and cabinets, special values everywhere, tied keys.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func matchesThePlainPassToTheBit(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        func below(_ n: Int) -> Int { Int(rng.next() % UInt64(max(1, n))) }
        func kw(_ scale: Double) -> Double {
            switch below(14) {
            case 0: return 0
            case 1: return -0.0
            case 2: return .nan
            case 3: return .infinity
            case 4: return -rng.uniform(0, scale)
            case 5: return 150  // ties with limits
            default: return rng.uniform(0, scale)
            }
        }
        var powerKW: [Double] = [], order: [Int] = []
        for round in 0..<3000 {
            let n = below(30)
            let chargers = [0, 1, 4, 30, 200][below(5)], cabinets = [0, 1, 3, 60][below(4)]
            let limits = GroupLimits(chargerMaxKW: (0..<chargers).map { _ in kw(400) },
                                     cabinetMaxKW: (0..<cabinets).map { _ in kw(800) })
            let sessions = (0..<n).map { i in
                SessionView(sessionID: i + 1, vehicleIndex: i, chargerIndex: below(chargers + 3) - 2,
                            cabinetIndex: below(cabinets + 3) - 2, vehicleID: "V", chargerID: "C", arrival: 0,
                            departure: 3600, soc: 0.5, targetSOC: 1, energyWantedKWh: 10, maxKW: kw(300),
                            chargerMaxKW: 150, vehicleMaxKW: 150, efficiency: 1, capacityKWh: 100,
                            energyLimitedKW: kw(300))
            }
            let keys = (0..<n).map { _ in below(4) == 0 ? 1.0 : rng.uniform(0, 10) }
            let headroom = [rng.uniform(0, 2000), 0, .infinity, .nan, -5, 300][below(6)]
            Allocation.sorted(sessions, keys: keys, headroomKW: headroom, limits: limits, powerKW: &powerKW, order: &order)
            let expected = Self.plainSorted(sessions, keys: keys, headroomKW: headroom, limits: limits)
            #expect(powerKW.map(\.bitPattern) == expected.map(\.bitPattern), "round \(round)")
        }
    }
}
