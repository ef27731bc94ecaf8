import Hashing
import Registry

/// JSON shapes of registry values in the API (snake_case members, documented in
/// Sources/Service/Resources/openapi.json).
enum Representation {
    static func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
    static func optional(_ i: Int64?) -> JSONValue { i.map(JSONValue.integer) ?? .null }

    /// Canonical JSON text stored in the registry, embedded as a value (null if unparsable).
    static func embedded(_ text: String?) -> JSONValue {
        guard let text else { return .null }
        return (try? JSONValue.parse(text)) ?? .string(text)
    }

    static func model(_ m: ModelSummary) -> JSONValue {
        ["name": .string(m.name), "version_count": .integer(Int64(m.versionCount)),
         "latest_version": optional(m.latestVersion), "created_at": .string(m.createdAt),
         "created_by": .string(m.createdBy)]
    }

    static func file(_ f: HashedFile) -> JSONValue {
        var out: [String: JSONValue] = ["path": .string(f.relativePath), "uri": .string(f.uri),
                                        "size": .integer(f.size), "sha256": .string(f.sha256),
                                        "format": .string(f.format.rawValue)]
        if let facts = f.facts {
            out["architecture"] = optional(facts.architecture)
            out["parameter_count"] = optional(facts.parameterCount)
            out["quantization"] = optional(facts.quantization)
            out["context_length"] = optional(facts.contextLength)
        }
        return .object(out)
    }

    static func edge(_ e: LineageEdge) -> JSONValue {
        ["child": .string(e.child.description), "relation": .string(e.relation.rawValue),
         "parent": .string(e.parent.description), "parent_kind": .string(e.parentKind),
         "parameters": embedded(e.parameters), "created_at": .string(e.createdAt), "created_by": .string(e.createdBy)]
    }

    static func modelVersion(_ v: ModelVersion) -> JSONValue {
        ["name": .string(v.reference.name), "version": .string(v.reference.version),
         "reference": .string(v.reference.description), "digest": .string(v.digest), "format": .string(v.format),
         "total_size": .integer(v.totalSize), "created_at": .string(v.createdAt), "created_by": .string(v.createdBy),
         "artifacts": .array(v.artifacts.map(file)), "lineage": .array(v.lineage.map(edge))]
    }

    static func dataset(_ d: DatasetSummary) -> JSONValue {
        ["name": .string(d.name), "version_count": .integer(Int64(d.versionCount)),
         "latest_version": optional(d.latestVersion), "created_at": .string(d.createdAt),
         "created_by": .string(d.createdBy)]
    }

    static func datasetVersion(_ v: DatasetVersion) -> JSONValue {
        ["name": .string(v.reference.name), "version": .string(v.reference.version),
         "reference": .string(v.reference.description), "digest": .string(v.digest), "license": .string(v.license),
         "contains_pii": .bool(v.containsPII), "source": optional(v.source), "description": optional(v.description),
         "collection_process": optional(v.collectionProcess), "known_limitations": optional(v.knownLimitations),
         "total_size": .integer(v.totalSize), "created_at": .string(v.createdAt), "created_by": .string(v.createdBy),
         "files": .array(v.files.map { ["path": .string($0.relativePath), "size": .integer($0.size),
                                         "sha256": .string($0.sha256)] })]
    }

    static func auditEvent(_ e: AuditEvent) -> JSONValue {
        ["seq": .integer(e.seq), "time": .string(e.time), "actor": .string(e.actor), "action": .string(e.action),
         "subject": .string(e.subject), "payload": embedded(e.payload), "prev_hash": .string(e.prevHash),
         "hash": .string(e.hash)]
    }

    static func verification(_ v: AuditVerification) -> JSONValue {
        var out: [String: JSONValue] = ["intact": .bool(v.isIntact), "event_count": .integer(Int64(v.eventCount)),
                                        "head_hash": .string(v.headHash)]
        if let b = v.firstBreak {
            out["first_break"] = ["seq": .integer(b.seq), "reason": .string(b.reason)]
        } else {
            out["first_break"] = .null
        }
        return .object(out)
    }

    static func run(_ r: EvaluationRunRecord, includeResults: Bool) -> JSONValue {
        var out: [String: JSONValue] = [
            "id": .string(r.id), "model": .string(r.model.description), "model_digest": .string(r.modelDigest),
            "suite_id": .string(r.suiteID), "suite_version": .string(r.suiteVersion),
            "suite_digest": .string(r.suiteDigest), "config_key": .string(r.configKey), "config": embedded(r.config),
            "engine_version": .string(r.engineVersion), "backend": .string(r.backend),
            "threads": .integer(Int64(r.threads)), "hardware": embedded(r.hardware), "status": .string(r.status.rawValue),
            "item_total": .integer(Int64(r.itemTotal)), "items_done": .integer(Int64(r.itemsDone)),
            "started_at": .string(r.startedAt), "finished_at": optional(r.finishedAt), "created_by": .string(r.createdBy),
        ]
        if includeResults { out["results"] = embedded(r.results) }
        return .object(out)
    }

    static func item(_ i: EvaluationItemRow) -> JSONValue {
        ["task": .string(i.task), "item": .string(i.item), "index": .integer(Int64(i.index)),
         "prediction": .string(i.prediction), "target": .string(i.target), "correct": .bool(i.correct),
         "score": .number(i.score.isFinite ? i.score : 0), "record": embedded(i.record)]
    }

    static func token(_ t: APIToken) -> JSONValue {
        ["id": .string(t.id), "actor": .string(t.actor), "label": optional(t.label), "created_at": .string(t.createdAt),
         "created_by": .string(t.createdBy), "revoked_at": optional(t.revokedAt), "revoked_by": optional(t.revokedBy)]
    }
}
