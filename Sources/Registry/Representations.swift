import JSON

/// The one JSON shape of each registry resource: the HTTP API's bodies and the CLI's `--json`
/// output are both built here (snake_case members, nested objects, no JSON in strings;
/// documented in docs/api.md "JSON shapes" and Registry/openapi.json).
public enum Representation {
    public static func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
    public static func optional(_ i: Int64?) -> JSONValue { i.map(JSONValue.integer) ?? .null }

    /// Canonical JSON text stored in the registry, embedded as a value (null if unparsable).
    public static func embedded(_ text: String?) -> JSONValue {
        guard let text else { return .null }
        return (try? JSONValue.parse(text)) ?? .string(text)
    }

    /// A model or dataset with a summary of its versions.
    public static func entry(_ e: EntrySummary) -> JSONValue {
        [
            "name": .string(e.name), "version_count": .integer(Int64(e.versionCount)),
            "latest_version": optional(e.latestVersion), "created_at": .string(e.createdAt),
            "created_by": .string(e.createdBy)
        ]
    }

    public static func model(_ m: ModelSummary) -> JSONValue { entry(m) }

    public static func file(_ f: HashedFile) -> JSONValue {
        var out: [String: JSONValue] = [
            "path": .string(f.relativePath), "uri": .string(f.uri),
            "size": .integer(f.size), "sha256": .string(f.sha256),
            "format": .string(f.format.rawValue)
        ]
        if let facts = f.facts {
            out["architecture"] = optional(facts.architecture)
            out["parameter_count"] = optional(facts.parameterCount)
            out["quantization"] = optional(facts.quantization)
            out["context_length"] = optional(facts.contextLength)
        }
        return .object(out)
    }

    public static func edge(_ e: LineageEdge) -> JSONValue {
        [
            "child": .string(e.child.description), "relation": .string(e.relation.rawValue),
            "parent": .string(e.parent.description), "parent_kind": .string(e.parentKind),
            "parameters": embedded(e.parameters), "created_at": .string(e.createdAt), "created_by": .string(e.createdBy)
        ]
    }

    public static func modelVersion(_ v: ModelVersion) -> JSONValue {
        [
            "name": .string(v.reference.name), "version": .string(v.reference.version),
            "reference": .string(v.reference.description), "digest": .string(v.digest), "format": .string(v.format),
            "total_size": .integer(v.totalSize), "created_at": .string(v.createdAt), "created_by": .string(v.createdBy),
            "artifacts": .array(v.artifacts.map(file)), "lineage": .array(v.lineage.map(edge))
        ]
    }

    public static func dataset(_ d: DatasetSummary) -> JSONValue { entry(d) }

    public static func datasetVersion(_ v: DatasetVersion) -> JSONValue {
        [
            "name": .string(v.reference.name), "version": .string(v.reference.version),
            "reference": .string(v.reference.description), "digest": .string(v.digest), "license": .string(v.license),
            "contains_pii": .bool(v.containsPII), "source": optional(v.source), "description": optional(v.description),
            "collection_process": optional(v.collectionProcess), "known_limitations": optional(v.knownLimitations),
            "total_size": .integer(v.totalSize), "created_at": .string(v.createdAt), "created_by": .string(v.createdBy),
            "files": .array(
                v.files.map {
                    [
                        "path": .string($0.relativePath), "size": .integer($0.size),
                        "sha256": .string($0.sha256)
                    ]
                })
        ]
    }

    public static func auditEvent(_ e: AuditEvent) -> JSONValue {
        [
            "seq": .integer(e.seq), "time": .string(e.time), "actor": .string(e.actor), "action": .string(e.action),
            "subject": .string(e.subject), "payload": embedded(e.payload), "prev_hash": .string(e.prevHash),
            "hash": .string(e.hash)
        ]
    }

    public static func verification(_ v: AuditVerification) -> JSONValue {
        var out: [String: JSONValue] = [
            "intact": .bool(v.isIntact), "event_count": .integer(Int64(v.eventCount)),
            "head_hash": .string(v.headHash)
        ]
        if let b = v.firstBreak {
            out["first_break"] = ["seq": .integer(b.seq), "reason": .string(b.reason)]
        } else {
            out["first_break"] = .null
        }
        return .object(out)
    }

    public static func run(_ r: EvaluationRunRecord, includeResults: Bool) -> JSONValue {
        var out: [String: JSONValue] = [
            "id": .string(r.id), "model": .string(r.model.description), "model_digest": .string(r.modelDigest),
            "suite_id": .string(r.suiteID), "suite_version": .string(r.suiteVersion),
            "suite_digest": .string(r.suiteDigest), "config_key": .string(r.configKey), "config": embedded(r.config),
            "engine_version": .string(r.engineVersion), "backend": .string(r.backend),
            "threads": .integer(Int64(r.threads)), "hardware": embedded(r.hardware),
            "status": .string(r.status.rawValue),
            "item_total": .integer(Int64(r.itemTotal)), "items_done": .integer(Int64(r.itemsDone)),
            "started_at": .string(r.startedAt), "finished_at": optional(r.finishedAt),
            "created_by": .string(r.createdBy)
        ]
        if includeResults { out["results"] = embedded(r.results) }
        return .object(out)
    }

    public static func item(_ i: EvaluationItemRow) -> JSONValue {
        [
            "task": .string(i.task), "item": .string(i.item), "index": .integer(Int64(i.index)),
            "prediction": .string(i.prediction), "target": .string(i.target), "correct": .bool(i.correct),
            "score": .number(i.score.isFinite ? i.score : 0), "record": embedded(i.record)
        ]
    }

    public static func token(_ t: APIToken) -> JSONValue {
        [
            "id": .string(t.id), "actor": .string(t.actor), "label": optional(t.label),
            "created_at": .string(t.createdAt),
            "created_by": .string(t.createdBy), "revoked_at": optional(t.revokedAt), "revoked_by": optional(t.revokedBy)
        ]
    }

    static func ids(_ xs: [String]) -> JSONValue { .array(xs.map(JSONValue.string)) }

    public static func decision(_ d: ApprovalDecisionRecord) -> JSONValue {
        [
            "id": .integer(d.id), "action": .string(d.action), "from_state": .string(d.fromState),
            "to_state": .string(d.toState), "actor": .string(d.actor), "reason": optional(d.reason),
            "review_round": .integer(Int64(d.reviewRound)), "model_digest": .string(d.modelDigest),
            "evaluation_run_ids": ids(d.evaluationRunIDs),
            "policy_version": .integer(Int64(d.policyVersion)), "policy_digest": .string(d.policyDigest),
            "tier": .string(d.tier), "created_at": .string(d.createdAt)
        ]
    }

    /// A version's approval status with its decisions.
    public static func approvalStatus(
        _ ref: VersionReference, _ record: ApprovalRecord,
        decisions: [ApprovalDecisionRecord]
    ) -> JSONValue {
        [
            "reference": .string(ref.description), "state": .string(record.state),
            "tier": optional(record.tier), "review_round": .integer(Int64(record.reviewRound)),
            "approvals": ids(record.approvals), "needs_review": .bool(record.needsReview),
            "decisions": .array(decisions.map(decision))
        ]
    }

    public static func historyEntry(_ e: AliasHistoryEntry) -> JSONValue {
        [
            "id": .integer(e.id), "action": .string(e.action), "target": .string(e.target.description),
            "previous": optional(e.previous?.description), "actor": .string(e.actor),
            "reason": optional(e.reason), "created_at": .string(e.createdAt)
        ]
    }

    /// The answer to moving an alias (`alias set`, `alias rollback`, PUT/rollback routes).
    public static func aliasMove(_ e: AliasHistoryEntry) -> JSONValue {
        [
            "model": .string(e.model), "name": .string(e.name), "action": .string(e.action),
            "target": .string(e.target.description), "previous": optional(e.previous?.description)
        ]
    }

    /// The answer to adding a lineage edge (`lineage add`, POST …/lineage).
    public static func lineageAdded(_ added: Bool, child: VersionReference, _ link: LineageLink) -> JSONValue {
        [
            "added": .bool(added), "child": .string(child.description), "relation": .string(link.relation.rawValue),
            "parent": .string(link.parent.description)
        ]
    }

    /// An alias's history, newest last.
    public static func aliasHistory(model: String, name: String, _ entries: [AliasHistoryEntry]) -> JSONValue {
        ["model": .string(model), "name": .string(name), "items": .array(entries.map(historyEntry))]
    }

    public static func card(_ ref: VersionReference, _ fields: [String: String]) -> JSONValue {
        ["reference": .string(ref.description), "fields": .object(fields.mapValues(JSONValue.string))]
    }

    public static func alias(_ a: AliasRecord) -> JSONValue {
        [
            "model": .string(a.model), "name": .string(a.name), "target": .string(a.target.description),
            "digest": .string(a.digest), "protected": .bool(a.isProtected), "updated_at": .string(a.updatedAt),
            "updated_by": .string(a.updatedBy), "etag": .string(aliasETag(a.target.description))
        ]
    }

    /// Entity tag of an alias state: the quoted holder reference, or `"none"`.
    public static func aliasETag(_ holder: String?) -> String { "\"\(holder ?? "none")\"" }

    /// A lineage walk: `ancestors`/`descendants` are present when walked in that direction.
    public static func lineage(
        root: VersionReference, direction: String, depth: Int,
        ancestors: [LineageEdge]?, descendants: [LineageEdge]?
    ) -> JSONValue {
        var out: [String: JSONValue] = [
            "root": .string(root.description), "direction": .string(direction),
            "depth": .integer(Int64(depth))
        ]
        if let ancestors { out["ancestors"] = .array(ancestors.map(edge)) }
        if let descendants { out["descendants"] = .array(descendants.map(edge)) }
        return .object(out)
    }

    /// Edges within `depth` hops of `root`, breadth first (the registry returns the full closure).
    public static func walk(from root: VersionReference, edges: [LineageEdge], depth: Int, up: Bool) -> [LineageEdge] {
        var frontier: Set<VersionReference> = [root]
        var seen: Set<VersionReference> = [root]
        var out: [LineageEdge] = []
        for _ in 0..<depth where !frontier.isEmpty {
            var next: Set<VersionReference> = []
            for edge in edges where frontier.contains(up ? edge.child : edge.parent) {
                guard !out.contains(edge) else { continue }
                out.append(edge)
                let other = up ? edge.parent : edge.child
                if edge.parentKind == "model" || !up, seen.insert(other).inserted { next.insert(other) }
            }
            frontier = next
        }
        return out
    }
}
