import Foundation
import Hashing
import InferenceCore
import JSON
import Registry
import TestSupport
import Testing

@testable import Evaluation

/// lm-eval's files next to Assay's: `lm_eval_results.json` (make_table's input shape) and one
/// `samples_<task>.jsonl` per task (`--log_samples` records).
struct LMEvalExportTests {
    @Test func aRunWritesLMEvalResultsAndSamples() async throws {
        let f = try RunnerFixture()
        let results = try await f.run(EvaluationOptions(batchSize: 4))
        let dir = f.tmp.path("home").appendingPathComponent("runs").appendingPathComponent(results.runID)
        let document = try JSONValue.parse(
            Array(try Data(contentsOf: dir.appendingPathComponent("lm_eval_results.json"))))
        let top = try #require(document.objectValue)
        for key in [
            "results", "versions", "n-shot", "higher_is_better", "configs", "n-samples", "group_subtasks", "config"
        ] {
            #expect(top[key] != nil, "\(key) missing")
        }
        let mc = try #require(top["results"]?.objectValue?["mc"]?.objectValue)
        let acc = try #require(results.tasks.first?.metrics["acc"])
        #expect(mc["acc,none"] == .number(acc.value))
        #expect(mc["acc_stderr,none"] == acc.stderr.map(JSONValue.number))
        #expect(top["versions"]?.objectValue?["mc"] == .string(f.suite.version))
        #expect(top["higher_is_better"]?.objectValue?["mc"]?.objectValue?["acc"] == .bool(true))
        #expect(top["configs"]?.objectValue?["gen"]?.objectValue?["output_type"] == "generate_until")

        for task in results.tasks {
            let text = try String(contentsOf: dir.appendingPathComponent("samples_\(task.task).jsonl"), encoding: .utf8)
            let lines = text.split(separator: "\n").map { try? JSONValue.parse(String($0)).objectValue }
            #expect(lines.count == task.n)
            for line in lines {
                let record = try #require(line)
                let prompt = try #require(
                    record["arguments"]?.objectValue?["gen_args_0"]?.objectValue?["arg_0"]?.stringValue)
                #expect(record["prompt_hash"] == .string(SHA256.hash(Array(prompt.utf8)).description))
                #expect(record["doc_hash"]?.stringValue?.count == 64)
                #expect(record["doc"]?.objectValue?["id"] != nil)
            }
        }
        let items = try EvaluationRunner.loadItems(store: f.store, run: results.runID).filter { $0.task == "mc" }
        let samples = try String(contentsOf: dir.appendingPathComponent("samples_mc.jsonl"), encoding: .utf8)
            .split(separator: "\n").compactMap { try JSONValue.parse(String($0)).objectValue }
        for sample in samples {
            guard case .integer(let index)? = sample["doc_id"] else {
                Issue.record("doc_id")
                continue
            }
            let item = try #require(items.first { $0.index == Int(index) })
            let lls = sample["filtered_resps"]?.arrayValue?.compactMap { pair -> Double? in
                guard case .number(let ll)? = pair.arrayValue?.first else { return nil }
                return ll
            }
            #expect(lls == item.logLikelihoods)
        }
    }
}

extension JSONValue {
    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }
}
