import Foundation
import Hashing
import InferenceCore
import JSON
import Registry

/// Why shard results cannot be merged.
public enum ShardImportError: Error, CustomStringConvertible, Equatable, Sendable {
    case unreadable(path: String, reason: String)
    case noShards
    /// Two shards disagree on something that must be shared (model, suite, configuration…).
    case mismatch(what: String, first: String, firstSource: String, other: String, otherSource: String)
    case differentSplits(String)
    case duplicateShard(shard: String, sources: [String])
    case missingShards([String])
    case overlappingItem(task: String, item: String, sources: [String])
    case inconsistentShard(source: String, reason: String)
    case incomplete(missing: Int, example: String)
    case unknownItem(source: String, task: String, item: String)
    case modelMismatch(model: String, registered: String, shards: String)
    /// Items whose recorded score does not follow from their own prediction, target and
    /// log-likelihoods (or generated text) under the suite's scoring rules.
    case inconsistentItems(count: Int, items: [String], example: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read shard results (\(reason))"
        case .noShards: return "no shard results given (expected directories holding results.json and items.jsonl)"
        case .mismatch(let what, let first, let firstSource, let other, let otherSource):
            return
                "shards do not belong to one run: \(what) differs (\(first) in \(firstSource), \(other) in \(otherSource))"
        case .differentSplits(let text): return "shards come from different splits: \(text)"
        case .duplicateShard(let shard, let sources):
            return "shard \(shard) given twice: \(sources.joined(separator: ", "))"
        case .missingShards(let shards):
            return "missing shard(s) \(shards.joined(separator: ", ")); the merged run would be incomplete"
        case .overlappingItem(let task, let item, let sources):
            return "item \(task)/\(item) appears in more than one shard: \(sources.joined(separator: ", "))"
        case .inconsistentShard(let source, let reason): return "\(source): \(reason)"
        case .incomplete(let missing, let example):
            return "the shards together miss \(missing) item(s) of the run (e.g. \(example))"
        case .unknownItem(let source, let task, let item):
            return "\(source): item \(task)/\(item) is not part of this run's selection"
        case .modelMismatch(let model, let registered, let shards):
            return
                "model version \(model) is registered with digest \(registered.prefix(12)) but the shards evaluated \(shards.prefix(12))"
        case .inconsistentItems(let count, let items, let example):
            let shown = items.prefix(20).joined(separator: ", ") + (items.count > 20 ? ", …" : "")
            return
                "refusing the import: \(count) item(s) are scored inconsistently with their own prediction/target under the suite's scoring (\(shown)); e.g. \(example)"
        }
    }
}

/// One shard's exported results: `results.json` and `items.jsonl` as `assay eval` writes them
/// (under `<registry>/runs/<run-id>/`, or into `--output-dir`).
public struct ShardResults: Sendable {
    /// Where it was read from (for messages).
    public var source: String
    public var results: EvaluationResults
    public var items: [ItemResult]

    public init(source: String, results: EvaluationResults, items: [ItemResult]) {
        self.source = source
        self.results = results
        self.items = items
    }

    /// Reads a shard from a directory holding `results.json` and `items.jsonl`, or from a
    /// `results.json` path (its `items.jsonl` beside it).
    public static func load(_ url: URL) throws -> ShardResults {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw ShardImportError.unreadable(path: url.path, reason: "no such file or directory")
        }
        let directory = isDirectory.boolValue ? url : url.deletingLastPathComponent()
        let resultsURL = isDirectory.boolValue ? url.appendingPathComponent("results.json") : url
        let itemsURL = directory.appendingPathComponent("items.jsonl")
        let results: EvaluationResults
        do {
            results = try JSONDecoder().decode(EvaluationResults.self, from: try Data(contentsOf: resultsURL))
        } catch {
            throw ShardImportError.unreadable(path: resultsURL.path, reason: Self.reason(error))
        }
        guard results.format == "assay-results/1" else {
            throw ShardImportError.unreadable(path: resultsURL.path, reason: "unknown format '\(results.format)'")
        }
        let text: String
        do { text = try String(contentsOf: itemsURL, encoding: .utf8) } catch {
            throw ShardImportError.unreadable(path: itemsURL.path, reason: Self.reason(error))
        }
        var items: [ItemResult] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.isEmpty {
            do {
                items.append(try JSONDecoder().decode(ItemResult.self, from: Data(line.utf8)))
            } catch {
                throw ShardImportError.unreadable(path: "\(itemsURL.path):\(number + 1)", reason: Self.reason(error))
            }
        }
        return ShardResults(source: directory.path, results: results, items: items)
    }

    /// Expands the command line's paths: a directory with `results.json` (or a `results.json`
    /// file) is one shard; another directory contributes each subdirectory holding one.
    public static func discover(_ urls: [URL]) throws -> [URL] {
        let fm = FileManager.default
        var found: [URL] = []
        for url in urls {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw ShardImportError.unreadable(path: url.path, reason: "no such file or directory")
            }
            if !isDirectory.boolValue || fm.fileExists(atPath: url.appendingPathComponent("results.json").path) {
                found.append(url)
                continue
            }
            let children = (try? fm.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)) ?? []
            let shards = children.filter { fm.fileExists(atPath: $0.appendingPathComponent("results.json").path) }
                .sorted { $0.path < $1.path }
            guard !shards.isEmpty else {
                throw ShardImportError.unreadable(
                    path: url.path, reason: "no results.json in it or in its subdirectories")
            }
            found += shards
        }
        return found
    }

    static func reason(_ error: any Error) -> String {
        if let decoding = error as? DecodingError {
            switch decoding {
            case .keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
            case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
                let path = c.codingPath.map(\.stringValue).joined(separator: ".")
                return path.isEmpty ? c.debugDescription : "\(path): \(c.debugDescription)"
            @unknown default: return "\(decoding)"
            }
        }
        return (error as NSError).localizedDescription
    }
}

/// Merges the shards of one run (`assay eval --shard k/n` on several machines) into one
/// completed run in the registry.
///
/// Checks, before anything is written: every shard names the same model version and digest,
/// suite id, version and digest, tasks, shots, prompt templates, limit, engine and backend;
/// shards are `1/n … n/n` of one split, each exactly once; every item belongs to the shard
/// that reports it, no item is reported twice, and together they are exactly the items the
/// unsharded run selects. The merged run then has the unsharded configuration, its metrics
/// recomputed over all items (equal to an unsharded run's), latency percentiles over all
/// measured items and energy summed; it is written in one transaction.
public struct ShardImporter: Sendable {
    public var store: RegistryStore
    /// Where `runs/<run-id>/results.json` and `items.jsonl` of the merged run go.
    public var outputDirectory: URL?

    public init(store: RegistryStore, outputDirectory: URL?) {
        self.store = store
        self.outputDirectory = outputDirectory
    }

    /// The merged run's configuration and the shards in shard order, after every check that
    /// needs no suite files.
    public static func validate(_ shards: [ShardResults]) throws -> (config: JSONConfig, shards: [ShardResults]) {
        guard let first = shards.first else { throw ShardImportError.noShards }
        var unsharded = first.results.config
        unsharded.shard = nil
        for shard in shards.dropFirst() {
            let a = first.results
            let b = shard.results
            func check(_ what: String, _ x: String, _ y: String) throws {
                guard x == y else {
                    throw ShardImportError.mismatch(
                        what: what, first: x, firstSource: first.source, other: y,
                        otherSource: shard.source)
                }
            }
            try check("model", a.model.reference, b.model.reference)
            try check("model digest", a.config.modelDigest, b.config.modelDigest)
            try check("suite", "\(a.suite.id)@\(a.suite.version)", "\(b.suite.id)@\(b.suite.version)")
            try check("suite digest", a.config.suiteDigest, b.config.suiteDigest)
            try check("engine version", a.config.engineVersion, b.config.engineVersion)
            try check("backend", RequestCacheKey.engineIdentity(a.backend), RequestCacheKey.engineIdentity(b.backend))
            try check("limit", a.config.limit.map(String.init) ?? "none", b.config.limit.map(String.init) ?? "none")
            try check(
                "tasks (ids, shots, prompt templates)", Self.describe(a.config.tasks), Self.describe(b.config.tasks))
            var other = b.config
            other.shard = nil
            try check("configuration", unsharded.canonical, other.canonical)
        }
        // One split, each shard once, none missing.
        var byIndex: [Int: ShardResults] = [:]
        var count: Int?
        for shard in shards {
            let parsed: Shard
            do throws(EvaluationError) {
                if let text = shard.results.config.shard {
                    parsed = try Shard(parsing: text)
                } else {
                    parsed = try Shard(index: 1, count: 1)
                }
            } catch {
                throw ShardImportError.inconsistentShard(source: shard.source, reason: error.description)
            }
            if let count, count != parsed.count {
                throw ShardImportError.differentSplits(
                    shards.map { $0.results.config.shard ?? "unsharded" }.joined(separator: ", "))
            }
            count = parsed.count
            if let seen = byIndex[parsed.index] {
                throw ShardImportError.duplicateShard(shard: parsed.description, sources: [seen.source, shard.source])
            }
            byIndex[parsed.index] = shard
            let declared = shard.results.tasks.reduce(0) { $0 + $1.n }
            guard declared == shard.items.count else {
                throw ShardImportError.inconsistentShard(
                    source: shard.source,
                    reason: "results.json counts \(declared) items but items.jsonl holds \(shard.items.count)")
            }
            if let stray = shard.items.first(where: { !parsed.contains(task: $0.task, item: $0.item) }) {
                throw ShardImportError.inconsistentShard(
                    source: shard.source, reason: "item \(stray.task)/\(stray.item) does not belong to shard \(parsed)")
            }
        }
        let n = count ?? 1
        let missing = (1...n).filter { byIndex[$0] == nil }.map { "\($0)/\(n)" }
        guard missing.isEmpty else { throw ShardImportError.missingShards(missing) }
        return (unsharded, (1...n).compactMap { byIndex[$0] })
    }

    static func describe(_ tasks: [JSONConfig.TaskConfig]) -> String {
        tasks.map { "\($0.id)×\($0.shots)@\($0.promptTemplateHash.prefix(8))" }.joined(separator: ",")
    }

    /// Validates `shards` against `suite` (the suite they name, resolved by the caller) and
    /// the registry, then records the merged run. Nothing is written when a check fails.
    public func importShards(_ given: [ShardResults], suite: Suite) throws -> EvaluationResults {
        let (config, shards) = try Self.validate(given)
        let first = shards[0].results
        guard suite.digest == config.suiteDigest, suite.id == first.suite.id, suite.version == first.suite.version
        else {
            throw ShardImportError.mismatch(
                what: "suite digest", first: config.suiteDigest, firstSource: shards[0].source,
                other: suite.digest, otherSource: "the registry's \(suite.id)@\(suite.version)")
        }
        let model = try VersionReference(parsing: first.model.reference)
        let version = try store.modelVersion(model)
        guard version.digest == config.modelDigest else {
            throw ShardImportError.modelMismatch(
                model: model.description, registered: version.digest, shards: config.modelDigest)
        }

        // The unsharded selection, with the shards' tasks and shots.
        var tasks: [(TaskSpec, Int)] = []
        var expected: [String: (task: String, item: String)] = [:]
        let work = try EvaluationRunner.selectWork(
            suite: suite, options: EvaluationOptions(tasks: config.tasks.map(\.id), limit: config.limit))
        for ((task, items), taskConfig) in zip(work, config.tasks) {
            let hash = PromptBuilder.templateHash(task.spec, shots: taskConfig.shots)
            guard hash == taskConfig.promptTemplateHash else {
                throw ShardImportError.mismatch(
                    what: "prompt template of task \(task.spec.id)", first: taskConfig.promptTemplateHash,
                    firstSource: shards[0].source, other: hash, otherSource: "this build of assay")
            }
            tasks.append((task.spec, taskConfig.shots))
            for (_, item) in items { expected[task.spec.id + "\u{1F}" + item.id] = (task.spec.id, item.id) }
        }
        var owner: [String: String] = [:]
        var items: [ItemResult] = []
        for shard in shards {
            for item in shard.items {
                let key = item.task + "\u{1F}" + item.item
                guard expected[key] != nil else {
                    throw ShardImportError.unknownItem(source: shard.source, task: item.task, item: item.item)
                }
                if let other = owner[key] {
                    throw ShardImportError.overlappingItem(
                        task: item.task, item: item.item, sources: [other, shard.source])
                }
                owner[key] = shard.source
                items.append(item)
            }
        }
        // Imports are not trusted: every item's score must follow from its own evidence.
        var suiteItems: [String: (TaskSpec, SuiteItem)] = [:]
        for (task, selected) in work {
            for (_, item) in selected { suiteItems[task.spec.id + "\u{1F}" + item.id] = (task.spec, item) }
        }
        var problems: [(String, String)] = []
        for item in items {
            guard let (spec, suiteItem) = suiteItems[item.task + "\u{1F}" + item.item] else { continue }
            if let reason = ImportRescoring.inconsistency(item, task: spec, suiteItem: suiteItem) {
                problems.append(("\(item.task)/\(item.item)", reason))
            }
        }
        if let first = problems.first {
            throw ShardImportError.inconsistentItems(
                count: problems.count, items: problems.map(\.0),
                example: "\(first.0): \(first.1)")
        }
        let missing = expected.keys.filter { owner[$0] == nil }.sorted()
        if let example = missing.first, let entry = expected[example] {
            throw ShardImportError.incomplete(missing: missing.count, example: "\(entry.task)/\(entry.item)")
        }
        let order = Dictionary(uniqueKeysWithValues: tasks.enumerated().map { ($0.element.0.id, $0.offset) })
        items.sort { (order[$0.task] ?? 0, $0.index, $0.item) < (order[$1.task] ?? 0, $1.index, $1.item) }

        let hardware = shards.map(\.results.hardware)
        let runID = EvaluationRunner.newRunID()
        var results = EvaluationRunner.assemble(
            runID: runID, model: first.model, suite: suite, config: config, backend: first.backend,
            hardware: hardware[0], tasks: tasks, items: items,
            latency: .merged(shards: shards.map(\.results.latency), items: items),
            energy: .merged(shards.map(\.results.energy)),
            startedAt: shards.map(\.results.startedAt).min() ?? first.startedAt,
            finishedAt: shards.map(\.results.finishedAt).max() ?? first.finishedAt,
            sessionItems: shards.reduce(0) { $0 + $1.results.sessionItems },
            resumed: shards.reduce(0) { $0 + $1.results.resumedItems })
        if Set(hardware).count > 1 {
            results.energy.assumptions +=
                " The shards ran on \(Set(hardware).count) different machines; hardware lists the first."
        }
        let (json, jsonl) = try EvaluationRunner.documents(results, items: items)
        var record = EvaluationRunRecord(
            id: runID, model: model, modelDigest: config.modelDigest, suiteID: suite.id, suiteVersion: suite.version,
            suiteDigest: suite.digest, configKey: config.key, config: config.canonical,
            engineVersion: config.engineVersion, backend: config.backend, threads: first.backend.threads,
            hardware: hardware[0].canonicalJSON, itemTotal: items.count)
        record.startedAt = results.startedAt
        record.finishedAt = results.finishedAt
        let rows = try items.map { result in
            EvaluationItemRow(
                task: result.task, item: result.item, index: result.index, prediction: result.prediction,
                target: result.target, correct: result.correct, score: result.score,
                record: try JSONOutput.text(result))
        }
        _ = try store.importEvaluationRun(
            record, items: rows, results: json,
            metrics: EvaluationRunner.headlineMetrics(results),
            sources: shards.map { "\($0.results.runID) (\($0.results.config.shard ?? "unsharded"))" })
        if let outputDirectory {
            let directory = outputDirectory.appendingPathComponent("runs").appendingPathComponent(runID)
            try EvaluationRunner.write(json: json, jsonl: jsonl, to: directory)
            // The same lm-eval files as 'assay eval' writes (lm_eval_results.json, samples_<task>.jsonl).
            let shots = Dictionary(tasks.map { ($0.0.id, $0.1) }, uniquingKeysWith: { a, _ in a })
            try LMEvalExport.write(
                LMEvalExport.files(results, work: work.map { ($0.0, shots[$0.0.spec.id] ?? 0, $0.1) }, items: items),
                to: directory)
        }
        return results
    }
}

/// Re-derives an imported item's score from what it records (log-likelihoods, prediction,
/// generated text) and the suite's own item, so a shard cannot claim a correct answer it did not
/// give.
public enum ImportRescoring {
    /// Why `item` is inconsistent, or nil when every recorded field follows from its evidence.
    public static func inconsistency(_ item: ItemResult, task: TaskSpec, suiteItem: SuiteItem) -> String? {
        if item.target != suiteItem.referenceAnswer {
            return "target '\(item.target)' is not the suite's answer '\(suiteItem.referenceAnswer)'"
        }
        switch task.kind {
        case .multipleChoice, .cloze, .classification:
            let names: [String]
            let gold: Int
            if task.kind == .classification {
                names = task.labels ?? []
                gold = names.firstIndex(of: suiteItem.label ?? "") ?? -1
            } else {
                names = Array(ChoiceLetters.all.prefix(suiteItem.choices.count))
                gold = suiteItem.answerIndex ?? -1
            }
            guard let lls = item.logLikelihoods else { return "no log-likelihoods recorded" }
            guard lls.count == names.count else {
                return "\(lls.count) log-likelihoods recorded for \(names.count) candidates"
            }
            guard lls.allSatisfy({ $0.isFinite && $0 <= 0 }) else { return "log-likelihoods are not finite and ≤ 0" }
            let pred = Scorer.argmax(lls)
            if item.prediction != names[pred] {
                return "prediction '\(item.prediction)' is not the argmax of its log-likelihoods ('\(names[pred])')"
            }
            let correct = pred == gold
            if item.correct != correct || item.score != (correct ? 1 : 0) {
                return
                    "recorded correct=\(item.correct) score=\(item.score) but prediction '\(item.prediction)' vs target '\(item.target)' gives correct=\(correct)"
            }
            if let norm = item.predictionNorm, let correctNorm = item.correctNorm {
                let normIndex = names.firstIndex(of: norm) ?? -2
                if correctNorm != (normIndex == gold) {
                    return
                        "recorded correct_norm=\(correctNorm) but prediction_norm '\(norm)' vs target gives \(normIndex == gold)"
                }
            }
            return nil
        case .generative:
            guard let generated = item.generated else { return "no generated text recorded" }
            let result = GenerationResult(
                text: generated, tokens: [], promptTokenCount: item.contextTokens,
                finishReason: .stop, timing: .zero)
            let rescored = Scorer.scoreGeneration(
                item: suiteItem, task: task, index: item.index, result: result, cached: true)
            if rescored.prediction != item.prediction {
                return
                    "prediction '\(item.prediction)' is not what the generated text yields ('\(rescored.prediction)')"
            }
            if rescored.correct != item.correct || abs(rescored.score - item.score) > 1e-9 {
                return
                    "recorded correct=\(item.correct) score=\(item.score) but the generated text scores \(rescored.score)"
            }
            return nil
        }
    }
}

/// The outcome of re-scoring a sample of a run's items with a local backend.
public struct RescoreReport: Sendable, Equatable, Codable {
    public var runID: String
    /// `task/item` ids re-scored.
    public var sampled: [String]
    /// `task/item` ids whose prediction, correctness or log-likelihoods differ.
    public var mismatches: [String]
    /// Largest absolute log-likelihood difference seen (0 for generative items).
    public var maxLogLikelihoodDifference: Double
    public var passed: Bool { mismatches.isEmpty }
}

/// Re-scores a random sample of a run's items (an imported or remotely scored run) with the
/// native engine before the run counts as evidence (policy `evaluation.rescore_sample`).
public enum RunRescoring {
    /// Re-scores `sample` items of `run` (chosen by a generator seeded from the run id, so the
    /// choice is reproducible) with `backend` and compares predictions, correctness and
    /// log-likelihoods (within `tolerance`).
    public static func rescore(
        store: RegistryStore, backend: any Backend, suite: Suite, run: EvaluationRunRecord,
        sample: Int, tolerance: Double = 1e-3
    ) async throws -> RescoreReport {
        let items = try EvaluationRunner.loadItems(store: store, run: run.id).sorted {
            ($0.task, $0.index) < ($1.task, $1.index)
        }
        var shots: [String: Int] = [:]
        if let text = run.results,
            let results = try? JSONDecoder().decode(EvaluationResults.self, from: Data(text.utf8))
        {
            for task in results.config.tasks { shots[task.id] = task.shots }
        }
        var generator = SplitMix64(seed: Shard.stableHash(run.id))
        let chosen = Array(items.shuffled(using: &generator).prefix(max(0, sample)))
            .sorted { ($0.task, $0.index) < ($1.task, $1.index) }
        var batch: [(LoadedTask, Int, SuiteItem)] = []
        var mismatches: [String] = []
        for item in chosen {
            guard let task = suite.task(item.task), task.items.indices.contains(item.index),
                task.items[item.index].id == item.item
            else {
                mismatches.append("\(item.task)/\(item.item)")
                continue
            }
            batch.append((task, item.index, task.items[item.index]))
        }
        let runner = EvaluationRunner(store: store, backend: backend)
        let fresh = try await runner.evaluate(
            batch: batch, shotsFor: { shots[$0.spec.id] ?? $0.spec.defaultShots },
            modelDigest: run.modelDigest, useCache: false)
        var largest = 0.0
        let recorded = Dictionary(chosen.map { ("\($0.task)/\($0.item)", $0) }, uniquingKeysWith: { a, _ in a })
        for result in fresh {
            let id = "\(result.task)/\(result.item)"
            guard let old = recorded[id] else { continue }
            var same = old.prediction == result.prediction && old.correct == result.correct
            if let a = old.logLikelihoods, let b = result.logLikelihoods {
                if a.count != b.count {
                    same = false
                } else {
                    for (x, y) in zip(a, b) { largest = max(largest, abs(x - y)) }
                    if zip(a, b).contains(where: { abs($0 - $1) > tolerance }) { same = false }
                }
            }
            if !same { mismatches.append(id) }
        }
        return RescoreReport(
            runID: run.id, sampled: chosen.map { "\($0.task)/\($0.item)" }, mismatches: mismatches.sorted(),
            maxLogLikelihoodDifference: largest)
    }
}
