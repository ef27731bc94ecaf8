import DatasetQuality
import Evaluation
import Foundation
import Hashing
import Registry
import TestSupport
import Testing

@testable import Governance

/// Issue 14, acceptance 1: a fine-tuning set embedding 20 MMLU test questions (5 lightly
/// paraphrased) among 5,000 synthetic records. Uses the real MMLU CSVs from the reference
/// fixtures (required under CI=true).
@Suite(.serialized) struct ContaminationAcceptanceTests {
    static var mmluDir: URL { Fixtures.referenceDir.appendingPathComponent("mmlu") }

    /// Light paraphrases: a prefix, a synonym near the start, a word at the end, and so on.
    static func paraphrase(_ question: String, _ k: Int) -> String {
        var words = question.split(separator: " ").map(String.init)
        switch k {
        case 0: return "Here is a question for you: " + question.uppercased()
        case 1: if words.count > 2 { words[1] = "particular" }
        case 2: words.append("Explain briefly.")
        case 3: if words.count > 3 { words[words.count - 2] = "thing" }
        default:
            words.insert("Please", at: 0)
            words.insert("consider", at: 1)
        }
        return words.joined(separator: " ")
    }

    @Test(.enabled(if: Fixtures.referenceAvailableOrCI))
    func namesTheEmbeddedMMLUItemsBlocksApprovalAndScoresWithout() throws {
        let dir = TemporaryDirectory("ds-contamination")
        let store = try RegistryStore(home: dir.path("home"), actor: "alice", create: true)
        // The MMLU test split, imported as the registry does (`assay suite import-mmlu --split test`).
        let staging = dir.path("mmlu-import")
        _ = try MMLU.importSuite(
            from: try Fixtures.require(Self.mmluDir), to: staging,
            options: MMLU.ImportOptions(split: "test", id: "mmlu-test", includeCloze: false))
        let catalog = SuiteCatalog(store: store, bundledRoots: [])
        let suite = try catalog.register(directory: staging).suite
        let items = suite.tasks.flatMap(\.items)
        #expect(items.count == 14_079)

        // 20 items spread over the split; the first 5 are paraphrased.
        let stride = items.count / 20
        let planted = (0..<20).map { items[$0 * stride] }
        var rng = SeededRandom(seed: 14)
        var lines: [String] = []
        for _ in 0..<5_000 {
            lines.append(
                SyntheticText.jsonLine([
                    "instruction": SyntheticText.sentence(&rng, words: 8...30),
                    "output": SyntheticText.sentence(&rng, words: 5...60)
                ]))
        }
        for (k, item) in planted.enumerated() {
            let question = k < 5 ? Self.paraphrase(item.question ?? "", k) : (item.question ?? "")
            let letters = ["A", "B", "C", "D"]
            let prompt =
                question + "\n"
                + item.choices.enumerated().map { "\(letters[$0.offset]). \($0.element)" }.joined(separator: "\n")
            lines.insert(
                SyntheticText.jsonLine(["instruction": prompt, "output": "The answer is \(item.referenceAnswer)."]),
                at: 200 + k * 240)
        }
        #expect(lines.count == 5_020)
        let file = dir.path("finetune.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        let dataRef = try VersionReference(name: "support-ft", version: "1")
        _ = try store.registerDatasetVersion(
            DatasetRegistration(
                reference: dataRef, files: try ArtifactInput.collect([file]),
                license: "MIT", containsPII: false))
        let service = DatasetQualityService(store: store)
        let (_, report) = try service.check(dataRef)
        let found = Set(report.contamination.first { $0.suite == "mmlu-test" }?.contaminatedItems.map(\.id) ?? [])
        let verbatim = Set(planted[5...].map(\.id))
        let paraphrased = Set(planted[..<5].map(\.id))
        #expect(verbatim.isSubset(of: found), "missed verbatim items: \(verbatim.subtracting(found).sorted())")
        #expect(
            found.isSubset(of: verbatim.union(paraphrased)),
            "false positives: \(found.subtracting(verbatim.union(paraphrased)).sorted())")
        let recall = Double(found.intersection(paraphrased).count) / 5
        #expect(paraphrased.isSubset(of: found), "missed paraphrased items: \(paraphrased.subtracting(found).sorted())")
        #expect(found == verbatim.union(paraphrased))
        print(
            "acceptance 1: \(found.count) items named of 20 planted; verbatim \(found.intersection(verbatim).count)/15; paraphrase recall \(recall) (\(found.intersection(paraphrased).sorted()))"
        )
        #expect(report.statistics.records == 5_020)

        // A model trained on it cannot be submitted under a tier with dataset_quality rules.
        let weights = dir.path("model.bin")
        try Data("weights".utf8).write(to: weights)
        let modelRef = try VersionReference(name: "smol-ft", version: "1")
        let model = try store.registerModelVersion(
            ModelRegistration(
                reference: modelRef, files: try ArtifactInput.collect([weights]),
                lineage: [LineageLink(relation: .trainedOn, parent: dataRef)])
        ).value
        let policy = Policy(
            version: 1, defaultTier: "medium",
            tiers: [
                "medium": RiskTier(
                    requiredSuites: ["mmlu-test"], maxRegression: 0.05, quorum: 1,
                    datasetQuality: DatasetQualityRules(maxContaminatedItems: 0))
            ])
        let governance = GovernanceService(
            store: store,
            binding: PolicyBinding(policy: policy, digest: String(repeating: "e", count: 64), source: "test"),
            evidence: StaticEvidence([model.digest: ["mmlu-test": ["run-1"]]]))
        try governance.grant(.admin, to: "alice")
        try governance.grant(.submitter, to: "alice")
        // Refused at `approval evaluate` (and so never reaches submit); status lists the same problem.
        do {
            try governance.perform(.markEvaluated, on: modelRef)
            Issue.record("a model trained on contaminated data was marked evaluated")
        } catch let error as ApprovalError {
            guard case .datasetPolicy(let problems) = error else {
                Issue.record("wrong refusal: \(error)")
                return
            }
            #expect(problems.contains { $0.contains("contains \(found.count) items of suite mmlu-test") })
        }
        #expect(
            try governance.status(modelRef).datasetViolations.contains {
                $0.contains("contains \(found.count) items of suite mmlu-test")
            })

        // --exclude-contaminated: the run's score with and without the contaminated items.
        let run = EvaluationRunRecord(
            id: "run-1", model: modelRef, modelDigest: model.digest, suiteID: "mmlu-test",
            suiteVersion: suite.version, suiteDigest: suite.digest, configKey: "k", config: "{}",
            engineVersion: "test", backend: "native", threads: 1, hardware: "test", itemTotal: items.count)
        // The model "knows" every contaminated item and gets a quarter of the others right.
        let rows = items.enumerated().map { i, item in
            EvaluationItemRow(
                task: "mmlu-test", item: item.id, index: i, prediction: "A", target: "A",
                correct: found.contains(item.id) || i % 4 == 0, score: 0, record: "{}")
        }
        _ = try store.importEvaluationRun(run, items: rows, results: "{}", metrics: [:], sources: [])
        let scores = try service.decontaminate(runID: "run-1")
        let task = try #require(scores.tasks.first)
        #expect(task.items == 14_079)
        #expect(task.cleanItems == 14_079 - found.count)
        #expect(Set(task.excludedItems) == found)
        #expect((task.cleanAccuracy ?? 1) < task.accuracy)
        #expect(try DatasetQualityService.recordedScores(store: store, runID: "run-1") == scores.tasks)
        // The export shows the dataset's check (the synthetic run above has no results document,
        // so it is not among the exported evaluations).
        let export = try LineageExportBuilder.build(
            store: store, reference: modelRef, generatedAt: "t", generator: "test")
        #expect(export.datasets.first?.quality?.contamination["mmlu-test"] == found.count)
        #expect(ExportRenderer.markdown(export).contains("### Dataset quality"))
        print(
            "acceptance 1: accuracy all items \(task.accuracy) (n=\(task.items)), without contaminated \(task.cleanAccuracy ?? .nan) (n=\(task.cleanItems))"
        )
    }
}
