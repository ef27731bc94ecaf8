import CSQLite
import Foundation

/// One SQLite connection. Not thread-safe: reach it through a `DatabaseQueue` (a Sendable
/// owner with closure access) or keep it confined to one task.
///
/// Opening sets WAL journaling, `foreign_keys=ON`, `synchronous=NORMAL` and a busy timeout,
/// so several processes can write the same file: writers use `BEGIN IMMEDIATE` transactions,
/// which wait up to the busy timeout for the write lock instead of failing mid-transaction.
public final class Database {
    let handle: OpaquePointer
    /// Path of the database file.
    public let path: String
    /// How long to wait for another connection's lock before failing.
    public let busyTimeout: Duration
    private var statementCache: [String: Statement] = [:]
    private var transactionDepth = 0

    /// Opens (creating if needed) the database at `path`.
    public init(path: String, busyTimeout: Duration = .seconds(10), readOnly: Bool = false) throws(StorageError) {
        var db: OpaquePointer?
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE))
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            if let db { sqlite3_close_v2(db) }
            throw StorageError(resultCode: rc & 0xff, extendedCode: rc, message: "cannot open \(path): \(message)")
        }
        self.handle = db
        self.path = path
        self.busyTimeout = busyTimeout
        sqlite3_extended_result_codes(db, 1)
        let ms = busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(db, Int32(clamping: ms))
        if !readOnly {
            // Switching to WAL needs a brief exclusive lock; another process may be doing the same.
            try retryingWhileBusy { () throws(StorageError) in
                _ = try self.query("PRAGMA journal_mode=WAL")
            }
            try execute("PRAGMA synchronous=NORMAL")
        }
        try execute("PRAGMA foreign_keys=ON")
    }

    deinit {
        statementCache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Builds a `StorageError` from a result code and the connection's current message.
    func error(_ rc: Int32, sql: String?) -> StorageError {
        let extended = sqlite3_extended_errcode(handle)
        return StorageError(
            resultCode: rc & 0xff, extendedCode: (extended & 0xff) == (rc & 0xff) ? extended : rc,
            message: String(cString: sqlite3_errmsg(handle)), sql: sql)
    }

    /// Runs one or more SQL statements without parameters (schema, pragmas).
    public func execute(_ sql: String) throws(StorageError) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        guard rc == SQLITE_OK else {
            var error = self.error(rc, sql: sql)
            if let message {
                error.message = String(cString: message)
                sqlite3_free(message)
            }
            throw error
        }
    }

    /// A prepared statement for `sql`, reused across calls on this connection.
    public func prepare(_ sql: String) throws(StorageError) -> Statement {
        if let cached = statementCache[sql] { return cached }
        let statement = try Statement(database: self, sql: sql)
        statementCache[sql] = statement
        return statement
    }

    /// Runs a statement with bound parameters.
    public func run(_ sql: String, _ values: any SQLValueConvertible...) throws(StorageError) {
        let statement = try prepare(sql)
        try statement.bind(values)
        try statement.run()
    }

    /// Runs a query with bound parameters and returns all rows.
    public func query(_ sql: String, _ values: any SQLValueConvertible...) throws(StorageError) -> [Row] {
        let statement = try prepare(sql)
        try statement.bind(values)
        return try statement.rows()
    }

    /// Runs a query with bound parameters (as an array) and returns all rows.
    public func query(_ sql: String, arguments values: [any SQLValueConvertible]) throws(StorageError) -> [Row] {
        let statement = try prepare(sql)
        try statement.bind(values)
        return try statement.rows()
    }

    /// Runs a query and returns its first row.
    public func queryFirst(_ sql: String, _ values: any SQLValueConvertible...) throws(StorageError) -> Row? {
        let statement = try prepare(sql)
        try statement.bind(values)
        return try statement.firstRow()
    }

    /// Runs a query and decodes the first column of the first row.
    public func scalar<T: SQLValueConvertible>(
        _ sql: String, _ values: any SQLValueConvertible...,
        as type: T.Type = T.self
    ) throws(StorageError) -> T? {
        let statement = try prepare(sql)
        try statement.bind(values)
        guard let row = try statement.firstRow() else { return nil }
        return try row.get(0, as: T.self)
    }

    /// Rowid of the last successful insert on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last INSERT/UPDATE/DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// True while a transaction is open on this connection.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// How a transaction takes its locks.
    public enum TransactionKind: String, Sendable {
        /// Takes the lock on first access; for reads.
        case deferred = "DEFERRED"
        /// Takes the write lock at BEGIN; for every writer (avoids deadlock-prone lock upgrades).
        case immediate = "IMMEDIATE"
        case exclusive = "EXCLUSIVE"
    }

    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws.
    /// Writers should use `.immediate`. BEGIN is retried while another process holds the lock
    /// (beyond SQLite's own busy handler). Nested calls run inside the outer transaction.
    public func transaction<T>(
        _ kind: TransactionKind = .immediate,
        _ body: (Database) throws -> T
    ) throws -> T {
        if transactionDepth > 0 {
            return try body(self)
        }
        try retryingWhileBusy { () throws(StorageError) in try self.execute("BEGIN \(kind.rawValue)") }
        transactionDepth += 1
        defer { transactionDepth -= 1 }
        let result: T
        do {
            result = try body(self)
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
        do {
            try retryingWhileBusy { () throws(StorageError) in try self.execute("COMMIT") }
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
        return result
    }

    /// Retries `body` while it fails with SQLITE_BUSY, for up to the busy timeout again.
    func retryingWhileBusy(_ body: () throws(StorageError) -> Void) throws(StorageError) {
        let clock = ContinuousClock()
        let deadline = clock.now + busyTimeout
        var delay: UInt32 = 1_000
        while true {
            do {
                try body()
                return
            } catch  where error.isBusy && clock.now < deadline {
                usleep(delay)
                delay = min(delay * 2, 50_000)
            }
        }
    }
}
