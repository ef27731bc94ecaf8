import Storage

/// A named entry (model or dataset) and a summary of its versions.
public struct EntrySummary: Sendable, Equatable, Codable {
    public var name: String
    public var versionCount: Int
    public var latestVersion: String?
    public var createdAt: String
    public var createdBy: String
}

/// Models and datasets are stored alike: a table of named entries and a table of their
/// versions in registration order. The listings both kinds share are written once, here.
struct VersionedTable {
    /// Entry table (`models`), version table (`model_versions`) and the versions' key column
    /// (`model_id`). Fixed names, never user input.
    let entries: String
    let versions: String
    let key: String

    /// The audit action recorded when an entry is created (`model.create`).
    let createAction: String
    /// The errors for an entry and for a version that do not exist.
    let unknownEntry: @Sendable (String) -> RegistryError
    let unknownVersion: @Sendable (VersionReference) -> RegistryError

    static let models = VersionedTable(
        entries: "models", versions: "model_versions", key: "model_id", createAction: "model.create",
        unknownEntry: RegistryError.unknownModel, unknownVersion: RegistryError.unknownModelVersion)
    static let datasets = VersionedTable(
        entries: "datasets", versions: "dataset_versions", key: "dataset_id", createAction: "dataset.create",
        unknownEntry: RegistryError.unknownDataset, unknownVersion: RegistryError.unknownDatasetVersion)

    /// Looks up one column of version `ref`; nil when there is no such version.
    func versionColumn<T: SQLValueConvertible>(
        _ db: Database, _ ref: VersionReference, _ column: String, as type: T.Type
    ) throws -> T? {
        try db.scalar(
            "SELECT v.\(column) FROM \(versions) v JOIN \(entries) e ON e.id = v.\(key) WHERE e.name = ? AND v.version = ?",
            ref.name, ref.version, as: type)
    }

    /// The `columns` (of the version table, aliased `v`) of version `ref`.
    func versionRow(_ db: Database, _ ref: VersionReference, columns: String) throws -> Row {
        guard
            let row = try db.queryFirst(
                "SELECT \(columns) FROM \(versions) v JOIN \(entries) e ON e.id = v.\(key) WHERE e.name = ? AND v.version = ?",
                ref.name, ref.version)
        else { throw unknownVersion(ref) }
        return row
    }

    /// Every version of entry `name`, oldest first, each loaded by `load`.
    func loadVersions<Version>(
        _ db: Database, of name: String, _ load: (Database, VersionReference) throws -> Version
    ) throws -> [Version] {
        guard let versions = try versions(db, of: name) else { throw unknownEntry(name) }
        return try versions.map { try load(db, $0) }
    }

    /// Row id of version `ref`.
    func versionID(_ db: Database, _ ref: VersionReference) throws -> Int64 {
        guard let id = try versionColumn(db, ref, "id", as: Int64.self) else { throw unknownVersion(ref) }
        return id
    }

    /// Row id of the entry `name` inside a write transaction, creating it (with its audit event)
    /// when it does not exist yet.
    func entryID(_ tx: RegistryTransaction, creating name: String) throws -> Int64 {
        let db = tx.database
        if let id = try db.scalar("SELECT id FROM \(entries) WHERE name = ?", name, as: Int64.self) {
            return id
        }
        try db.run("INSERT INTO \(entries) (name, created_at, created_by) VALUES (?, ?, ?)", name, tx.time, tx.actor)
        let id = db.lastInsertRowID
        try tx.appendAudit(action: createAction, subject: name, payload: ["name": .string(name)])
        return id
    }

    /// Inside a registration: false when version `ref` already exists with `digest` (a no-op),
    /// true when it does not exist yet; a different digest is a `versionConflict`.
    func isNewVersion(_ db: Database, _ ref: VersionReference, digest: String) throws -> Bool {
        guard let existing = try versionColumn(db, ref, "digest", as: String.self) else { return true }
        guard existing == digest else {
            throw RegistryError.versionConflict(reference: ref, existingDigest: existing, newDigest: digest)
        }
        return false
    }

    /// The registration both kinds share, in one write transaction: nothing when version `ref`
    /// already holds `digest` (false); otherwise `insert` writes the version, given the
    /// transaction and the entry's row id (the entry is created on first use), and commits (true).
    func registerVersion(
        _ store: RegistryStore, _ ref: VersionReference, digest: String,
        insert: (RegistryTransaction, Int64) throws -> Void
    ) throws -> Bool {
        try store.write { tx in
            guard try isNewVersion(tx.database, ref, digest: digest) else { return false }
            try insert(tx, try entryID(tx, creating: ref.name))
            return true
        }
    }

    /// Every entry with its version count and newest version, by name.
    func summaries(_ db: Database) throws -> [EntrySummary] {
        try db.query(
            """
            SELECT e.name, e.created_at, e.created_by, count(v.id) AS n,
                   (SELECT version FROM \(versions) WHERE \(key) = e.id ORDER BY id DESC LIMIT 1) AS latest
            FROM \(entries) e LEFT JOIN \(versions) v ON v.\(key) = e.id
            GROUP BY e.id ORDER BY e.name
            """
        ).map { row in
            EntrySummary(
                name: try row.get("name"), versionCount: try row.get("n"), latestVersion: try row.get("latest"),
                createdAt: try row.get("created_at"), createdBy: try row.get("created_by"))
        }
    }

    /// The versions of entry `name`, oldest first; nil when there is no such entry.
    func versions(_ db: Database, of name: String) throws -> [VersionReference]? {
        guard let id = try db.scalar("SELECT id FROM \(entries) WHERE name = ?", name, as: Int64.self) else {
            return nil
        }
        return try db.query("SELECT version FROM \(versions) WHERE \(key) = ? ORDER BY id", id).map { row in
            try VersionReference(name: name, version: try row.get("version"))
        }
    }
}
