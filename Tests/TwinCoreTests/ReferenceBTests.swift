import Foundation
import Testing
@testable import TwinCore

/// Reference case B: the analytic overnight depot.
@Suite struct ReferenceBTests {
    @Test func greedySharesTheSiteInProportion() throws {
        let sim = try Simulation(scenario: DepotB.scenario(chargers: 10), policy: UncontrolledPolicy())
        try sim.run(until: DepotB.start + 1.5789474 * 3600)
        #expect(abs(sim.vehicle("BUS-3")!.soc - 0.8) < 1e-7)
        #expect(abs(sim.vehicle("BUS-3")!.powerKW - 100) < 1e-9)
        try sim.run(until: DepotB.start + (1.5789474 + 0.2339181) * 3600)
        #expect(abs(sim.vehicle("BUS-3")!.soc - 0.8740741) < 1e-7)
        let r = try sim.result()
        #expect(relativeError(r.summary.energyKWh, DepotB.demandKWh) < 1e-9)
        #expect(relativeError(r.summary.energyKWh, 1894.7368) < 1e-6)
        #expect(relativeError(r.summary.peakKW, 1000) < 1e-9)
        #expect(r.summary.unmetVehicles == 0)
        // Exactly: 100 kW to 0.8, site-bound to the SOC where the curve is 100 kW, then the curve.
        let kneeH = 150 / 0.95 / 100
        let siteBoundSOC = 0.8 + 50.0 / 675
        let siteBoundH = (siteBoundSOC - 0.8) * 300 / 0.95 / 100
        let tailH = log(100 / (150 - 675 * 0.1)) / -(-675 * 0.95 / 300)
        #expect(relativeError(siteBoundSOC, 0.8740741) < 1e-6)
        #expect(relativeError(kneeH + siteBoundH + tailH, 1.9028640) < 1e-6)
        for s in r.sessions {
            #expect(relativeError((s.chargeEndTime! - DepotB.start) / 3600, 1.9028640) < 1e-6)
            #expect(abs(s.socOut - 0.9) < 1e-9)
        }
        #expect(r.loadProfile.allSatisfy { $0.siteKW <= 1000 * (1 + 1e-12) })
    }

    @Test func balancedIsFlatAllNight() throws {
        let r = try Simulation(scenario: DepotB.scenario(chargers: 10), policy: BalancedPolicy()).result()
        #expect(relativeError(r.summary.energyKWh, 1894.7368) < 1e-6)
        #expect(relativeError(r.summary.peakKW, 210.5263) < 1e-6)
        for s in r.sessions { #expect(abs(s.socOut - 0.9) < 1e-9) }
        for sample in r.loadProfile where sample.time < DepotB.start + 9 * 3600 {
            #expect(relativeError(sample.siteKW, 210.5263158) < 1e-6)
        }
    }

    @Test func fiveChargersServeTwoWaves() throws {
        let r = try Simulation(scenario: DepotB.scenario(chargers: 5), policy: UncontrolledPolicy()).result()
        // Each bus alone: 150 kW to SOC 0.8, then the curve (k b = -675 x 0.95 / 300 per hour) to 0.9.
        let flatH = 150 / 0.95 / 150
        let tailH = log(150 / (150 - 675 * 0.1)) / (675 * 0.95 / 300)
        let waveH = flatH + tailH
        #expect(relativeError(waveH, 1.3323205) < 1e-6)
        #expect(r.sessions.count == 10)
        let first = r.sessions.prefix(5), second = r.sessions.suffix(5)
        for s in first {
            #expect(s.plugInTime == DepotB.start)
            #expect(relativeError((s.chargeEndTime! - DepotB.start) / 3600, waveH) < 1e-9)
            #expect(s.unplugTime == s.chargeEndTime!)
        }
        for s in second {
            #expect(s.arrivalTime == DepotB.start)
            #expect(relativeError((s.plugInTime - DepotB.start) / 3600, waveH) < 1e-9)
            #expect(relativeError((s.chargeEndTime! - DepotB.start) / 3600, 2 * waveH) < 1e-9)
            #expect(abs(s.socOut - 0.9) < 1e-9)
        }
        #expect(relativeError(r.summary.peakKW, 750) < 1e-9)
        #expect(relativeError(r.summary.energyKWh, DepotB.demandKWh) < 1e-9)
    }
}

extension ReferenceBTests {
    /// The depot result does not depend on the control step either.
    @Test(arguments: [60.0, 900.0, 1234.0])
    func greedyIsStepIndependent(stepS: Double) throws {
        var s = DepotB.scenario(chargers: 10)
        s.stepS = stepS
        let r = try Simulation(scenario: s, policy: UncontrolledPolicy()).result()
        for session in r.sessions {
            #expect(relativeError((session.chargeEndTime! - DepotB.start) / 3600, 1.9028640) < 1e-6)
        }
        #expect(relativeError(r.summary.energyKWh, DepotB.demandKWh) < 1e-9)
        #expect(relativeError(r.summary.peakKW, 1000) < 1e-9)
    }
}
