import Foundation
import Testing
@testable import TwinCore

/// Blocks, trips, HVAC, reserve and shortfall, missed departures, preconditioning, stepping.
@Suite struct DepotTests {
    static let bus = VehicleType(name: "bus", usableKWh: 300, minSOC: 0, maxSOC: 0.95, reserveSOC: 0.2,
                                 curve: ChargingCurve([(0, 150), (0.8, 150), (1, 20)]), chargingEfficiency: 0.95,
                                 baseKWhPerKM: 1.2, massKG: 18000, drivetrainEfficiency: 0.9, regenerationEfficiency: 0.6,
                                 hvac: .heatPump(setpointC: 20, uaKWPerK: 0.5, heatingCOP: 2.5, coolingCOP: 3, auxiliaryKW: 1))

    static func scenario(trips: [Trip], soc: Double = 0.9, ambient: Double = 0) -> Scenario {
        Scenario(name: "depot", vehicleTypes: [bus], vehicles: [Vehicle(id: "BUS", typeName: "bus", initialSOC: soc)],
                 blocks: [Block(id: "B1", vehicleID: "BUS", trips: trips)], chargers: [Charger(id: "C", maxKW: 150)],
                 site: Site(gridLimitKW: 500), weather: .constant(ambient), start: 0, end: 24 * 3600)
    }

    @Test func tripEnergyHasItsFourTerms() {
        let e = Self.bus.tripEnergy(distanceKM: 10, durationS: 1800, elevationGainM: 100, elevationLossM: 50, ambientC: 0)
        #expect(e.tractionKWh == 12)
        #expect(abs(e.hvacKWh - (1 + 0.5 * 20 / 2.5) * 0.5) < 1e-12)
        let perM = 18000 * 9.80665 / 3.6e6
        #expect(abs(e.climbKWh - perM * 100 / 0.9) < 1e-12)
        #expect(abs(e.regenKWh - perM * 50 * 0.6) < 1e-12)
        #expect(abs(e.totalKWh - (e.tractionKWh + e.hvacKWh + e.climbKWh - e.regenKWh)) < 1e-12)
        // Cooling uses the cooling COP.
        #expect(abs(HVACModel.heatPump(setpointC: 20, uaKWPerK: 0.5, heatingCOP: 2.5, coolingCOP: 3, auxiliaryKW: 1).powerKW(ambientC: 32) - 3) < 1e-12)
    }

    @Test func aBlockDrainsTheBatteryAndItRechargesAfter() throws {
        let trips = [Trip(id: "t1", departure: 6 * 3600, arrival: 7 * 3600, distanceKM: 40, elevationGainM: 80, elevationLossM: 80),
                     Trip(id: "t2", departure: 7.5 * 3600, arrival: 8.5 * 3600, distanceKM: 40)]
        let r = try Simulation(scenario: Self.scenario(trips: trips), policy: UncontrolledPolicy()).result()
        #expect(r.trips.count == 2)
        let e1 = Self.bus.tripEnergy(trips[0], ambientC: 0).totalKWh
        #expect(r.trips[0].socBefore == 0.95)  // charged to the type's max before leaving
        #expect(abs(r.trips[0].socAfter - (0.95 - e1 / 300)) < 1e-12)
        #expect(r.trips[1].socBefore == r.trips[0].socAfter)
        #expect(r.vehicles[0].socMin == r.trips[1].socAfter)
        // It charged back to the type's max SOC after the block.
        #expect(abs(r.vehicles[0].socEnd - 0.95) < 1e-9)
        #expect(r.sessions.count == 2)
        #expect(r.sessions[0].unplugTime == 6 * 3600)
        #expect(r.sessions[1].arrivalTime == 8.5 * 3600)
        #expect(r.summary.missedDepartures == 0)
        #expect(r.events.contains { $0.kind == .tripEnd })
    }

    @Test func runningShortIsMeasuredAndTheRunGoesOn() throws {
        let trips = [Trip(id: "long", departure: 3600, arrival: 4 * 3600, distanceKM: 250)]
        let r = try Simulation(scenario: Self.scenario(trips: trips, soc: 0.5), policy: UncontrolledPolicy()).result()
        let energy = Self.bus.tripEnergy(trips[0], ambientC: 0).totalKWh
        #expect(r.trips[0].belowReserve)
        #expect(abs(r.summary.shortfallKWh - (energy - r.trips[0].socBefore * 300)) < 1e-9)
        #expect(r.summary.minSOC < 0)
        #expect(r.vehicles[0].belowReserve)
        #expect(!r.warnings.isEmpty)
        #expect(abs(r.vehicles[0].socEnd - 0.95) < 1e-9)  // recharged from below zero
    }

    @Test func aVehicleStillAwayMissesItsNextBlock() throws {
        var s = Self.scenario(trips: [Trip(id: "t", departure: 3600, arrival: 5 * 3600, distanceKM: 10)])
        s.blocks.append(Block(id: "B2", vehicleID: "BUS", trips: [Trip(id: "u", departure: 4 * 3600, arrival: 6 * 3600, distanceKM: 10)]))
        let r = try Simulation(scenario: s, policy: UncontrolledPolicy()).result()
        #expect(r.summary.missedDepartures == 1)
        #expect(r.trips.count == 1)
    }

    @Test func preconditioningDrawsHVACFromTheGridBeforeDeparture() throws {
        let trips = [Trip(id: "t", departure: 6 * 3600, arrival: 7 * 3600, distanceKM: 10)]
        let s = Self.scenario(trips: trips, soc: 0.95, ambient: -10)
        let plain = try Simulation(scenario: s, policy: UncontrolledPolicy()).result()
        let warm = try Simulation(scenario: s, policy: UncontrolledPolicy(), behaviour: FixedPreconditioning(leadS: 1800)).result()
        let hvacKW = Self.bus.hvac.powerKW(ambientC: -10)
        #expect(abs((warm.summary.energyKWh - plain.summary.energyKWh) - hvacKW * 0.5) < 1e-9)
        #expect(warm.events.contains { $0.kind == .preconditionStart && $0.time == 5.5 * 3600 })
    }

    @Test func steppingAndCancellation() throws {
        let trips = [Trip(id: "t", departure: 6 * 3600, arrival: 7 * 3600, distanceKM: 100)]
        let sim = try Simulation(scenario: Self.scenario(trips: trips, soc: 0.3), policy: UncontrolledPolicy())
        #expect(try sim.step())
        #expect(sim.vehicle("BUS")?.state == .plugged)
        try sim.run(until: 3600)
        #expect(sim.now == 3600)
        let status = try #require(sim.vehicle("BUS"))
        #expect(status.chargerID == "C")
        #expect(abs(status.soc - (0.3 + 150 * 0.95 / 300)) < 1e-12)
        #expect(sim.vehicle("nope") == nil)
        sim.isCancelled = { true }
        #expect(throws: SimulationError.self) { for _ in 0..<1000 { try sim.step() } }
    }

    final class FailingPolicy: ChargingPolicy {
        struct Boom: Error {}
        let name = "failing"
        func allocate(_ context: PolicyContext, sessions: [SessionView], powerKW: inout [Double]) throws { throw Boom() }
    }

    @Test func aPolicyErrorAbortsTheRun() throws {
        let sim = try Simulation(scenario: Self.scenario(trips: [Trip(id: "t", departure: 3600, arrival: 7200, distanceKM: 1)], soc: 0.2),
                                 policy: FailingPolicy())
        #expect(throws: FailingPolicy.Boom.self) { try sim.run() }
        #expect(throws: SimulationError.self) { try sim.run() }
    }

    @Test func cabinetsAndTariffs() throws {
        let fleet = (0..<3).map { Vehicle(id: "V\($0)", typeName: "bus", initialSOC: 0.1) }
        let s = Scenario(name: "cab", vehicleTypes: [Self.bus], vehicles: fleet,
                         chargers: (0..<3).map { Charger(id: "C\($0)", maxKW: 150, cabinetID: "K") },
                         cabinets: [PowerCabinet(id: "K", maxKW: 240)], site: Site(gridLimitKW: 1000),
                         tariff: Tariff(bands: [.init(startHour: 0, endHour: 1, pricePerKWh: 0.5)], defaultPricePerKWh: 0.2, demandChargePerKW: 10),
                         start: 0, end: 3600)
        let r = try Simulation(scenario: s, policy: UncontrolledPolicy()).result()
        #expect(abs(r.summary.peakKW - 240) < 1e-9)
        #expect(abs(r.summary.energyKWh - 240) < 1e-9)
        #expect(abs(r.summary.costEnergy - 240 * 0.5) < 1e-9)
        #expect(abs(r.summary.costDemand - 2400) < 1e-9)
        #expect(r.summary.clamps == 3 * 12)
        #expect(abs(r.summary.chargerUtilisation - 1) < 1e-12)
    }

    @Test func baseLoadIsPricedAcrossBands() throws {
        let s = Scenario(name: "base", vehicleTypes: [Self.bus], vehicles: [], chargers: [Charger(id: "C", maxKW: 50)],
                         site: Site(gridLimitKW: 100, baseLoadKW: TimeSeries(times: [0], values: [10], interpolation: .step)),
                         tariff: Tariff(bands: [.init(startHour: 7, endHour: 20, pricePerKWh: 0.3)], defaultPricePerKWh: 0.1),
                         start: 0, end: 86_400)
        let r = try Simulation(scenario: s, policy: UncontrolledPolicy()).result()
        #expect(abs(r.summary.costEnergy - 10 * (13 * 0.3 + 11 * 0.1)) < 1e-9)
        #expect(r.summary.peakKW == 10)
        #expect(r.summary.energyKWh == 0)
    }
}
