import Foundation
import Testing
@testable import TwinCore

/// Range remaining: inverse of the engine's trip energy, dominant term, fitted models, bad inputs.
@Suite struct RangeRemainingTests {
    static let e12 = VehicleType(name: "E12", usableKWh: 350, reserveSOC: 0.15, curve: .flat(kw: 150), baseKWhPerKM: 1.1,
                                 massKG: 14000, hvac: .heatPump(setpointC: 20, uaKWPerK: 0.35, heatingCOP: 2.5, coolingCOP: 2.5, auxiliaryKW: 1))

    static func model(intercept: Double, heating: Double, cooling: Double, grade: Double? = nil) -> ConsumptionModel {
        var features = [ConsumptionModel.Feature(feature: .intercept, coefficient: intercept, standardError: 0, trainingMean: 1),
                        ConsumptionModel.Feature(feature: .heatingDegrees, coefficient: heating, standardError: 0, trainingMean: 5),
                        ConsumptionModel.Feature(feature: .coolingDegrees, coefficient: cooling, standardError: 0, trainingMean: 2)]
        if let grade { features.append(ConsumptionModel.Feature(feature: .grade, coefficient: grade, standardError: 0, trainingMean: 0)) }
        let metrics = ConsumptionMetrics(maeKWhPerKM: 0, r2: 1, rows: 10)
        return ConsumptionModel(name: "m", createdAt: "2026-01-01T00:00:00Z", features: features, ridgeLambda: 0,
                                validation: .init(method: .default, heldOut: metrics, training: metrics),
                                trainingData: .init(rows: 10, totalKM: 100, totalKWh: 120, ambientMinC: -10, ambientMaxC: 30,
                                                    firstStart: nil, lastStart: nil))
    }

    @Test func plainConsumptionOnTheFlat() throws {
        let r = try ChargePrediction.rangeRemaining(type: Self.e12, soc: 0.6, reserveSOC: 0.1, ambientC: 20,
                                                    consumption: .kWhPerKM(1.2))
        // 20 °C = setpoint: HVAC is the 1 kW auxiliary for 3 min per km at 20 km/h.
        #expect(relativeError(r.kWhPerKM, 1.2 + 1.0 / 20) < 1e-12)
        #expect(relativeError(r.km, 0.5 * 350 / 1.25) < 1e-12)
        #expect(r.dominant == .traction)
    }

    @Test func hvacDominatesWhenSlowAndCold() throws {
        let r = try ChargePrediction.rangeRemaining(type: Self.e12, soc: 0.9, ambientC: -20, profile: DrivingProfile(avgSpeedKMH: 5))
        #expect(r.dominant == .hvac)
        #expect(r.reserveSOC == 0.15)
    }

    @Test func climbingDominatesOnASteepRoute() throws {
        let r = try ChargePrediction.rangeRemaining(type: Self.e12, soc: 0.9, ambientC: 20, profile: DrivingProfile(gradeMPerKM: 60))
        #expect(r.dominant == .climbing)
    }

    /// Range inverts the engine's trip energy on random inputs: a trip of `km` uses exactly the energy above the reserve.
    @Test func invertsTripEnergy() throws {
        var random = PredictionRandom(seed: 11)
        var worst = 0.0
        for i in 0..<200 {
            let profile = DrivingProfile(avgSpeedKMH: 8 + 60 * random.nextUnit(), elevationGainMPerKM: 20 * random.nextUnit(),
                                         elevationLossMPerKM: 20 * random.nextUnit(), stopsPerKM: 3 * random.nextUnit(),
                                         dwellPerStopS: 30 * random.nextUnit())
            let ambient = -25 + 65 * random.nextUnit()
            let soc = 0.2 + 0.8 * random.nextUnit()
            let source: ConsumptionSource = switch i % 3 {
            case 0: .vehicleType
            case 1: .kWhPerKM(0.6 + 1.5 * random.nextUnit())
            default: .model(Self.model(intercept: 1 + random.nextUnit(), heating: 0.03, cooling: 0.02, grade: i % 2 == 0 ? 0.004 : nil))
            }
            let r = try ChargePrediction.rangeRemaining(type: Self.e12, soc: soc, ambientC: ambient, profile: profile, consumption: source)
            let trip = r.effectiveType.tripEnergy(distanceKM: r.km, durationS: r.km * profile.secondsPerKM,
                                                  elevationGainM: r.km * profile.elevationGainMPerKM,
                                                  elevationLossM: r.km * profile.elevationLossMPerKM, ambientC: ambient)
            worst = max(worst, relativeError(trip.totalKWh, r.availableKWh))
        }
        #expect(worst < 1e-9)
        print("range_remaining vs trip energy, 200 random cases: worst relative error \(worst)")
    }

    /// The engine drives a trip of the predicted range and ends exactly at the reserve.
    @Test func engineTripOfThePredictedRangeEndsAtTheReserve() throws {
        for source in [ConsumptionSource.vehicleType, .model(Self.model(intercept: 1.3, heating: 0.04, cooling: 0.02))] {
            var type = Self.e12
            type.maxSOC = 0.8  // parked at the depot from the start, already at its target: no charging before the trip
            if case let .model(m) = source { type.fittedConsumption = m }
            let speed = 18.0, ambient = -5.0
            let r = try ChargePrediction.rangeRemaining(type: type, soc: 0.8, ambientC: ambient, profile: DrivingProfile(avgSpeedKMH: speed))
            let trip = Trip(id: "T1", departure: 3600, arrival: 3600 + r.km / speed * 3600, distanceKM: r.km)
            let scenario = Scenario(name: "drive", vehicleTypes: [type],
                                    vehicles: [Vehicle(id: "B1", typeName: "E12", initialSOC: 0.8)],
                                    blocks: [Block(id: "BL1", vehicleID: "B1", trips: [trip])],
                                    chargers: [Charger(id: "C1", maxKW: 150)], site: Site(gridLimitKW: 1000),
                                    weather: .constant(ambient), start: 0, end: 86400)
            let result = try Simulation(scenario: scenario, policy: UncontrolledPolicy()).result()
            let record = try #require(result.trips.first)
            #expect(relativeError(record.socAfter, 0.15) < 1e-9)
            #expect(relativeError(record.energyKWh, r.availableKWh) < 1e-9)
        }
    }

    @Test func fittedModelSplitsClimateIntoHVACAndTakesOverHills() {
        var type = Self.e12
        type.fittedConsumption = Self.model(intercept: 1.0, heating: 0.05, cooling: 0.02)
        let cold = type.tripEnergy(distanceKM: 10, durationS: 1800, elevationGainM: 100, elevationLossM: 0, ambientC: 8)
        #expect(relativeError(cold.tractionKWh, 10) < 1e-12)
        #expect(relativeError(cold.hvacKWh, 10 * 0.05 * 10) < 1e-12)
        #expect(cold.climbKWh > 0)
        type.fittedConsumption = Self.model(intercept: 1.0, heating: 0.05, cooling: 0.02, grade: 0.01)
        let withGrade = type.tripEnergy(distanceKM: 10, durationS: 1800, elevationGainM: 100, elevationLossM: 0, ambientC: 8)
        #expect(withGrade.climbKWh == 0 && withGrade.regenKWh == 0)
        #expect(relativeError(withGrade.tractionKWh, 10 * (1.0 + 0.01 * 10)) < 1e-12)
    }

    @Test func typeWithoutModelIsUnchangedAndCodableOmitsTheField() throws {
        let json = String(decoding: try JSONEncoder().encode(Self.e12), as: UTF8.self)
        #expect(!json.contains("fittedConsumption"))
        let back = try JSONDecoder().decode(VehicleType.self, from: Data(json.utf8))
        #expect(back == Self.e12)
    }

    @Test func badInputs() {
        #expect(throws: PredictionError.self) { try ChargePrediction.rangeRemaining(type: Self.e12, soc: 0.5, ambientC: 10, profile: DrivingProfile(avgSpeedKMH: 0)) }
        #expect(throws: PredictionError.self) { try ChargePrediction.rangeRemaining(type: Self.e12, soc: 0.5, reserveSOC: 1.5, ambientC: 10) }
        #expect(throws: PredictionError.self) {
            try ChargePrediction.rangeRemaining(type: Self.e12, soc: 0.5, ambientC: 20, profile: DrivingProfile(gradeMPerKM: -200), consumption: .kWhPerKM(0.1))
        }
    }

    @Test func belowReserveIsZeroKM() throws {
        let r = try ChargePrediction.rangeRemaining(type: Self.e12, soc: 0.1, ambientC: 10)
        #expect(r.km == 0)
    }
}
