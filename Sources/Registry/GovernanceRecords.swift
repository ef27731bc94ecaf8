import Foundation
import JSON
import Storage

/// Governance rows as the registry stores them. The rules that decide what may be written
/// (state machine, separation of duties, alias protection) live in the Governance module, which
/// reads and writes these records inside one `RegistryStore.write` transaction.

/// A role held by an actor.
public struct RoleGrant: Sendable, Equatable, Codable {
    public var actor: String
    public var role: String
    public var grantedAt: String
    public var grantedBy: String
}

/// The current approval state of one model version.
public struct ApprovalRecord: Sendable, Equatable, Codable {
    public var reference: VersionReference
    public var digest: String
    /// Who registered the version.
    public var registrant: String
    /// `registered` when no governance action happened yet.
    public var state: String
    public var tier: String?
    public var submitter: String?
    /// Incremented by every submission; approvals count within the current round.
    public var reviewRound: Int
    /// Actors who approved in the current round.
    public var approvals: [String]
    /// Set when an ancestor was revoked.
    public var needsReview: Bool
    public var needsReviewReason: String?
    public var updatedAt: String?
    public var updatedBy: String?
}

/// What one approval decision says; the stored record and the auditor export both carry it.
public struct ApprovalDecision: Sendable, Equatable, Codable {
    public var action: String
    public var fromState: String
    public var toState: String
    public var actor: String
    public var reason: String?
    public var modelDigest: String
    public var evaluationRunIDs: [String]
    public var policyVersion: Int
    public var policyDigest: String
    public var tier: String
}

/// One recorded approval decision (append-only); its fields read through to `decision`.
@dynamicMemberLookup
public struct ApprovalDecisionRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var reference: VersionReference
    public var reviewRound: Int
    public var decision: ApprovalDecision
    public var createdAt: String

    public subscript<T>(dynamicMember path: KeyPath<ApprovalDecision, T>) -> T { decision[keyPath: path] }
}

/// What to record for a decision.
public struct ApprovalDecisionInput: Sendable, Equatable {
    public var action: String
    public var fromState: String
    public var toState: String
    public var reason: String?
    public var evaluationRunIDs: [String]
    public var policyVersion: Int
    public var policyDigest: String
    public var tier: String
    /// Sets `submitter` and opens a new review round (submissions).
    public var startsReviewRound: Bool

    public init(
        action: String, fromState: String, toState: String, reason: String?, evaluationRunIDs: [String],
        policyVersion: Int, policyDigest: String, tier: String, startsReviewRound: Bool = false
    ) {
        self.action = action
        self.fromState = fromState
        self.toState = toState
        self.reason = reason
        self.evaluationRunIDs = evaluationRunIDs
        self.policyVersion = policyVersion
        self.policyDigest = policyDigest
        self.tier = tier
        self.startsReviewRound = startsReviewRound
    }
}

/// An alias and the version it points at.
public struct AliasRecord: Sendable, Equatable, Codable {
    public var model: String
    public var name: String
    public var target: VersionReference
    public var digest: String
    public var isProtected: Bool
    public var updatedAt: String
    public var updatedBy: String
}

/// One move of an alias (append-only).
public struct AliasHistoryEntry: Sendable, Equatable, Codable {
    public var id: Int64
    public var model: String
    public var name: String
    public var target: VersionReference
    public var previous: VersionReference?
    /// `set` or `rollback`.
    public var action: String
    public var actor: String
    public var reason: String?
    public var createdAt: String
}

/// Reads and writes governance rows. Functions taking a `RegistrySnapshot` work in any transaction;
/// those taking a `RegistryTransaction` must run inside `RegistryStore.write` and append their
/// audit events there.
public enum GovernanceRecords {
    // MARK: roles

    /// Roles held by `actor`, sorted.
    public static func roles(_ snapshot: RegistrySnapshot, actor: String) throws -> [String] {
        let db = snapshot.database
        return try db.query("SELECT role FROM role_grants WHERE actor = ? ORDER BY role", actor).map {
            try $0.get(0, as: String.self)
        }
    }

    /// Every grant, by actor then role.
    public static func roleGrants(_ snapshot: RegistrySnapshot) throws -> [RoleGrant] {
        let db = snapshot.database
        return try db.query("SELECT actor, role, granted_at, granted_by FROM role_grants ORDER BY actor, role").map {
            RoleGrant(
                actor: try $0.get("actor"), role: try $0.get("role"), grantedAt: try $0.get("granted_at"),
                grantedBy: try $0.get("granted_by"))
        }
    }

    /// Number of actors holding `role`.
    public static func holderCount(_ snapshot: RegistrySnapshot, role: String) throws -> Int {
        let db = snapshot.database
        return try db.scalar("SELECT count(*) FROM role_grants WHERE role = ?", role, as: Int.self) ?? 0
    }

    /// Grants `role` to `actor`; false when already held. Appends `role.grant`.
    @discardableResult
    public static func grantRole(_ tx: RegistryTransaction, actor: String, role: String) throws -> Bool {
        if try tx.database.scalar(
            "SELECT count(*) FROM role_grants WHERE actor = ? AND role = ?", actor, role, as: Int.self) ?? 0 > 0
        {
            return false
        }
        try tx.database.run(
            "INSERT INTO role_grants (actor, role, granted_at, granted_by) VALUES (?, ?, ?, ?)",
            actor, role, tx.time, tx.actor)
        try tx.appendAudit(action: "role.grant", subject: actor, payload: ["role": .string(role)])
        return true
    }

    /// Revokes `role` from `actor`; false when not held. Appends `role.revoke`.
    @discardableResult
    public static func revokeRole(_ tx: RegistryTransaction, actor: String, role: String) throws -> Bool {
        try tx.database.run("DELETE FROM role_grants WHERE actor = ? AND role = ?", actor, role)
        guard tx.database.changes > 0 else { return false }
        try tx.appendAudit(action: "role.revoke", subject: actor, payload: ["role": .string(role)])
        return true
    }

    // MARK: approvals

    /// The approval record of a version (state `registered` when nothing happened yet).
    public static func approval(_ snapshot: RegistrySnapshot, _ ref: VersionReference) throws -> ApprovalRecord {
        let db = snapshot.database
        let id = try RegistryStore.modelVersionID(db, ref)
        return try approval(db, id: id, ref: ref)
    }

    static func approval(_ db: Database, id: Int64, ref: VersionReference) throws -> ApprovalRecord {
        guard let v = try db.queryFirst("SELECT digest, created_by FROM model_versions WHERE id = ?", id) else {
            throw RegistryError.unknownModelVersion(ref)
        }
        var record = ApprovalRecord(
            reference: ref, digest: try v.get("digest"), registrant: try v.get("created_by"),
            state: "registered", tier: nil, submitter: nil, reviewRound: 0, approvals: [],
            needsReview: false, needsReviewReason: nil, updatedAt: nil, updatedBy: nil)
        if let s = try db.queryFirst("SELECT * FROM approval_states WHERE model_version_id = ?", id) {
            record.state = try s.get("state")
            record.tier = try s.get("tier")
            record.submitter = try s.get("submitter")
            record.reviewRound = try s.get("review_round")
            record.needsReview = try s.get("needs_review")
            record.needsReviewReason = try s.get("needs_review_reason")
            record.updatedAt = try s.get("updated_at")
            record.updatedBy = try s.get("updated_by")
            record.approvals = try db.query(
                """
                SELECT DISTINCT actor FROM approval_decisions
                WHERE model_version_id = ? AND review_round = ? AND action = 'approve' ORDER BY id
                """, id, record.reviewRound
            ).map { try $0.get(0, as: String.self) }
        }
        return record
    }

    /// Decisions recorded for a version, oldest first.
    public static func decisions(_ snapshot: RegistrySnapshot, _ ref: VersionReference) throws
        -> [ApprovalDecisionRecord]
    {
        let db = snapshot.database
        let id = try RegistryStore.modelVersionID(db, ref)
        return try db.query("SELECT * FROM approval_decisions WHERE model_version_id = ? ORDER BY id", id).map { row in
            let runs = (try? JSONValue.parse(try row.get("evaluation_run_ids", as: String.self))) ?? .array([])
            var runIDs: [String] = []
            if case .array(let items) = runs { runIDs = items.compactMap(\.stringValue) }
            let decision = ApprovalDecision(
                action: try row.get("action"), fromState: try row.get("from_state"), toState: try row.get("to_state"),
                actor: try row.get("actor"), reason: try row.get("reason"), modelDigest: try row.get("model_digest"),
                evaluationRunIDs: runIDs, policyVersion: try row.get("policy_version"),
                policyDigest: try row.get("policy_digest"), tier: try row.get("tier"))
            return ApprovalDecisionRecord(
                id: try row.get("id"), reference: ref, reviewRound: try row.get("review_round"), decision: decision,
                createdAt: try row.get("created_at"))
        }
    }

    /// Records a decision and moves the version to `toState`, appending `approval.<action>`.
    /// Approving to `approved` clears a needs-review flag.
    @discardableResult
    public static func recordDecision(
        _ tx: RegistryTransaction, _ ref: VersionReference,
        _ input: ApprovalDecisionInput
    ) throws -> ApprovalDecisionRecord {
        let db = tx.database
        let id = try RegistryStore.modelVersionID(db, ref)
        let current = try approval(db, id: id, ref: ref)
        guard current.state == input.fromState else {
            throw RegistryError.invalidPayload(
                "approval state of \(ref) changed concurrently (\(current.state), expected \(input.fromState))")
        }
        var round = current.reviewRound
        if input.startsReviewRound { round += 1 }
        let submitter = input.startsReviewRound ? tx.actor : current.submitter
        let clearsFlag = input.toState == "approved"
        try db.run(
            """
            INSERT INTO approval_states (model_version_id, state, tier, submitter, review_round, needs_review, needs_review_reason, updated_at, updated_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (model_version_id) DO UPDATE SET state = excluded.state, tier = excluded.tier,
                submitter = excluded.submitter, review_round = excluded.review_round,
                needs_review = excluded.needs_review, needs_review_reason = excluded.needs_review_reason,
                updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """, id, input.toState, input.tier, submitter, round, clearsFlag ? false : current.needsReview,
            clearsFlag ? nil : current.needsReviewReason, tx.time, tx.actor)
        let runIDs = try JSONValue.array(input.evaluationRunIDs.map(JSONValue.string)).canonicalString()
        try db.run(
            """
            INSERT INTO approval_decisions (model_version_id, review_round, action, from_state, to_state, actor, reason,
                model_digest, evaluation_run_ids, policy_version, policy_digest, tier, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, id, round, input.action, input.fromState, input.toState, tx.actor, input.reason, current.digest,
            runIDs, input.policyVersion, input.policyDigest, input.tier, tx.time)
        let decisionID = db.lastInsertRowID
        try tx.appendAudit(
            action: "approval.\(input.action)", subject: ref.description,
            payload: [
                "from": .string(input.fromState), "to": .string(input.toState),
                "reason": input.reason.map(JSONValue.string) ?? .null, "digest": .string(current.digest),
                "evaluation_runs": .array(input.evaluationRunIDs.map(JSONValue.string)),
                "policy_version": .integer(Int64(input.policyVersion)), "policy_digest": .string(input.policyDigest),
                "tier": .string(input.tier), "review_round": .integer(Int64(round)), "decision_id": .integer(decisionID)
            ])
        let decision = ApprovalDecision(
            action: input.action, fromState: input.fromState, toState: input.toState, actor: tx.actor,
            reason: input.reason, modelDigest: current.digest, evaluationRunIDs: input.evaluationRunIDs,
            policyVersion: input.policyVersion, policyDigest: input.policyDigest, tier: input.tier)
        return ApprovalDecisionRecord(
            id: decisionID, reference: ref, reviewRound: round, decision: decision, createdAt: tx.time)
    }

    /// Flags every lineage descendant of `ref` as needing review; returns them (sorted).
    /// Appends one `approval.flag_descendants` event listing them.
    @discardableResult
    public static func flagDescendants(_ tx: RegistryTransaction, of ref: VersionReference, reason: String) throws
        -> [VersionReference]
    {
        let db = tx.database
        let id = try RegistryStore.modelVersionID(db, ref)
        let ids = try RegistryStore.descendantIDs(db, of: id).sorted()
        var refs: [VersionReference] = []
        for child in ids {
            try db.run(
                """
                INSERT INTO approval_states (model_version_id, state, needs_review, needs_review_reason, updated_at, updated_by)
                VALUES (?, 'registered', 1, ?, ?, ?)
                ON CONFLICT (model_version_id) DO UPDATE SET needs_review = 1, needs_review_reason = excluded.needs_review_reason,
                    updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """, child, reason, tx.time, tx.actor)
            refs.append(try RegistryStore.modelVersionReference(db, id: child))
        }
        refs.sort()
        if !refs.isEmpty {
            try tx.appendAudit(
                action: "approval.flag_descendants", subject: ref.description,
                payload: [
                    "reason": .string(reason), "descendants": .array(refs.map { .string($0.description) })
                ])
        }
        return refs
    }

    /// Versions currently flagged as needing review.
    public static func flaggedVersions(_ snapshot: RegistrySnapshot) throws -> [VersionReference] {
        let db = snapshot.database
        return try db.query(
            "SELECT model_version_id FROM approval_states WHERE needs_review = 1 ORDER BY model_version_id"
        ).map {
            try RegistryStore.modelVersionReference(db, id: try $0.get(0, as: Int64.self))
        }.sorted()
    }

    // MARK: model cards

    /// The model card fields of a version (empty when none were set).
    public static func modelCard(_ snapshot: RegistrySnapshot, _ ref: VersionReference) throws -> [String: String] {
        let db = snapshot.database
        let id = try RegistryStore.modelVersionID(db, ref)
        guard
            let text = try db.scalar("SELECT fields FROM model_cards WHERE model_version_id = ?", id, as: String.self),
            case .object(let members)? = try? JSONValue.parse(text)
        else { return [:] }
        return members.compactMapValues(\.stringValue)
    }

    /// Merges `fields` into the card (an empty value removes a field). Appends `model_card.update`.
    @discardableResult
    public static func updateModelCard(
        _ tx: RegistryTransaction, _ ref: VersionReference,
        fields: [String: String]
    ) throws -> [String: String] {
        let id = try RegistryStore.modelVersionID(tx.database, ref)
        var card = try modelCard(tx.snapshot, ref)
        for (k, v) in fields {
            if v.isEmpty { card[k] = nil } else { card[k] = v }
        }
        let text = try JSONValue.object(card.mapValues(JSONValue.string)).canonicalString()
        try tx.database.run(
            """
            INSERT INTO model_cards (model_version_id, fields, updated_at, updated_by) VALUES (?, ?, ?, ?)
            ON CONFLICT (model_version_id) DO UPDATE SET fields = excluded.fields, updated_at = excluded.updated_at,
                updated_by = excluded.updated_by
            """, id, text, tx.time, tx.actor)
        try tx.appendAudit(
            action: "model_card.update", subject: ref.description,
            payload: ["fields": .object(fields.mapValues(JSONValue.string))])
        return card
    }

    // MARK: aliases

    static func modelID(_ db: Database, _ model: String) throws -> Int64 {
        guard let id = try db.scalar("SELECT id FROM models WHERE name = ?", model, as: Int64.self) else {
            throw RegistryError.unknownModel(model)
        }
        return id
    }

    /// The alias `name` of `model`, or nil.
    public static func alias(_ snapshot: RegistrySnapshot, model: String, name: String) throws -> AliasRecord? {
        let db = snapshot.database
        let mid = try modelID(db, model)
        guard
            let row = try db.queryFirst(
                """
                SELECT a.protected, a.updated_at, a.updated_by, v.version, v.digest
                FROM aliases a JOIN model_versions v ON v.id = a.model_version_id WHERE a.model_id = ? AND a.name = ?
                """, mid, name)
        else { return nil }
        return AliasRecord(
            model: model, name: name,
            target: try VersionReference(name: model, version: try row.get("version")),
            digest: try row.get("digest"), isProtected: try row.get("protected"),
            updatedAt: try row.get("updated_at"), updatedBy: try row.get("updated_by"))
    }

    /// Every alias of `model`, by name.
    public static func aliases(_ snapshot: RegistrySnapshot, model: String) throws -> [AliasRecord] {
        let db = snapshot.database
        let mid = try modelID(db, model)
        return try db.query("SELECT name FROM aliases WHERE model_id = ? ORDER BY name", mid).compactMap {
            try alias(snapshot, model: model, name: try $0.get(0, as: String.self))
        }
    }

    /// The moves of an alias, oldest first.
    public static func aliasHistory(_ snapshot: RegistrySnapshot, model: String, name: String) throws
        -> [AliasHistoryEntry]
    {
        let db = snapshot.database
        let mid = try modelID(db, model)
        return try db.query(
            """
            SELECT h.id, h.action, h.actor, h.reason, h.created_at, v.version AS version, p.version AS previous
            FROM alias_history h JOIN model_versions v ON v.id = h.model_version_id
            LEFT JOIN model_versions p ON p.id = h.previous_version_id
            WHERE h.model_id = ? AND h.name = ? ORDER BY h.id
            """, mid, name
        ).map { row in
            let previousVersion: String? = try row.get("previous")
            var previous: VersionReference?
            if let previousVersion { previous = try VersionReference(name: model, version: previousVersion) }
            return AliasHistoryEntry(
                id: try row.get("id"), model: model, name: name,
                target: try VersionReference(name: model, version: try row.get("version")),
                previous: previous,
                action: try row.get("action"), actor: try row.get("actor"),
                reason: try row.get("reason"), createdAt: try row.get("created_at"))
        }
    }

    /// Points alias `name` of `target.name` at `target` and records the move (`set` or
    /// `rollback`) in the history, all in the caller's transaction. Appends `alias.<action>`.
    @discardableResult
    public static func moveAlias(
        _ tx: RegistryTransaction, name: String, to target: VersionReference, isProtected: Bool,
        action: String, reason: String?
    ) throws -> AliasHistoryEntry {
        let db = tx.database
        let mid = try modelID(db, target.name)
        let vid = try RegistryStore.modelVersionID(db, target)
        let previousID = try db.scalar(
            "SELECT model_version_id FROM aliases WHERE model_id = ? AND name = ?", mid, name, as: Int64.self)
        try db.run(
            """
            INSERT INTO aliases (model_id, name, model_version_id, protected, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (model_id, name) DO UPDATE SET model_version_id = excluded.model_version_id,
                protected = excluded.protected, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """, mid, name, vid, isProtected, tx.time, tx.actor)
        try db.run(
            """
            INSERT INTO alias_history (model_id, name, model_version_id, previous_version_id, action, actor, reason, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, mid, name, vid, previousID, action, tx.actor, reason, tx.time)
        let entryID = db.lastInsertRowID
        let previous = try previousID.map { try RegistryStore.modelVersionReference(db, id: $0) }
        let digest = try db.scalar("SELECT digest FROM model_versions WHERE id = ?", vid, as: String.self) ?? ""
        try tx.appendAudit(
            action: "alias.\(action)", subject: "\(target.name):\(name)",
            payload: [
                "alias": .string(name), "target": .string(target.description), "digest": .string(digest),
                "previous": previous.map { .string($0.description) } ?? .null, "protected": .bool(isProtected),
                "reason": reason.map(JSONValue.string) ?? .null
            ])
        return AliasHistoryEntry(
            id: entryID, model: target.name, name: name, target: target, previous: previous,
            action: action, actor: tx.actor, reason: reason, createdAt: tx.time)
    }

    /// The holders of an alias as a stack: every `set` pushes its target, every `rollback` pops
    /// the current holder. The last element is the current holder; the one before it is what a
    /// rollback restores.
    public static func aliasStack(_ history: [AliasHistoryEntry]) -> [VersionReference] {
        var stack: [VersionReference] = []
        for entry in history {
            if entry.action == "rollback" {
                if !stack.isEmpty { stack.removeLast() }
                if stack.last != entry.target { stack.append(entry.target) }
            } else {
                stack.append(entry.target)
            }
        }
        return stack
    }
}
