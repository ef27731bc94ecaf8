import Foundation
import JSON
import Storage

/// A dataset's datasheet: its licence, whether it holds personal data, and how it was made.
public struct Datasheet: Sendable, Equatable, Codable {
    /// Licence identifier (SPDX where possible, e.g. `CC-BY-4.0`).
    public var license: String
    /// Whether the data contains personally identifiable information.
    public var containsPII: Bool
    public var source: String?
    public var description: String?
    public var collectionProcess: String?
    public var knownLimitations: String?
}

/// What to register as a new dataset version, with its datasheet.
public struct DatasetRegistration: Sendable {
    public var reference: VersionReference
    /// Files, already expanded (see `ArtifactInput.collect`).
    public var files: [ArtifactInput]
    public var datasheet: Datasheet

    public init(
        reference: VersionReference, files: [ArtifactInput], license: String, containsPII: Bool,
        source: String? = nil, description: String? = nil, collectionProcess: String? = nil,
        knownLimitations: String? = nil
    ) {
        self.reference = reference
        self.files = files
        datasheet = Datasheet(
            license: license, containsPII: containsPII, source: source, description: description,
            collectionProcess: collectionProcess, knownLimitations: knownLimitations)
    }
}

/// An immutable dataset version; its datasheet's fields read through (`version.license`).
@dynamicMemberLookup
public struct DatasetVersion: Sendable, Equatable, Codable {
    public var reference: VersionReference
    /// Identity: see `ContentDigest.datasetVersionDigest`.
    public var digest: String
    public var datasheet: Datasheet
    public var totalSize: Int64
    public var createdAt: String
    public var createdBy: String
    public var files: [HashedFile]

    public subscript<T>(dynamicMember path: KeyPath<Datasheet, T>) -> T { datasheet[keyPath: path] }
}

/// A dataset and a summary of its versions.
public typealias DatasetSummary = EntrySummary

extension RegistryStore {
    static func datasetVersionID(_ db: Database, _ ref: VersionReference) throws -> Int64 {
        try VersionedTable.datasets.versionID(db, ref)
    }

    /// Registers a dataset version (idempotent for identical content, like model versions).
    public func registerDatasetVersion(
        _ request: DatasetRegistration,
        progress: ((String, UInt64) -> Void)? = nil
    ) throws -> RegistrationOutcome<DatasetVersion> {
        guard !request.files.isEmpty else { throw RegistryError.noArtifacts }
        try ArtifactSafety.refuseRegistryFiles(request.files, home: home)
        let files = try request.files.map { input throws -> HashedFile in
            try input.hash { progress?(input.relativePath, $0) }
        }
        let digest = ContentDigest.datasetVersionDigest(files)
        let ref = request.reference
        let sheet = request.datasheet
        let totalSize = files.reduce(Int64(0)) { $0 + $1.size }
        let isNew = try VersionedTable.datasets.registerVersion(self, ref, digest: digest) { tx, datasetID in
            let db = tx.database
            try db.run(
                """
                INSERT INTO dataset_versions (dataset_id, version, digest, license, contains_pii, source, description,
                    collection_process, known_limitations, file_count, total_size, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, datasetID, ref.version, digest, sheet.license, sheet.containsPII, sheet.source,
                sheet.description, sheet.collectionProcess, sheet.knownLimitations, files.count,
                totalSize, tx.time, tx.actor)
            let versionID = db.lastInsertRowID
            for file in files {
                try db.run(
                    "INSERT INTO dataset_files (dataset_version_id, relative_path, size, sha256) VALUES (?, ?, ?, ?)",
                    versionID, file.relativePath, file.size, file.sha256)
            }
            func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
            try tx.appendAudit(
                action: "dataset_version.register", subject: ref.description,
                payload: [
                    "name": .string(ref.name), "version": .string(ref.version), "digest": .string(digest),
                    "license": .string(sheet.license), "contains_pii": .bool(sheet.containsPII),
                    "source": optional(sheet.source), "description": optional(sheet.description),
                    "collection_process": optional(sheet.collectionProcess),
                    "known_limitations": optional(sheet.knownLimitations),
                    "files": .array(
                        files.map {
                            ["path": .string($0.relativePath), "sha256": .string($0.sha256), "size": .integer($0.size)]
                        })
                ])
        }
        let version = try datasetVersion(ref)
        // Where the bytes are, so `dataset check` can re-read them later (verified by digest).
        try recordDatasetLocations(
            ref,
            locations: Dictionary(
                request.files.map { ($0.relativePath, $0.url.standardizedFileURL.path) },
                uniquingKeysWith: { a, _ in a }))
        return isNew ? .registered(version) : .alreadyRegistered(version)
    }

    /// One dataset version with its files.
    public func datasetVersion(_ ref: VersionReference) throws -> DatasetVersion {
        try readDatabase { db in try Self.loadDatasetVersion(db, ref) }
    }

    static func loadDatasetVersion(_ db: Database, _ ref: VersionReference) throws -> DatasetVersion {
        let row = try VersionedTable.datasets.versionRow(db, ref, columns: "v.*")
        let id: Int64 = try row.get("id")
        let files = try db.query("SELECT * FROM dataset_files WHERE dataset_version_id = ? ORDER BY relative_path", id)
            .map { f in
                HashedFile(
                    relativePath: try f.get("relative_path"), uri: try f.get("relative_path"), size: try f.get("size"),
                    sha256: try f.get("sha256"), format: .unknown)
            }
        let datasheet = Datasheet(
            license: try row.get("license"), containsPII: try row.get("contains_pii"), source: try row.get("source"),
            description: try row.get("description"), collectionProcess: try row.get("collection_process"),
            knownLimitations: try row.get("known_limitations"))
        return DatasetVersion(
            reference: ref, digest: try row.get("digest"), datasheet: datasheet, totalSize: try row.get("total_size"),
            createdAt: try row.get("created_at"), createdBy: try row.get("created_by"), files: files)
    }

    /// Every dataset with its version count, by name.
    public func datasets() throws -> [DatasetSummary] {
        try readDatabase { db in try VersionedTable.datasets.summaries(db) }
    }

    /// Every version of a dataset, oldest first.
    public func datasetVersions(of name: String) throws -> [DatasetVersion] {
        try readDatabase { db in try VersionedTable.datasets.loadVersions(db, of: name, Self.loadDatasetVersion) }
    }
}
