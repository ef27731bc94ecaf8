/// Applies registered schema migrations in order. Migrations are identified by string ids,
/// append-only (never edit or reorder one that shipped), each applied in its own immediate
/// transaction and recorded in `schema_migrations`. A database that has applied an id this
/// code does not know (written by a newer Assay) is refused rather than guessed at.
public struct Migrator: Sendable {
    /// One migration: an id and the work to run inside its transaction.
    public struct Migration: Sendable {
        public let id: String
        public let apply: @Sendable (Database) throws -> Void
    }

    /// Registered migrations in application order.
    public private(set) var migrations: [Migration] = []

    public init() {}

    /// Registers a migration given as SQL (may hold several statements).
    public mutating func register(_ id: String, sql: String) {
        register(id) { db in try db.execute(sql) }
    }

    /// Registers a migration given as a closure.
    public mutating func register(_ id: String, _ apply: @escaping @Sendable (Database) throws -> Void) {
        precondition(!migrations.contains { $0.id == id }, "duplicate migration id \(id)")
        migrations.append(Migration(id: id, apply: apply))
    }

    /// Errors the migrator reports itself.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        /// The database has applied migrations this code does not know.
        case unknownAppliedMigrations([String])

        public var description: String {
            switch self {
            case .unknownAppliedMigrations(let ids):
                return
                    "the database was migrated by a newer version (unknown migrations: \(ids.joined(separator: ", ")))"
            }
        }
    }

    /// Ids already applied to `db`, in application order.
    public static func appliedIDs(_ db: Database) throws -> [String] {
        try db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY NOT NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"
        )
        return try db.query("SELECT id FROM schema_migrations ORDER BY rowid").map { try $0.get(0, as: String.self) }
    }

    /// Applies every pending migration; safe to run from several processes at once.
    /// Returns the ids applied by this call.
    @discardableResult
    public func migrate(_ db: Database) throws -> [String] {
        let known = Set(migrations.map(\.id))
        // Fast path without the write lock: an up-to-date database is only read, so opening it
        // never waits for (or blocks) another process's write transaction.
        let alreadyApplied: [String]? = try db.transaction(.deferred) { db in
            let exists =
                try db.scalar(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
                    as: Int.self) ?? 0
            guard exists > 0 else { return nil }
            return try db.query("SELECT id FROM schema_migrations ORDER BY rowid").map {
                try $0.get(0, as: String.self)
            }
        }
        if let alreadyApplied {
            let unknown = alreadyApplied.filter { !known.contains($0) }
            if !unknown.isEmpty { throw Failure.unknownAppliedMigrations(unknown) }
            if known.isSubset(of: alreadyApplied) { return [] }
        }
        let applied = try db.transaction(.immediate) { db in try Self.appliedIDs(db) }
        let unknown = applied.filter { !known.contains($0) }
        if !unknown.isEmpty { throw Failure.unknownAppliedMigrations(unknown) }
        var done: [String] = []
        for migration in migrations where !applied.contains(migration.id) {
            try db.transaction(.immediate) { db in
                // Another process may have applied it since we looked.
                let already =
                    try db.scalar("SELECT count(*) FROM schema_migrations WHERE id = ?", migration.id, as: Int.self)
                    ?? 0
                guard already == 0 else { return }
                try migration.apply(db)
                try db.run("INSERT INTO schema_migrations (id) VALUES (?)", migration.id)
                done.append(migration.id)
            }
        }
        return done
    }
}
