import Foundation
@_spi(RawSQL) import Registry
import TestSupport
import Testing

@testable import Governance

/// Issue 5, acceptance 1: the whole approval workflow against a real registry.
struct GovernanceScenarioTests {
    static let policy = Policy(
        version: 4, defaultTier: "medium",
        tiers: [
            "medium": RiskTier(
                requiredSuites: ["general-knowledge", "support-intents"], maxRegression: 0.03,
                datasets: DatasetRules(allowedLicenses: ["MIT", "Apache-2.0"], pii: .forbidden),
                modelCardFields: ["intended_use", "limitations"], quorum: 1),
            "high": RiskTier(requiredSuites: ["general-knowledge"], maxRegression: 0.02, quorum: 2)
        ])

    /// One registry, several actors (each its own store handle, as separate CLI invocations would be).
    final class World: @unchecked Sendable {
        let dir = TemporaryDirectory("gov-scenario")
        let binding = PolicyBinding(
            policy: GovernanceScenarioTests.policy, digest: String(repeating: "d", count: 64),
            source: "test")
        var evidence: [String: [String: [String]]] = [:]

        func store(_ actor: String) throws -> RegistryStore {
            try RegistryStore(home: dir.path("home"), actor: actor, create: true)
        }

        func service(_ actor: String) throws -> GovernanceService {
            GovernanceService(store: try store(actor), binding: binding, evidence: StaticEvidence(evidence))
        }

        /// Registers `name@version` (one small file) as `actor`, with lineage.
        @discardableResult
        func register(_ ref: String, as actor: String, lineage: [LineageLink] = [], evaluated: Bool = true) throws
            -> VersionReference
        {
            let reference = try VersionReference(parsing: ref)
            let file = dir.path("\(reference.name)-\(reference.version).bin")
            try Data("weights of \(ref)".utf8).write(to: file)
            let version = try store(actor).registerModelVersion(
                ModelRegistration(reference: reference, files: try ArtifactInput.collect([file]), lineage: lineage)
            ).value
            if evaluated {
                evidence[version.digest] = ["general-knowledge": ["gk-\(ref)"], "support-intents": ["si-\(ref)"]]
            }
            return reference
        }

        /// Evaluate, fill the card and submit as alice; approve as bob.
        func approve(_ ref: VersionReference) throws {
            try service("alice").perform(.markEvaluated, on: ref)
            try service("alice").updateModelCard(
                ref, fields: ["intended_use": "support triage", "limitations": "English only"])
            try service("alice").perform(.submit, on: ref)
            try service("bob").perform(.approve(comment: nil), on: ref)
        }
    }

    @Test func approvalsAliasesRevocationAndRollback() throws {
        let w = World()
        // Bootstrap: the first grant must be admin; then the admin hands out roles.
        #expect(throws: GovernanceError.self) { try w.service("mallory").grant(.approver, to: "mallory") }
        try w.service("root").grant(.admin, to: "root")
        #expect(throws: GovernanceError.notAuthorized(actor: "mallory", action: "grant roles", needs: [.admin])) {
            try w.service("mallory").grant(.admin, to: "mallory")
        }
        let root = try w.service("root")
        try root.grant(.submitter, to: "alice")
        try root.grant(.approver, to: "alice") // alice may approve others' work, never her own
        try root.grant(.approver, to: "bob")
        try root.grant(.releaseManager, to: "rita")
        #expect(try root.roles(of: "alice") == [.submitter, .approver])

        // alice registers and submits smol@a.
        let a = try w.register("smol@a", as: "alice")
        let alice = try w.service("alice")
        #expect(throws: ApprovalError.incompleteModelCard(missing: ["intended_use", "limitations"])) {
            try alice.perform(.markEvaluated, on: a)
            try alice.perform(.submit, on: a)
        }
        try alice.updateModelCard(a, fields: ["intended_use": "support triage", "limitations": "English only"])
        let submitted = try alice.perform(.submit, on: a)
        #expect(submitted.decision.toState == "in_review")

        // The same actor's approval is refused (separation of duties); a second approver approves.
        #expect(throws: ApprovalError.separationOfDuties(actor: "alice", role: "submitter")) {
            try alice.perform(.approve(comment: "lgtm"), on: a)
        }
        let approved = try w.service("bob").perform(.approve(comment: "metrics fine"), on: a)
        #expect(approved.decision.toState == "approved")
        #expect(approved.votes == 1 && approved.quorum == 1)
        // Each decision pins digest, evaluation runs and policy version.
        let digestA = try w.store("root").modelVersion(a).digest
        #expect(approved.decision.modelDigest == digestA)
        #expect(approved.decision.evaluationRunIDs == ["gk-smol@a", "si-smol@a"])
        #expect(approved.decision.policyVersion == 4)
        #expect(approved.decision.policyDigest == String(repeating: "d", count: 64))

        // Only a release-manager moves production, and only to approved versions.
        #expect(
            throws: GovernanceError.notAuthorized(
                actor: "alice", action: "move the protected alias production", needs: [.releaseManager])
        ) {
            try alice.setAlias("production", to: a)
        }
        let rita = try w.service("rita")
        try rita.setAlias("production", to: a, reason: "first release")

        // Versions b (independent), c quantized from b, d fine-tuned from c.
        let b = try w.register("smol@b", as: "alice")
        #expect(
            throws: GovernanceError.aliasTargetNotApproved(alias: "production", target: "smol@b", state: "registered")
        ) {
            try rita.setAlias("production", to: b)
        }
        try w.approve(b)
        try rita.setAlias("production", to: b, reason: "better intents")
        #expect(try rita.alias(model: "smol", name: "production")?.target == b)
        let c = try w.register("smol@c", as: "alice", lineage: [LineageLink(relation: .quantizedFrom, parent: b)])
        let d = try w.register("smol@d", as: "alice", lineage: [LineageLink(relation: .finetunedFrom, parent: c)])
        try w.approve(c)

        // Revoking b needs a reason and flags every descendant.
        #expect(throws: ApprovalError.reasonRequired(action: "revoke")) {
            try root.perform(.revoke(reason: " "), on: b)
        }
        let revoked = try root.perform(.revoke(reason: "training data licence withdrawn"), on: b)
        #expect(revoked.flagged == [c, d])
        let statusC = try root.status(c)
        #expect(statusC.record.needsReview)
        #expect(statusC.record.state == "approved")
        #expect(try root.status(d).record.needsReview)
        #expect(try root.status(a).record.needsReview == false)
        // A flagged version may not be promoted.
        #expect(throws: GovernanceError.self) { try rita.setAlias("production", to: c) }

        // Rollback restores the previous holder (a); a second rollback has nothing left.
        let rolled = try rita.rollbackAlias(model: "smol", alias: "production", reason: "b revoked")
        #expect(rolled.target == a && rolled.previous == b)
        #expect(try rita.alias(model: "smol", name: "production")?.target == a)
        #expect(throws: GovernanceError.noPreviousHolder(alias: "production")) {
            try rita.rollbackAlias(model: "smol", alias: "production")
        }
        let history = try rita.aliasHistory(model: "smol", alias: "production")
        #expect(history.map(\.action) == ["set", "set", "rollback"])
        #expect(history.map(\.target.version) == ["a", "b", "a"])

        // The flagged (approved) descendant is re-reviewed: resubmitted, approved again, flag cleared, promotable.
        try w.service("alice").perform(.submit, on: c)
        try w.service("bob").perform(.approve(comment: "re-reviewed after b's revocation"), on: c)
        #expect(try root.status(c).record.needsReview == false)
        try rita.setAlias("staging", to: c)

        // Unprotected aliases are free; approval decisions are append-only.
        try alice.setAlias("canary", to: d)
        let decisionsB = try root.status(b).decisions.map(\.action)
        #expect(decisionsB == ["evaluate", "submit", "approve", "revoke"])
        #expect(throws: (any Error).self) {
            try w.store("root").write { tx in try tx.database.run("DELETE FROM approval_decisions") }
        }

        // The audit chain verifies and tells the story.
        let verification = try w.store("auditor").verifyAudit()
        #expect(verification.isIntact)
        let actions = try w.store("auditor").auditEvents().map(\.action)
        for expected in [
            "role.grant", "approval.submit", "approval.approve", "alias.set", "approval.revoke",
            "approval.flag_descendants", "alias.rollback", "model_card.update"
        ] {
            #expect(actions.contains(expected), "missing audit action \(expected)")
        }
    }

    @Test func quorumOfTwoAndEvidenceOnTheExactDigest() throws {
        let w = World()
        try w.service("root").grant(.admin, to: "root")
        for (who, role) in [("alice", Role.submitter), ("bob", .approver), ("carol", .approver)] {
            try w.service("root").grant(role, to: who)
        }
        let v = try w.register("m@1", as: "alice", evaluated: false)
        #expect(throws: ApprovalError.missingEvaluations(suites: ["general-knowledge"])) {
            try w.service("alice").perform(.markEvaluated, on: v, tier: "high")
        }
        // Evidence for a different digest does not count.
        w.evidence[String(repeating: "0", count: 64)] = ["general-knowledge": ["other"]]
        #expect(throws: ApprovalError.self) { try w.service("alice").perform(.markEvaluated, on: v, tier: "high") }
        let digest = try w.store("root").modelVersion(v).digest
        w.evidence[digest] = ["general-knowledge": ["gk-1"]]
        try w.service("alice").perform(.markEvaluated, on: v, tier: "high")
        try w.service("alice").perform(.submit, on: v)
        let first = try w.service("bob").perform(.approve(comment: nil), on: v)
        #expect(first.decision.toState == "in_review" && first.votes == 1 && first.quorum == 2)
        #expect(throws: ApprovalError.alreadyApproved(actor: "bob")) {
            try w.service("bob").perform(.approve(comment: nil), on: v)
        }
        let second = try w.service("carol").perform(.approve(comment: nil), on: v)
        #expect(second.decision.toState == "approved")
        #expect(second.decision.tier == "high")
    }

    @Test func datasetLicenceAndPIIRulesBlockSubmission() throws {
        let w = World()
        try w.service("root").grant(.admin, to: "root")
        try w.service("root").grant(.submitter, to: "alice")
        let file = w.dir.path("data.jsonl")
        try Data("{\"text\":\"hi\"}\n".utf8).write(to: file)
        let data = try VersionReference(parsing: "tickets@1")
        _ = try w.store("alice").registerDatasetVersion(
            DatasetRegistration(
                reference: data, files: try ArtifactInput.collect([file]), license: "CC-BY-NC-4.0", containsPII: true))
        let v = try w.register("m@1", as: "alice", lineage: [LineageLink(relation: .trainedOn, parent: data)])
        let alice = try w.service("alice")
        try alice.updateModelCard(v, fields: ["intended_use": "x", "limitations": "y"])
        // Refused already at evaluate (submit's guard is the same; ApprovalWorkflowTests), so the
        // version never reaches submit.
        do {
            try alice.perform(.markEvaluated, on: v)
            Issue.record("evaluate with a non-compliant dataset was accepted")
        } catch let error as ApprovalError {
            guard case .datasetPolicy(let problems) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(problems.count == 2)
            #expect(problems[0].contains("CC-BY-NC-4.0"))
        }
        #expect(throws: ApprovalError.invalidTransition(action: "submit", from: .registered)) {
            try alice.perform(.submit, on: v)
        }
        #expect(try alice.status(v).datasetViolations.count == 2)
        #expect(try alice.status(v).record.state == "registered")
    }

    /// Evidence whose gate verdict is fixed (the CLI wires the real gate; see DecisionsScenarioTests).
    struct GatedEvidence: EvaluationEvidenceSource {
        var runs: [String: [String: [String]]]
        var verdict: GateDecision.Verdict
        var floors: [String] = []
        func finishedRuns(digest: String) throws -> [String: [String]] { runs[digest] ?? [:] }
        func qualifyingEvidence(reference: VersionReference, digest: String, tier: RiskTier) throws
            -> QualifyingEvidence
        {
            QualifyingEvidence(runs: try finishedRuns(digest: digest), floorViolations: floors)
        }
        func gate(candidate: VersionReference, baseline: VersionReference, policy: Policy, tier: String) throws
            -> GateDecision?
        {
            let input = GateInput(
                candidate: GateSubject(reference: candidate.description, digest: "c"),
                baseline: GateSubject(reference: baseline.description, digest: "b"), suites: [],
                candidatePerformance: PerformanceSummary())
            var d = try RegressionGate.evaluate(input, policy: policy, tierName: tier)
            d.verdict = verdict
            d.blocking = verdict != .pass && !(verdict == .inconclusive && policy.gate.inconclusive == .allow)
            return d
        }
    }

    /// Issue 11: submit and approve need a non-blocking gate against the current holder of the
    /// baseline alias; only an admin may override, with a reason, and the override is recorded.
    @Test func submitAndApproveNeedTheGateAgainstTheAliasHolder() throws {
        let w = World()
        let root = try w.service("root")
        try root.grant(.admin, to: "root")
        try root.grant(.submitter, to: "alice")
        try root.grant(.approver, to: "bob")
        try root.grant(.approver, to: "root")
        try root.grant(.releaseManager, to: "rita")
        let a = try w.register("smol@a", as: "alice")
        try w.approve(a)
        try w.service("rita").setAlias("production", to: a)
        let b = try w.register("smol@b", as: "alice")
        func service(_ actor: String, _ verdict: GateDecision.Verdict, floors: [String] = []) throws
            -> GovernanceService
        {
            GovernanceService(
                store: try w.store(actor), binding: w.binding,
                evidence: GatedEvidence(runs: w.evidence, verdict: verdict, floors: floors))
        }
        try service("alice", .regression).perform(.markEvaluated, on: b) // evaluate does not run the gate
        try service("alice", .regression).updateModelCard(b, fields: ["intended_use": "x", "limitations": "y"])
        do {
            try service("alice", .regression).perform(.submit, on: b)
            Issue.record("a regressed candidate was submitted")
        } catch let error as ApprovalError {
            guard case .gateBlocked(let verdict, let baseline, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(verdict == "regression" && baseline.hasPrefix("smol@a"))
        }
        do {
            try service("alice", .inconclusive).perform(.submit, on: b)
            Issue.record("an inconclusive gate did not block under inconclusive = block")
        } catch let error as ApprovalError {
            guard case .gateBlocked(let verdict, let baseline, _) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(verdict == "inconclusive" && baseline == "smol@a (production)")
        }
        try service("alice", .pass).perform(.submit, on: b)
        // The approver's vote re-runs the gate: a regression found since blocks it.
        #expect(throws: ApprovalError.self) { try service("bob", .regression).perform(.approve(comment: nil), on: b) }
        #expect(throws: ApprovalError.overrideNeedsAdmin(actor: "bob")) {
            try service("bob", .regression).perform(.approve(comment: nil), on: b, override: "looks fine")
        }
        // Floors block too; an admin's override with a reason passes and is recorded.
        #expect(throws: ApprovalError.belowFloor(["acc 0.1 < 0.25"])) {
            try service("bob", .pass, floors: ["acc 0.1 < 0.25"]).perform(.approve(comment: nil), on: b)
        }
        #expect(throws: ApprovalError.reasonRequired(action: "override the policy")) {
            try service("root", .regression).perform(.approve(comment: nil), on: b, override: "  ")
        }
        let approved = try service("root", .regression).perform(
            .approve(comment: nil), on: b, override: "hotfix; regression accepted")
        #expect(approved.decision.toState == "approved")
        let event = try #require(try w.store("auditor").auditEvents().last { $0.action == "approval.evidence" })
        #expect(
            event.payload.contains("\"verdict\":\"regression\"")
                && event.payload.contains("hotfix; regression accepted"))
        #expect(event.payload.contains("\"by\":\"root\""))
    }
}
