import CSQLite
import Foundation

/// SQLite's "copy the bytes now" destructor (`SQLITE_TRANSIENT` is a macro Swift cannot import).
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A thin, owning wrapper over one `sqlite3*` handle. Not thread-safe: one connection per thread or
/// process, which is how the store is used (each writer process opens its own).
final class SQLiteConnection {
    private(set) var handle: OpaquePointer?
    let path: String

    /// Opens (creating if needed) the database at `path`.
    /// - Throws: `StoreError.cannotOpen` when SQLite refuses the file.
    init(path: String, readOnly: Bool = false) throws {
        self.path = path
        var db: OpaquePointer?
        // NOMUTEX: a connection is used by one thread, so SQLite's per-call locking is pure cost.
        let flags = (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        if rc != SQLITE_OK {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw StoreError.cannotOpen(path: path, reason: message)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { close() }

    /// Closes the handle; statements still alive keep it open until they are finalized (`close_v2`).
    func close() {
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs one or more statements that return no rows.
    func exec(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorMessage)
            throw SQLiteError(code: rc, message: message, sql: sql, path: path)
        }
    }

    /// Compiles one statement; reuse it with `reset()` for many rows.
    func prepare(_ sql: String) throws -> SQLiteStatement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, sql: sql) }
        return SQLiteStatement(stmt, connection: self, sql: sql)
    }

    /// Runs a query and returns the first column of the first row as an integer (nil when no rows).
    func scalarInt(_ sql: String) throws -> Int64? {
        let stmt = try prepare(sql)
        return try stmt.step() ? stmt.int64(0) : nil
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    var changes: Int { Int(sqlite3_changes(handle)) }

    /// Sets how long SQLite waits for another process's lock before returning `SQLITE_BUSY`.
    func setBusyTimeout(milliseconds: Int32) { sqlite3_busy_timeout(handle, milliseconds) }

    func error(_ code: Int32, sql: String) -> SQLiteError {
        SQLiteError(code: code, message: String(cString: sqlite3_errmsg(handle)), sql: sql, path: path)
    }
}

/// A failed SQLite call: the result code, SQLite's message and the SQL that failed.
struct SQLiteError: Error, CustomStringConvertible {
    var code: Int32
    var message: String
    var sql: String
    var path: String

    /// Primary result code (extended codes carry extra bits above the low byte).
    var primaryCode: Int32 { code & 0xFF }
    var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }
    var description: String { "SQLite error \(code) (\(message)) in `\(sql)` on \(path)" }
}

/// One compiled statement. Binding indices are 1-based, column indices 0-based (SQLite's rules).
final class SQLiteStatement {
    private var stmt: OpaquePointer?
    private unowned let connection: SQLiteConnection
    let sql: String

    init(_ stmt: OpaquePointer, connection: SQLiteConnection, sql: String) {
        self.stmt = stmt
        self.connection = connection
        self.sql = sql
    }

    deinit { finalize() }

    func finalize() {
        if let stmt { sqlite3_finalize(stmt) }
        stmt = nil
    }

    /// Clears bindings and rewinds, ready for the next row.
    func reset() {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
    }

    private func check(_ rc: Int32) throws {
        if rc != SQLITE_OK { throw connection.error(rc, sql: sql) }
    }

    func bind(_ index: Int32, _ value: Int64?) throws {
        guard let value else { return try check(sqlite3_bind_null(stmt, index)) }
        try check(sqlite3_bind_int64(stmt, index, value))
    }

    func bind(_ index: Int32, _ value: Int?) throws { try bind(index, value.map(Int64.init)) }

    func bind(_ index: Int32, _ value: Bool) throws { try bind(index, Int64(value ? 1 : 0)) }

    func bind(_ index: Int32, _ value: Double?) throws {
        guard let value else { return try check(sqlite3_bind_null(stmt, index)) }
        try check(sqlite3_bind_double(stmt, index, value))
    }

    func bind(_ index: Int32, _ value: String?) throws {
        guard let value else { return try check(sqlite3_bind_null(stmt, index)) }
        try check(sqlite3_bind_text(stmt, index, value, -1, transient))
    }

    func bind(_ index: Int32, _ value: Data) throws {
        let rc = value.withUnsafeBytes { raw in
            // A zero-length blob still needs a non-null pointer to be a blob rather than NULL.
            sqlite3_bind_blob(stmt, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), transient)
        }
        try check(rc)
    }

    /// Binds values to parameters 1, 2, ... in order.
    func bindAll(_ values: [SQLiteValue]) throws {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .null: try check(sqlite3_bind_null(stmt, index))
            case .int(let v): try bind(index, v)
            case .double(let v): try bind(index, v)
            case .text(let v): try bind(index, v)
            case .blob(let v): try bind(index, v)
            }
        }
    }

    /// Advances one row. - Returns: true when a row is available, false when done.
    @discardableResult
    func step() throws -> Bool {
        let rc = sqlite3_step(stmt)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.error(rc, sql: sql)
        }
    }

    /// Steps to completion, then resets for reuse (the usual insert pattern).
    func run() throws {
        defer { reset() }
        while try step() {}
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(stmt, column) == SQLITE_NULL }
    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(stmt, column) }
    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(stmt, column)) }
    func bool(_ column: Int32) -> Bool { sqlite3_column_int64(stmt, column) != 0 }
    func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }

    /// A REAL column. SQLite stores NaN as NULL, so a NULL in a non-optional column reads back as NaN.
    func double(_ column: Int32) -> Double { isNull(column) ? .nan : sqlite3_column_double(stmt, column) }
    func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : sqlite3_column_double(stmt, column) }

    func string(_ column: Int32) -> String { optionalString(column) ?? "" }
    func optionalString(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(stmt, column) else { return nil }
        return String(cString: text)
    }

    func data(_ column: Int32) -> Data {
        let count = Int(sqlite3_column_bytes(stmt, column))
        guard let bytes = sqlite3_column_blob(stmt, column), count > 0 else { return Data() }
        return Data(bytes: bytes, count: count)
    }
}

/// A value to bind, for statements built from heterogeneous lists.
enum SQLiteValue {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob(Data)
}
