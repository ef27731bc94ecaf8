import Foundation
import JSON
import Registry
import TestSupport
import Testing

@testable import Governance

/// The gate's JSON report (and Markdown) carry both scores of a compared run that was scored
/// with `assay eval --exclude-contaminated` (issue 14).
struct GateDecontaminationTests {
    static func number(_ v: JSONValue?) -> Double? {
        switch v {
        case .number(let d)?: return d
        case .integer(let i)?: return Double(i)
        default: return nil
        }
    }

    @Test func jsonReportCarriesBothScoresOfTheDecontaminatedRun() throws {
        let dir = TemporaryDirectory("ds-gate")
        let store = try RegistryStore(home: dir.path("home"), actor: "alice", create: true)
        // What `decontaminate(runID:)` records for the candidate's run (the baseline has none).
        let recorded = DecontaminationReport(
            runID: "run-c", model: try VersionReference(parsing: "smol-ft@1"), suite: "mmlu-test",
            datasets: [try VersionReference(parsing: "support-ft@1")],
            tasks: [
                DecontaminatedScore(
                    task: "mmlu-test", items: 8, accuracy: 0.75, cleanItems: 6, cleanAccuracy: 2.0 / 3.0,
                    excludedItems: ["q-1", "q-5"])
            ])
        _ = try store.write { tx in
            try tx.appendAudit(
                action: "evaluation_run.decontaminated", subject: "run-c",
                payload: DatasetQualityService.payload(recorded))
        }
        var candidate: [String: Bool] = [:]
        var baseline: [String: Bool] = [:]
        for i in 0..<8 {
            candidate["q-\(i)"] = i < 6
            baseline["q-\(i)"] = i < 5
        }
        let input = GateInput(
            candidate: GateSubject(reference: "smol-ft@1", digest: String(repeating: "a", count: 64)),
            baseline: GateSubject(reference: "smol@1", digest: String(repeating: "b", count: 64)),
            suites: [
                SuiteEvidence(
                    suite: "mmlu-test", candidateRunID: "run-c", baselineRunID: "run-b",
                    candidateOutcomes: candidate, baselineOutcomes: baseline)
            ],
            candidatePerformance: PerformanceSummary())
        let policy = Policy(
            version: 1, defaultTier: "t", tiers: ["t": RiskTier(requiredSuites: ["mmlu-test"], maxRegression: 0.05)])
        var decision = try RegressionGate.evaluate(input, policy: policy, tierName: "t")
        #expect(!(try GateReport.json(decision)).contains("decontaminated")) // nothing attached yet
        try decision.attachDecontaminatedScores(store: store)

        let json = try JSONValue.parse(try GateReport.json(decision))
        guard case .array(let scores)? = json.objectValue?["decontaminated"], scores.count == 1,
            case .object(let s) = scores[0]
        else {
            Issue.record("no decontaminated scores in the gate JSON")
            return
        }
        #expect(s["role"] == "candidate")
        #expect(s["runID"] == "run-c")
        #expect(s["suite"] == "mmlu-test")
        #expect(s["items"] == .integer(8))
        #expect(Self.number(s["accuracy"]) == 0.75)
        #expect(s["cleanItems"] == .integer(6))
        #expect(abs((Self.number(s["cleanAccuracy"]) ?? 0) - 2.0 / 3.0) < 1e-12)
        #expect(s["excludedItems"] == .array(["q-1", "q-5"]))
        let markdown = GateReport.markdown(decision)
        #expect(markdown.contains("### Without contaminated items"))
        #expect(
            markdown.contains("| candidate `run-c` | mmlu-test | mmlu-test | 8 | 0.750 | 6 | 0.667 | 2 |"),
            "\(markdown)")
    }
}
