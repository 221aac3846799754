import Foundation
import Testing
@testable @_spi(Testing) import TwinStore
import TwinCore

@Suite struct RoundTripTests {
    @Test func savedRunLoadsBackEqualAndBitExact() throws {
        let store = try RunStore(path: temporaryDatabasePath())
        var result = SyntheticRun.result(sessions: 40, events: 300, vehicles: 6, trips: 12, loadSamples: 30, seed: .max)
        result.sessions[1].socIn = -0.0
        result.events[2].powerKW = Double.leastNonzeroMagnitude * 3
        let metadata = SyntheticRun.metadata(seed: .max)
        let artifacts = [Artifact(name: "html", mediaType: "text/html", bytes: Data("<p>ok</p>".utf8)),
                         Artifact(name: "empty", mediaType: "application/octet-stream", bytes: Data())]
        let id = try store.saveRun(metadata, result: result, artifacts: artifacts)

        let stored = try store.loadRun(id)
        #expect(stored.result == result)
        #expect(firstDifference(stored.result as Any, result as Any) == nil)
        #expect(stored.metadata == metadata)
        #expect(stored.row.status == .done)
        #expect(stored.row.seed == UInt64.max)
        #expect(stored.artifacts == [ArtifactInfo(name: "empty", mediaType: "application/octet-stream", byteCount: 0),
                                     ArtifactInfo(name: "html", mediaType: "text/html", byteCount: 9)])
        #expect(try store.artifact(id, name: "html") == artifacts[0])
        #expect(try store.artifact(id, name: "empty") == artifacts[1])
        #expect(try store.artifact(id, name: "nope") == nil)
        #expect(try store.checkIntegrity() == [])
    }

    @Test func emptyResultRoundTrips() throws {
        let store = try RunStore(path: temporaryDatabasePath())
        var result = SyntheticRun.result(sessions: 0, events: 0, vehicles: 0, trips: 0, loadSamples: 0)
        result.warnings = []
        result.summary = RunSummary()
        let id = try store.saveRun(SyntheticRun.metadata(), result: result)
        #expect(firstDifference(try store.loadRun(id).result as Any, result as Any) == nil)
    }

    @Test func failedRunKeepsErrorAndNoResults() throws {
        let store = try RunStore(path: temporaryDatabasePath())
        var metadata = SyntheticRun.metadata(seed: 7)
        metadata.finishedAt = nil
        metadata.wallTimeS = nil
        let id = try store.saveFailedRun(metadata, error: "plugin 'greedy' line 12: attempt to index a nil value")
        let stored = try store.loadRun(id)
        #expect(stored.result == nil)
        #expect(stored.row.status == .failed)
        #expect(stored.row.error == "plugin 'greedy' line 12: attempt to index a nil value")
        #expect(stored.metadata == metadata)
        #expect(try store.metrics(id) == [])
        #expect(try store.checkIntegrity() == [])
    }

    @Test func failedSaveLeavesNothing() throws {
        let store = try RunStore(path: temporaryDatabasePath())
        let result = SyntheticRun.result(sessions: 10, events: 10)
        let twice = [Artifact(name: "x", mediaType: "text/plain", bytes: Data()),
                     Artifact(name: "x", mediaType: "text/plain", bytes: Data())]
        #expect(throws: StoreError.self) { try store.saveRun(SyntheticRun.metadata(), result: result, artifacts: twice) }
        #expect(try store.listRuns().isEmpty)
        try store.db.exec("SELECT 1") // the connection is usable and not inside a transaction
        let id = try store.saveRun(SyntheticRun.metadata(), result: result)
        #expect(firstDifference(try store.loadRun(id).result as Any, result as Any) == nil)
        #expect(try store.db.scalarInt("SELECT count(*) FROM sessions") == 10)
    }

    @Test func iso8601RoundTripsMilliseconds() {
        let date = Date(timeIntervalSince1970: 1_767_225_600.125)
        #expect(ISO8601.string(from: date) == "2026-01-01T00:00:00.125Z")
        #expect(ISO8601.date(from: "2026-01-01T00:00:00.125Z") == date)
        #expect(ISO8601.date(from: "2026-01-01T00:00:00Z") == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(ISO8601.date(from: "yesterday") == nil)
    }

    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256.hex("".utf8) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc".utf8) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: 0x61, count: 1_000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test func benchmarkSaveOf100kEventsAnd10kSessions() throws {
        let store = try RunStore(path: temporaryDatabasePath())
        let result = SyntheticRun.result(sessions: 10_000, events: 100_000, vehicles: 200, trips: 2_000, loadSamples: 10_000)
        let clock = ContinuousClock()
        let saveTime = try clock.measure { _ = try store.saveRun(SyntheticRun.metadata(), result: result) }
        var loaded: StoredRun?
        let loadTime = try clock.measure { loaded = try store.loadRun(1) }
        #expect(firstDifference(loaded?.result as Any, result as Any) == nil)
        // Reported, not asserted: timings depend on the machine and the build configuration.
        print("TwinStore benchmark: save 100k events + 10k sessions + 2k trips + 10k samples: \(saveTime); load: \(loadTime)")
    }
}
