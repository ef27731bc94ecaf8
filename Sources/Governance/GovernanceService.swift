import Foundation
import Hashing
import JSON
import Registry

/// A policy together with the digest of the file it was read from (recorded with decisions).
public struct PolicyBinding: Sendable, Equatable {
    public var policy: Policy
    /// SHA-256 (hex) of the policy file bytes, or of the canonical description when built in code.
    public var digest: String
    /// Where it came from (file path), for messages.
    public var source: String

    /// No policy: for operations no policy governs (roles, model cards).
    public static let none = PolicyBinding(
        policy: Policy(version: 1, defaultTier: "none", tiers: [:]), digest: "", source: "")

    /// Reads and validates a policy file.
    public static func load(_ url: URL, parser: PolicyParser = PolicyParser()) throws -> PolicyBinding {
        let policy = try parser.load(url)
        let bytes = FileManager.default.contents(atPath: url.path) ?? Data()
        return PolicyBinding(policy: policy, digest: SHA256.hash(Array(bytes)).hex, source: url.path)
    }
}

/// Answers "which suites have a finished evaluation run on this digest, and with which run ids".
/// The CLI wires it to the evaluation records in the registry; tests may stub it.
public protocol EvaluationEvidenceSource: Sendable {
    func finishedRuns(digest: String) throws -> [String: [String]]
    /// The runs that qualify as evidence for `tier` (suite → run ids) and the tier's floors
    /// they do not meet.
    func qualifyingEvidence(reference: VersionReference, digest: String, tier: RiskTier) throws -> QualifyingEvidence
    /// The regression gate of `candidate` against `baseline` under `policy` (nil: cannot be run).
    func gate(candidate: VersionReference, baseline: VersionReference, policy: Policy, tier: String) throws
        -> GateDecision?
}

/// Evidence that counts for a tier.
public struct QualifyingEvidence: Sendable, Equatable {
    public var runs: [String: [String]]
    public var floorViolations: [String] = []
    /// Suites whose runs were refused, with why.
    public var refused: [String: String] = [:]
}

extension EvaluationEvidenceSource {
    /// Default: every finished run counts and floors are not checked (stubs in tests).
    public func qualifyingEvidence(reference: VersionReference, digest: String, tier: RiskTier) throws
        -> QualifyingEvidence
    {
        QualifyingEvidence(runs: try finishedRuns(digest: digest))
    }

    public func gate(candidate: VersionReference, baseline: VersionReference, policy: Policy, tier: String) throws
        -> GateDecision?
    { nil }
}

/// Evidence given as a fixed table (tests, dry runs).
public struct StaticEvidence: EvaluationEvidenceSource {
    public var runs: [String: [String: [String]]]
    public init(_ runs: [String: [String: [String]]]) { self.runs = runs }
    public func finishedRuns(digest: String) throws -> [String: [String]] { runs[digest] ?? [:] }
}

/// Errors of governance operations (besides state-machine refusals, which are `ApprovalError`).
public enum GovernanceError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownRole(String)
    case notAuthorized(actor: String, action: String, needs: [Role])
    case aliasTargetNotApproved(alias: String, target: String, state: String)
    case aliasTargetNeedsReview(alias: String, target: String, reason: String?)
    case noPreviousHolder(alias: String)
    case unknownAlias(model: String, alias: String)
    case invalidAliasName(String)

    public var description: String {
        switch self {
        case .unknownRole(let r):
            return "unknown role '\(r)' (roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .notAuthorized(let actor, let action, let needs):
            return "\(actor) may not \(action): requires the role \(needs.map(\.rawValue).joined(separator: " or "))"
        case .aliasTargetNotApproved(let alias, let target, let state):
            return "\(alias) is protected: only approved versions may hold it, and \(target) is \(state)"
        case .aliasTargetNeedsReview(let alias, let target, let reason):
            return "\(alias) is protected and \(target) is flagged for review\(reason.map { " (\($0))" } ?? "")"
        case .noPreviousHolder(let alias):
            return "\(alias) has no previous holder to roll back to"
        case .unknownAlias(let model, let alias):
            return "model \(model) has no alias '\(alias)'"
        case .invalidAliasName(let n):
            return "invalid alias name '\(n)': use 1-64 characters from a-z 0-9 . _ - starting with a letter"
        }
    }
}

/// Status of a version as shown by `assay approval status`.
public struct ApprovalStatus: Sendable, Equatable, Codable {
    public var record: ApprovalRecord
    public var quorum: Int
    public var decisions: [ApprovalDecisionRecord]
    public var modelCard: [String: String]
    public var missingCardFields: [String]
    public var evaluatedSuites: [String: [String]]
    public var missingSuites: [String]
    public var datasetViolations: [String]
    /// Floors the qualifying runs do not meet.
    public var floorViolations: [String]
    /// Suites whose runs do not qualify under the tier's evaluation requirements, with why.
    public var refusedRuns: [String: String]
}

/// The outcome of an approval action.
public struct ApprovalOutcome: Sendable, Equatable, Codable {
    public var decision: ApprovalDecisionRecord
    public var votes: Int?
    public var quorum: Int?
    /// Descendants flagged for review (revocations).
    public var flagged: [VersionReference]
}

/// Governance operations on a registry under one policy: roles, the approval workflow and
/// protected aliases. Every operation checks its guards and writes its records and audit events
/// in one registry write transaction.
public struct GovernanceService: Sendable {
    public let store: RegistryStore
    public let binding: PolicyBinding
    public let evidence: any EvaluationEvidenceSource

    public init(store: RegistryStore, binding: PolicyBinding, evidence: any EvaluationEvidenceSource) {
        self.store = store
        self.binding = binding
        self.evidence = evidence
    }

    public var policy: Policy { binding.policy }
    var actor: String { store.actor }

    // MARK: roles

    /// Roles held by `actor` (default: the acting user).
    public func roles(of actor: String? = nil) throws -> Set<Role> {
        try store.read { db in
            Set(try GovernanceRecords.roles(db, actor: actor ?? self.actor).compactMap(Role.init(rawValue:)))
        }
    }

    /// Every grant.
    public func roleGrants() throws -> [RoleGrant] { try store.read { try GovernanceRecords.roleGrants($0) } }

    /// Grants a role. Only admins grant roles; while no admin exists, the single allowed grant
    /// is `admin` itself (bootstrapping a fresh registry).
    @discardableResult
    public func grant(_ role: Role, to grantee: String) throws -> Bool {
        try store.write { tx in
            let admins = try GovernanceRecords.holderCount(tx.snapshot, role: Role.admin.rawValue)
            let mine = try GovernanceRecords.roles(tx.snapshot, actor: tx.actor)
            if admins > 0 || role != .admin {
                guard mine.contains(Role.admin.rawValue) else {
                    throw GovernanceError.notAuthorized(actor: tx.actor, action: "grant roles", needs: [.admin])
                }
            }
            return try GovernanceRecords.grantRole(tx, actor: grantee, role: role.rawValue)
        }
    }

    /// Revokes a role (admins only).
    @discardableResult
    public func revoke(_ role: Role, from holder: String) throws -> Bool {
        try store.write { tx in
            guard try GovernanceRecords.roles(tx.snapshot, actor: tx.actor).contains(Role.admin.rawValue) else {
                throw GovernanceError.notAuthorized(actor: tx.actor, action: "revoke roles", needs: [.admin])
            }
            return try GovernanceRecords.revokeRole(tx, actor: holder, role: role.rawValue)
        }
    }

    // MARK: approvals

    /// Sets model-card fields (submitters, admins, or the registrant).
    @discardableResult
    public func updateModelCard(_ ref: VersionReference, fields: [String: String]) throws -> [String: String] {
        try store.write { tx in
            let mine = Set(try GovernanceRecords.roles(tx.snapshot, actor: tx.actor).compactMap(Role.init(rawValue:)))
            let record = try GovernanceRecords.approval(tx.snapshot, ref)
            guard record.registrant == tx.actor || !mine.isDisjoint(with: [.submitter, .admin]) else {
                throw GovernanceError.notAuthorized(
                    actor: tx.actor, action: "edit the model card", needs: [.submitter, .admin])
            }
            return try GovernanceRecords.updateModelCard(tx, ref, fields: fields)
        }
    }

    /// Where a version stands, with what is still missing.
    public func status(_ ref: VersionReference) throws -> ApprovalStatus {
        refreshTrainingContamination(ref)
        let before = try store.read { try GovernanceRecords.approval($0, ref) }
        let qualifying = try evidence.qualifyingEvidence(
            reference: ref, digest: before.digest,
            tier: try policy.tier(before.tier ?? policy.defaultTier))
        let runs = qualifying.runs
        return try store.read { db in
            let record = try GovernanceRecords.approval(db, ref)
            let tier = try policy.tier(record.tier)
            let card = try GovernanceRecords.modelCard(db, ref)
            let datasets = try GovernanceRecords.trainingDatasets(db, ref)
            return ApprovalStatus(
                record: record, quorum: tier.quorum, decisions: try GovernanceRecords.decisions(db, ref),
                modelCard: card,
                missingCardFields: tier.modelCardFields.filter { (card[$0] ?? "").isEmpty },
                evaluatedSuites: runs, missingSuites: tier.requiredSuites.filter { (runs[$0] ?? []).isEmpty },
                datasetViolations: try Self.violations(db, datasets, tier: tier),
                floorViolations: qualifying.floorViolations,
                refusedRuns: qualifying.refused)
        }
    }

    static func violations(_ datasets: [TrainingDatasetFact], tier: RiskTier) -> [String] {
        datasets.flatMap {
            tier.datasets.violations(
                dataset: $0.reference.description, license: $0.license, containsPII: $0.containsPII)
        }
    }

    /// Applies an action: checks the state machine's guards against fresh registry state and
    /// records the decision (digest, evaluation run ids, policy version and digest) atomically.
    /// `tier` assigns a risk tier on `markEvaluated`/`submit` (default: the version's tier, else the
    /// policy's default tier).
    @discardableResult
    public func perform(
        _ action: ApprovalAction, on ref: VersionReference, tier tierName: String? = nil,
        override overrideReason: String? = nil
    ) throws -> ApprovalOutcome {
        refreshTrainingContamination(ref)
        let before = try store.read { try GovernanceRecords.approval($0, ref) }
        let digest = before.digest
        let assigns = action == .markEvaluated || action == .submit
        let evidenceTierKey = (assigns ? tierName : nil) ?? before.tier ?? policy.defaultTier
        let evidenceTier = try policy.tier(evidenceTierKey)
        let qualifying = try evidence.qualifyingEvidence(reference: ref, digest: digest, tier: evidenceTier)
        let runs = qualifying.runs
        // The gate against the current holder of the target alias, for submit and approve.
        var gateSummary: GateSummary?
        var gateDecision: GateDecision?
        let needsGate: Bool
        switch action {
        case .submit, .approve: needsGate = true
        default: needsGate = false
        }
        if needsGate,
            let holder = try store.read({ try GovernanceRecords.alias($0, model: ref.name, name: policy.baselineAlias) }
            )?.target,
            holder != ref
        {
            if let decision = try evidence.gate(candidate: ref, baseline: holder, policy: policy, tier: evidenceTierKey)
            {
                gateDecision = decision
                gateSummary = GateSummary(
                    verdict: decision.verdict.rawValue, blocking: decision.blocking,
                    baseline: "\(holder) (\(policy.baselineAlias))", reasons: decision.reasons)
            }
        }
        return try store.write { tx in
            let db = tx.snapshot
            let record = try GovernanceRecords.approval(db, ref)
            let assignsTier = action == .markEvaluated || action == .submit
            let tierKey = (assignsTier ? tierName : nil) ?? record.tier ?? policy.defaultTier
            let tier = try policy.tier(tierKey)
            guard let state = ApprovalState(rawValue: record.state) else {
                throw ApprovalError.invalidTransition(action: action.verb, from: .registered)
            }
            let roles = Set(try GovernanceRecords.roles(db, actor: tx.actor).compactMap(Role.init(rawValue:)))
            let card = try GovernanceRecords.modelCard(db, ref)
            let context = ApprovalContext(
                state: state, registrant: record.registrant, submitter: record.submitter, approvals: record.approvals,
                actor: tx.actor, actorRoles: roles, tier: tier, evaluatedSuites: runs,
                cardFields: Set(card.filter { !$0.value.trimmingCharacters(in: .whitespaces).isEmpty }.keys),
                datasetViolations: try Self.violations(db, try GovernanceRecords.trainingDatasets(db, ref), tier: tier),
                needsReview: record.needsReview, floorViolations: qualifying.floorViolations, gate: gateSummary,
                overrideReason: overrideReason)
            let transition: ApprovalTransition
            switch ApprovalWorkflow.check(action, in: context) {
            case .success(let t): transition = t
            case .failure(let e): throw e
            }
            let decision = try GovernanceRecords.recordDecision(
                tx, ref,
                ApprovalDecisionInput(
                    action: action.verb, fromState: transition.from.rawValue, toState: transition.to.rawValue,
                    reason: action.reason, evaluationRunIDs: context.requiredRunIDs, policyVersion: policy.version,
                    policyDigest: binding.digest, tier: tierKey, startsReviewRound: action == .submit))
            // What the decision relied on: floors, the gate and any override (same transaction).
            let bypassed =
                (context.floorViolations.map { "floor: \($0)" })
                + ((gateSummary?.blocking ?? false)
                    ? ["gate \(gateSummary?.verdict ?? "") against \(gateSummary?.baseline ?? "")"] : [])
            try tx.appendAudit(
                action: "approval.evidence", subject: ref.description,
                payload: [
                    "decision_id": .integer(decision.id), "action": .string(action.verb),
                    "digest": .string(record.digest),
                    "evaluation_runs": .array(context.requiredRunIDs.map(JSONValue.string)),
                    "policy_version": .integer(Int64(policy.version)), "policy_digest": .string(binding.digest),
                    "floor_violations": .array(context.floorViolations.map(JSONValue.string)),
                    "gate": gateDecision.map { d in
                        .object([
                            "verdict": .string(d.verdict.rawValue), "blocking": .bool(d.blocking),
                            "baseline": .string(d.baseline.reference), "baseline_digest": .string(d.baseline.digest),
                            "reasons": .array(d.reasons.map(JSONValue.string))
                        ])
                    } ?? .null,
                    "override": overrideReason.map {
                        .object([
                            "reason": .string($0), "by": .string(tx.actor),
                            "bypassed": .array(bypassed.map(JSONValue.string))
                        ])
                    } ?? .null
                ])
            var flagged: [VersionReference] = []
            if case .revoke(let reason) = action {
                flagged = try GovernanceRecords.flagDescendants(
                    tx, of: ref, reason: "ancestor \(ref) revoked: \(reason)")
            }
            return ApprovalOutcome(
                decision: decision, votes: transition.votes, quorum: transition.quorum, flagged: flagged)
        }
    }

    // MARK: aliases

    public static func isValidAliasName(_ s: String) -> Bool {
        let bytes = Array(s.utf8)
        guard let first = bytes.first, bytes.count <= 64, (0x61...0x7a).contains(first) else { return false }
        return bytes.allSatisfy {
            (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2d || $0 == 0x5f || $0 == 0x2e
        }
    }

    /// Checks that `target` may hold `alias` and the acting user may move it (inside `tx`).
    func authorizeAliasMove(_ tx: RegistryTransaction, alias: String, target: VersionReference) throws -> Bool {
        guard Self.isValidAliasName(alias) else { throw GovernanceError.invalidAliasName(alias) }
        let protected = policy.isProtected(alias: alias)
        guard protected else { return false }
        let roles = Set(try GovernanceRecords.roles(tx.snapshot, actor: tx.actor).compactMap(Role.init(rawValue:)))
        guard roles.contains(policy.aliasRole) else {
            throw GovernanceError.notAuthorized(
                actor: tx.actor, action: "move the protected alias \(alias)", needs: [policy.aliasRole])
        }
        let record = try GovernanceRecords.approval(tx.snapshot, target)
        guard record.state == ApprovalState.approved.rawValue else {
            throw GovernanceError.aliasTargetNotApproved(alias: alias, target: target.description, state: record.state)
        }
        if record.needsReview {
            throw GovernanceError.aliasTargetNeedsReview(
                alias: alias, target: target.description, reason: record.needsReviewReason)
        }
        return true
    }

    /// Points `alias` of `target`'s model at `target` (atomic; kept in history).
    @discardableResult
    /// `precondition` sees the alias' current holder (nil: unset) inside the same transaction
    /// as the move and may throw to refuse it (the HTTP API's `If-Match`).
    public func setAlias(
        _ alias: String, to target: VersionReference, reason: String? = nil,
        precondition: ((AliasRecord?) throws -> Void)? = nil
    ) throws -> AliasHistoryEntry {
        try store.write { tx in
            try precondition?(try GovernanceRecords.alias(tx.snapshot, model: target.name, name: alias))
            let protected = try authorizeAliasMove(tx, alias: alias, target: target)
            return try GovernanceRecords.moveAlias(
                tx, name: alias, to: target, isProtected: protected, action: "set", reason: reason)
        }
    }

    /// Restores the previous holder of `alias` (see `GovernanceRecords.aliasStack`).
    @discardableResult
    public func rollbackAlias(
        model: String, alias: String, reason: String? = nil,
        precondition: ((AliasRecord?) throws -> Void)? = nil
    ) throws -> AliasHistoryEntry {
        try store.write { tx in
            try precondition?(try GovernanceRecords.alias(tx.snapshot, model: model, name: alias))
            let history = try GovernanceRecords.aliasHistory(tx.snapshot, model: model, name: alias)
            guard !history.isEmpty else { throw GovernanceError.unknownAlias(model: model, alias: alias) }
            let stack = GovernanceRecords.aliasStack(history)
            guard stack.count >= 2 else { throw GovernanceError.noPreviousHolder(alias: alias) }
            let target = stack[stack.count - 2]
            let protected = try authorizeAliasMove(tx, alias: alias, target: target)
            return try GovernanceRecords.moveAlias(
                tx, name: alias, to: target, isProtected: protected, action: "rollback", reason: reason)
        }
    }

    /// The alias, or nil.
    public func alias(model: String, name: String) throws -> AliasRecord? {
        try store.read { try GovernanceRecords.alias($0, model: model, name: name) }
    }

    /// Every alias of a model.
    public func aliases(model: String) throws -> [AliasRecord] {
        try store.read { try GovernanceRecords.aliases($0, model: model) }
    }

    /// The moves of an alias, oldest first.
    public func aliasHistory(model: String, alias: String) throws -> [AliasHistoryEntry] {
        try store.read { try GovernanceRecords.aliasHistory($0, model: model, name: alias) }
    }
}

/// Evidence read from the registry's evaluation records: completed runs whose model digest is
/// exactly the version's digest, qualified by the tier's evaluation requirements, with floors
/// checked on the qualifying runs' task metrics.
public struct RegistryEvidence: EvaluationEvidenceSource {
    public let store: RegistryStore
    public init(store: RegistryStore) { self.store = store }
    public func finishedRuns(digest: String) throws -> [String: [String]] {
        try store.read { try GovernanceRecords.completedRuns($0, digest: digest) }
    }

    public func qualifyingEvidence(reference: VersionReference, digest: String, tier: RiskTier) throws
        -> QualifyingEvidence
    {
        let (runs, refused) = try GateEvidenceBuilder.qualifyingRuns(
            store: store, reference: reference, digest: digest,
            suites: tier.requiredSuites, requirements: tier.evaluation)
        var violations: [String] = []
        for floor in tier.minimumMetrics {
            guard let run = runs[floor.suite], let results = GateEvidenceBuilder.decode(run) else { continue }
            let task =
                floor.task.flatMap { t in results.tasks.first { $0.task == t } }
                ?? results.tasks.first { $0.task == floor.suite } ?? results.tasks.first
            guard let task else { continue }
            guard let value = task.metrics[floor.metric] else {
                violations.append("\(floor.suite)/\(task.task) does not report \(floor.metric)")
                continue
            }
            if value.value < floor.min {
                violations.append(
                    "\(floor.suite)/\(task.task) \(floor.metric) = \(Format.number(value.value)) is below the floor \(Format.number(floor.min)) (run \(run.id))"
                )
            }
        }
        return QualifyingEvidence(
            runs: runs.mapValues { [$0.id] }, floorViolations: violations,
            refused: refused.compactMapValues { $0.first })
    }

    public func gate(candidate: VersionReference, baseline: VersionReference, policy: Policy, tier: String) throws
        -> GateDecision?
    {
        let t = try policy.tier(tier)
        let (input, _) = try GateEvidenceBuilder.build(
            store: store, candidate: candidate, baseline: baseline,
            baselineVia: "alias \(policy.baselineAlias)", suites: t.requiredSuites,
            requirements: t.evaluation, settings: policy.gate)
        return try RegressionGate.evaluate(input, policy: policy, tierName: tier)
    }
}
