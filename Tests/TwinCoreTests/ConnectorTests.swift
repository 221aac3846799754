import Foundation
import Testing
@testable import TwinCore

/// Dispensers with several connectors, and full vehicles giving their connector to the queue.
@Suite struct ConnectorTests {
    static let flat = VehicleType(name: "flat", usableKWh: 300, minSOC: 0, maxSOC: 1, reserveSOC: 0,
                                  curve: .flat(kw: 150), chargingEfficiency: 1)

    static func scenario(vehicles n: Int, soc: Double = 0.5, chargers: [Charger], cabinets: [PowerCabinet] = [],
                         hours: Double = 4, siteKW: Double = 10_000) -> Scenario {
        let fleet = (0..<n).map { Vehicle(id: "V\($0)", typeName: "flat", initialSOC: soc) }
        return Scenario(name: "conn", vehicleTypes: [flat], vehicles: fleet, chargers: chargers, cabinets: cabinets,
                        site: Site(gridLimitKW: siteKW), start: 0, end: hours * 3600)
    }

    final class Recorder: ChargingPolicy {
        let name = "recorder"
        var maxKW: [Double] = []
        var counts: [Int] = []
        func allocate(_ context: PolicyContext, sessions: [SessionView], powerKW: inout [Double]) throws {
            counts.append(sessions.count)
            for (i, s) in sessions.enumerated() { maxKW.append(s.maxKW); powerKW[i] = s.maxKW }
        }
    }

    @Test func twoConnectorsShareTheDispenserLimit() throws {
        let s = Self.scenario(vehicles: 2, chargers: [Charger(id: "C", maxKW: 150, connectors: 2)], hours: 1)
        let policy = Recorder()
        let r = try Simulation(scenario: s, policy: policy).result()
        #expect(r.sessions.count == 2)
        #expect(r.sessions.allSatisfy { $0.plugInTime == 0 && $0.chargerID == "C" })
        #expect(policy.counts.first == 2)
        #expect(policy.maxKW.allSatisfy { $0 == 150 })  // each session sees the dispenser's max
        #expect(abs(r.summary.peakKW - 150) < 1e-9)
        for v in r.vehicles { #expect(abs(v.drawnKWh - 75) < 1e-9) }  // 75 kW each for an hour
        #expect(r.summary.clamps == 2 * 12)  // both cut at each of the 12 ticks
        #expect(abs(r.summary.chargerUtilisation - 1) < 1e-12)
    }

    @Test func aThirdVehicleWaitsForAFreeConnector() throws {
        // 150 kWh wanted each; two share 150 kW (75 each): both full after 2 h, then the third.
        let s = Self.scenario(vehicles: 3, chargers: [Charger(id: "C", maxKW: 150, connectors: 2)], hours: 5)
        let r = try Simulation(scenario: s, policy: UncontrolledPolicy()).result()
        #expect(r.sessions.count == 3)
        let third = try #require(r.sessions.first { $0.vehicleID == "V2" })
        #expect(abs(third.plugInTime - 2 * 3600) < 1e-6)
        #expect(abs(third.chargeEndTime! - 3 * 3600) < 1e-6)  // alone: 150 kW
        #expect(r.summary.unmetVehicles == 0)
        #expect(r.vehicles.allSatisfy { abs($0.socEnd - 1) < 1e-9 })
    }

    @Test func utilisationCountsConnectorTime() throws {
        let s = Self.scenario(vehicles: 1, soc: 1, chargers: [Charger(id: "C", maxKW: 150, connectors: 2)], hours: 1)
        let r = try Simulation(scenario: s, policy: UncontrolledPolicy()).result()
        #expect(abs(r.summary.chargerUtilisation - 0.5) < 1e-12)
    }

    @Test func dispenserThenCabinetThenSite() throws {
        // Two dual dispensers of 150 kW in a 200 kW cabinet, four vehicles: 50 kW each.
        let chargers = (0..<2).map { Charger(id: "C\($0)", maxKW: 150, connectors: 2, cabinetID: "K") }
        let s = Self.scenario(vehicles: 4, chargers: chargers, cabinets: [PowerCabinet(id: "K", maxKW: 200)], hours: 1)
        let r = try Simulation(scenario: s, policy: UncontrolledPolicy()).result()
        #expect(r.sessions.count == 4)
        for v in r.vehicles { #expect(abs(v.drawnKWh - 50) < 1e-9) }
        #expect(abs(r.summary.peakKW - 200) < 1e-9)
    }

    final class FreeLists: DepotBehaviour {
        let name = "free-lists"
        var lists: [[ChargerView]] = []
        var wantsChargerChoice: Bool { true }
        func chargerForArrival(vehicle: VehicleView, freeChargers: [ChargerView], now: Double) throws -> Int? {
            lists.append(freeChargers)
            return nil
        }
    }

    @Test func freeChargerListsIncludeChargersWithAFreeConnector() throws {
        let s = Self.scenario(vehicles: 3, chargers: [Charger(id: "C", maxKW: 150, connectors: 2)], hours: 1)
        let b = FreeLists()
        _ = try Simulation(scenario: s, policy: UncontrolledPolicy(), behaviour: b).result()
        #expect(b.lists.count == 3)
        #expect(b.lists[0].map(\.freeConnectors) == [2])
        #expect(b.lists[1].map(\.freeConnectors) == [1])
        #expect(b.lists[1].first?.connectors == 2)
        #expect(b.lists[2].isEmpty)
    }
}

/// A vehicle at its target keeps its connector only while nobody waits for it.
@Suite struct OvernightQueueTests {
    @Test(arguments: ["fcfs", "edf", "llf", "uncontrolled", "round_robin"])
    func twentyBusesOnEightChargersAllCharge(policy: String) throws {
        // About 20 x 190 kWh = 3.8 MWh over 8 x 150 kW: about 3.5 h of a 7-13 h night.
        let s = NightDepot.scenario(buses: 20, chargers: (0..<8).map { Charger(id: "C\($0)", maxKW: 150) }, siteKW: 1200)
        let r = try Simulation(scenario: s, policy: BuiltinPolicies.make(policy)!).result()
        #expect(r.summary.unmetVehicles == 0)
        #expect(r.sessions.count == 20)
        #expect(r.sessions.allSatisfy { $0.socOut >= 0.95 - 1e-9 })
    }

    @Test(arguments: ["fcfs", "llf"])
    func dualConnectorsInCabinetsAllCharge(policy: String) throws {
        let chargers = (0..<4).map { Charger(id: "C\($0)", maxKW: 150, connectors: 2, cabinetID: "K\($0 / 2)") }
        // 4 x 150 kW shared by 8 connectors in two cabinets, about 3.8 MWh in a 7-13 h night.
        let cabinets = [PowerCabinet(id: "K0", maxKW: 300), PowerCabinet(id: "K1", maxKW: 280)]
        let s = NightDepot.scenario(buses: 20, chargers: chargers, cabinets: cabinets, siteKW: 600)
        let r = try Simulation(scenario: s, policy: BuiltinPolicies.make(policy)!).result()
        #expect(r.summary.unmetVehicles == 0)
        #expect(r.sessions.count == 20)
    }

    @Test func sixtyBusesOnTwentyEightChargers() throws {
        let chargers = (0..<28).map { Charger(id: "C\($0)", maxKW: 150, cabinetID: $0 < 24 ? "K\($0 / 12)" : nil) }
        let cabinets = [PowerCabinet(id: "K0", maxKW: 900), PowerCabinet(id: "K1", maxKW: 900)]
        let s = NightDepot.scenario(buses: 60, chargers: chargers, cabinets: cabinets, siteKW: 2400)
        for policy in ["fcfs", "llf", "edf"] {
            let r = try Simulation(scenario: s, policy: BuiltinPolicies.make(policy)!).result()
            #expect(r.summary.unmetVehicles == 0, "\(policy)")
        }
    }
}

/// `DepotBehaviour.onTick`: observation once per control tick.
@Suite struct OnTickTests {
    final class Watcher: DepotBehaviour {
        let name = "watcher"
        var wantsTick: Bool { true }
        var calls: [(now: Double, ids: [String], socs: [Double])] = []
        func onTick(now: Double, vehicles: [VehicleView]) throws {
            calls.append((now, vehicles.map(\.id), vehicles.map(\.soc)))
        }
    }

    @Test func calledOncePerControlTickWithPluggedVehicles() throws {
        let s = ConnectorTests.scenario(vehicles: 3, chargers: [Charger(id: "C", maxKW: 150, connectors: 2)], hours: 2)
        let w = Watcher()
        let sim = try Simulation(scenario: s, policy: UncontrolledPolicy(), behaviour: w)
        let plain = try Simulation(scenario: s, policy: UncontrolledPolicy()).result()
        let r = try sim.result()
        #expect(w.calls.count == sim.controlCount)
        #expect(w.calls.count > 1)
        #expect(Set(w.calls.map(\.now)).count == w.calls.count)  // once per tick
        #expect(w.calls.first?.ids == ["V0", "V1"])  // V2 waits for a connector
        #expect(w.calls.allSatisfy { $0.ids.count == 2 })
        // At 1 h: 75 kW each for an hour into 300 kWh from SOC 0.5.
        let oneHour = try #require(w.calls.first { $0.now == 3600 })
        #expect(oneHour.socs.allSatisfy { abs($0 - 0.75) < 1e-12 })
        // Observation only: the same result as without it.
        #expect(r.summary == plain.summary)
    }
}
