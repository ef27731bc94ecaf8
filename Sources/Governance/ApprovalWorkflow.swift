/// Where a model version stands in the approval workflow.
///
/// ```
/// registered → evaluated → in_review → approved → deprecated
///                                    ↘ rejected
/// any state → revoked
/// ```
public enum ApprovalState: String, Sendable, Codable, CaseIterable {
    case registered
    case evaluated
    case inReview = "in_review"
    case approved
    case rejected
    case deprecated
    case revoked
}

/// Something an actor asks the workflow to do.
public enum ApprovalAction: Sendable, Equatable {
    /// Record that every required suite ran on the version's digest.
    case markEvaluated
    /// Submit for review (model card must be complete).
    case submit
    /// One approver's vote.
    case approve(comment: String?)
    case reject(reason: String)
    case deprecate(reason: String?)
    case revoke(reason: String)

    /// The verb stored with decisions and audit events.
    public var verb: String {
        switch self {
        case .markEvaluated: return "evaluate"
        case .submit: return "submit"
        case .approve: return "approve"
        case .reject: return "reject"
        case .deprecate: return "deprecate"
        case .revoke: return "revoke"
        }
    }

    /// The free-text reason or comment attached, if any.
    public var reason: String? {
        switch self {
        case .markEvaluated, .submit: return nil
        case .approve(let c): return c
        case .reject(let r), .revoke(let r): return r
        case .deprecate(let r): return r
        }
    }
}

/// Everything the guards look at, gathered from the registry (or built by hand in tests).
public struct ApprovalContext: Sendable, Equatable {
    public var state: ApprovalState
    /// Who registered the version.
    public var registrant: String
    /// Who submitted it for review (nil before submission).
    public var submitter: String?
    /// Actors who already approved in the current review round.
    public var approvals: [String] = []
    /// The actor asking, and the roles they hold.
    public var actor: String
    public var actorRoles: Set<Role>
    /// The tier the version is judged under.
    public var tier: RiskTier
    /// Suites that have a finished evaluation run on this exact digest (suite id → run ids).
    public var evaluatedSuites: [String: [String]] = [:]
    /// Model-card fields that are filled (non-empty).
    public var cardFields: Set<String> = []
    /// Problems with `trained_on` datasets under the tier's rules (licence, PII).
    public var datasetViolations: [String] = []
    /// Flagged for review because an ancestor was revoked (an approved version may be resubmitted).
    public var needsReview: Bool = false
    /// Floors of the tier the version's qualifying runs do not meet (one line each).
    public var floorViolations: [String] = []
    /// The regression gate against the current holder of the target alias (nil: no holder, or
    /// not evaluated for this action).
    public var gate: GateSummary?
    /// An admin override: the reason given (nil: no override requested).
    public var overrideReason: String?

    /// Run ids of the required suites, sorted (recorded with decisions).
    public var requiredRunIDs: [String] {
        tier.requiredSuites.flatMap { evaluatedSuites[$0] ?? [] }.sorted()
    }
}

/// The gate result an approval decision relies on.
public struct GateSummary: Sendable, Equatable, Codable {
    /// `pass`, `regression`, `fail`, `inconclusive` or `error`.
    public var verdict: String
    public var blocking: Bool
    /// The version compared against (the current holder of the target alias).
    public var baseline: String
    public var reasons: [String] = []
}

/// The outcome of an allowed action.
public struct ApprovalTransition: Sendable, Equatable {
    public var from: ApprovalState
    public var to: ApprovalState
    /// For approvals: votes so far (including this one) and the quorum.
    public var votes: Int?
    public var quorum: Int?
}

/// Why an action was refused.
public enum ApprovalError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidTransition(action: String, from: ApprovalState)
    case missingRole(actor: String, action: String, needs: [Role])
    case missingEvaluations(suites: [String])
    case incompleteModelCard(missing: [String])
    case datasetPolicy([String])
    case separationOfDuties(actor: String, role: String)
    case alreadyApproved(actor: String)
    case reasonRequired(action: String)
    case belowFloor([String])
    case gateBlocked(verdict: String, baseline: String, reasons: [String])
    case overrideNeedsAdmin(actor: String)

    public var description: String {
        switch self {
        case .invalidTransition(let action, let from):
            return "cannot \(action) a version that is \(from.rawValue)"
        case .missingRole(let actor, let action, let needs):
            return "\(actor) may not \(action): requires the role \(needs.map(\.rawValue).joined(separator: " or "))"
        case .missingEvaluations(let suites):
            return "required suites have not been evaluated on this digest: \(suites.joined(separator: ", "))"
        case .incompleteModelCard(let missing):
            return "the model card is incomplete; missing: \(missing.joined(separator: ", "))"
        case .datasetPolicy(let problems):
            return "training data violates the policy: \(problems.joined(separator: "; "))"
        case .separationOfDuties(let actor, let role):
            return "\(actor) is the \(role) of this version and may not approve it (separation of duties)"
        case .alreadyApproved(let actor):
            return "\(actor) has already approved this version; the quorum needs distinct approvers"
        case .reasonRequired(let action):
            return "a reason is required to \(action)"
        case .belowFloor(let problems):
            return
                "the policy's floors are not met: \(problems.joined(separator: "; ")) (an admin may override with --override REASON)"
        case .gateBlocked(let verdict, let baseline, let reasons):
            let why = reasons.isEmpty ? "" : ": " + reasons.prefix(3).joined(separator: "; ")
            return
                "the regression gate against \(baseline) is \(verdict)\(why) (an admin may override with --override REASON)"
        case .overrideNeedsAdmin(let actor):
            return "\(actor) may not override the policy: requires the role admin"
        }
    }
}

/// The approval state machine: pure guard and transition logic.
public enum ApprovalWorkflow {
    /// Checks `action` against `context` and returns the transition, or the first guard that fails.
    ///
    /// Guards:
    /// - `markEvaluated` (registered/evaluated → evaluated): every required suite of the tier has a
    ///   qualifying run on this digest, the training datasets comply with the tier (`datasets` and
    ///   `dataset_quality` rules, as for `submit`) and every floor is met. Anyone may record it.
    /// - `submit` and `approve` also require the floors and a non-blocking gate against the current
    ///   holder of the target alias. An admin may override floors and gate with a reason
    ///   (`overrideReason`), which is recorded.
    /// - `submit` (evaluated|rejected, or approved but flagged for review → in_review): submitter or admin role; complete model card;
    ///   every required suite evaluated; training datasets comply with the tier.
    /// - `approve` (in_review → in_review | approved): the tier's approver role; neither the
    ///   submitter nor the registrant; one vote per actor; `approved` once votes reach the quorum.
    /// - `reject` (in_review → rejected): approver role; a reason.
    /// - `deprecate` (approved → deprecated): release-manager or admin.
    /// - `revoke` (any but revoked → revoked): admin or approver; a reason.
    public static func check(_ action: ApprovalAction, in c: ApprovalContext) -> Result<
        ApprovalTransition, ApprovalError
    > {
        let from = c.state
        func needs(_ roles: [Role]) -> ApprovalError? {
            roles.contains(where: c.actorRoles.contains)
                ? nil
                : .missingRole(actor: c.actor, action: action.verb, needs: roles)
        }
        func missingSuites() -> [String] {
            c.tier.requiredSuites.filter { (c.evaluatedSuites[$0] ?? []).isEmpty }
        }
        func blank(_ s: String?) -> Bool { (s ?? "").allSatisfy { $0.isWhitespace } }
        if let reason = c.overrideReason {
            guard c.actorRoles.contains(.admin) else { return .failure(.overrideNeedsAdmin(actor: c.actor)) }
            if blank(reason) { return .failure(.reasonRequired(action: "override the policy")) }
        }
        let overridden = c.overrideReason != nil
        /// Floors and the gate: what an admin override may bypass.
        func evidenceProblem(gate: Bool) -> ApprovalError? {
            if overridden { return nil }
            if !c.floorViolations.isEmpty { return .belowFloor(c.floorViolations) }
            if gate, let g = c.gate, g.blocking {
                return .gateBlocked(verdict: g.verdict, baseline: g.baseline, reasons: g.reasons)
            }
            return nil
        }

        switch action {
        case .markEvaluated:
            guard from == .registered || from == .evaluated else {
                return .failure(.invalidTransition(action: "evaluate", from: from))
            }
            // Training data is judged first: its problems are known before any evaluation is run.
            guard c.datasetViolations.isEmpty else { return .failure(.datasetPolicy(c.datasetViolations)) }
            let missing = missingSuites()
            guard missing.isEmpty else { return .failure(.missingEvaluations(suites: missing)) }
            if let e = evidenceProblem(gate: false) { return .failure(e) }
            return .success(ApprovalTransition(from: from, to: .evaluated))

        case .submit:
            guard from == .evaluated || from == .rejected || (from == .approved && c.needsReview) else {
                if from == .registered {
                    let missing = missingSuites()
                    if !missing.isEmpty { return .failure(.missingEvaluations(suites: missing)) }
                }
                return .failure(.invalidTransition(action: "submit", from: from))
            }
            if let e = needs([.submitter, .admin]) { return .failure(e) }
            let missing = missingSuites()
            guard missing.isEmpty else { return .failure(.missingEvaluations(suites: missing)) }
            let card = c.tier.modelCardFields.filter { !c.cardFields.contains($0) }
            guard card.isEmpty else { return .failure(.incompleteModelCard(missing: card)) }
            guard c.datasetViolations.isEmpty else { return .failure(.datasetPolicy(c.datasetViolations)) }
            if let e = evidenceProblem(gate: true) { return .failure(e) }
            return .success(ApprovalTransition(from: from, to: .inReview))

        case .approve:
            guard from == .inReview else { return .failure(.invalidTransition(action: "approve", from: from)) }
            if let e = needs([c.tier.approverRole]) { return .failure(e) }
            if c.actor == c.submitter { return .failure(.separationOfDuties(actor: c.actor, role: "submitter")) }
            if c.actor == c.registrant { return .failure(.separationOfDuties(actor: c.actor, role: "registrant")) }
            if c.approvals.contains(c.actor) { return .failure(.alreadyApproved(actor: c.actor)) }
            let missing = missingSuites()
            guard missing.isEmpty || overridden else { return .failure(.missingEvaluations(suites: missing)) }
            if let e = evidenceProblem(gate: true) { return .failure(e) }
            let votes = Set(c.approvals).count + 1
            let quorum = c.tier.quorum
            return .success(
                ApprovalTransition(
                    from: from, to: votes >= quorum ? .approved : .inReview,
                    votes: votes, quorum: quorum))

        case .reject(let reason):
            guard from == .inReview else { return .failure(.invalidTransition(action: "reject", from: from)) }
            if let e = needs([c.tier.approverRole]) { return .failure(e) }
            if blank(reason) { return .failure(.reasonRequired(action: "reject")) }
            return .success(ApprovalTransition(from: from, to: .rejected))

        case .deprecate:
            guard from == .approved else { return .failure(.invalidTransition(action: "deprecate", from: from)) }
            if let e = needs([.releaseManager, .admin]) { return .failure(e) }
            return .success(ApprovalTransition(from: from, to: .deprecated))

        case .revoke(let reason):
            guard from != .revoked else { return .failure(.invalidTransition(action: "revoke", from: from)) }
            if let e = needs([.admin, .approver]) { return .failure(e) }
            if blank(reason) { return .failure(.reasonRequired(action: "revoke")) }
            return .success(ApprovalTransition(from: from, to: .revoked))
        }
    }
}
