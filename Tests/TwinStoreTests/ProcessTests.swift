import Foundation
import Testing
@testable @_spi(Testing) import TwinStore
import TwinCore
#if canImport(Glibc)
import Glibc
#endif

/// The `TwinStoreStress` writer built next to the test bundle (`swift build --product TwinStoreStress`).
private func stressExecutable() throws -> URL {
    let candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        Bundle.main.bundleURL,
        URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug"),
    ].map { $0.appendingPathComponent("TwinStoreStress") }
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw StoreError.invalidInput("TwinStoreStress not built; run `swift build --product TwinStoreStress` first")
    }
    return found
}

private func writer(_ db: String, count: Int, seed: Int, sessions: Int, events: Int, log: String? = nil,
                    startWhenExists go: String? = nil) throws -> Process {
    let process = Process()
    process.executableURL = try stressExecutable()
    process.arguments = ["write", db, String(count), String(seed), String(sessions), String(events)] + (go.map { [$0] } ?? [])
    if let log {
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    } else {
        process.standardOutput = FileHandle.nullDevice
    }
    try process.run()
    return process
}

/// Writer processes against one file: SIGKILL at random moments, and two writers at once.
@Suite(.serialized) struct ProcessTests {
    @Test func killNineAtRandomMomentsLeavesWholeRunsOnly() throws {
        let db = temporaryDatabasePath()
        var generator = SystemRandomNumberGenerator()
        let kills = 30
        var runsAfterKill: [Int] = []
        var killedMidSave = 0
        let log = (db as NSString).deletingLastPathComponent + "/writer.log"
        try FileManager.default.createDirectory(atPath: (db as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        for round in 0..<kills {
            let process = try writer(db, count: 0, seed: round * 10_000, sessions: 2_000, events: 20_000, log: log)
            // Early rounds kill during creation and migration too.
            usleep(useconds_t.random(in: (round < 3 ? 0 : 20_000)...400_000, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal, "round \(round): writer ended on its own")
            let lastLine = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").last ?? ""
            if lastLine.hasPrefix("saving") { killedMidSave += 1 }

            let store = try RunStore(path: db)
            #expect(try store.checkIntegrity() == [], "round \(round)")
            let runs = try store.listRuns()
            runsAfterKill.append(runs.count)
            // The newest run of this round, if any, must be whole and equal to what was generated.
            if let newest = runs.first, newest.status == .done, newest.seed >= UInt64(round * 10_000) {
                let seed = newest.seed
                let expected = SyntheticRun.result(sessions: 2_000 + Int(seed % 97), events: 20_000 + Int(seed % 1009), seed: seed)
                #expect(firstDifference(try store.loadRun(newest.id).result as Any, expected as Any) == nil, "round \(round) run \(newest.id)")
            }
        }
        print("TwinStore kill test: \(kills) SIGKILLs, \(killedMidSave) during a save; runs stored after each: \(runsAfterKill)")
        #expect(runsAfterKill == runsAfterKill.sorted())
    }

    @Test func twoWritersAtOnceBothLand() throws {
        let db = temporaryDatabasePath()
        _ = try RunStore(path: db) // create first so both writers open an existing file
        let perWriter = 60
        let go = db + ".go"
        let first = try writer(db, count: perWriter, seed: 0, sessions: 200, events: 2_000, startWhenExists: go)
        let second = try writer(db, count: perWriter, seed: 1_000_000, sessions: 200, events: 2_000, startWhenExists: go)
        _ = FileManager.default.createFile(atPath: go, contents: nil)
        first.waitUntilExit()
        second.waitUntilExit()
        #expect(first.terminationStatus == 0 && second.terminationStatus == 0)

        let store = try RunStore(path: db)
        let runs = try store.listRuns()
        #expect(runs.count == 2 * perWriter)
        let seeds = Set(runs.map(\.seed))
        #expect(seeds == Set((0..<UInt64(perWriter)).map { $0 }).union((0..<UInt64(perWriter)).map { 1_000_000 + $0 }))
        #expect(runs.filter { $0.status == .failed }.count == 2 * perWriter / 10)
        #expect(try store.checkIntegrity() == [])
        // Interleaved ids show the writers really ran at the same time.
        let order = runs.reversed().map { $0.seed >= 1_000_000 }
        let switches = zip(order, order.dropFirst()).filter { $0 != $1 }.count
        print("TwinStore two-writer test: \(runs.count) runs from 2 processes, writer switches in id order: \(switches)")
    }
}
