import Testing
@testable import TwinCore

/// `Allocation.WarmOrder` must give exactly the order of a full sort by (key, index), tick after
/// tick, whatever happens to the sessions between ticks.
@Suite struct WarmOrderTests {
    static func view(id: Int) -> SessionView {
        SessionView(sessionID: id, vehicleIndex: 0, chargerIndex: 0, cabinetIndex: -1, vehicleID: "V", chargerID: "C",
                    arrival: 0, departure: 3600, soc: 0.5, targetSOC: 1, energyWantedKWh: 10, maxKW: 50,
                    chargerMaxKW: 50, vehicleMaxKW: 50, efficiency: 1, capacityKWh: 100, energyLimitedKW: 120)
    }

    /// The order `Allocation.sorted` uses (a full sort, NaN keys included).
    static func fullSort(_ views: [SessionView], _ keys: [Double]) -> [Int] {
        var power: [Double] = [], order: [Int] = []
        Allocation.sorted(views, keys: keys, headroomKW: 0, powerKW: &power, order: &order)
        return order
    }

    /// Random ticks: sessions leave and arrive, keys drift (most by little, some overtaking many,
    /// ties included), and now and then ids are duplicated, reused after leaving, negative or too
    /// large, or a key is NaN. Every tick is compared with a full sort.
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func matchesAFullSortTickAfterTick(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        var warm = Allocation.WarmOrder()
        var order: [Int] = []
        var ids = Array(1...30), keys = (0..<30).map { _ in rng.uniform(0, 100) }
        var nextID = 31
        var left: [Int] = []
        for tick in 0..<600 {
            // Departures anywhere, arrivals anywhere (the index order changes too).
            for _ in 0..<below(4) where !ids.isEmpty {
                let i = below(ids.count)
                left.append(ids.remove(at: i)); keys.remove(at: i)
            }
            for _ in 0..<below(4) {
                let i = below(ids.count + 1)
                var id = nextID
                switch below(20) {
                case 0 where !ids.isEmpty: id = ids[below(ids.count)]  // duplicate
                case 1 where !left.isEmpty: id = left[below(left.count)]  // reused
                default: nextID += 1
                }
                ids.insert(id, at: i); keys.insert(rng.uniform(0, 100), at: i)
            }
            for i in keys.indices {
                switch below(10) {
                case 0: keys[i] -= rng.uniform(0, 50)
                case 1: keys[i] = keys[max(0, i - 1)]  // a tie
                default: keys[i] -= rng.uniform(0, 0.5)
                }
            }
            var shownIDs = ids, shownKeys = keys
            if tick % 50 == 7, !ids.isEmpty { shownKeys[below(ids.count)] = .nan }
            if tick % 70 == 11, !ids.isEmpty { shownIDs[below(ids.count)] = [-3, 0, (1 << 30) + 1][below(3)] }
            if tick % 90 == 13 { shownIDs = shownIDs.map { $0 + 5000 } }  // all ids new
            let views = shownIDs.map { Self.view(id: $0) }
            warm.sort(views, keys: shownKeys, into: &order)
            #expect(order == Self.fullSort(views, shownKeys), "tick \(tick)")
        }
    }

    /// Many sessions arriving together (buses back at the depot) with random keys, ties included:
    /// the rest is sorted by insertion with long block moves, and still matches a full sort.
    @Test func manyArrivalsAtOnce() {
        var rng = SplitMix64(seed: 99)
        var warm = Allocation.WarmOrder()
        var order: [Int] = []
        var ids = Array(1...40), keys = (0..<40).map { _ in rng.uniform(0, 100) }
        var nextID = 41
        for tick in 0..<40 {
            let arriving = [0, 1, 150, 300][Int(rng.next() % 4)]
            for _ in 0..<arriving {
                let i = Int(rng.next() % UInt64(ids.count + 1))
                ids.insert(nextID, at: i); nextID += 1
                keys.insert(rng.next() % 5 == 0 ? 50 : rng.uniform(0, 100), at: i)
            }
            for i in keys.indices { keys[i] -= rng.next() % 3 == 0 ? 0 : rng.uniform(0, 5) }
            let views = ids.map { Self.view(id: $0) }
            warm.sort(views, keys: keys, into: &order)
            #expect(order == Self.fullSort(views, keys), "tick \(tick)")
            while ids.count > 200 { let i = Int(rng.next() % UInt64(ids.count)); ids.remove(at: i); keys.remove(at: i) }
        }
    }

    /// The merge sort used for a large rest, alone: any length, many ties, against a full sort.
    @Test func mergeSortMatchesAFullSort() {
        var rng = SplitMix64(seed: 7)
        for n in [0, 1, 2, 15, 16, 17, 33, 49, 100, 257] {
            for _ in 0..<20 {
                let keys = (0..<n).map { _ in rng.next() % 3 == 0 ? 1.0 : rng.uniform(0, 10) }
                // The spare at its documented minimum, (n + 1) / 2.
                var items = Array(0..<n).shuffled(using: &rng), spare = Array(repeating: 0, count: (n + 1) / 2)
                keys.withUnsafeBufferPointer { k in
                    items.withUnsafeMutableBufferPointer { o in
                        spare.withUnsafeMutableBufferPointer { s in Allocation.WarmOrder.mergeSort(o, spare: s, keys: k) }
                    }
                }
                let views = (0..<n).map { Self.view(id: $0 + 1) }
                #expect(items == Self.fullSort(views, keys), "n \(n)")
            }
        }
    }

    /// An empty tick and back: nothing is carried over wrongly.
    @Test func emptyTickInBetween() {
        var warm = Allocation.WarmOrder()
        var order: [Int] = []
        let keys = [3.0, 1, 2]
        let views = [5, 6, 7].map { Self.view(id: $0) }
        warm.sort(views, keys: keys, into: &order)
        #expect(order == [1, 2, 0])
        warm.sort([], keys: [], into: &order)
        #expect(order.isEmpty)
        warm.sort(views, keys: [1, 3, 2], into: &order)
        #expect(order == [0, 2, 1])
    }
}
