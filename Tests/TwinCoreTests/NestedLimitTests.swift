import Foundation
import Testing
@testable import TwinCore

/// Allocation primitives under dispenser (connectors sharing its kW) and cabinet limits.
@Suite struct NestedLimitTests {
    static func view(_ i: Int, charger: Int, cabinet: Int = -1, maxKW: Double = 150, wantedKWh: Double = 1000,
                     departure: Double = 3600) -> SessionView {
        SessionView(sessionID: i + 1, vehicleIndex: i, chargerIndex: charger, cabinetIndex: cabinet, vehicleID: "V\(i)",
                    chargerID: "C\(charger)", arrival: 0, departure: departure, soc: 0.5, targetSOC: 1,
                    energyWantedKWh: wantedKWh, maxKW: maxKW, chargerMaxKW: maxKW, vehicleMaxKW: maxKW, efficiency: 1,
                    capacityKWh: 2000, energyLimitedKW: wantedKWh / (300.0 / 3600))
    }

    @Test func sortedSharesADispenserInKeyOrder() {
        // Two sessions on one 150 kW dispenser, a third on another; 250 kW of site headroom.
        let s = [Self.view(0, charger: 0), Self.view(1, charger: 0), Self.view(2, charger: 1)]
        let limits = GroupLimits(chargerMaxKW: [150, 150])
        #expect(Allocation.sorted(s, keys: [0, 1, 2], headroomKW: 250, limits: limits) == [150, 0, 100])
        // The dispenser's second connector gets what the first leaves.
        #expect(Allocation.sorted(s, keys: [1, 0, 2], headroomKW: 250, limits: limits) == [0, 150, 100])
        // Without the limits the site headroom goes to the second connector (the core would cut it).
        #expect(Allocation.sorted(s, keys: [0, 1, 2], headroomKW: 250) == [150, 100, 0])
        var order: [Int] = [], out: [Double] = []
        let small = [Self.view(0, charger: 0, maxKW: 100), Self.view(1, charger: 0), Self.view(2, charger: 1)]
        Allocation.sorted(small, keys: [0, 1, 2], headroomKW: 1000, limits: limits, powerKW: &out, order: &order)
        #expect(out == [100, 50, 150])
    }

    @Test func sortedRespectsCabinets() {
        // Dispensers 0-2 (150 kW each) behind a 300 kW cabinet, dispenser 3 standalone.
        let s = [Self.view(0, charger: 0, cabinet: 0), Self.view(1, charger: 1, cabinet: 0),
                 Self.view(2, charger: 2, cabinet: 0), Self.view(3, charger: 3)]
        let limits = GroupLimits(chargerMaxKW: [150, 150, 150, 150], cabinetMaxKW: [300])
        #expect(Allocation.sorted(s, keys: [0, 1, 2, 3], headroomKW: 500, limits: limits) == [150, 150, 0, 150])
        #expect(Allocation.sorted(s, keys: [0, 1, 2, 3], headroomKW: 400, limits: limits) == [150, 150, 0, 100])
        // A cabinet of 200 kW: the second gets what is left of it.
        let tight = GroupLimits(chargerMaxKW: [150, 150, 150, 150], cabinetMaxKW: [200])
        #expect(Allocation.sorted(s, keys: [3, 2, 1, 0], headroomKW: 1000, limits: tight) == [0, 50, 150, 150])
    }

    @Test func fairShareAndBalancedUnderGroups() {
        // Two sessions on a 100 kW dispenser, one alone on a 150 kW one; 240 kW at the site.
        let s = [Self.view(0, charger: 0), Self.view(1, charger: 0), Self.view(2, charger: 1)]
        let limits = GroupLimits(chargerMaxKW: [100, 150])
        #expect(Allocation.fairShare(s, headroomKW: 240, limits: limits) == [50, 50, 140])
        #expect(Allocation.fairShare(s, headroomKW: 120, limits: limits) == [40, 40, 40])
        #expect(Allocation.fairShare(s, headroomKW: 1000, limits: limits) == [50, 50, 150])
        // Balanced: 80 kW wanted each (80 kWh by a departure in 1 h); the full dispenser scales its
        // two to 50 kW, the third keeps what it wants.
        let b = [Self.view(0, charger: 0, wantedKWh: 80), Self.view(1, charger: 0, wantedKWh: 80),
                 Self.view(2, charger: 1, wantedKWh: 80)]
        #expect(Allocation.balanced(b, now: 0, headroomKW: 1000, limits: limits) == [50, 50, 80])
        // Site-bound as well: the third rises to what is left (same fraction as far as it can).
        #expect(Allocation.balanced(b, now: 0, headroomKW: 120, limits: limits) == [40, 40, 40])
    }

    /// Random nested instances: site, cabinets of dispensers, dispensers of connectors.
    static func randomInstance(_ rng: inout SplitMix64) -> ([SessionView], GroupLimits, Double) {
        let chargers = Int(rng.uniform(1, 12))
        let cabinets = Int(rng.uniform(1, 4))
        var chargerKW: [Double] = [], chargerCabinet: [Int] = []
        for _ in 0..<chargers {
            chargerKW.append((rng.uniform(5, 30)).rounded() * 10)
            chargerCabinet.append(rng.uniform(0, 1) < 0.3 ? -1 : Int(rng.uniform(0, Double(cabinets))))
        }
        let cabinetKW = (0..<cabinets).map { _ in (rng.uniform(10, 60)).rounded() * 10 }
        var sessions: [SessionView] = []
        for c in 0..<chargers {
            for _ in 0..<Int(rng.uniform(1, 4)) {
                let cap = rng.uniform(0, 1) < 0.2 ? rng.uniform(0, 40) : chargerKW[c]
                let wanted = rng.uniform(0, 1) < 0.3 ? rng.uniform(0, 10) : 1000
                sessions.append(view(sessions.count, charger: c, cabinet: chargerCabinet[c], maxKW: cap, wantedKWh: wanted,
                                     departure: rng.uniform(600, 36000)))
            }
        }
        return (sessions, GroupLimits(chargerMaxKW: chargerKW, cabinetMaxKW: cabinetKW), rng.uniform(50, 2000))
    }

    /// The groups holding session i: site, its cabinet, its dispenser, as (members, limit).
    static func groups(of i: Int, _ s: [SessionView], _ limits: GroupLimits, headroom: Double) -> [([Int], Double)] {
        var out: [([Int], Double)] = [(Array(s.indices), headroom)]
        if s[i].cabinetIndex >= 0 {
            out.append((s.indices.filter { s[$0].cabinetIndex == s[i].cabinetIndex }, limits.cabinetMaxKW[s[i].cabinetIndex]))
        }
        out.append((s.indices.filter { s[$0].chargerIndex == s[i].chargerIndex }, limits.chargerMaxKW[s[i].chargerIndex]))
        return out
    }

    static func feasible(_ p: [Double], _ s: [SessionView], _ limits: GroupLimits, headroom: Double) -> Bool {
        for i in s.indices {
            if p[i] < 0 || p[i] > s[i].usefulKW * (1 + 1e-12) + 1e-9 { return false }
            for (members, limit) in groups(of: i, s, limits, headroom: headroom) {
                if members.reduce(0, { $0 + p[$1] }) > limit * (1 + 1e-12) + 1e-9 { return false }
            }
        }
        return true
    }

    @Test func fairShareIsMaxMinFairUnderNestedLimits() {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<300 {
            let (s, limits, headroom) = Self.randomInstance(&rng)
            let p = Allocation.fairShare(s, headroomKW: headroom, limits: limits)
            #expect(Self.feasible(p, s, limits, headroom: headroom))
            // Max-min optimal: a session below its cap is held by a full group in which nobody has
            // more than it, so raising it means lowering someone with no more than it.
            for i in s.indices where p[i] < s[i].usefulKW - 1e-9 {
                let bottleneck = Self.groups(of: i, s, limits, headroom: headroom).contains { members, limit in
                    members.reduce(0, { $0 + p[$1] }) >= limit - 1e-6 && members.allSatisfy { p[$0] <= p[i] + 1e-9 }
                }
                #expect(bottleneck, "session \(i) could be raised: \(p)")
            }
        }
    }

    @Test func sortedAndBalancedStayWithinNestedLimits() {
        var rng = SplitMix64(seed: 12)
        for _ in 0..<300 {
            let (s, limits, headroom) = Self.randomInstance(&rng)
            let keys = s.map { $0.departure }
            let p = Allocation.sorted(s, keys: keys, headroomKW: headroom, limits: limits)
            #expect(Self.feasible(p, s, limits, headroom: headroom))
            // Greedy in key order: a session gets less than its cap only when a group it is in is full.
            for i in s.indices where p[i] < s[i].usefulKW - 1e-9 {
                #expect(Self.groups(of: i, s, limits, headroom: headroom).contains { members, limit in
                    members.reduce(0, { $0 + p[$1] }) >= limit - 1e-6
                })
            }
            let b = Allocation.balanced(s, now: 0, headroomKW: headroom, limits: limits)
            #expect(Self.feasible(b, s, limits, headroom: headroom))
        }
    }

    @Test func withoutBindingGroupsTheResultIsBitIdentical() {
        // One session per dispenser, no cabinets: the limits change nothing, to the last bit.
        var rng = SplitMix64(seed: 13)
        for _ in 0..<200 {
            let n = Int(rng.uniform(1, 40))
            let s = (0..<n).map { i in
                Self.view(i, charger: i, maxKW: rng.uniform(0, 150), wantedKWh: rng.uniform(0, 20), departure: rng.uniform(600, 36000))
            }
            let limits = GroupLimits(chargerMaxKW: s.map(\.chargerMaxKW))
            let headroom = rng.uniform(0, 3000)
            let keys = s.map { $0.laxityS(now: 0) }
            #expect(Allocation.sorted(s, keys: keys, headroomKW: headroom, limits: limits) == Allocation.sorted(s, keys: keys, headroomKW: headroom))
            #expect(Allocation.fairShare(s, headroomKW: headroom, limits: limits) == Allocation.fairShare(s, headroomKW: headroom))
            #expect(Allocation.balanced(s, now: 0, headroomKW: headroom, limits: limits) == Allocation.balanced(s, now: 0, headroomKW: headroom))
        }
    }

    /// LLF as it was: the site headroom only (the core then cuts what dispensers and cabinets cannot give).
    final class SiteOnlyLLF: ChargingPolicy {
        let name = "llf-site-only"
        var keys: [Double] = [], order: [Int] = []
        func allocate(_ context: PolicyContext, sessions: [SessionView], powerKW: inout [Double]) throws {
            Allocation.keys(.laxity, for: sessions, now: context.now, into: &keys)
            Allocation.sorted(sessions, keys: keys, headroomKW: context.headroomKW, powerKW: &powerKW, order: &order)
        }
    }

    /// The demo's depot shape: 28 dispensers of 150 kW, 24 with two connectors six to each of four
    /// 600 kW cabinets, 4 standalone with three connectors (60 connectors for 60 buses).
    static func demoLike(siteKW: Double, departures: ClosedRange<Double> = 29...31) -> Scenario {
        let chargers = NightDepot.demoLikeChargers()
        let cabinets = (0..<4).map { PowerCabinet(id: "K\($0)", maxKW: 600) }
        var s = NightDepot.scenario(buses: 60, chargers: chargers, cabinets: cabinets, siteKW: siteKW)
        // The same draws, with departures moved into `departures` (hours after midnight before).
        for i in s.visits.indices {
            let u = (s.visits[i].departure / 3600 - 29) / 2
            s.visits[i].departure = (departures.lowerBound + u * (departures.upperBound - departures.lowerBound)) * 3600
        }
        return s
    }

    @Test func demoLikeDepotSortedPoliciesMeetEveryone() throws {
        let s = Self.demoLike(siteKW: 2400)
        let old = try Simulation(scenario: s, policy: SiteOnlyLLF()).result()
        #expect(old.summary.clamps > 0)  // the core had to cut what shared dispensers could not give
        for policy in ["fcfs", "edf", "llf", "round_robin", "balanced"] {
            let r = try Simulation(scenario: s, policy: BuiltinPolicies.make(policy)!).result()
            #expect(r.summary.unmetVehicles == 0, "\(policy)")
            #expect(r.summary.peakKW <= 2400 * (1 + 1e-12))
            // Nothing to cut: the primitives already respect dispensers, cabinets and the site.
            #expect(r.summary.clamps == 0, "\(policy)")
        }
    }

    @Test func tightNightLLFNeedsTheNestedLimits() throws {
        // Departures 01:00-03:00 and 2000 kW: site-only LLF gives both connectors of a dispenser its
        // full kW, the core halves them, and the site headroom it counted on is lost.
        let s = Self.demoLike(siteKW: 2000, departures: 25...27)
        let old = try Simulation(scenario: s, policy: SiteOnlyLLF()).result()
        let r = try Simulation(scenario: s, policy: BuiltinPolicies.make("llf")!).result()
        #expect(old.summary.unmetVehicles > 10)
        #expect(r.summary.unmetVehicles == 0)
        #expect(r.summary.clamps == 0)
        #expect(relativeError(r.summary.deliveredKWh, r.summary.requestedKWh) < 1e-12)
    }
}
