import Foundation
import Testing
@testable import TwinCore

/// Reference case A: the analytic battery (SpiceEV's convention), to 1e-6 relative.
@Suite struct ReferenceATests {
    let curve = batteryA.curve

    @Test func oneHourAt100kWDrawsExactly42kW() throws {
        let r = try Simulation(scenario: singleChargeScenario(type: batteryA, soc: 0.1, chargerKW: 100, hours: 1, stepS: 300),
                               policy: UncontrolledPolicy()).result()
        #expect(relativeError(r.summary.energyKWh / 1.0, 42) < 1e-6)
        #expect(relativeError(r.vehicles[0].socEnd, 0.499) < 1e-6)
    }

    @Test func oneHourAt10kWDrawsExactly10kW() throws {
        let r = try Simulation(scenario: singleChargeScenario(type: batteryA, soc: 0.1, chargerKW: 10, hours: 1, stepS: 300),
                               policy: UncontrolledPolicy()).result()
        #expect(relativeError(r.summary.energyKWh, 10) < 1e-6)
        #expect(relativeError(r.vehicles[0].socEnd, 0.1 + 10 * 0.95 / 100) < 1e-9)
    }

    @Test func timeFromZeroToHalf() {
        let t = curve.timeToChargeS(fromSOC: 0, toSOC: 0.5, limitKW: 1000, capacityKWh: 100, efficiency: 0.95)
        #expect(relativeError(t / 3600, 1.2531328) < 1e-6)
    }

    @Test func timeFromHalfToNinetyIsExponential() {
        let t = curve.timeToChargeS(fromSOC: 0.5, toSOC: 0.9, limitKW: 1000, capacityKWh: 100, efficiency: 0.95)
        #expect(relativeError(t / 3600, 1.9492505) < 1e-6)
        // dSOC/dt = 0.0095 (83 - 82 SOC) per hour, in closed form.
        #expect(relativeError(t / 3600, log((83 - 41.0) / (83 - 82 * 0.9)) / (0.0095 * 82)) < 1e-12)
    }

    @Test func twoHoursCrossTheKnee() throws {
        let r = try Simulation(scenario: singleChargeScenario(type: batteryA, soc: 0.1, chargerKW: 100, hours: 2, stepS: 300),
                               policy: UncontrolledPolicy()).result()
        #expect(relativeError(r.vehicles[0].socEnd, 0.7767076) < 1e-6)
        #expect(relativeError(r.summary.energyKWh, 71.232376) < 1e-6)
        let direct = curve.charge(fromSOC: 0.1, toSOC: 1, limitKW: 100, durationS: 7200, capacityKWh: 100, efficiency: 0.95)
        #expect(relativeError(direct.drawnKWh, 71.232376) < 1e-6)
    }

    @Test func constantRequestBecomesCurveBoundMidInterval() {
        // 30 kW asked from SOC 0.6: curve(0.6) = 33.8 > 30, falls to 30 at SOC 53/82 = 0.6463...
        let switchSOC = 53.0 / 82
        let linearS = (switchSOC - 0.6) * 100 / 0.95 / 30 * 3600
        let tailS = log((83 - 82 * switchSOC) / (83 - 82 * 0.8)) / (0.0095 * 82) * 3600
        let t = curve.timeToChargeS(fromSOC: 0.6, toSOC: 0.8, limitKW: 30, capacityKWh: 100, efficiency: 0.95)
        #expect(relativeError(t, linearS + tailS) < 1e-12)
        let half = curve.charge(fromSOC: 0.6, toSOC: 1, limitKW: 30, durationS: linearS, capacityKWh: 100, efficiency: 0.95)
        #expect(relativeError(half.soc, switchSOC) < 1e-12)
    }

    @Test(arguments: [3600.0, 300.0, 60.0, 17.0])
    func stepDoesNotChangeTheResult(stepS: Double) throws {
        let one = try Simulation(scenario: singleChargeScenario(type: batteryA, soc: 0.1, chargerKW: 100, hours: 2, stepS: 7200),
                                 policy: UncontrolledPolicy()).result()
        let many = try Simulation(scenario: singleChargeScenario(type: batteryA, soc: 0.1, chargerKW: 100, hours: 2, stepS: stepS),
                                  policy: UncontrolledPolicy()).result()
        #expect(relativeError(one.vehicles[0].socEnd, many.vehicles[0].socEnd) < 1e-9)
        #expect(relativeError(one.summary.energyKWh, many.summary.energyKWh) < 1e-9)
    }

    @Test func oneHourOneStepEqualsTwelveAndSixty() throws {
        var figures: [(Double, Double)] = []
        for step in [3600.0, 300, 60] {
            let r = try Simulation(scenario: singleChargeScenario(type: batteryA, soc: 0.1, chargerKW: 100, hours: 1, stepS: step),
                                   policy: UncontrolledPolicy()).result()
            figures.append((r.vehicles[0].socEnd, r.summary.energyKWh))
        }
        for f in figures.dropFirst() {
            #expect(relativeError(f.0, figures[0].0) < 1e-9)
            #expect(relativeError(f.1, figures[0].1) < 1e-9)
        }
    }

    @Test func fullBatteryDrawsNothing() throws {
        #expect(curve.charge(fromSOC: 1, toSOC: 1, limitKW: 100, durationS: 3600, capacityKWh: 100, efficiency: 0.95).drawnKWh == 0)
        let r = try Simulation(scenario: singleChargeScenario(type: batteryA, soc: 1, chargerKW: 100, hours: 1, stepS: 300),
                               policy: UncontrolledPolicy()).result()
        #expect(r.summary.energyKWh == 0)
        #expect(r.summary.peakKW == 0)
    }
}
