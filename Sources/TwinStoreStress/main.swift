// TwinStoreStress: a writer process for the store's crash and concurrency tests.
//
//   TwinStoreStress write DB COUNT SEED [SESSIONS EVENTS [GOFILE]]
//   TwinStoreStress bench DB     (save/load timing of a 10k-session, 100k-event result)
//
// Saves COUNT synthetic runs (forever when COUNT is 0) into DB, run i with seed SEED + i; every
// tenth run is saved as failed. Prints "saving SEED" before and "saved ID" after each run. The tests kill it with SIGKILL at random
// moments, or start two at once on one file.
@_spi(Testing) import TwinStore
import Foundation

let args = CommandLine.arguments
if args.count == 3, args[1] == "bench" {
    // Save benchmark: one generated result of 10k sessions and 100k events, five times.
    do {
        let store = try RunStore(path: args[2])
        let result = SyntheticRun.result(sessions: 10_000, events: 100_000, vehicles: 200, trips: 2_000, loadSamples: 10_000)
        let clock = ContinuousClock()
        for _ in 0..<5 {
            var id: Int64 = 0
            let save = try clock.measure { id = try store.saveRun(SyntheticRun.metadata(), result: result) }
            let load = try clock.measure { _ = try store.loadRun(id) }
            print("save \(save), load \(load)")
        }
    } catch {
        print("bench failed: \(error)")
        exit(1)
    }
    exit(0)
}
guard args.count >= 5, args[1] == "write", let count = Int(args[3]), let seed = UInt64(args[4]) else {
    FileHandle.standardError.write(Data("usage: TwinStoreStress write DB COUNT SEED [SESSIONS EVENTS [GOFILE]] | bench DB\n".utf8))
    exit(2)
}
let sessions = args.count > 5 ? Int(args[5]) ?? 500 : 500
let events = args.count > 6 ? Int(args[6]) ?? 5000 : 5000
// Optional start barrier: wait until this file exists, so two writers begin together.
if args.count > 7 {
    while !FileManager.default.fileExists(atPath: args[7]) { usleep(1_000) }
}

do {
    let store = try RunStore(path: args[2])
    var i: UInt64 = 0
    while count == 0 || i < UInt64(count) {
        let runSeed = seed + i
        let metadata = SyntheticRun.metadata(seed: runSeed)
        let id: Int64
        if runSeed % 10 == 9 {
            print("saving \(runSeed)")
            fflush(stdout)
            id = try store.saveFailedRun(metadata, error: "plugin 'greedy' raised: attempt to index a nil value")
        } else {
            // Vary sizes so a kill lands at different points of the transaction.
            let result = SyntheticRun.result(sessions: sessions + Int(runSeed % 97), events: events + Int(runSeed % 1009),
                                             seed: runSeed)
            print("saving \(runSeed)")
            fflush(stdout)
            id = try store.saveRun(metadata, result: result,
                                   artifacts: [Artifact(name: "summary", mediaType: "text/plain", bytes: Data("run \(runSeed)".utf8))])
        }
        print("saved \(id)")
        fflush(stdout)
        i += 1
    }
} catch {
    FileHandle.standardError.write(Data("TwinStoreStress: \(error)\n".utf8))
    exit(1)
}
