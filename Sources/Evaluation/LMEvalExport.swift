import Foundation
import Hashing
import JSON
import Registry

/// lm-evaluation-harness's output files for a run, written next to Assay's own
/// (`results.json`, `items.jsonl`): `lm_eval_results.json` in lm-eval's results shape (`results`
/// with `"acc,none"` / `"acc_stderr,none"`, `versions`, `n-shot`, `higher_is_better`, `configs`,
/// `n-samples`, `group_subtasks`), readable by lm-eval's `make_table`, and one
/// `samples_<task>.jsonl` per task in lm-eval's `--log_samples` shape (doc, rendered prompt and
/// continuations as `arguments`, `resps`/`filtered_resps`, `doc_hash`/`prompt_hash`/`target_hash`
/// as SHA-256, per-item metrics).
enum LMEvalExport {
    static let resultsFile = "lm_eval_results.json"
    static func samplesFile(_ task: String) -> String { "samples_\(task).jsonl" }

    /// Every lm-eval file of a run, by file name: the results document and one samples file per
    /// task. `work` is each task with its shots and the items the run selected (index, item).
    static func files(
        _ results: EvaluationResults, work: [(task: LoadedTask, shots: Int, selected: [(Int, SuiteItem)])],
        items: [ItemResult]
    ) -> [String: String] {
        var files: [String: String] = [:]
        let totals = Dictionary(work.map { ($0.task.spec.id, $0.task.items.count) }, uniquingKeysWith: { a, _ in a })
        if let document = try? resultsDocument(results, specs: work.map { ($0.task.spec, $0.shots) }, totals: totals)
            .canonicalString()
        {
            files[resultsFile] = document + "\n"
        }
        for entry in work {
            files[samplesFile(entry.task.spec.id)] = samples(
                task: entry.task, shots: entry.shots, selected: entry.selected, results: items)
        }
        return files
    }

    /// Writes `files` (from `files(_:work:items:)`) into `directory`.
    static func write(_ files: [String: String], to directory: URL) throws {
        for (name, text) in files {
            try Data(text.utf8).write(to: directory.appendingPathComponent(name), options: .atomic)
        }
    }

    static func hash(_ text: String) -> String { SHA256.hash(Array(text.utf8)).description }

    static func metricsDocument(_ task: TaskResult) -> [String: JSONValue] {
        var out: [String: JSONValue] = ["alias": .string(task.task)]
        for (name, metric) in task.metrics {
            out["\(name),none"] = .number(metric.value.isFinite ? metric.value : 0)
            out["\(name)_stderr,none"] =
                metric.stderr.flatMap { $0.isFinite ? JSONValue.number($0) : nil } ?? .string("N/A")
        }
        return out
    }

    static func resultsDocument(_ results: EvaluationResults, specs: [(TaskSpec, Int)], totals: [String: Int])
        -> JSONValue
    {
        var resultsJSON: [String: JSONValue] = [:]
        var versions: [String: JSONValue] = [:]
        var shots: [String: JSONValue] = [:]
        var higher: [String: JSONValue] = [:]
        var configs: [String: JSONValue] = [:]
        var samples: [String: JSONValue] = [:]
        var groups: [String: JSONValue] = [:]
        for task in results.tasks {
            resultsJSON[task.task] = .object(metricsDocument(task))
            versions[task.task] = .string(results.suite.version)
            shots[task.task] = .integer(Int64(task.shots))
            higher[task.task] = .object(
                Dictionary(uniqueKeysWithValues: task.metrics.keys.map { ($0, JSONValue.bool(true)) }))
            groups[task.task] = .array([])
            samples[task.task] = [
                "original": .integer(Int64(totals[task.task] ?? task.n)), "effective": .integer(Int64(task.n))
            ]
            let spec = specs.first { $0.0.id == task.task }?.0
            configs[task.task] = [
                "task": .string(task.task),
                "dataset_path": .string("assay-suite:\(results.suite.id)@\(results.suite.version)"),
                "output_type": .string(
                    spec.map { $0.kind == .generative ? "generate_until" : "multiple_choice" } ?? "multiple_choice"),
                "num_fewshot": .integer(Int64(task.shots)),
                "description": spec?.description.map(JSONValue.string) ?? .null,
                "metric_list": .array(
                    task.metrics.keys.sorted().map {
                        ["metric": .string($0), "aggregation": "mean", "higher_is_better": true]
                    }),
                "metadata": [
                    "version": .string(results.suite.version), "suite_digest": .string(results.suite.digest),
                    "prompt_template_hash": .string(task.promptTemplateHash)
                ]
            ]
        }
        return [
            "results": .object(resultsJSON), "group_subtasks": .object(groups), "configs": .object(configs),
            "versions": .object(versions), "n-shot": .object(shots), "higher_is_better": .object(higher),
            "n-samples": .object(samples),
            "config": [
                "model": .string("assay-\(results.backend.backend)"),
                "model_args": .string("model=\(results.model.reference),digest=\(results.model.digest)"),
                "batch_size": 1, "limit": results.config.limit.map { .integer(Int64($0)) } ?? .null,
                "bootstrap_iters": 0, "gen_kwargs": .null
            ],
            "git_hash": .null, "date": .string(results.finishedAt),
            "model_name": .string(results.model.reference), "model_source": "assay",
            "lm_eval_version": .null, "assay_run_id": .string(results.runID)
        ]
    }

    /// `--log_samples` records of one task's items (in file order).
    static func samples(task: LoadedTask, shots: Int, selected: [(Int, SuiteItem)], results: [ItemResult]) -> String {
        let byIndex = Dictionary(
            results.filter { $0.task == task.spec.id }.map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a })
        var lines = ""
        for (index, item) in selected.sorted(by: { $0.0 < $1.0 }) {
            guard let result = byIndex[index] else { continue }
            let requests = PromptBuilder.requests(for: item, task: task, shots: shots)
            var doc: [String: JSONValue] = ["id": .string(item.id)]
            if let subject = item.subject { doc["subject"] = .string(subject) }
            if let question = item.question { doc["question"] = .string(question) }
            if !item.choices.isEmpty { doc["choices"] = .array(item.choices.map(JSONValue.string)) }
            if let answer = item.answerIndex { doc["answer"] = .integer(Int64(answer)) }
            if let label = item.label { doc["label"] = .string(label) }
            if !item.targets.isEmpty { doc["targets"] = .array(item.targets.map(JSONValue.string)) }
            for (key, value) in item.fields where doc[key] == nil { doc[key] = .string(value) }
            let docText = (try? JSONValue.object(doc).canonicalString()) ?? "{}"
            var record: [String: JSONValue] = [
                "doc_id": .integer(Int64(index)), "doc": .object(doc), "target": .string(result.target),
                "filter": "none", "doc_hash": .string(hash(docText)), "prompt_hash": .string(hash(requests.context)),
                "target_hash": .string(hash(result.target))
            ]
            if let generation = requests.generation {
                record["arguments"] = [
                    "gen_args_0": [
                        "arg_0": .string(generation.prompt),
                        "arg_1": [
                            "until": .array(generation.stop.map(JSONValue.string)),
                            "max_gen_toks": .integer(Int64(generation.maxTokens))
                        ]
                    ]
                ]
                record["resps"] = .array([.array([.string(result.generated ?? "")])])
                record["filtered_resps"] = .array([.string(result.prediction)])
                record["metrics"] = .array([.string(task.spec.scoring?.rawValue ?? "exact_match")])
                record[task.spec.scoring?.rawValue ?? "exact_match"] = .number(result.score)
            } else {
                var arguments: [String: JSONValue] = [:]
                for (k, continuation) in requests.continuations.enumerated() {
                    arguments["gen_args_\(k)"] = ["arg_0": .string(requests.context), "arg_1": .string(continuation)]
                }
                record["arguments"] = .object(arguments)
                let lls = result.logLikelihoods ?? []
                let greedy = result.greedy ?? []
                let pairs: [JSONValue] = lls.indices.map { k in
                    .array([.number(lls[k]), .string(k < greedy.count && greedy[k] ? "True" : "False")])
                }
                record["resps"] = .array(pairs.map { .array([$0]) })
                record["filtered_resps"] = .array(pairs)
                record["metrics"] = ["acc", "acc_norm"]
                record["acc"] = .number(result.correct ? 1 : 0)
                if let norm = result.correctNorm { record["acc_norm"] = .number(norm ? 1 : 0) }
            }
            lines += ((try? JSONValue.object(record).canonicalString()) ?? "{}") + "\n"
        }
        return lines
    }
}
