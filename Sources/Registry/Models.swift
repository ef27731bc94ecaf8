import Foundation
import JSON
import Storage

/// What to register as a new model version.
public struct ModelRegistration: Sendable {
    public var reference: VersionReference
    /// Files, already expanded (see `ArtifactInput.collect`).
    public var files: [ArtifactInput]
    /// The format the caller expects (`--format`); nil accepts whatever is detected.
    public var expectedFormat: ArtifactFormat?
    /// Edges to base model versions and to datasets.
    public var lineage: [LineageLink]
    /// Crash-test hook: sleep this long inside the write transaction, after every row is
    /// written and before COMMIT. Never set in normal use.
    public var pauseBeforeCommit: Duration?

    public init(
        reference: VersionReference, files: [ArtifactInput], expectedFormat: ArtifactFormat? = nil,
        lineage: [LineageLink] = [], pauseBeforeCommit: Duration? = nil
    ) {
        self.reference = reference
        self.files = files
        self.expectedFormat = expectedFormat
        self.lineage = lineage
        self.pauseBeforeCommit = pauseBeforeCommit
    }
}

/// The result of a registration: new, or identical to what was already there (a no-op).
public enum RegistrationOutcome<Value: Sendable>: Sendable {
    case registered(Value)
    case alreadyRegistered(Value)

    public var value: Value {
        switch self {
        case .registered(let v), .alreadyRegistered(let v): return v
        }
    }

    public var isNew: Bool {
        if case .registered = self { return true }
        return false
    }
}

/// An immutable model version with its artifacts and direct lineage.
public struct ModelVersion: Sendable, Equatable, Codable {
    public var reference: VersionReference
    /// Identity: see `ContentDigest.modelVersionDigest`.
    public var digest: String
    public var format: String
    public var totalSize: Int64
    public var createdAt: String
    public var createdBy: String
    public var artifacts: [HashedFile]
    /// Edges from this version to its parents (models and datasets).
    public var lineage: [LineageEdge]
}

/// A model and a summary of its versions.
public typealias ModelSummary = EntrySummary

extension RegistryStore {
    static func modelVersionID(_ db: Database, _ ref: VersionReference) throws -> Int64 {
        try VersionedTable.models.versionID(db, ref)
    }

    static func modelVersionReference(_ db: Database, id: Int64) throws -> VersionReference {
        guard
            let row = try db.queryFirst(
                "SELECT m.name, v.version FROM model_versions v JOIN models m ON m.id = v.model_id WHERE v.id = ?", id)
        else {
            throw RegistryError.storage(StorageError(resultCode: 12, message: "model version row \(id) not found"))
        }
        return try VersionReference(name: try row.get("name"), version: try row.get("version"))
    }

    /// Hashes the files (outside any transaction), checks formats, runs the inspector.
    func hashModelFiles(_ request: ModelRegistration, progress: ((String, UInt64) -> Void)?) throws -> [HashedFile] {
        guard !request.files.isEmpty else { throw RegistryError.noArtifacts }
        try ArtifactSafety.refuseRegistryFiles(request.files, home: home)
        var hashed: [HashedFile] = []
        for input in request.files {
            var file = try input.hash { progress?(input.relativePath, $0) }
            let claimsGGUF =
                input.url.pathExtension.lowercased() == "gguf"
                || (request.expectedFormat == .gguf && request.files.count == 1)
            if claimsGGUF && file.format != .gguf {
                throw RegistryError.formatMismatch(path: input.url.path, expected: .gguf, detected: file.format)
            }
            if let expected = request.expectedFormat, request.files.count == 1, file.format != expected {
                throw RegistryError.formatMismatch(path: input.url.path, expected: expected, detected: file.format)
            }
            if let inspector, file.format != .unknown {
                do {
                    file.facts = try inspector.inspect(fileAt: input.url, format: file.format)
                } catch {
                    throw RegistryError.inspectionFailed(path: input.url.path, reason: String(describing: error))
                }
            }
            hashed.append(file)
        }
        if let expected = request.expectedFormat, !hashed.contains(where: { $0.format == expected }) {
            throw RegistryError.formatMismatch(
                path: request.files[0].url.path, expected: expected,
                detected: hashed[0].format)
        }
        return hashed
    }

    /// Registers a model version. Same name, version and bytes as an existing version: a no-op
    /// returning `.alreadyRegistered` (no audit event). Same name and version with different
    /// bytes: `RegistryError.versionConflict`, nothing written. Files are hashed before the
    /// transaction; every row and the audit event commit together.
    public func registerModelVersion(
        _ request: ModelRegistration,
        progress: ((String, UInt64) -> Void)? = nil
    ) throws -> RegistrationOutcome<ModelVersion> {
        let files = try hashModelFiles(request, progress: progress)
        let digest = ContentDigest.modelVersionDigest(files)
        let detected = Set(files.map(\.format)).subtracting([.unknown])
        let format =
            request.expectedFormat?.rawValue
            ?? (detected.count == 1 ? detected.first!.rawValue : (detected.isEmpty ? "unknown" : "mixed"))
        let ref = request.reference
        let totalSize = files.reduce(Int64(0)) { $0 + $1.size }

        let isNew = try VersionedTable.models.registerVersion(self, ref, digest: digest) { tx, modelID in
            let db = tx.database
            try db.run(
                """
                INSERT INTO model_versions (model_id, version, digest, format, artifact_count, total_size, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, modelID, ref.version, digest, format, files.count, totalSize, tx.time, tx.actor)
            let versionID = db.lastInsertRowID
            for file in files {
                try db.run(
                    """
                    INSERT INTO artifacts (model_version_id, relative_path, uri, size, sha256, format,
                                           architecture, parameter_count, quantization, context_length)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, versionID, file.relativePath, file.uri, file.size, file.sha256, file.format.rawValue,
                    file.facts?.architecture, file.facts?.parameterCount, file.facts?.quantization,
                    file.facts?.contextLength)
            }
            for link in request.lineage {
                _ = try Self.insertEdge(tx, childID: versionID, child: ref, link: link)
            }
            let artifactPayload: [JSONValue] = files.map { file in
                var entry: [String: JSONValue] = [
                    "path": .string(file.relativePath), "sha256": .string(file.sha256),
                    "size": .integer(file.size), "format": .string(file.format.rawValue)
                ]
                if let facts = file.facts {
                    if let v = facts.architecture { entry["architecture"] = .string(v) }
                    if let v = facts.parameterCount { entry["parameter_count"] = .integer(v) }
                    if let v = facts.quantization { entry["quantization"] = .string(v) }
                    if let v = facts.contextLength { entry["context_length"] = .integer(v) }
                }
                return .object(entry)
            }
            try tx.appendAudit(
                action: "model_version.register", subject: ref.description,
                payload: [
                    "name": .string(ref.name), "version": .string(ref.version), "digest": .string(digest),
                    "format": .string(format), "artifacts": .array(artifactPayload),
                    "lineage": .array(request.lineage.map(Self.auditPayload))
                ])
            if let pause = request.pauseBeforeCommit {
                Thread.sleep(
                    forTimeInterval: Double(pause.components.seconds) + Double(pause.components.attoseconds) / 1e18)
            }
        }
        let version = try modelVersion(ref)
        return isNew ? .registered(version) : .alreadyRegistered(version)
    }

    /// One model version with its artifacts and direct lineage.
    public func modelVersion(_ ref: VersionReference) throws -> ModelVersion {
        try readDatabase { db in try Self.loadModelVersion(db, ref) }
    }

    static func loadModelVersion(_ db: Database, _ ref: VersionReference) throws -> ModelVersion {
        let row = try VersionedTable.models.versionRow(
            db, ref, columns: "v.id, v.digest, v.format, v.total_size, v.created_at, v.created_by")
        let id: Int64 = try row.get("id")
        let artifacts = try db.query("SELECT * FROM artifacts WHERE model_version_id = ? ORDER BY relative_path", id)
            .map { a in
                let architecture: String? = try a.get("architecture")
                let parameterCount: Int64? = try a.get("parameter_count")
                let quantization: String? = try a.get("quantization")
                let contextLength: Int64? = try a.get("context_length")
                let hasFacts =
                    architecture != nil || parameterCount != nil || quantization != nil || contextLength != nil
                return HashedFile(
                    relativePath: try a.get("relative_path"), uri: try a.get("uri"), size: try a.get("size"),
                    sha256: try a.get("sha256"),
                    format: ArtifactFormat(rawValue: try a.get("format")) ?? .unknown,
                    facts: hasFacts
                        ? ArtifactFacts(
                            architecture: architecture, parameterCount: parameterCount,
                            quantization: quantization, contextLength: contextLength) : nil)
            }
        let lineage = try db.query(edgeSelect + " WHERE e.child_version_id = ? ORDER BY e.id", id).map(edge)
        return ModelVersion(
            reference: ref, digest: try row.get("digest"), format: try row.get("format"),
            totalSize: try row.get("total_size"), createdAt: try row.get("created_at"),
            createdBy: try row.get("created_by"), artifacts: artifacts, lineage: lineage)
    }

    /// Every model with its version count, by name.
    public func models() throws -> [ModelSummary] {
        try readDatabase { db in try VersionedTable.models.summaries(db) }
    }

    /// Every version of a model, oldest first.
    public func modelVersions(of name: String) throws -> [ModelVersion] {
        try readDatabase { db in try VersionedTable.models.loadVersions(db, of: name, Self.loadModelVersion) }
    }

    /// True when some registered model version records an artifact at `uri` (an absolute path).
    public func isArtifactRegistered(uri: String) throws -> Bool {
        try readDatabase { db in
            try db.scalar("SELECT count(*) FROM artifacts WHERE uri = ?", uri, as: Int64.self) ?? 0 > 0
        }
    }

    /// Total number of model versions (all models).
    public func modelVersionCount() throws -> Int {
        try readDatabase { db in try db.scalar("SELECT count(*) FROM model_versions", as: Int.self) ?? 0 }
    }
}
