import Foundation
import InferenceCore
import JSON
import Registry

/// Runs a suite through a backend, writing every item's result to the registry as batches finish.
public struct EvaluationRunner: Sendable {
    /// Assay's version, recorded in results: the one version constant (the engine's).
    public static let assayVersion = NativeEngine.engineVersion

    public var store: RegistryStore
    public var backend: any Backend

    public init(store: RegistryStore, backend: any Backend) {
        self.store = store
        self.backend = backend
    }

    /// The selected items of every selected task (limit, then shard), in file order.
    static func selectWork(suite: Suite, options: EvaluationOptions) throws(EvaluationError) -> [(
        LoadedTask, [(Int, SuiteItem)]
    )] {
        var selected: [LoadedTask] = []
        if let ids = options.tasks, !ids.isEmpty {
            for id in ids {
                guard let task = suite.task(id) else { throw .unknownTask(suite: suite.id, task: id) }
                selected.append(task)
            }
        } else {
            selected = suite.tasks
        }
        return selected.map { task in
            var items = Array(task.items.enumerated())
            if let limit = options.limit { items = Array(items.prefix(max(0, limit))) }
            if let shard = options.shard {
                items = items.filter { shard.contains(task: task.spec.id, item: $0.element.id) }
            }
            return (task, items.map { ($0.offset, $0.element) })
        }
    }

    /// Runs (or resumes) the evaluation and returns the completed results.
    public func run(
        model: VersionReference, suite: Suite, options: EvaluationOptions,
        progress: (@Sendable (EvaluationProgress) -> Void)? = nil
    ) async throws -> EvaluationResults {
        let version = try store.modelVersion(model)
        var info = backend.info
        // An endpoint's credentials never reach the run record, its key or the audit log.
        info.engineVersion = Redaction.redact(info.engineVersion)
        info.modelIdentity = Redaction.redact(info.modelIdentity)
        let work = try Self.selectWork(suite: suite, options: options)
        let total = work.reduce(0) { $0 + $1.1.count }
        guard total > 0 else { throw EvaluationError.noItems("no items selected (check --limit, --shard, --task)") }
        let shotsFor: (LoadedTask) -> Int = { options.shots ?? $0.spec.defaultShots }
        let config = JSONConfig(
            modelDigest: version.digest, suiteDigest: suite.digest,
            tasks: work.map {
                JSONConfig.TaskConfig(
                    id: $0.0.spec.id, shots: shotsFor($0.0),
                    promptTemplateHash: PromptBuilder.templateHash($0.0.spec, shots: shotsFor($0.0)))
            },
            limit: options.limit, shard: options.shard?.description, engineVersion: info.engineVersion,
            backend: info.backend)

        // Resume or start.
        let run: EvaluationRunRecord
        if let existing = try store.resumableEvaluationRun(configKey: config.key) {
            run = existing
        } else {
            if options.requireResume {
                throw EvaluationError.resumeMismatch("no unfinished run with this model, suite and configuration")
            }
            let record = EvaluationRunRecord(
                id: Self.newRunID(), model: model, modelDigest: version.digest, suiteID: suite.id,
                suiteVersion: suite.version, suiteDigest: suite.digest, configKey: config.key, config: config.canonical,
                engineVersion: info.engineVersion, backend: info.backend, threads: info.threads,
                hardware: Hardware.current().canonicalJSON, itemTotal: total)
            run = try store.startEvaluationRun(record)
        }
        let done = try store.recordedItemKeys(run: run.id)
        let resumed = done.count

        // Execution order: task by task, items sharing a subject together (so prompts sharing
        // the header and few-shot block are adjacent and the backend's prefix reuse applies),
        // file order within a subject. Results do not depend on order.
        var queue: [(LoadedTask, Int, SuiteItem)] = []
        for (task, items) in work {
            var order: [String: Int] = [:]
            for (_, item) in items where order[item.subject ?? ""] == nil { order[item.subject ?? ""] = order.count }
            let pending = items.filter { !done.contains(task.spec.id + "\u{1F}" + $0.1.id) }
            let sorted = pending.sorted {
                let a = order[$0.1.subject ?? ""] ?? 0
                let b = order[$1.1.subject ?? ""] ?? 0
                return a != b ? a < b : $0.0 < $1.0
            }
            queue += sorted.map { (task, $0.0, $0.1) }
        }

        var energy = await options.energy.start()
        var loadSampler = LoadSampler(threads: info.threads)
        let started = EnergySession.monotonicSeconds()
        var computed: [ItemResult] = []
        var batches = 0
        var index = 0
        var warmupMarked = 0
        while index < queue.count {
            try Task.checkCancellation()
            let batch = Array(queue[index..<min(index + options.batchSize, queue.count)])
            index += batch.count
            var results = try await evaluate(
                batch: batch, shotsFor: shotsFor, modelDigest: version.digest,
                useCache: options.useCache)
            // The first fresh items of this process are warm-up (as `LatencySummary` counts them).
            for i in results.indices where !results[i].cached && warmupMarked < options.warmupItems {
                results[i].warmup = true
                warmupMarked += 1
            }
            let rows = try results.map { result in
                EvaluationItemRow(
                    task: result.task, item: result.item, index: result.index,
                    prediction: result.prediction, target: result.target, correct: result.correct,
                    score: result.score, record: try JSONOutput.text(result))
            }
            try store.appendEvaluationItems(run: run.id, rows)
            computed += results
            energy.sample()
            loadSampler.sample()
            batches += 1
            progress?(
                EvaluationProgress(
                    runID: run.id, done: resumed + computed.count, total: total,
                    sessionItems: computed.count,
                    sessionSeconds: EnergySession.monotonicSeconds() - started,
                    resumedItems: resumed))
            if let stop = options.stopAfterBatches, batches >= stop, index < queue.count { throw CancellationError() }
        }
        let wall = EnergySession.monotonicSeconds() - started
        let tokens = computed.filter { !$0.cached }.reduce(0) { $0 + $1.timing.prefillTokens + $1.timing.decodeTokens }
        var energyReport = energy.finish(tokens: tokens, items: computed.count)
        if info.backend != "native" {
            energyReport.assumptions +=
                " Client-side only: the model ran on a remote server (\(info.engineVersion)); this covers the client process only and is not used by energy rules."
        }
        if resumed > 0 {
            energyReport.assumptions +=
                " Covers the \(computed.count) items computed by the session that finished the run; \(resumed) items came from earlier sessions."
        }
        var latency = LatencySummary(
            threads: info.threads, computed: computed, warmup: options.warmupItems,
            wallSeconds: wall)
        latency.load = loadSampler.finish()
        return try finish(
            run: run, suite: suite, model: model, version: version, config: config, work: work,
            shotsFor: shotsFor, latency: latency, energy: energyReport, sessionItems: computed.count,
            resumed: resumed, options: options)
    }

    func finish(
        run: EvaluationRunRecord, suite: Suite, model: VersionReference, version: ModelVersion,
        config: JSONConfig, work: [(LoadedTask, [(Int, SuiteItem)])], shotsFor: (LoadedTask) -> Int,
        latency: LatencySummary, energy: EnergyReport, sessionItems: Int, resumed: Int,
        options: EvaluationOptions
    ) throws -> EvaluationResults {
        let stored = try Self.loadItems(store: store, run: run.id)
        let results = Self.assemble(
            runID: run.id, model: .init(reference: model.description, digest: version.digest),
            suite: suite, config: config, backend: backend.info, hardware: Hardware.current(),
            tasks: work.map { ($0.0.spec, shotsFor($0.0)) }, items: stored, latency: latency, energy: energy,
            startedAt: run.startedAt, finishedAt: Self.timestamp(), sessionItems: sessionItems, resumed: resumed)
        let (json, jsonl) = try Self.documents(results, items: stored)
        let lmEval = LMEvalExport.files(results, work: work.map { ($0.0, shotsFor($0.0), $0.1) }, items: stored)
        for directory in [
            options.outputDirectory.map { $0.appendingPathComponent("runs").appendingPathComponent(run.id) },
            options.exportDirectory
        ].compactMap({ $0 }) {
            try Self.write(json: json, jsonl: jsonl, to: directory)
            try LMEvalExport.write(lmEval, to: directory) // lm-eval's shapes alongside
        }
        try store.completeEvaluationRun(run.id, results: json, metrics: Self.headlineMetrics(results))
        return results
    }

    /// The results document over `items` (aggregated per task in `tasks` order).
    static func assemble(
        runID: String, model: EvaluationResults.ModelInfo, suite: Suite, config: JSONConfig,
        backend: BackendInfo, hardware: Hardware, tasks: [(TaskSpec, Int)], items: [ItemResult],
        latency: LatencySummary, energy: EnergyReport, startedAt: String, finishedAt: String,
        sessionItems: Int, resumed: Int
    ) -> EvaluationResults {
        var taskResults: [TaskResult] = []
        var flat: [String: [String: Double]] = [:]
        for (spec, shots) in tasks {
            let result = Aggregator.aggregate(task: spec, shots: shots, results: items.filter { $0.task == spec.id })
            taskResults.append(result)
            var entry: [String: Double] = ["n": Double(result.n)]
            for (name, metric) in result.metrics {
                entry[name] = metric.value
                if let se = metric.stderr { entry[name + "_stderr"] = se }
            }
            flat[spec.id] = entry
        }
        return EvaluationResults(
            runID: runID, model: model, suite: .init(id: suite.id, version: suite.version, digest: suite.digest),
            config: config,
            versions: .init(assay: assayVersion, engine: backend.engineVersion, promptBuilder: PromptBuilder.version),
            backend: backend, hardware: hardware, results: flat, tasks: taskResults, latency: latency,
            energy: energy, startedAt: startedAt, finishedAt: finishedAt, sessionItems: sessionItems,
            resumedItems: resumed)
    }

    /// `results.json` (pretty) and `items.jsonl` (items in task order, then file order).
    static func documents(_ results: EvaluationResults, items: [ItemResult]) throws -> (json: String, jsonl: String) {
        let order = Dictionary(uniqueKeysWithValues: results.tasks.enumerated().map { ($0.element.task, $0.offset) })
        let sortedItems = items.sorted { (order[$0.task] ?? 0, $0.index) < (order[$1.task] ?? 0, $1.index) }
        return (
            try JSONOutput.text(results, pretty: true), try sortedItems.map { try JSONOutput.text($0) + "\n" }.joined()
        )
    }

    static func write(json: String, jsonl: String, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(json.utf8).write(to: directory.appendingPathComponent("results.json"), options: .atomic)
        try Data(jsonl.utf8).write(to: directory.appendingPathComponent("items.jsonl"), options: .atomic)
    }

    /// `task.metric` → value, recorded in the completion audit event.
    static func headlineMetrics(_ results: EvaluationResults) -> [String: JSONValue] {
        var metrics: [String: JSONValue] = [:]
        for task in results.tasks {
            for (name, metric) in task.metrics { metrics["\(task.task).\(name)"] = .number(metric.value) }
        }
        return metrics
    }

    /// Decoded per-item records of a run.
    public static func loadItems(store: RegistryStore, run: String) throws -> [ItemResult] {
        try store.evaluationItems(run: run).map { row in
            do {
                return try JSONDecoder().decode(ItemResult.self, from: Data(row.record.utf8))
            } catch {
                throw EvaluationError.corruptRecord(run: run, item: row.item, reason: "\(error)")
            }
        }
    }

    // MARK: one batch

    func evaluate(
        batch: [(LoadedTask, Int, SuiteItem)], shotsFor: (LoadedTask) -> Int, modelDigest: String,
        useCache: Bool
    ) async throws -> [ItemResult] {
        let engine = RequestCacheKey.engineIdentity(backend.info)
        var built: [(task: LoadedTask, index: Int, item: SuiteItem, requests: ItemRequests)] = []
        for (task, index, item) in batch {
            built.append((task, index, item, PromptBuilder.requests(for: item, task: task, shots: shotsFor(task))))
        }
        var output: [ItemResult?] = Array(repeating: nil, count: built.count)

        // Log-likelihood items: one backend call for every uncached request of the batch.
        let llPositions = built.indices.filter { built[$0].task.spec.kind.isLoglikelihood }
        if !llPositions.isEmpty {
            var requests: [LoglikelihoodRequest] = []
            var keys: [String] = []
            for p in llPositions {
                for request in built[p].requests.loglikelihoodRequests {
                    requests.append(request)
                    keys.append(RequestCacheKey.loglikelihood(request, modelDigest: modelDigest, engineVersion: engine))
                }
            }
            let cached = useCache ? try store.cachedRequests(keys: keys) : [:]
            var results: [LoglikelihoodResult?] = Array(repeating: nil, count: requests.count)
            var hit: [Bool] = Array(repeating: false, count: requests.count)
            var missing: [Int] = []
            for i in requests.indices {
                if let text = cached[keys[i]],
                    var decoded = try? JSONDecoder().decode(LoglikelihoodResult.self, from: Data(text.utf8))
                {
                    decoded.timing = .zero
                    results[i] = decoded
                    hit[i] = true
                } else {
                    missing.append(i)
                }
            }
            if !missing.isEmpty {
                let fresh: [LoglikelihoodResult]
                do {
                    fresh = try await backend.loglikelihood(missing.map { requests[$0] })
                } catch {
                    throw EvaluationError.backend(String(describing: error))
                }
                guard fresh.count == missing.count else {
                    throw EvaluationError.backend(
                        "expected \(missing.count) log-likelihood results, got \(fresh.count)")
                }
                var entries: [RequestCacheEntry] = []
                for (j, i) in missing.enumerated() {
                    results[i] = fresh[j]
                    if useCache {
                        entries.append(
                            RequestCacheEntry(
                                key: keys[i], modelDigest: modelDigest, engineVersion: engine,
                                result: try JSONOutput.text(fresh[j])))
                    }
                }
                try store.storeCachedRequests(entries)
            }
            var cursor = 0
            for p in llPositions {
                let count = built[p].requests.continuations.count
                let slice = (cursor..<cursor + count)
                cursor += count
                let itemResults = slice.compactMap { results[$0] }
                let allCached = slice.allSatisfy { hit[$0] }
                let b = built[p]
                output[p] = Scorer.scoreLoglikelihood(
                    item: b.item, task: b.task.spec, index: b.index,
                    requests: b.requests, results: itemResults, cached: allCached)
            }
        }

        // Generative items, one at a time.
        for p in built.indices where !built[p].task.spec.kind.isLoglikelihood {
            let b = built[p]
            guard let request = b.requests.generation else { continue }
            let key = RequestCacheKey.generation(request, modelDigest: modelDigest, engineVersion: engine)
            if useCache, let text = try store.cachedRequests(keys: [key])[key],
                var decoded = try? JSONDecoder().decode(GenerationResult.self, from: Data(text.utf8))
            {
                decoded.timing = .zero
                output[p] = Scorer.scoreGeneration(
                    item: b.item, task: b.task.spec, index: b.index, result: decoded, cached: true)
                continue
            }
            let result: GenerationResult
            do {
                result = try await backend.generate(request, onToken: { _ in })
            } catch {
                throw EvaluationError.backend(String(describing: error))
            }
            if useCache {
                try store.storeCachedRequests([
                    RequestCacheEntry(
                        key: key, modelDigest: modelDigest, engineVersion: engine,
                        result: try JSONOutput.text(result))
                ])
            }
            output[p] = Scorer.scoreGeneration(
                item: b.item, task: b.task.spec, index: b.index, result: result, cached: false)
        }
        return output.compactMap { $0 }
    }

    // MARK: helpers

    static func newRunID() -> String {
        var generator = SystemRandomNumberGenerator()
        let suffix = String(generator.next() & 0xFF_FFFF, radix: 16)
        let padded = String(repeating: "0", count: max(0, 6 - suffix.count)) + suffix
        let stamp = timestamp().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
            .prefix(15)
        return "run-\(stamp)-\(padded)"
    }

    /// UTC time, ISO 8601 with seconds.
    static func timestamp() -> String { RegistryClock.now(milliseconds: false) }
}
