import Testing
import TwinCore
import TwinLua
@testable import TwinCLI

/// Exit codes: bad input is 2, a run that started and failed is 1.
@Suite struct ErrorClassifierTests {
    @Test func scenarioValuesFoundBadBeforeTheRunAreInput() {
        let invalid = SessionError("scenario 'S': site.grid_limit_kw: must be >= 0 (give the connection limit in kW)", isBadInput: true)
        #expect(ErrorClassifier.classify(invalid).exitCode == 2)
        #expect(ErrorClassifier.classify(ScenarioError("vehicles[0].evse_id", "unknown charger 'X'", hint: "use an id")).exitCode == 2)
        #expect(ErrorClassifier.classify(SessionError("plugins/policies/p.lua:3: attempt to index nil")).exitCode == 1)
    }
}
