import Foundation
import Testing
@testable import TwinCore

/// Reference case C: session lists replayed against ACN-Sim 0.3.3 (ideal battery, 5-minute periods).
@Suite struct ReferenceCTests {
    static func expected(_ scenario: String, _ algorithm: String) throws -> ACNReference.Run {
        try #require(try ACNReference.run(scenario: scenario, algorithm: algorithm))
    }

    static func run(_ scenario: String, _ policy: String) throws -> RunResult {
        let s = try SessionListScenario.load(contentsOf: referenceURL("\(scenario).json"))
        return try Simulation(scenario: s, policy: BuiltinPolicies.make(policy)!).result()
    }

    @Test func loaderReadsTheFile() throws {
        let s = try SessionListScenario.load(contentsOf: referenceURL("S2.json"))
        #expect(s.vehicles.count == 40)
        #expect(s.chargers.count == 40)
        #expect(s.site.gridLimitKW == 600)
        #expect(s.stepS == 300)
        #expect(s.end - s.start == 780 * 60)
        #expect(s.start == 1_704_132_000)  // 2024-01-01T18:00:00 read as UTC
    }

    @Test(arguments: ["S1", "S2"], [0, 1, 2, 3])
    func agreesWithACN(scenario: String, algorithmIndex: Int) throws {
        let a = ACNReference.algorithms[algorithmIndex]
        let want = try Self.expected(scenario, a.acn)
        let r = try Self.run(scenario, a.policy)
        print("\(scenario) \(a.policy): delivered \(r.summary.deliveredKWh) (ACN \(want.total_energy_delivered_kwh)), peak \(r.summary.peakKW) (ACN \(want.peak_kw)), unmet \(r.summary.unmetVehicles) (ACN \(want.n_unmet_gt_1pct))")
        #expect(abs(r.summary.requestedKWh - want.total_requested_kwh) < 1e-6)
        #expect(relativeError(r.summary.deliveredKWh, want.total_energy_delivered_kwh) <= a.energyTolerance)
        #expect(r.summary.peakKW <= want.site_limit_kw * (1 + 1e-9))
        #expect(abs(r.summary.unmetVehicles - want.n_unmet_gt_1pct) <= a.unmetTolerance)
        #expect(r.sessions.count == 40)
    }
}
