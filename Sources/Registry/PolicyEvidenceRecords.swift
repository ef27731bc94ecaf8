import Storage

// What approval policies read from the registry beside the approval tables: the datasets a
// version was trained on and which evaluation runs are completed, imported or re-scored.

/// A `trained_on` dataset version with the facts dataset rules look at.
public struct TrainingDatasetFact: Sendable, Equatable, Codable {
    public var reference: VersionReference
    public var digest: String
    public var license: String
    public var containsPII: Bool
}

extension GovernanceRecords {
    /// Datasets the version was trained on (direct `trained_on` edges), by reference.
    public static func trainingDatasets(_ snapshot: RegistrySnapshot, _ ref: VersionReference) throws
        -> [TrainingDatasetFact]
    {
        let db = snapshot.database
        let id = try RegistryStore.modelVersionID(db, ref)
        return try db.query(
            """
            SELECT d.name, dv.version, dv.digest, dv.license, dv.contains_pii
            FROM lineage_edges e JOIN dataset_versions dv ON dv.id = e.parent_dataset_version_id
            JOIN datasets d ON d.id = dv.dataset_id
            WHERE e.child_version_id = ? AND e.relation = 'trained_on' ORDER BY d.name, dv.version
            """, id
        ).map {
            TrainingDatasetFact(
                reference: try VersionReference(name: try $0.get("name"), version: try $0.get("version")),
                digest: try $0.get("digest"), license: try $0.get("license"),
                containsPII: try $0.get("contains_pii"))
        }
    }
}

extension GovernanceRecords {
    /// Completed evaluation runs on exactly `digest` (any version with those bytes), as
    /// suite id → run ids (oldest first).
    public static func completedRuns(_ snapshot: RegistrySnapshot, digest: String) throws -> [String: [String]] {
        let db = snapshot.database
        var out: [String: [String]] = [:]
        for row in try db.query(
            """
            SELECT id, suite_id FROM evaluation_runs WHERE model_digest = ? AND status = 'completed'
            ORDER BY finished_at, id
            """, digest)
        {
            out[try row.get("suite_id"), default: []].append(try row.get("id"))
        }
        return out
    }
}

extension GovernanceRecords {
    /// Ids of evaluation runs that were imported (`evaluation_run.import` events), with the
    /// importer (the event's actor).
    public static func importedRuns(_ snapshot: RegistrySnapshot) throws -> [String: String] {
        let db = snapshot.database
        var out: [String: String] = [:]
        for row in try db.query("SELECT subject, actor FROM audit_events WHERE action = 'evaluation_run.import'") {
            out[try row.get("subject")] = try row.get("actor")
        }
        return out
    }
}

extension GovernanceRecords {
    /// Native re-scores of runs (`evaluation_run.rescore` events): run id → passed (the latest
    /// event of a run wins).
    public static func rescoredRuns(_ snapshot: RegistrySnapshot) throws -> [String: Bool] {
        let db = snapshot.database
        var out: [String: Bool] = [:]
        for row in try db.query(
            "SELECT subject, payload FROM audit_events WHERE action = 'evaluation_run.rescore' ORDER BY seq")
        {
            let payload: String = try row.get("payload")
            out[try row.get("subject")] = payload.contains("\"passed\":true")
        }
        return out
    }
}
