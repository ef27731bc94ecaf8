import Foundation
import Hashing
import InferenceCore
import Registry

/// A deterministic shard `k/n` of a task's items: item ids are hashed (FNV-1a 64 over
/// "task/item") and an item belongs to shard k when hash mod n = k − 1.
public struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1-based shard index.
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) throws(EvaluationError) {
        guard count >= 1, index >= 1, index <= count else { throw .invalidShard("\(index)/\(count)") }
        self.index = index
        self.count = count
    }

    /// Parses "k/n".
    public init(parsing text: String) throws(EvaluationError) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else { throw .invalidShard(text) }
        try self.init(index: k, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    public func contains(task: String, item: String) -> Bool {
        Self.stableHash(task + "/" + item) % UInt64(count) == UInt64(index - 1)
    }

    /// FNV-1a 64-bit over the UTF-8 bytes.
    public static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}

/// Errors of the evaluation runner.
public enum EvaluationError: Error, CustomStringConvertible, Sendable, Equatable {
    case invalidShard(String)
    case unknownTask(suite: String, task: String)
    case noItems(String)
    case modelHasNoFile(String)
    case resumeMismatch(String)
    case corruptRecord(run: String, item: String, reason: String)
    case backend(String)

    public var description: String {
        switch self {
        case .invalidShard(let s): return "invalid shard '\(s)': expected k/n with 1 ≤ k ≤ n"
        case .unknownTask(let suite, let task): return "suite '\(suite)' has no task '\(task)'"
        case .noItems(let why): return "nothing to evaluate: \(why)"
        case .modelHasNoFile(let ref): return "model version \(ref) has no GGUF artifact to run"
        case .resumeMismatch(let why): return "cannot resume: \(why)"
        case .corruptRecord(let run, let item, let reason): return "run \(run), item \(item): stored record unreadable (\(reason))"
        case .backend(let message): return "backend failed: \(message)"
        }
    }
}

/// What to evaluate and how.
public struct EvaluationOptions: Sendable {
    /// Task ids to run (nil: every task of the suite).
    public var tasks: [String]?
    /// First N items of each task (in file order), before sharding.
    public var limit: Int?
    /// Few-shot examples (nil: each task's `default_shots`).
    public var shots: Int?
    public var shard: Shard?
    /// Items per backend call and per database transaction.
    public var batchSize: Int
    /// Items computed first in this process that are left out of latency figures.
    public var warmupItems: Int
    /// Use and fill the request cache.
    public var useCache: Bool
    /// Require an existing unfinished run to resume (otherwise one is resumed when found, or a new one started).
    public var requireResume: Bool
    public var energy: EnergyMeter
    /// Where `runs/<run-id>/results.json` and `items.jsonl` go (normally the registry home).
    public var outputDirectory: URL?
    /// Also write `results.json` and `items.jsonl` directly into this directory (the shard
    /// exchange format read by `ShardImporter`).
    public var exportDirectory: URL?
    /// Test hook: stop (throwing `CancellationError`) after this many batches were committed.
    public var stopAfterBatches: Int?

    public init(tasks: [String]? = nil, limit: Int? = nil, shots: Int? = nil, shard: Shard? = nil, batchSize: Int = 8,
                warmupItems: Int = 2, useCache: Bool = true, requireResume: Bool = false,
                energy: EnergyMeter = EnergyMeter(), outputDirectory: URL? = nil, exportDirectory: URL? = nil,
                stopAfterBatches: Int? = nil) {
        self.tasks = tasks
        self.limit = limit
        self.shots = shots
        self.shard = shard
        self.batchSize = max(1, batchSize)
        self.warmupItems = max(0, warmupItems)
        self.useCache = useCache
        self.requireResume = requireResume
        self.energy = energy
        self.outputDirectory = outputDirectory
        self.exportDirectory = exportDirectory
        self.stopAfterBatches = stopAfterBatches
    }
}

/// Progress of a run, reported after every committed batch.
public struct EvaluationProgress: Sendable {
    public var runID: String
    public var done: Int
    public var total: Int
    /// Items completed in this process and the seconds it took.
    public var sessionItems: Int
    public var sessionSeconds: Double
    public var resumedItems: Int

    public var itemsPerSecond: Double { sessionSeconds > 0 ? Double(sessionItems) / sessionSeconds : 0 }
    public var etaSeconds: Double? {
        let rate = itemsPerSecond
        return rate > 0 ? Double(total - done) / rate : nil
    }
}

/// The results document of a run (`results.json`), modelled on lm-evaluation-harness output.
public struct EvaluationResults: Sendable, Codable {
    public struct ModelInfo: Sendable, Codable {
        public var reference: String
        public var digest: String
    }
    public struct SuiteInfo: Sendable, Codable {
        public var id: String
        public var version: String
        public var digest: String
    }
    public struct Versions: Sendable, Codable {
        public var assay: String
        public var engine: String
        public var promptBuilder: String
        enum CodingKeys: String, CodingKey { case assay, engine; case promptBuilder = "prompt_builder" }
    }

    public var format: String = "assay-results/1"
    public var runID: String
    public var model: ModelInfo
    public var suite: SuiteInfo
    public var config: JSONConfig
    public var versions: Versions
    public var backend: BackendInfo
    public var hardware: Hardware
    /// lm-eval-style flat view: task → {metric: value, "<metric>_stderr": se, "n": n}.
    public var results: [String: [String: Double]]
    public var tasks: [TaskResult]
    public var latency: LatencySummary
    public var energy: EnergyReport
    public var startedAt: String
    public var finishedAt: String
    /// Items computed by the process that finished the run (the rest came from earlier sessions).
    public var sessionItems: Int
    public var resumedItems: Int

    enum CodingKeys: String, CodingKey {
        case format, model, suite, config, versions, backend, hardware, results, tasks, latency, energy
        case runID = "run_id", startedAt = "started_at", finishedAt = "finished_at"
        case sessionItems = "session_items", resumedItems = "resumed_items"
    }
}

/// The run configuration that identifies a run for resumption (threads and batch size are not
/// part of it: they never change results).
public struct JSONConfig: Sendable, Codable, Hashable {
    public struct TaskConfig: Sendable, Codable, Hashable {
        public var id: String
        public var shots: Int
        public var promptTemplateHash: String
        enum CodingKeys: String, CodingKey { case id, shots; case promptTemplateHash = "prompt_template_hash" }
    }
    public var modelDigest: String
    public var suiteDigest: String
    public var tasks: [TaskConfig]
    public var limit: Int?
    public var shard: String?
    public var engineVersion: String
    public var backend: String

    enum CodingKeys: String, CodingKey {
        case tasks, limit, shard, backend
        case modelDigest = "model_digest", suiteDigest = "suite_digest", engineVersion = "engine_version"
    }

    var jsonValue: JSONValue {
        .object([
            "model_digest": .string(modelDigest), "suite_digest": .string(suiteDigest),
            "tasks": .array(tasks.map { .object(["id": .string($0.id), "shots": .integer(Int64($0.shots)),
                                                  "prompt_template_hash": .string($0.promptTemplateHash)]) }),
            "limit": limit.map { .integer(Int64($0)) } ?? .null, "shard": shard.map { .string($0) } ?? .null,
            "engine_version": .string(engineVersion), "backend": .string(backend),
        ])
    }

    var canonical: String { (try? jsonValue.canonicalString()) ?? "{}" }
    var key: String { SHA256.hash(Array(canonical.utf8)).hex }
}

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
    static func selectWork(suite: Suite, options: EvaluationOptions) throws(EvaluationError) -> [(LoadedTask, [(Int, SuiteItem)])] {
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
            if let shard = options.shard { items = items.filter { shard.contains(task: task.spec.id, item: $0.element.id) } }
            return (task, items.map { ($0.offset, $0.element) })
        }
    }

    /// Runs (or resumes) the evaluation and returns the completed results.
    public func run(model: VersionReference, suite: Suite, options: EvaluationOptions,
                    progress: (@Sendable (EvaluationProgress) -> Void)? = nil) async throws -> EvaluationResults {
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
            tasks: work.map { JSONConfig.TaskConfig(id: $0.0.spec.id, shots: shotsFor($0.0),
                                                    promptTemplateHash: PromptBuilder.templateHash($0.0.spec, shots: shotsFor($0.0))) },
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
                let a = order[$0.1.subject ?? ""] ?? 0, b = order[$1.1.subject ?? ""] ?? 0
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
            var results = try await evaluate(batch: batch, shotsFor: shotsFor, modelDigest: version.digest,
                                             useCache: options.useCache)
            // The first fresh items of this process are warm-up (as `LatencySummary` counts them).
            for i in results.indices where !results[i].cached && warmupMarked < options.warmupItems {
                results[i].warmup = true
                warmupMarked += 1
            }
            let rows = try results.map { result in
                EvaluationItemRow(task: result.task, item: result.item, index: result.index,
                                  prediction: result.prediction, target: result.target, correct: result.correct,
                                  score: result.score, record: try Self.encode(result))
            }
            try store.appendEvaluationItems(run: run.id, rows)
            computed += results
            energy.sample()
            loadSampler.sample()
            batches += 1
            progress?(EvaluationProgress(runID: run.id, done: resumed + computed.count, total: total,
                                         sessionItems: computed.count,
                                         sessionSeconds: EnergySession.monotonicSeconds() - started,
                                         resumedItems: resumed))
            if let stop = options.stopAfterBatches, batches >= stop, index < queue.count { throw CancellationError() }
        }
        let wall = EnergySession.monotonicSeconds() - started
        let tokens = computed.filter { !$0.cached }.reduce(0) { $0 + $1.timing.prefillTokens + $1.timing.decodeTokens }
        var energyReport = energy.finish(tokens: tokens, items: computed.count)
        if info.backend != "native" {
            energyReport.assumptions += " Client-side only: the model ran on a remote server (\(info.engineVersion)); this covers the client process only and is not used by energy rules."
        }
        if resumed > 0 {
            energyReport.assumptions += " Covers the \(computed.count) items computed by the session that finished the run; \(resumed) items came from earlier sessions."
        }
        var latency = LatencySummary(threads: info.threads, computed: computed, warmup: options.warmupItems,
                                     wallSeconds: wall)
        latency.load = loadSampler.finish()
        return try finish(run: run, suite: suite, model: model, version: version, config: config, work: work,
                          shotsFor: shotsFor, latency: latency, energy: energyReport, sessionItems: computed.count,
                          resumed: resumed, options: options)
    }

    func finish(run: EvaluationRunRecord, suite: Suite, model: VersionReference, version: ModelVersion,
                config: JSONConfig, work: [(LoadedTask, [(Int, SuiteItem)])], shotsFor: (LoadedTask) -> Int,
                latency: LatencySummary, energy: EnergyReport, sessionItems: Int, resumed: Int,
                options: EvaluationOptions) throws -> EvaluationResults {
        let stored = try Self.loadItems(store: store, run: run.id)
        let results = Self.assemble(
            runID: run.id, model: .init(reference: model.description, digest: version.digest),
            suite: suite, config: config, backend: backend.info, hardware: Hardware.current(),
            tasks: work.map { ($0.0.spec, shotsFor($0.0)) }, items: stored, latency: latency, energy: energy,
            startedAt: run.startedAt, finishedAt: Self.timestamp(), sessionItems: sessionItems, resumed: resumed)
        let (json, jsonl) = try Self.documents(results, items: stored)
        let lmEval = LMEvalExport.files(results, work: work.map { ($0.0, shotsFor($0.0), $0.1) }, items: stored)
        for directory in [options.outputDirectory.map { $0.appendingPathComponent("runs").appendingPathComponent(run.id) },
                          options.exportDirectory].compactMap({ $0 }) {
            try Self.write(json: json, jsonl: jsonl, to: directory)
            try LMEvalExport.write(lmEval, to: directory)  // lm-eval's shapes alongside
        }
        try store.completeEvaluationRun(run.id, results: json, metrics: Self.headlineMetrics(results))
        return results
    }

    /// The results document over `items` (aggregated per task in `tasks` order).
    static func assemble(runID: String, model: EvaluationResults.ModelInfo, suite: Suite, config: JSONConfig,
                         backend: BackendInfo, hardware: Hardware, tasks: [(TaskSpec, Int)], items: [ItemResult],
                         latency: LatencySummary, energy: EnergyReport, startedAt: String, finishedAt: String,
                         sessionItems: Int, resumed: Int) -> EvaluationResults {
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
        return (try encodePretty(results), try sortedItems.map { try encode($0) + "\n" }.joined())
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

    func evaluate(batch: [(LoadedTask, Int, SuiteItem)], shotsFor: (LoadedTask) -> Int, modelDigest: String,
                  useCache: Bool) async throws -> [ItemResult] {
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
                if let text = cached[keys[i]], var decoded = try? JSONDecoder().decode(LoglikelihoodResult.self, from: Data(text.utf8)) {
                    decoded.timing = RequestTiming()
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
                    throw EvaluationError.backend("expected \(missing.count) log-likelihood results, got \(fresh.count)")
                }
                var entries: [RequestCacheEntry] = []
                for (j, i) in missing.enumerated() {
                    results[i] = fresh[j]
                    if useCache {
                        entries.append(RequestCacheEntry(key: keys[i], modelDigest: modelDigest, engineVersion: engine,
                                                         result: try Self.encode(fresh[j])))
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
                output[p] = Scorer.scoreLoglikelihood(item: b.item, task: b.task.spec, index: b.index,
                                                      requests: b.requests, results: itemResults, cached: allCached)
            }
        }

        // Generative items, one at a time.
        for p in built.indices where !built[p].task.spec.kind.isLoglikelihood {
            let b = built[p]
            guard let request = b.requests.generation else { continue }
            let key = RequestCacheKey.generation(request, modelDigest: modelDigest, engineVersion: engine)
            if useCache, let text = try store.cachedRequests(keys: [key])[key],
               var decoded = try? JSONDecoder().decode(GenerationResult.self, from: Data(text.utf8)) {
                decoded.timing = RequestTiming()
                output[p] = Scorer.scoreGeneration(item: b.item, task: b.task.spec, index: b.index, result: decoded, cached: true)
                continue
            }
            let result: GenerationResult
            do {
                result = try await backend.generate(request, onToken: { _ in })
            } catch {
                throw EvaluationError.backend(String(describing: error))
            }
            if useCache {
                try store.storeCachedRequests([RequestCacheEntry(key: key, modelDigest: modelDigest, engineVersion: engine,
                                                                 result: try Self.encode(result))])
            }
            output[p] = Scorer.scoreGeneration(item: b.item, task: b.task.spec, index: b.index, result: result, cached: false)
        }
        return output.compactMap { $0 }
    }

    // MARK: helpers

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func encodePretty<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

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

/// Request cache keys: SHA-256 over (model digest, engine identity, request kind, prompt hash).
/// The engine identity names the backend, so results of the native engine and of a remote
/// server never answer for each other, even for the same registered model version.
public enum RequestCacheKey {
    /// "native assay-native 0.1.0"; for other backends also the server's model name, e.g.
    /// "openai openai-compatible http://gpu-box:8000 model=smollm2".
    public static func engineIdentity(_ info: BackendInfo) -> String {
        info.backend == "native" ? "\(info.backend) \(info.engineVersion)"
            : "\(info.backend) \(info.engineVersion) model=\(info.modelIdentity)"
    }

    public static func loglikelihood(_ request: LoglikelihoodRequest, modelDigest: String, engineVersion: String) -> String {
        let promptHash = SHA256.hash(Array((request.context + "\u{0}" + request.continuation).utf8)).hex
        return key(["assay-cache/2", modelDigest, engineVersion, "loglikelihood", promptHash])
    }

    public static func generation(_ request: GenerationRequest, modelDigest: String, engineVersion: String) -> String {
        let value: JSONValue = .object([
            "prompt": .string(request.prompt), "max_tokens": .integer(Int64(request.maxTokens)),
            "stop": .array(request.stop.map { .string($0) }), "temperature": .number(Double(request.temperature)),
            "top_p": .number(Double(request.topP)), "seed": .string(String(request.seed)),
            "add_special": .bool(request.addSpecial),
        ])
        let promptHash = SHA256.hash((try? value.canonicalBytes()) ?? []).hex
        return key(["assay-cache/2", modelDigest, engineVersion, "generate", promptHash])
    }

    static func key(_ parts: [String]) -> String {
        SHA256.hash((try? JSONValue.array(parts.map { .string($0) }).canonicalBytes()) ?? []).hex
    }
}

/// The machine a run executed on.
public struct Hardware: Sendable, Codable, Hashable {
    public var cpuModel: String
    public var logicalCPUs: Int
    public var memoryBytes: UInt64
    public var operatingSystem: String
    public var raplAvailable: Bool

    enum CodingKeys: String, CodingKey {
        case cpuModel = "cpu_model", logicalCPUs = "logical_cpus", memoryBytes = "memory_bytes"
        case operatingSystem = "os", raplAvailable = "rapl_available"
    }

    public static func current() -> Hardware {
        let model = EnergyMeter.readString("/proc/cpuinfo")?
            .split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let process = ProcessInfo.processInfo
        return Hardware(cpuModel: model, logicalCPUs: process.activeProcessorCount, memoryBytes: process.physicalMemory,
                        operatingSystem: process.operatingSystemVersionString,
                        raplAvailable: !EnergyMeter().raplDomains().isEmpty)
    }

    var canonicalJSON: String {
        let value: JSONValue = .object([
            "cpu_model": .string(cpuModel), "logical_cpus": .integer(Int64(logicalCPUs)),
            "memory_bytes": .integer(Int64(clamping: memoryBytes)), "os": .string(operatingSystem),
            "rapl_available": .bool(raplAvailable),
        ])
        return (try? value.canonicalString()) ?? "{}"
    }
}
