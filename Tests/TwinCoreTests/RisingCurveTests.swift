import Foundation
import Testing
@testable import TwinCore

/// Curves that rise with SOC: the session granted the most it may charges exactly per curve.
@Suite struct RisingCurveTests {
    static let type = VehicleType(name: "rise", usableKWh: 300, minSOC: 0, maxSOC: 0.95, reserveSOC: 0,
                                  curve: ChargingCurve([(0, 40), (0.3, 120), (0.5, 110), (0.7, 160), (0.9, 60), (1, 20)]),
                                  chargingEfficiency: 0.93)

    static func timeToTarget(stepS: Double, chargerKW: Double, policy: ChargingPolicy) throws -> (hours: Double, result: RunResult) {
        let s = singleChargeScenario(type: Self.type, soc: 0.05, chargerKW: chargerKW, hours: 12, stepS: stepS)
        let r = try Simulation(scenario: s, policy: policy).result()
        let session = try #require(r.sessions.first)
        return (try #require(session.chargeEndTime) / 3600, r)
    }

    // Uncontrolled asks `maxKW` every tick (sorted policies ask `usefulKW`, which is energy-limited
    // in the last period, so they finish at the tick, as ACN-Sim does).
    @Test(arguments: [("uncontrolled", 1000.0), ("uncontrolled", 140.0), ("uncontrolled", 30.0)])
    func timeToTargetIsExactAndStepIndependent(policy: String, chargerKW: Double) throws {
        let exact = Self.type.curve.timeToChargeS(fromSOC: 0.05, toSOC: 0.95, limitKW: chargerKW, capacityKWh: 300,
                                                  efficiency: 0.93) / 3600
        for step in [60.0, 300, 900] {
            let (hours, r) = try Self.timeToTarget(stepS: step, chargerKW: chargerKW, policy: BuiltinPolicies.make(policy)!)
            #expect(relativeError(hours, exact) < 1e-9, "step \(step): \(hours) h vs \(exact) h")
            #expect(abs(r.vehicles[0].socEnd - 0.95) < 1e-12)
            #expect(relativeError(r.summary.energyKWh, 0.9 * 300 / 0.93) < 1e-9)
            // Asking for the most it may is never cut: the curve binding is physics, not a clamp.
            #expect(r.summary.clamps == 0)
        }
    }

    @Test func maxPowerOverARange() {
        let c = Self.type.curve
        #expect(c.rises)
        #expect(!batteryA.curve.rises)
        #expect(c.maxPowerKW(fromSOC: 0.1, toSOC: 0.2) == c.powerKW(atSOC: 0.2))
        #expect(c.maxPowerKW(fromSOC: 0.1, toSOC: 0.4) == 120)
        #expect(c.maxPowerKW(fromSOC: 0.1, toSOC: 0.6) == c.powerKW(atSOC: 0.6))
        #expect(c.maxPowerKW(fromSOC: 0.8, toSOC: 0.95) == c.powerKW(atSOC: 0.8))
        #expect(c.maxPowerKW(fromSOC: 0.2, toSOC: 0.2) == c.powerKW(atSOC: 0.2))
    }
}
