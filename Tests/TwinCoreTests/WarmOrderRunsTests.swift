import Testing
@testable import TwinCore

/// `Allocation.WarmOrder` splits the previous order into two ascending runs and a rest: keys
/// moving in three ways at once (constant, falling by a step, by half a step: a large rest), with
/// many arrivals now and then, ties (the runs read their last index back) and NaN, must still
/// give exactly the order of a full sort.
@Suite struct WarmOrderRunsTests {
    @Test(arguments: [11, 12] as [UInt64])
    func threeKindsOfKeys(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        var warm = Allocation.WarmOrder()
        var order: [Int] = []
        var ids = Array(1...300), keys = (0..<300).map { _ in rng.uniform(0, 1000) }
        var kind = (0..<300).map { _ in Int(rng.next() % 3) }
        var nextID = 301
        for tick in 0..<300 {
            if tick % 25 == 0 {
                // Many arrivals at once, anywhere, and as many departures.
                for _ in 0..<80 {
                    let i = below(ids.count + 1)
                    ids.insert(nextID, at: i); nextID += 1
                    keys.insert(below(5) == 0 ? 500 : rng.uniform(0, 1000), at: i)
                    kind.insert(Int(rng.next() % 3), at: i)
                }
                for _ in 0..<80 {
                    let i = below(ids.count)
                    ids.remove(at: i); keys.remove(at: i); kind.remove(at: i)
                }
            }
            if tick % 10 == 0 {
                // The headroom changed: many sessions change how they move.
                for i in kind.indices where below(3) == 0 { kind[i] = Int(rng.next() % 3) }
            }
            for i in keys.indices { keys[i] -= [0, 1, 0.5][kind[i]] }
            var shown = keys
            if tick % 30 == 17 { shown[below(ids.count)] = .nan }
            let views = ids.map { WarmOrderTests.view(id: $0) }
            warm.sort(views, keys: shown, into: &order)
            #expect(order == WarmOrderTests.fullSort(views, shown), "tick \(tick)")
        }
    }
}
