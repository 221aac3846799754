import CSQLite
import Foundation
import TwinCore
#if canImport(Glibc)
import Glibc
#endif

/// The run history: one SQLite database file (default `.twin/twin.db`) holding scenarios, runs,
/// their results and artifacts, and named resources. Schema in `docs/store-schema.md`.
///
/// Open one `RunStore` per process (or thread); several processes may write the same file at once.
/// Each run is written in one `BEGIN IMMEDIATE` transaction, so a crash or `kill -9` leaves either
/// the whole run or none of it. The journal is WAL with `synchronous=NORMAL`: a killed process
/// never loses a committed run; a power cut may lose the last few, never corrupt the file.
public final class RunStore {
    /// The database file this store reads and writes.
    public let path: String
    let db: SQLiteConnection
    let busyTimeout: Double
    /// How many times a write waits a full busy timeout before giving up with `StoreError.busy`.
    let lockAttempts = 3

    /// The schema version this build writes (`PRAGMA user_version`).
    public static var schemaVersion: Int { Migrations.latest }

    /// The database path to use: `TWIN_DB` when set and non-empty, else `.twin/twin.db` under `cwd`.
    /// A relative `TWIN_DB` is taken relative to `cwd`. (`--db PATH` is the CLI's to apply first.)
    /// - Parameters:
    ///   - environment: usually `ProcessInfo.processInfo.environment`.
    ///   - cwd: the working directory, usually `FileManager.default.currentDirectoryPath`.
    public static func defaultPath(environment: [String: String], cwd: String) -> String {
        if let fromEnv = environment["TWIN_DB"], !fromEnv.isEmpty {
            return fromEnv.hasPrefix("/") ? fromEnv : (cwd as NSString).appendingPathComponent(fromEnv)
        }
        return ((cwd as NSString).appendingPathComponent(".twin") as NSString).appendingPathComponent("twin.db")
    }

    /// Opens the database at `path`, creating it (and its folder) on first use and migrating an
    /// older schema forward.
    /// - Parameters:
    ///   - path: database file; see `defaultPath(environment:cwd:)`.
    ///   - busyTimeout: seconds to wait for another process's write lock before retrying (3 tries).
    /// - Throws: `StoreError.newerSchema` for a database from a newer DepotTwin (left untouched),
    ///   `.notADatabase`, `.cannotOpen`, `.busy`.
    public init(path: String, busyTimeout: Double = 10) throws {
        self.path = path
        self.busyTimeout = busyTimeout
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw StoreError.cannotOpen(path: path, reason: "cannot create folder \(folder): \(error.localizedDescription)")
            }
        }
        db = try SQLiteConnection(path: path)
        db.setBusyTimeout(milliseconds: Int32(busyTimeout * 1000))
        try mappingErrors {
            // Refuse a newer schema before touching anything (even the journal mode).
            let found = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
            if found > Migrations.latest {
                throw StoreError.newerSchema(path: path, found: found, supported: Migrations.latest)
            }
            try db.exec("PRAGMA foreign_keys = ON")
            try withLockRetry { try db.exec("PRAGMA journal_mode = WAL") }
            try db.exec("PRAGMA synchronous = NORMAL")
            // 32 MB page cache (default 2 MB): a 100k-event run fits without spilling mid-transaction.
            try db.exec("PRAGMA cache_size = -32768")
            try migrate()
        }
    }

    /// The schema version of the open database.
    public func userVersion() throws -> Int {
        try mappingErrors { Int(try db.scalarInt("PRAGMA user_version") ?? 0) }
    }

    /// Applies every migration newer than the file's version, all in one transaction.
    private func migrate() throws {
        try writeTransaction {
            // Re-read under the write lock: another process may have migrated meanwhile.
            let current = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
            if current > Migrations.latest {
                throw StoreError.newerSchema(path: path, found: current, supported: Migrations.latest)
            }
            for step in Migrations.all where step.version > current {
                try db.exec(step.sql)
                try db.exec("PRAGMA user_version = \(step.version)")
            }
        }
    }

    /// Runs `body` inside `BEGIN IMMEDIATE ... COMMIT`, rolling back on any error. Taking the write
    /// lock up front means a busy database is reported at BEGIN (after the busy timeout), never
    /// halfway through a run; BEGIN is retried `lockAttempts` times before `StoreError.busy`.
    func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        try withLockRetry { try db.exec("BEGIN IMMEDIATE") }
        do {
            let value = try body()
            try db.exec("COMMIT")
            return value
        } catch {
            try? db.exec("ROLLBACK")
            throw error
        }
    }

    /// Retries `body` while SQLite reports the database busy, up to `lockAttempts` times.
    private func withLockRetry(_ body: () throws -> Void) throws {
        let started = Date()
        var attempt = 0
        while true {
            do { return try body() } catch let error as SQLiteError where error.isBusy {
                attempt += 1
                if attempt >= lockAttempts {
                    throw StoreError.busy(path: path, waitedSeconds: Date().timeIntervalSince(started))
                }
                usleep(useconds_t.random(in: 1_000...50_000))
            }
        }
    }

    /// Checks the file and every stored run: `PRAGMA integrity_check`, foreign keys, and that each
    /// run holds exactly the rows its `*_count` columns promise. O(rows).
    /// - Returns: the problems found; empty when the database is sound.
    public func checkIntegrity() throws -> [String] {
        try mappingErrors {
            var problems: [String] = []
            let integrity = try db.prepare("PRAGMA integrity_check")
            while try integrity.step() {
                let line = integrity.string(0)
                if line != "ok" { problems.append(line) }
            }
            let foreign = try db.prepare("PRAGMA foreign_key_check")
            while try foreign.step() { problems.append("foreign key broken in \(foreign.string(0)) row \(foreign.int64(1))") }
            let tables = [("sessions", "session_count"), ("vehicles", "vehicle_count"), ("trips", "trip_count"),
                          ("load_profile", "load_sample_count"), ("events", "event_count")]
            for (table, column) in tables {
                let stmt = try db.prepare("""
                    SELECT r.id, r.\(column), (SELECT count(*) FROM \(table) t WHERE t.run_id = r.id) AS n
                    FROM runs r WHERE n != r.\(column)
                    """)
                while try stmt.step() {
                    problems.append("run \(stmt.int64(0)): \(table) has \(stmt.int64(2)) rows, expected \(stmt.int64(1))")
                }
            }
            let metrics = try db.prepare("""
                SELECT r.id, (SELECT count(*) FROM run_metrics m WHERE m.run_id = r.id) AS n
                FROM runs r WHERE r.status = 'done' AND n != \(RunSummary.metricNames.count)
                """)
            while try metrics.step() { problems.append("run \(metrics.int64(0)): \(metrics.int64(1)) metrics") }
            return problems
        }
    }
}
