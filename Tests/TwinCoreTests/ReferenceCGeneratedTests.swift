import Foundation
import Testing
@testable import TwinCore

/// Reference case C beyond S1/S2: session lists made by `tools/acn/gen_scenarios.py` (seed 2026)
/// and replayed against ACN-Sim 0.3.3 by `tools/acn/run_acn.py` (see tools/acn/README.md). The
/// scenarios and ACN's figures are in `reference/acn_generated/`; no Python is needed here.
///
/// Tolerances as the reference README's: delivered within 0.5% (round robin 1%), peak <= limit,
/// unmet counts within 1 (round robin 3), requested equal. A run whose fixture carries
/// `known_issue` is a divergence we understand but do not reproduce yet (none at present).
/// `-fit` scenarios ask no more than the batteries hold; G10 and G04 ask more (ACN keeps such
/// sessions in its schedule once full: `Simulation.allocateShowingUnmetRequests`).
@Suite struct ReferenceCGeneratedTests {
    struct Run: Decodable {
        var scenario: String
        var algorithm: String
        var total_requested_kwh: Double
        var total_energy_delivered_kwh: Double
        var peak_kw: Double
        var site_limit_kw: Double
        var n_unmet_gt_1pct: Int
        var per_vehicle_delivered_kwh: [String: Double]
        var known_issue: String?
    }

    struct File: Decodable { var runs: [Run] }

    /// The fixture scenarios (file names without `.json` under reference/acn_generated/).
    static let scenarios = ["G03-fit", "G04-fit", "G06-fit", "G08-fit", "G09-fit", "G13-fit", "G20-fit", "G22-fit", "G10", "G04"]

    static let runs: [Run] = {
        guard let data = try? Data(contentsOf: referenceURL("acn_generated/expected.json")),
              let file = try? JSONDecoder().decode(File.self, from: data) else { return [] }
        return file.runs
    }()

    static func check(_ r: RunResult, against want: Run, energyTolerance: Double, unmetTolerance: Int) {
        #expect(abs(r.summary.requestedKWh - want.total_requested_kwh) < 1e-3)
        #expect(relativeError(r.summary.deliveredKWh, want.total_energy_delivered_kwh) <= energyTolerance,
                "delivered \(r.summary.deliveredKWh) vs ACN \(want.total_energy_delivered_kwh)")
        #expect(r.summary.peakKW <= want.site_limit_kw * (1 + 1e-9))
        #expect(abs(r.summary.unmetVehicles - want.n_unmet_gt_1pct) <= unmetTolerance,
                "unmet \(r.summary.unmetVehicles) vs ACN \(want.n_unmet_gt_1pct)")
    }

    @Test func everyFixtureHasItsRuns() {
        for s in Self.scenarios {
            for a in ACNReference.algorithms {
                #expect(Self.runs.contains { $0.scenario == s && $0.algorithm == a.acn }, "\(s) \(a.acn)")
            }
        }
    }

    @Test(arguments: scenarios, [0, 1, 2, 3])
    func agreesWithACN(scenario: String, algorithmIndex: Int) throws {
        let a = ACNReference.algorithms[algorithmIndex]
        let want = try #require(Self.runs.first { $0.scenario == scenario && $0.algorithm == a.acn })
        let s = try SessionListScenario.load(contentsOf: referenceURL("acn_generated/\(scenario).json"))
        let r = try Simulation(scenario: s, policy: BuiltinPolicies.make(a.policy)!).result()
        #expect(r.sessions.count == want.per_vehicle_delivered_kwh.count)
        if let issue = want.known_issue {
            withKnownIssue(Comment(rawValue: issue)) {
                Self.check(r, against: want, energyTolerance: a.energyTolerance, unmetTolerance: a.unmetTolerance)
            }
        } else {
            Self.check(r, against: want, energyTolerance: a.energyTolerance, unmetTolerance: a.unmetTolerance)
        }
    }

    /// Sorted policies without ties left to chance: every vehicle's energy as ACN's, to 0.01 kWh.
    @Test(arguments: ["G03-fit", "G04-fit", "G06-fit", "G08-fit", "G09-fit", "G13-fit", "G22-fit", "G10", "G04"], [0, 1])
    func perVehicleAgreesWithACN(scenario: String, algorithmIndex: Int) throws {
        let a = ACNReference.algorithms[algorithmIndex]
        let want = try #require(Self.runs.first { $0.scenario == scenario && $0.algorithm == a.acn })
        let s = try SessionListScenario.load(contentsOf: referenceURL("acn_generated/\(scenario).json"))
        let r = try Simulation(scenario: s, policy: BuiltinPolicies.make(a.policy)!).result()
        var ours: [String: Double] = [:]
        for session in r.sessions { ours[session.vehicleID, default: 0] += session.deliveredKWh }
        for (id, kwh) in want.per_vehicle_delivered_kwh {
            #expect(abs((ours[id] ?? 0) - kwh) < 0.01, "\(id): \(ours[id] ?? 0) vs ACN \(kwh)")
        }
    }
}
