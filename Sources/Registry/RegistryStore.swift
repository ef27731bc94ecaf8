import Foundation
import JSON
import Storage

/// The registry database: `<home>/registry.sqlite`, migrated on open.
///
/// Every mutation goes through `write`, which runs in one `BEGIN IMMEDIATE` transaction and
/// hands the caller a `RegistryTransaction` for its statements and its audit events, so data
/// and audit trail commit (or roll back) together. Several processes may open the same home and
/// write concurrently; SQLite serializes the transactions.
///
/// Other Registry files (evaluation records, governance) extend this type in their own files:
///
/// ```swift
/// extension RegistryStore {
///     public func recordRun(_ run: EvaluationRun) throws {
///         try write { tx in
///             try tx.database.run("INSERT INTO evaluation_runs (...) VALUES (?, ?)", run.id, run.suite)
///             try tx.appendAudit(action: "evaluation_run.start", subject: run.id, payload: ["suite": .string(run.suite)])
///         }
///     }
/// }
/// ```
public final class RegistryStore: Sendable {
    /// The registry home directory.
    public let home: URL
    /// Who is acting; recorded in every audit event and `created_by` column.
    public let actor: String
    /// Reads GGUF (or other) headers when registering artifacts; nil records format only.
    public let inspector: (any ArtifactInspector)?
    let queue: DatabaseQueue

    /// File name of the database inside the home.
    public static let databaseFileName = "registry.sqlite"

    /// Opens the registry at `home`. With `create`, creates the directory and database;
    /// otherwise a missing database is `RegistryError.notInitialized`.
    /// `busyTimeout` bounds how long a write waits for another process's transaction.
    public init(
        home: URL, actor: String, create: Bool = false,
        inspector: (any ArtifactInspector)? = nil, busyTimeout: Duration = .seconds(10)
    ) throws {
        let path = home.appendingPathComponent(Self.databaseFileName).path
        if create {
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        } else if !FileManager.default.fileExists(atPath: path) {
            throw RegistryError.notInitialized(path: home.path)
        }
        self.home = home
        self.actor = actor
        self.inspector = inspector
        self.queue = try DatabaseQueue(path: path, busyTimeout: busyTimeout)
        try queue.withConnection { db in _ = try RegistrySchema.migrator.migrate(db) }
    }

    /// Path of the SQLite database.
    public var databasePath: String { queue.path }

    /// Runs `body` in one write transaction (BEGIN IMMEDIATE); rolls back everything, audit
    /// events included, if it throws.
    public func write<T>(_ body: (RegistryTransaction) throws -> T) throws -> T {
        try queue.write { db in
            try body(RegistryTransaction(database: db, actor: actor, time: RegistryClock.now()))
        }
    }

    /// Runs `body` in a read transaction (one consistent snapshot), read through Registry's
    /// typed calls (`GovernanceRecords.roles(snapshot, actor:)`, …).
    public func read<T>(_ body: (RegistrySnapshot) throws -> T) throws -> T {
        try queue.read { try body(RegistrySnapshot(database: $0)) }
    }

    /// Raw SQL in a read transaction: Registry's own queries (and tests inspecting tables,
    /// through `@_spi(RawSQL) import Registry`). Nothing above Registry gets a `Database`.
    @_spi(RawSQL)
    public func readDatabase<T>(_ body: (Database) throws -> T) throws -> T {
        try queue.read(body)
    }

    /// All audit events with `seq` greater than `after`, oldest first (at most `limit`).
    public func auditEvents(after: Int64 = 0, limit: Int = .max) throws -> [AuditEvent] {
        try readDatabase { db in
            try db.query(
                "SELECT \(AuditEvent.selectColumns) FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?",
                after, Int64(clamping: limit)
            ).map { try AuditEvent(row: $0) }
        }
    }

    /// The newest `count` audit events, oldest first.
    public func latestAuditEvents(_ count: Int) throws -> [AuditEvent] {
        try readDatabase { db in
            try db.query(
                "SELECT \(AuditEvent.selectColumns) FROM audit_events ORDER BY seq DESC LIMIT ?",
                Int64(clamping: count)
            ).map { try AuditEvent(row: $0) }.reversed()
        }
    }

    /// The payload (JSON text) of the newest audit event with `action` on `subject`, or nil.
    public func latestAuditPayload(action: String, subject: String) throws -> String? {
        try readDatabase { db in
            try db.scalar(
                "SELECT payload FROM audit_events WHERE action = ? AND subject = ? ORDER BY seq DESC LIMIT 1",
                action, subject, as: String.self)
        }
    }

    /// Recomputes the audit chain (see `AuditEvent` for the hash definition).
    public func verifyAudit() throws -> AuditVerification {
        try readDatabase { db in try AuditEvent.verify(db: db) }
    }

    /// `PRAGMA integrity_check` result ("ok" when healthy).
    public func integrityCheck() throws -> String {
        try readDatabase { db in
            try db.query("PRAGMA integrity_check").map { try $0.get(0, as: String.self) }.joined(separator: "; ")
        }
    }
}

/// The handle a `RegistryStore.write` body works with: the connection inside the open
/// transaction, the acting user, and one timestamp for everything this transaction records.
public struct RegistryTransaction {
    /// The connection, inside the write transaction: Registry's statements (and tests, through
    /// `@_spi(RawSQL) import Registry`). Use bound parameters only.
    @_spi(RawSQL)
    public let database: Database
    /// Who is acting.
    public let actor: String
    /// UTC ISO-8601 time of this transaction (use it for `created_at` columns).
    public let time: String

    /// This transaction as a read view, for Registry's typed reads
    /// (`GovernanceRecords.roles(tx.snapshot, actor:)`).
    public var snapshot: RegistrySnapshot { RegistrySnapshot(database: database) }

    /// Appends an audit event (payload: a JSON object) chained to the previous one.
    @discardableResult
    public func appendAudit(action: String, subject: String, payload: JSONValue) throws -> AuditEvent {
        try AuditEvent.append(
            db: database, time: time, actor: actor, action: action, subject: subject, payload: payload)
    }
}

/// A consistent read view of the registry: the body of `RegistryStore.read`, or a write
/// transaction's `snapshot`. Registry's typed queries take it; it hands out no SQL connection.
public struct RegistrySnapshot {
    let database: Database
}

/// UTC timestamps as ISO 8601 (`2026-12-05T23:01:28.123Z`, or without the milliseconds): the
/// one UTC time formatter of records, reports, exports and webhook logs.
public enum RegistryClock {
    public static func now(milliseconds: Bool = true) -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var seconds = ts.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let ms = ts.tv_nsec / 1_000_000
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(Int(parts.tm_year) + 1900, 4))-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))"
            + "T\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))"
            + (milliseconds ? ".\(pad(Int(ms), 3))Z" : "Z")
    }

    /// Seconds since 1970 of a timestamp `now` wrote (with or without milliseconds), or nil.
    public static func epochSeconds(_ timestamp: String) -> Int64? {
        let parser = ISO8601DateFormatter()
        parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = parser.date(from: timestamp) ?? ISO8601DateFormatter().date(from: timestamp)
        return date.map { Int64($0.timeIntervalSince1970) }
    }
}
