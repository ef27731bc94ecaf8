import CSQLite
import Foundation

/// SQLite's "copy this buffer now" destructor marker, defined once for all bindings.
let SQLITE_TRANSIENT = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// A prepared statement. Values are bound as parameters (`?` or `:name`), never spliced into
/// the SQL text. Finalized when released. Belongs to its `Database` and shares its thread rules.
public final class Statement {
    let handle: OpaquePointer
    /// The SQL text as given to `prepare`.
    public let sql: String
    private unowned let database: Database

    init(database: Database, sql: String) throws(StorageError) {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(database.handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else {
            throw database.error(rc, sql: sql)
        }
        self.handle = stmt
        self.sql = sql
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds values by position (1-based in SQLite; `values[0]` goes to the first `?`).
    public func bind(_ values: [any SQLValueConvertible]) throws(StorageError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard expected == values.count else {
            throw .misuse("statement expects \(expected) parameters, got \(values.count)", sql: sql)
        }
        for (i, value) in values.enumerated() {
            try bind(value.sqlValue, at: Int32(i + 1))
        }
    }

    /// Binds values by name (`:name`, `@name` or `$name`, given with their prefix).
    public func bind(named values: [String: any SQLValueConvertible]) throws(StorageError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (name, value) in values {
            let index = sqlite3_bind_parameter_index(handle, name)
            guard index > 0 else { throw .misuse("no parameter named \(name)", sql: sql) }
            try bind(value.sqlValue, at: index)
        }
    }

    private func bind(_ value: SQLValue, at index: Int32) throws(StorageError) {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, index)
        case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
        case .real(let v): rc = sqlite3_bind_double(handle, index, v)
        case .text(let v): rc = sqlite3_bind_text(handle, index, v, -1, SQLITE_TRANSIENT)
        case .blob(let v):
            rc = v.withUnsafeBytes { raw in
                sqlite3_bind_blob64(
                    handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1),
                    sqlite3_uint64(raw.count), SQLITE_TRANSIENT)
            }
        }
        guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
    }

    /// Runs the statement to completion, ignoring any rows.
    public func run() throws(StorageError) {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    /// Runs the statement and collects every row.
    public func rows() throws(StorageError) -> [Row] {
        defer { sqlite3_reset(handle) }
        var out: [Row] = []
        let names = columnNames
        while try step() {
            out.append(Row(columns: names, values: currentValues(count: names.count), sql: sql))
        }
        return out
    }

    /// Runs the statement and hands each row to `body` without collecting them (for large
    /// results). Return false from `body` to stop early.
    public func forEachRow(_ body: (Row) throws -> Bool) throws {
        defer { sqlite3_reset(handle) }
        let names = columnNames
        while try step() {
            if try !body(Row(columns: names, values: currentValues(count: names.count), sql: sql)) { return }
        }
    }

    /// Runs the statement and returns its first row, if any.
    public func firstRow() throws(StorageError) -> Row? {
        defer { sqlite3_reset(handle) }
        let names = columnNames
        guard try step() else { return nil }
        return Row(columns: names, values: currentValues(count: names.count), sql: sql)
    }

    /// Advances one row; true while a row is available.
    private func step() throws(StorageError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.error(rc, sql: sql)
        }
    }

    private var columnNames: [String] {
        (0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) }
    }

    private func currentValues(count: Int) -> [SQLValue] {
        (0..<Int32(count)).map { i in
            switch sqlite3_column_type(handle, i) {
            case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, i))
            case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, i))
            case SQLITE_TEXT:
                let n = Int(sqlite3_column_bytes(handle, i))
                guard let p = sqlite3_column_text(handle, i) else { return .text("") }
                return .text(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
            case SQLITE_BLOB:
                let n = Int(sqlite3_column_bytes(handle, i))
                guard let p = sqlite3_column_blob(handle, i), n > 0 else { return .blob(Data()) }
                return .blob(Data(bytes: p, count: n))
            default: return .null
            }
        }
    }
}
