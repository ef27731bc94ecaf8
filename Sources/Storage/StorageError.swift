import CSQLite

/// An error reported by SQLite, with everything needed to understand it: the primary and
/// extended result codes, SQLite's message, and the SQL that was running (if any).
public struct StorageError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Primary result code (`SQLITE_BUSY`, `SQLITE_CONSTRAINT`, …).
    public var resultCode: Int32
    /// Extended result code (`SQLITE_CONSTRAINT_UNIQUE`, …); equals `resultCode` when unknown.
    public var extendedCode: Int32
    /// SQLite's message (or ours, for errors detected by the wrapper).
    public var message: String
    /// The statement being prepared or run, if any.
    public var sql: String?

    public init(resultCode: Int32, extendedCode: Int32? = nil, message: String, sql: String? = nil) {
        self.resultCode = resultCode
        self.extendedCode = extendedCode ?? resultCode
        self.message = message
        self.sql = sql
    }

    /// Extended codes that SQLite defines as macros Swift cannot import.
    public enum Extended {
        public static let constraintForeignKey: Int32 = SQLITE_CONSTRAINT | (3 << 8)
        public static let constraintPrimaryKey: Int32 = SQLITE_CONSTRAINT | (6 << 8)
        public static let constraintTrigger: Int32 = SQLITE_CONSTRAINT | (7 << 8)
        public static let constraintUnique: Int32 = SQLITE_CONSTRAINT | (8 << 8)
    }

    /// True for `SQLITE_BUSY` / `SQLITE_LOCKED` (another connection holds the lock).
    public var isBusy: Bool { resultCode == SQLITE_BUSY || resultCode == SQLITE_LOCKED }

    /// True for constraint violations (unique, foreign key, check, trigger `RAISE(ABORT)`).
    public var isConstraint: Bool { resultCode == SQLITE_CONSTRAINT }

    public var description: String {
        let name = String(cString: sqlite3_errstr(extendedCode))
        var text = "SQLite error \(extendedCode) (\(name)): \(message)"
        if let sql { text += " — while running: \(sql.split(whereSeparator: \.isNewline).joined(separator: " "))" }
        return text
    }

    /// An error detected by the wrapper itself (wrong column type, missing column, …).
    static func misuse(_ message: String, sql: String? = nil) -> StorageError {
        StorageError(resultCode: SQLITE_MISUSE, message: message, sql: sql)
    }
}
