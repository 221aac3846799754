import Testing
@testable import TwinCore

/// `Allocation.WarmOrder` carries the previous order over by walking the previous and the current
/// ids by index: sessions replaced in place, swapped, duplicated or with ids too large to index
/// by, and ticks with no change, must keep giving exactly the order of a full sort.
@Suite struct WarmOrderMatchTests {
    @Test(arguments: [5, 6, 7] as [UInt64])
    func changesTheWalkMustSurvive(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        var warm = Allocation.WarmOrder()
        var order: [Int] = []
        var ids = Array(1...25), keys = (0..<25).map { _ in rng.uniform(0, 100) }
        var nextID = 26
        for tick in 0..<800 {
            switch below(6) {
            case 0:  // one leaves, one arrives: the same count, not the same sessions
                if !ids.isEmpty {
                    let i = below(ids.count)
                    ids[i] = nextID; nextID += 1; keys[i] = rng.uniform(0, 100)
                }
            case 1:  // two sessions swap indices: the same ids, not at the same indices
                if ids.count > 1 { ids.swapAt(0, ids.count - 1); keys.swapAt(0, keys.count - 1) }
            case 2 where ids.count < 60:
                let i = below(ids.count + 1)
                ids.insert(below(10) == 0 && !ids.isEmpty ? ids[0] : nextID, at: i)  // a duplicate now and then
                nextID += 1
                keys.insert(rng.uniform(0, 100), at: i)
            default: break  // unchanged
            }
            for i in keys.indices {
                switch below(8) {
                case 0: keys[i] -= rng.uniform(0, 40)
                case 1: keys[i] = keys[max(0, i - 1)]  // a tie
                case 2, 3, 4: break
                default: keys[i] -= 1
                }
            }
            var shown = keys
            if tick % 37 == 5, !ids.isEmpty { shown[below(ids.count)] = .nan }
            let views = ids.map { WarmOrderTests.view(id: $0) }
            warm.sort(views, keys: shown, into: &order)
            #expect(order == WarmOrderTests.fullSort(views, shown), "tick \(tick)")
            if tick % 100 == 99 {
                // All ids changed, twice: nothing matches, then everything does.
                let bad = ids.map { WarmOrderTests.view(id: $0 + (1 << 31)) }
                for _ in 0..<2 {
                    warm.sort(bad, keys: shown, into: &order)
                    #expect(order == WarmOrderTests.fullSort(bad, shown), "tick \(tick), large ids")
                }
            }
        }
    }
}
