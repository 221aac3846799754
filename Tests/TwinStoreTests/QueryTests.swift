import Foundation
import Testing
@testable @_spi(Testing) import TwinStore
import TwinCore

@Suite struct QueryTests {
    @Test func listRunFilterDeleteAndDiff() throws {
        let store = try RunStore(path: temporaryDatabasePath())
        var a = SyntheticRun.result(sessions: 5, events: 20)
        let idA = try store.saveRun(SyntheticRun.metadata(seed: 1), result: a)
        a.summary.peakKW = 999
        a.summary.clamps = 0
        let idB = try store.saveRun(SyntheticRun.metadata(seed: 2), result: a,
                                    artifacts: [Artifact(name: "csv", mediaType: "text/csv", bytes: Data("a,b\n".utf8))])
        var other = SyntheticRun.metadata(seed: 3, scenarioText: "return { name = 'other' }")
        other.scenario.name = "other"
        let idC = try store.saveFailedRun(other, error: "boom")

        #expect(try store.listRuns().map(\.id) == [idC, idB, idA])
        #expect(try store.listRuns(limit: 2).map(\.id) == [idC, idB])
        #expect(try store.listRuns(scenario: "synthetic depot").map(\.id) == [idB, idA])
        let hashPrefix = String(other.scenario.hash.prefix(8))
        #expect(try store.listRuns(scenario: hashPrefix).map(\.id) == [idC])
        #expect(try store.run(idC).status == .failed)
        #expect(try store.metrics(idA).map(\.name) == RunSummary.metricNames)
        #expect(try store.artifacts(idB).map(\.name) == ["csv"])

        let diff = try store.diff(idA, idB)
        #expect(diff.changes.map(\.name) == ["peak_kw", "clamps"])
        let peak = try #require(diff.changes.first)
        #expect(peak.a == 0.1 + 0.2 && peak.b == 999 && peak.delta == 999 - (0.1 + 0.2))
        let vsFailed = try store.diff(idA, idC)
        #expect(vsFailed.metrics.count == RunSummary.metricNames.count)
        #expect(vsFailed.metrics.allSatisfy { $0.b == nil && $0.delta == nil })

        try store.deleteRun(idB)
        #expect(throws: StoreError.runNotFound(idB)) { try store.deleteRun(idB) }
        #expect(throws: StoreError.runNotFound(idB)) { _ = try store.loadRun(idB) }
        for table in ["run_metrics", "sessions", "vehicles", "trips", "load_profile", "events", "artifacts"] {
            #expect(try store.db.scalarInt("SELECT count(*) FROM \(table) WHERE run_id = \(idB)") == 0, "\(table)")
        }
        #expect(firstDifference(try store.loadRun(idA).result as Any, SyntheticRun.result(sessions: 5, events: 20) as Any) == nil)
        // Ids are never reused after a delete.
        #expect(try store.saveRun(SyntheticRun.metadata(), result: a) > idC)
        #expect(try store.checkIntegrity() == [])
    }

    @Test func resourcesSaveReplaceListDelete() throws {
        let store = try RunStore(path: temporaryDatabasePath())
        try store.saveResource(kind: "vehicle_type", name: "Urbino 12", json: #"{"battery_kwh":300}"#)
        try store.saveResource(kind: "vehicle_type", name: "eCitaro", json: #"{"battery_kwh":396}"#)
        try store.saveResource(kind: "charger", name: "ABB", json: #"{"max_kw":150}"#)
        try store.saveResource(kind: "vehicle_type", name: "Urbino 12", json: #"{"battery_kwh":400}"#)
        #expect(try store.loadResource(kind: "vehicle_type", name: "Urbino 12") == #"{"battery_kwh":400}"#)
        #expect(try store.loadResource(kind: "depot", name: "Urbino 12") == nil)
        #expect(try store.listResources(kind: "vehicle_type").map(\.name) == ["Urbino 12", "eCitaro"])
        #expect(try store.listResources().map(\.kind) == ["charger", "vehicle_type", "vehicle_type"])
        #expect(try store.deleteResource(kind: "charger", name: "ABB"))
        #expect(try !store.deleteResource(kind: "charger", name: "ABB"))
        #expect(throws: StoreError.self) { try store.saveResource(kind: "depot", name: "x", json: "{not json") }
        #expect(throws: StoreError.self) { try store.saveResource(kind: "", name: "x", json: "{}") }
    }
}
