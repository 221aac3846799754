import CSQLite
import Foundation

/// Everything the store can fail with. Each message says what happened and what to do next.
public enum StoreError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The file or its folder could not be opened or created.
    case cannotOpen(path: String, reason: String)
    /// The file exists but is not an SQLite database (or is encrypted).
    case notADatabase(path: String)
    /// The database was written by a newer DepotTwin whose schema this build does not know.
    case newerSchema(path: String, found: Int, supported: Int)
    /// Another process held the write lock longer than the busy timeout, even after retries.
    case busy(path: String, waitedSeconds: Double)
    /// SQLite reports the file damaged.
    case corrupt(path: String, detail: String)
    /// The file or its folder is read-only, or the disk is full.
    case cannotWrite(path: String, detail: String)
    /// No run with this id.
    case runNotFound(Int64)
    /// The caller passed something the store cannot keep (e.g. an empty resource name).
    case invalidInput(String)
    /// Any other SQLite failure, with the SQL and SQLite's message.
    case database(path: String, detail: String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "cannot open run database \(path): \(reason). Check the folder exists and is writable, or pass --db PATH / set TWIN_DB."
        case let .notADatabase(path):
            return "\(path) is not an SQLite database. Pass --db PATH (or set TWIN_DB) to a DepotTwin database, or move the file away to start a new one."
        case let .newerSchema(path, found, supported):
            return "\(path) has schema version \(found), but this twin only knows versions up to \(supported). Upgrade DepotTwin to read it, or use another --db PATH; the file was not changed."
        case let .busy(path, waited):
            return "database \(path) stayed locked by another process for \(Int(waited)) s. Wait for the other run to finish and retry, or use a separate --db PATH."
        case let .corrupt(path, detail):
            return "database \(path) is damaged (\(detail)). Check it with `sqlite3 \(path) 'PRAGMA integrity_check'`, restore a copy, or start a new one with --db PATH."
        case let .cannotWrite(path, detail):
            return "cannot write to \(path) (\(detail)). Check disk space and permissions, or pass --db PATH to a writable location."
        case let .runNotFound(id):
            return "no run with id \(id). List the stored runs with `twin runs list`."
        case let .invalidInput(message):
            return message
        case let .database(path, detail):
            return "database error on \(path): \(detail)"
        }
    }

    public var errorDescription: String? { description }

    /// Classifies a raw SQLite failure into a user-facing error.
    static func from(_ error: SQLiteError) -> StoreError {
        switch error.primaryCode {
        case SQLITE_NOTADB: return .notADatabase(path: error.path)
        case SQLITE_CORRUPT: return .corrupt(path: error.path, detail: error.message)
        case SQLITE_READONLY, SQLITE_FULL, SQLITE_PERM, SQLITE_CANTOPEN, SQLITE_IOERR:
            return .cannotWrite(path: error.path, detail: error.message)
        default: return .database(path: error.path, detail: error.description)
        }
    }
}

/// Runs `body`, turning raw SQLite errors into `StoreError`s at the public boundary.
func mappingErrors<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as SQLiteError { throw StoreError.from(error) }
}
