import Testing

@testable import Governance

struct ApprovalWorkflowTests {
    static let tier = RiskTier(
        requiredSuites: ["general-knowledge", "support-intents"], maxRegression: 0.03,
        modelCardFields: ["intended_use", "limitations"], quorum: 2)
    static let evaluated = ["general-knowledge": ["r1"], "support-intents": ["r2", "r3"]]

    func context(
        _ state: ApprovalState, actor: String = "alice", roles: Set<Role> = [.submitter],
        submitter: String? = nil, approvals: [String] = [], runs: [String: [String]] = evaluated,
        card: Set<String> = ["intended_use", "limitations"], datasets: [String] = []
    ) -> ApprovalContext {
        ApprovalContext(
            state: state, registrant: "reg", submitter: submitter, approvals: approvals, actor: actor,
            actorRoles: roles, tier: Self.tier, evaluatedSuites: runs, cardFields: card,
            datasetViolations: datasets)
    }

    func refusal(_ action: ApprovalAction, _ c: ApprovalContext) -> ApprovalError? {
        if case .failure(let e) = ApprovalWorkflow.check(action, in: c) { return e }
        return nil
    }

    func target(_ action: ApprovalAction, _ c: ApprovalContext) -> ApprovalState? {
        if case .success(let t) = ApprovalWorkflow.check(action, in: c) { return t.to }
        return nil
    }

    @Test func evaluatedNeedsEveryRequiredSuiteOnTheDigest() {
        #expect(
            refusal(.markEvaluated, context(.registered, runs: ["general-knowledge": ["r1"]]))
                == .missingEvaluations(suites: ["support-intents"]))
        #expect(target(.markEvaluated, context(.registered)) == .evaluated)
        // Training data that violates the tier is refused here too, with the same problems as submit.
        #expect(
            refusal(.markEvaluated, context(.registered, datasets: ["bad licence"])) == .datasetPolicy(["bad licence"]))
        #expect(context(.registered).requiredRunIDs == ["r1", "r2", "r3"])
    }

    @Test func submitNeedsCompleteCardRoleAndCleanDatasets() {
        #expect(
            refusal(.submit, context(.evaluated, card: ["intended_use"]))
                == .incompleteModelCard(missing: ["limitations"]))
        #expect(
            refusal(.submit, context(.evaluated, roles: [.approver]))
                == .missingRole(actor: "alice", action: "submit", needs: [.submitter, .admin]))
        #expect(refusal(.submit, context(.evaluated, datasets: ["bad licence"])) == .datasetPolicy(["bad licence"]))
        #expect(
            refusal(.submit, context(.registered, runs: [:]))
                == .missingEvaluations(suites: ["general-knowledge", "support-intents"]))
        #expect(target(.submit, context(.evaluated)) == .inReview)
        #expect(target(.submit, context(.rejected)) == .inReview)
    }

    @Test func separationOfDutiesAndQuorum() {
        // The submitter may not approve, even holding the approver role.
        #expect(
            refusal(.approve(comment: nil), context(.inReview, actor: "alice", roles: [.approver], submitter: "alice"))
                == .separationOfDuties(actor: "alice", role: "submitter"))
        #expect(
            refusal(.approve(comment: nil), context(.inReview, actor: "reg", roles: [.approver], submitter: "alice"))
                == .separationOfDuties(actor: "reg", role: "registrant"))
        #expect(
            refusal(.approve(comment: nil), context(.inReview, actor: "bob", roles: [.submitter], submitter: "alice"))
                == .missingRole(actor: "bob", action: "approve", needs: [.approver]))
        // First vote of a quorum of two keeps it in review; the second approves; no double votes.
        #expect(
            target(.approve(comment: nil), context(.inReview, actor: "bob", roles: [.approver], submitter: "alice"))
                == .inReview)
        #expect(
            refusal(
                .approve(comment: nil),
                context(.inReview, actor: "bob", roles: [.approver], submitter: "alice", approvals: ["bob"]))
                == .alreadyApproved(actor: "bob"))
        #expect(
            target(
                .approve(comment: "ok"),
                context(.inReview, actor: "carol", roles: [.approver], submitter: "alice", approvals: ["bob"]))
                == .approved)
    }

    @Test func reasonsAreRequiredToRejectAndRevoke() {
        let approver = context(.inReview, actor: "bob", roles: [.approver], submitter: "alice")
        #expect(refusal(.reject(reason: "  "), approver) == .reasonRequired(action: "reject"))
        #expect(target(.reject(reason: "too slow"), approver) == .rejected)
        #expect(
            refusal(.revoke(reason: ""), context(.approved, actor: "root", roles: [.admin]))
                == .reasonRequired(action: "revoke"))
        #expect(target(.revoke(reason: "licence"), context(.approved, actor: "root", roles: [.admin])) == .revoked)
    }

    @Test(arguments: ApprovalState.allCases)
    func anyStateExceptRevokedCanBeRevoked(state: ApprovalState) {
        let result = target(.revoke(reason: "x"), context(state, actor: "root", roles: [.admin]))
        #expect(result == (state == .revoked ? nil : .revoked))
    }

    @Test func invalidTransitions() {
        #expect(
            refusal(.approve(comment: nil), context(.evaluated, actor: "bob", roles: [.approver]))
                == .invalidTransition(action: "approve", from: .evaluated))
        #expect(
            refusal(.deprecate(reason: nil), context(.inReview, actor: "rm", roles: [.releaseManager]))
                == .invalidTransition(action: "deprecate", from: .inReview))
        #expect(
            target(.deprecate(reason: nil), context(.approved, actor: "rm", roles: [.releaseManager])) == .deprecated)
        #expect(
            refusal(.deprecate(reason: nil), context(.approved, actor: "bob", roles: [.approver]))
                == .missingRole(actor: "bob", action: "deprecate", needs: [.releaseManager, .admin]))
        #expect(refusal(.submit, context(.approved)) == .invalidTransition(action: "submit", from: .approved))
        var flagged = context(.approved)
        flagged.needsReview = true
        #expect(target(.submit, flagged) == .inReview)
    }
}
