import Foundation
import Testing
import LuaHost
import TwinCore
@testable import TwinLua

/// Reference cases B and C replayed through the Lua plugins (same numbers as the Swift built-ins).
@Suite struct ReferenceTests {
    @Test(arguments: ["S1", "S2"], [0, 1, 2, 3])
    func luaPluginsAgreeWithACNAndTheBuiltins(scenario: String, algorithmIndex: Int) throws {
        let a = ACNReference.algorithms[algorithmIndex]
        let want = try #require(try ACNReference.run(scenario: scenario, algorithm: a.acn))
        let session = try makeSession()
        let sc = try session.loadScenario(path: referencePath("\(scenario).json"))
        let r = try session.run(scenario: sc, policy: a.policy).result
        let builtin = try Simulation(scenario: sc, policy: BuiltinPolicies.make(a.policy)!).result()
        print("lua \(scenario) \(a.policy): delivered \(r.summary.deliveredKWh) (ACN \(want.total_energy_delivered_kwh), swift \(builtin.summary.deliveredKWh)), peak \(r.summary.peakKW), unmet \(r.summary.unmetVehicles) (ACN \(want.n_unmet_gt_1pct))")
        #expect(abs(r.summary.requestedKWh - want.total_requested_kwh) < 1e-6)
        #expect(relativeError(r.summary.deliveredKWh, want.total_energy_delivered_kwh) <= a.energyTolerance)
        #expect(r.summary.peakKW <= want.site_limit_kw * (1 + 1e-9))
        #expect(abs(r.summary.unmetVehicles - want.n_unmet_gt_1pct) <= a.unmetTolerance)
        // The Lua plugin over the Swift primitive gives exactly the built-in's run.
        #expect(r.summary == builtin.summary)
        #expect(r.sessions == builtin.sessions)
        #expect(r.policyName == a.policy)
    }

    @Test func referenceBGreedyThroughLuaUncontrolled() throws {
        let session = try makeSession()
        let r = try session.run(scenario: DepotB.scenario(), policy: "uncontrolled").result
        #expect(relativeError(r.summary.energyKWh, 1894.7368) < 1e-6)
        #expect(relativeError(r.summary.peakKW, 1000) < 1e-9)
        #expect(r.summary.unmetVehicles == 0)
        for s in r.sessions {
            #expect(relativeError((s.chargeEndTime! - DepotB.start) / 3600, 1.9028640) < 1e-6)
            #expect(abs(s.socOut - 0.9) < 1e-9)
        }
        #expect(r.loadProfile.allSatisfy { $0.siteKW <= 1000 * (1 + 1e-12) })
    }

    @Test func referenceBBalancedThroughLua() throws {
        let session = try makeSession()
        let r = try session.run(scenario: DepotB.scenario(), policy: "balanced").result
        #expect(relativeError(r.summary.energyKWh, 1894.7368) < 1e-6)
        #expect(relativeError(r.summary.peakKW, 210.5263) < 1e-6)
        for s in r.sessions { #expect(abs(s.socOut - 0.9) < 1e-9) }
        for sample in r.loadProfile where sample.time < DepotB.start + 9 * 3600 {
            #expect(relativeError(sample.siteKW, 210.5263158) < 1e-6)
        }
    }
}
