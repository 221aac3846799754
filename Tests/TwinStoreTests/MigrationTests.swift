import Foundation
import Testing
@testable @_spi(Testing) import TwinStore
import TwinCore

@Suite struct MigrationTests {
    @Test func newDatabaseIsCreatedWithFolderAtLatestVersionInWAL() throws {
        let path = temporaryDatabasePath()
        let store = try RunStore(path: path)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try store.userVersion() == RunStore.schemaVersion)
        let mode = try store.db.prepare("PRAGMA journal_mode")
        #expect(try mode.step())
        #expect(mode.string(0) == "wal")
    }

    @Test func version1DatabaseIsMigratedWithDataKept() throws {
        let path = temporaryDatabasePath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        // An old database as DepotTwin v1 wrote it, by hand.
        do {
            let old = try SQLiteConnection(path: path)
            try old.exec(Migrations.v1.sql)
            try old.exec("""
                INSERT INTO scenarios VALUES ('abc', 'old depot', NULL, 'return {}');
                INSERT INTO runs (scenario_hash, scenario_name, policy, seed, status, started_at, host_version,
                    session_count) VALUES ('abc', 'old depot', 'greedy', 5, 'done', '2025-01-01T00:00:00.000Z', '0.0.1', 1);
                INSERT INTO run_metrics VALUES (1, 'peak_kw', 321.5);
                INSERT INTO sessions (run_id, seq, id, vehicle_id, charger_id, clamps) VALUES (1, 0, 1, 'bus-1', 'CH1', 0);
                PRAGMA user_version = 1;
                """)
            #expect(throws: (any Error).self) { try old.exec("SELECT wall_time_s FROM runs") }
        }
        let store = try RunStore(path: path)
        #expect(try store.userVersion() == 2)
        let runs = try store.listRuns()
        #expect(runs.count == 1)
        #expect(runs.first?.scenarioName == "old depot")
        #expect(runs.first?.wallTimeS == nil)
        #expect(try store.metrics(1) == [Metric(name: "peak_kw", value: 321.5)])
        #expect(try store.db.scalarInt("SELECT count(*) FROM sessions") == 1)
        try store.saveResource(kind: "charger", name: "ABB 150", json: #"{"max_kw":150}"#)
        let id = try store.saveRun(SyntheticRun.metadata(), result: SyntheticRun.result(sessions: 3, events: 3))
        #expect(id == 2)
        // The hand-made v1 run has one metric of fourteen; the checker says so, and nothing else.
        #expect(try store.checkIntegrity() == ["run 1: 1 metrics"])
        // Opening again is a no-op.
        #expect(try RunStore(path: path).userVersion() == 2)
    }

    @Test func newerDatabaseIsRefusedAndLeftUntouched() throws {
        let path = temporaryDatabasePath()
        _ = try RunStore(path: path)
        do {
            let raw = try SQLiteConnection(path: path)
            try raw.exec("PRAGMA user_version = 99")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: StoreError.newerSchema(path: path, found: 99, supported: RunStore.schemaVersion)) {
            _ = try RunStore(path: path)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        let message = StoreError.newerSchema(path: path, found: 99, supported: 2).description
        #expect(message.contains("version 99") && message.contains("Upgrade DepotTwin"))
    }

    @Test func nonDatabaseFileGivesAClearError() throws {
        let path = temporaryDatabasePath()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try Data(String(repeating: "this is not sqlite\n", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: StoreError.notADatabase(path: path)) { _ = try RunStore(path: path) }
    }

    @Test func unwritableLocationGivesAClearError() throws {
        #expect(throws: StoreError.self) { _ = try RunStore(path: "/proc/twin-cannot-be-here/twin.db") }
    }

    @Test func defaultPathPrefersTWIN_DB() {
        #expect(RunStore.defaultPath(environment: [:], cwd: "/home/a/depot") == "/home/a/depot/.twin/twin.db")
        #expect(RunStore.defaultPath(environment: ["TWIN_DB": ""], cwd: "/w") == "/w/.twin/twin.db")
        #expect(RunStore.defaultPath(environment: ["TWIN_DB": "/data/t.db"], cwd: "/w") == "/data/t.db")
        #expect(RunStore.defaultPath(environment: ["TWIN_DB": "runs/t.db"], cwd: "/w") == "/w/runs/t.db")
    }

    @Test func migrationsAreNumberedInOrder() {
        #expect(Migrations.all.map(\.version) == Array(1...Migrations.latest))
    }
}
