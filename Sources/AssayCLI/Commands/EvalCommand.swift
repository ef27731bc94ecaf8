import Foundation
import Evaluation
import Governance
import Hashing
import InferenceCore
import Registry

/// `assay eval --model M@V --suite ID …` runs an evaluation (native engine or an
/// OpenAI-compatible server); `assay eval import DIR…` merges shard results; `assay eval show
/// RUN`, `assay eval compare RUN_A RUN_B` and `assay eval list` read recorded runs.
struct EvalCommand: Command {
    static let name = "eval"
    static let help = CommandHelp(
        abstract: "Evaluate a model version on a suite (resumable); show, list and compare runs.",
        usage: """
            --model NAME@VERSION --suite ID [--task T]... [--limit N] [--shots K] [--threads T] [--shard k/n] [--batch-size B] [--output-dir D] [--resume] [--no-cache] [--json]
                   assay eval --backend openai --endpoint URL [--api-model NAME] [--api-key-env VAR] --model NAME@VERSION --suite ID …
                   assay eval import DIR|FILE... [--server URL [--token-env VAR]] [--json]
                   assay eval show RUN [--json]
                   assay eval list [--model NAME@VERSION] [--json]
                   assay eval compare RUN_A RUN_B [--json]
            """,
        discussion: """
            The suite is a registered suite id (optionally id@version), a bundled suite under
            Benchmarks/Suites, or a suite directory; bundled suites and directories are registered
            on first use. Item results are written to the registry in batches as they finish; an
            interrupted run with the same model, suite and settings is resumed automatically
            (--resume insists on it). Requests already answered by the same model file and engine
            come from the request cache. Results: <registry>/runs/<run-id>/results.json and
            items.jsonl. Threads and batch size never change results.

            --backend openai scores through an OpenAI-compatible server (llama-server, vLLM,
            Ollama, 'assay serve --model FILE') with /v1/completions echo + logprobs. You assert
            that the served model is the registered version: the run is recorded against
            NAME@VERSION's digest, and its backend and endpoint are recorded with it.

            Scale-out: run '--shard k/n --output-dir D' for k = 1…n anywhere, then
            'assay eval import D1 D2 …' (or a directory holding them) checks that the shards
            are one complete, disjoint split of the same configuration and records one merged
            run, equal to an unsharded run item for item. With --server URL the shards are sent
            to 'assay serve' (POST /api/v1/evaluations/import, a submitter's token from $ASSAY_TOKEN
            or --token-env VAR), which runs the same checks and writes the merged run there.
            """,
        options: [
            .init("--model M@V", "Registered model version (its GGUF artifact is run)"),
            .init("--suite ID", "Suite id, id@version, or directory"),
            .init("--task T", "Only this task (repeatable; default: all tasks)"),
            .init("--limit N", "First N items of each task"),
            .init("--shots K", "Few-shot examples (default: each task's default_shots)"),
            .init("--threads T", "Compute threads (default: all cores)"),
            .init("--shard k/n", "Evaluate shard k of n (stable hash of item ids)"),
            .init("--batch-size B", "Items per backend call and per transaction (default 8)"),
            .init("--warmup N", "Items excluded from latency figures (default 2)"),
            .init("--output-dir D", "Also write results.json and items.jsonl into D (for 'eval import')"),
            .init("--backend B", "native (default: run the GGUF in-process) or openai"),
            .init("--endpoint URL", "openai: server base URL, e.g. http://127.0.0.1:8080"),
            .init("--api-model NAME", "openai: the server's model name (default: the registered model's name)"),
            .init("--api-key-env VAR", "openai: send the bearer token held in environment variable VAR"),
            .init("--server URL", "import: send the shards to an 'assay serve' registry, e.g. http://registry:8080"),
            .init("--token-env VAR", "import --server: environment variable holding the bearer token (default ASSAY_TOKEN)"),
            .init("--resume", "Fail unless an unfinished matching run exists"),
            .init("--no-cache", "Neither read nor fill the request cache"),
            .init("--exclude-contaminated", "Also score without the items found in the model's trained_on datasets (docs/datasets.md)"),
        ],
        examples: [
            "assay eval --model smollm2-135m-instruct@q4_1 --suite general-knowledge --limit 50",
            "assay eval --model smollm2-135m-instruct@q4_1 --suite mmlu --task mmlu --shots 5",
            "assay eval --backend openai --endpoint http://127.0.0.1:8080 --model smollm2-135m-instruct@q4_1 --suite general-knowledge --limit 50",
            "assay eval --model smollm2-135m-instruct@q4_1 --suite general-knowledge --shard 2/4 --output-dir out/shard-2",
            "assay eval import out/",
            "ASSAY_TOKEN=… assay eval import out/ --server http://registry:8080",
            "assay eval compare run-20250101T120000-0a1b2c run-20250101T130000-3d4e5f",
        ])

    enum Mode: Sendable {
        case run(model: VersionReference, suite: String, options: RunOptions)
        case show(String)
        case list(VersionReference?)
        case compare(String, String)
        case importShards([String], server: String?, tokenEnvironment: String)
    }

    /// Which backend scores the run.
    enum BackendChoice: Sendable, Equatable {
        case native
        case openai(endpoint: String, apiModel: String?, apiKeyVariable: String?)
    }

    struct RunOptions: Sendable {
        var tasks: [String]
        var limit: Int?
        var shots: Int?
        var threads: Int?
        var shard: Shard?
        var batchSize: Int
        var warmup: Int
        var resume: Bool
        var cache: Bool
        var backend: BackendChoice = .native
        var outputDirectory: String?
        var excludeContaminated = false
    }

    let mode: Mode

    init(arguments: inout Arguments) throws(CLIError) {
        switch arguments.first {
        case "show":
            _ = arguments.positional()
            let run = try arguments.requiredPositional("RUN")
            try arguments.finish()
            mode = .show(run)
        case "list":
            _ = arguments.positional()
            let model = try arguments.option("--model").map(parseReference)
            try arguments.finish()
            mode = .list(model)
        case "import":
            _ = arguments.positional()
            let server = try arguments.option("--server")
            let tokenEnvironment = try arguments.option("--token-env") ?? "ASSAY_TOKEN"
            let paths = arguments.remainingPositionals()
            try arguments.finish()
            guard !paths.isEmpty else { throw .usage("missing DIR or FILE: the shard results to merge") }
            mode = .importShards(paths, server: server, tokenEnvironment: tokenEnvironment)
        case "compare":
            _ = arguments.positional()
            let a = try arguments.requiredPositional("RUN_A")
            let b = try arguments.requiredPositional("RUN_B")
            try arguments.finish()
            mode = .compare(a, b)
        default:
            guard let modelText = try arguments.option("--model", "-m") else { throw .usage("missing --model NAME@VERSION") }
            guard let suite = try arguments.option("--suite", "-s") else { throw .usage("missing --suite ID") }
            let model = try parseReference(modelText)
            let tasks = try arguments.options("--task")
            let limit = try arguments.int("--limit", range: 1...Int.max)
            let shots = try arguments.int("--shots", range: 0...64)
            let threads = try arguments.int("--threads", "-t", range: 1...1024)
            let shardText = try arguments.option("--shard")
            let batch = try arguments.int("--batch-size", range: 1...4096) ?? 8
            let warmup = try arguments.int("--warmup", range: 0...Int.max) ?? 2
            let resume = arguments.flag("--resume")
            let noCache = arguments.flag("--no-cache")
            let excludeContaminated = arguments.flag("--exclude-contaminated")
            let outputDirectory = try arguments.option("--output-dir")
            let backendName = try arguments.option("--backend") ?? "native"
            let endpoint = try arguments.option("--endpoint")
            let apiModel = try arguments.option("--api-model")
            let apiKeyVariable = try arguments.option("--api-key-env")
            try arguments.finish()
            let backend: BackendChoice
            switch backendName {
            case "native":
                guard endpoint == nil, apiModel == nil, apiKeyVariable == nil else {
                    throw .usage("--endpoint, --api-model and --api-key-env need --backend openai")
                }
                backend = .native
            case "openai":
                guard let endpoint else { throw .usage("--backend openai needs --endpoint URL (e.g. http://127.0.0.1:8080)") }
                // Credentials in the URL would be recorded with the run (and are not sent anyway).
                guard Redaction.redact(endpoint) == endpoint, !endpoint.contains("@") else {
                    throw .usage("--endpoint must not contain credentials (user:password@ or secret query values: \(Redaction.redact(endpoint))); pass an API key with --api-key-env VAR")
                }
                guard threads == nil else { throw .usage("--threads applies to the native backend only") }
                backend = .openai(endpoint: endpoint, apiModel: apiModel, apiKeyVariable: apiKeyVariable)
            default:
                throw .usage("unknown backend '\(backendName)' (expected native or openai)")
            }
            var shard: Shard?
            if let shardText {
                do { shard = try Shard(parsing: shardText) } catch { throw .usage(error.description) }
            }
            mode = .run(model: model, suite: suite, options: RunOptions(
                tasks: tasks, limit: limit, shots: shots, threads: threads, shard: shard, batchSize: batch,
                warmup: warmup, resume: resume, cache: !noCache, backend: backend, outputDirectory: outputDirectory,
                excludeContaminated: excludeContaminated))
        }
    }

    func run(context: CommandContext) async throws -> Int32 {
        if case .importShards(let paths, let server?, let tokenEnvironment) = mode {
            return try pushShards(context: context, paths: paths, server: server, tokenEnvironment: tokenEnvironment)
        }
        let store = try context.openRegistry()
        switch mode {
        case .run(let model, let suite, let options):
            return try await evaluate(context: context, store: store, model: model, suiteReference: suite, options: options)
        case .show(let id):
            let run = try store.evaluationRun(id)
            if context.json {
                if let results = run.results {
                    context.output.out(results.hasSuffix("\n") ? results : results + "\n")
                } else {
                    try context.printJSON(run)
                }
                return ExitCode.success
            }
            printRun(run, context: context)
            return ExitCode.success
        case .list(let model):
            let runs = try store.evaluationRuns(model: model)
            if context.json { try context.printJSON(runs); return ExitCode.success }
            var table = TextTable(["RUN", "MODEL", "SUITE", "STATUS", "ITEMS", "STARTED"], rightAligned: [4])
            for r in runs {
                table.add([r.id, r.model.description, "\(r.suiteID)@\(r.suiteVersion)", r.status.rawValue,
                           "\(r.itemsDone)/\(r.itemTotal)", r.startedAt])
            }
            context.output.out(table.render())
            return ExitCode.success
        case .importShards(let paths, _, _):
            return try importShards(context: context, store: store, paths: paths)
        case .compare(let a, let b):
            let comparison: RunComparison
            do { comparison = try RunComparison.compare(store: store, a, b) } catch let error as ComparisonError {
                throw CLIError.failure(error.description)
            }
            if context.json { try context.printJSON(comparison); return ExitCode.success }
            context.print("A = \(comparison.runA) (\(comparison.modelA))")
            context.print("B = \(comparison.runB) (\(comparison.modelB))")
            context.print("suite digest \(comparison.suiteDigest.prefix(12)), paired over the same items\n")
            var table = TextTable(["TASK", "METRIC", "A", "B", "B−A", "±SE", "N"], rightAligned: [2, 3, 4, 5, 6])
            for d in comparison.metrics {
                table.add([d.task, d.metric, fmt(d.a), fmt(d.b), signed(d.difference), d.stderr.map(fmt) ?? "-", String(d.n)])
            }
            context.output.out(table.render())
            context.print("")
            var agree = TextTable(["TASK", "SAME PREDICTION", "BOTH RIGHT", "ONLY A", "ONLY B", "BOTH WRONG"],
                                  rightAligned: [1, 2, 3, 4, 5])
            for g in comparison.agreement {
                agree.add([g.task, "\(g.samePrediction)/\(g.n) (\(percent(Double(g.samePrediction) / Double(max(1, g.n)))))",
                           String(g.bothCorrect), String(g.onlyACorrect), String(g.onlyBCorrect), String(g.neitherCorrect)])
            }
            context.output.out(agree.render())
            return ExitCode.success
        }
    }

    func evaluate(context: CommandContext, store: RegistryStore, model: VersionReference, suiteReference: String,
                  options: RunOptions) async throws -> Int32 {
        let version = try store.modelVersion(model)
        let catalog = SuiteCatalog(store: store, bundledRoots: SuiteCatalog.defaultBundledRoots(
            environment: context.environment, workingDirectory: context.workingDirectory))
        let suite = try catalog.resolve(suiteReference, workingDirectory: context.workingDirectory)
        let backend = try makeBackend(options.backend, model: model, version: version, threads: options.threads,
                                      environment: context.environment, registryHome: store.home)
        let runner = EvaluationRunner(store: store, backend: backend)
        let evalOptions = EvaluationOptions(
            tasks: options.tasks.isEmpty ? nil : options.tasks, limit: options.limit, shots: options.shots,
            shard: options.shard, batchSize: options.batchSize, warmupItems: options.warmup, useCache: options.cache,
            requireResume: options.resume, outputDirectory: store.home,
            exportDirectory: options.outputDirectory.map(context.resolve))
        let reporter = ProgressReporter(context: context)
        var info = backend.info
        info.engineVersion = Redaction.redact(info.engineVersion)
        let how = info.backend == "native" ? "\(info.threads) threads, \(info.engineVersion)"
            : "\(info.engineVersion), served model '\(info.modelIdentity)'"
        context.progress("eval: \(model) on \(suite.id)@\(suite.version) (\(how))")
        let results = try await runner.run(model: model, suite: suite, options: evalOptions) { reporter.update($0) }
        reporter.finish()
        if options.excludeContaminated {
            return try printDecontaminated(results, context: context, store: store)
        }
        if context.json {
            try context.printJSON(results)
            return ExitCode.success
        }
        printResults(results, context: context)
        return ExitCode.success
    }

    /// The native engine over the version's GGUF file, or an OpenAI-compatible client.
    func makeBackend(_ choice: BackendChoice, model: VersionReference, version: ModelVersion, threads: Int?,
                     environment: [String: String], registryHome: URL) throws -> any Backend {
        switch choice {
        case .native:
            guard let artifact = version.artifacts.first(where: { $0.format == .gguf }) else {
                throw CLIError.failure(EvaluationError.modelHasNoFile(model.description).description)
            }
            guard FileManager.default.fileExists(atPath: artifact.uri) else {
                throw CLIError.failure("the GGUF file of \(model) is not at \(artifact.uri) any more (registered files must stay in place to be run)")
            }
            // Evidence integrity: the bytes evaluated must be the registered ones (cached by
            // path, size, mtime, ctime and inode; re-hashed when any of them changes).
            do { try ArtifactVerifier(home: registryHome).verify(artifact) } catch {
                throw CLIError.failure("\(model): \(error.description)")
            }
            return try NativeEngine(modelURL: URL(fileURLWithPath: artifact.uri), threads: threads,
                                    modelIdentity: artifact.sha256)
        case .openai(let endpoint, let apiModel, let variable):
            var key: String?
            if let variable {
                guard let value = environment[variable], !value.isEmpty else {
                    throw CLIError.failure("--api-key-env \(variable): the environment variable is not set or empty")
                }
                key = value
            }
            do {
                return try OpenAIBackend(baseURL: endpoint, model: apiModel ?? model.name, apiKey: key)
            } catch let error as OpenAIBackendError {
                throw CLIError.usage(error.description)
            }
        }
    }

    func printRun(_ run: EvaluationRunRecord, context: CommandContext) {
        guard let text = run.results,
              let results = try? JSONDecoder().decode(EvaluationResults.self, from: Data(text.utf8)) else {
            context.print("run \(run.id): \(run.status.rawValue), \(run.itemsDone)/\(run.itemTotal) items")
            context.print("model \(run.model) · suite \(run.suiteID)@\(run.suiteVersion) · started \(run.startedAt)")
            context.print("re-run the same 'assay eval' command to resume it")
            return
        }
        printResults(results, context: context)
    }

    func printResults(_ r: EvaluationResults, context: CommandContext) {
        context.print("run \(r.runID)  model \(r.model.reference) (\(r.model.digest.prefix(12)))  suite \(r.suite.id)@\(r.suite.version) (\(r.suite.digest.prefix(12)))")
        if r.backend.backend == "native" {
            context.print("engine \(r.versions.engine), \(r.backend.threads) threads, \(r.hardware.cpuModel); started \(r.startedAt), finished \(r.finishedAt)")
        } else {
            context.print("backend \(r.backend.backend): \(r.versions.engine), served model '\(r.backend.modelIdentity)'; started \(r.startedAt), finished \(r.finishedAt)")
        }
        var table = TextTable(["TASK", "METRIC", "VALUE", "±SE", "95% CI", "N", "SHOTS"], rightAligned: [2, 3, 5, 6])
        for task in r.tasks {
            for name in task.metrics.keys.sorted() {
                guard let m = task.metrics[name] else { continue }
                let ci = m.ci95Low.map { "[\(fmt($0)), \(fmt(m.ci95High ?? $0))]" } ?? "-"
                table.add([task.task, name + (m.clusterRobust ? " (cluster)" : ""), fmt(m.value), m.stderr.map(fmt) ?? "-",
                           ci, String(m.n), String(task.shots)])
            }
        }
        context.output.out(table.render())
        let methods = Set(r.tasks.flatMap { $0.metrics.values.compactMap(\.ciMethod) })
        if !methods.isEmpty {
            let names: [MetricValue.IntervalMethod: String] = [
                .wilson: "Wilson score (proportions)",
                .wilsonClusterRobust: "Wilson at the cluster-robust effective sample size (items share clusters)",
                .normalClipped: "normal ±1.96·SE clipped to [0, 1] (non-binary scores)",
            ]
            context.print("CI METHOD: " + methods.sorted { $0.rawValue < $1.rawValue }.compactMap { names[$0] }.joined(separator: "; "))
        }
        for task in r.tasks {
            if let categories = task.categories, !categories.isEmpty {
                let text = categories.keys.sorted().map { "\($0) \(fmt(categories[$0]!.value)) (n=\(categories[$0]!.n))" }
                context.print("\(task.task) by category: " + text.joined(separator: ", "))
            }
        }
        let l = r.latency
        var latency = "latency: \(l.measuredItems) items measured (\(l.warmupItemsExcluded) warm-up, \(l.cachedItemsExcluded) cached excluded)"
        if let e2e = l.endToEndSeconds { latency += "; end-to-end p50 \(ms(e2e.p50)) p95 \(ms(e2e.p95)) p99 \(ms(e2e.p99))" }
        if let ttft = l.timeToFirstTokenSeconds { latency += "; TTFT p50 \(ms(ttft.p50))" }
        if let pp = l.prefillTokensPerSecond { latency += "; prefill p50 \(Int(pp.p50)) tok/s" }
        if let tg = l.decodeTokensPerSecond { latency += "; decode p50 \(Int(tg.p50)) tok/s" }
        if let ips = l.itemsPerSecond { latency += "; \(fmt(ips)) items/s" }
        context.print(latency)
        let e = r.energy
        context.print("energy [\(e.method)]: \(fmt(e.joules)) J, \(e.joulesPerToken.map { fmt($0) + " J/token" } ?? "- J/token"), \(e.whPer1000Items.map { fmt($0) + " Wh per 1,000 items" } ?? "-")")
        context.print("  assumptions: \(e.assumptions)")
        context.print("results: runs/\(r.runID)/results.json, items.jsonl (in the registry home)")
    }
}

/// Progress on stderr: a redrawn bar on a terminal, a line every 10% (or minute) otherwise.
final class ProgressReporter: @unchecked Sendable {
    private let context: CommandContext
    private let lock = NSLock()
    private var lastDecile = -1
    private var lastLine = 0.0
    private var drewBar = false

    init(context: CommandContext) { self.context = context }

    func update(_ p: EvaluationProgress) {
        guard !context.globals.quiet else { return }
        lock.withLock {
            let fraction = p.total > 0 ? Double(p.done) / Double(p.total) : 1
            let eta = p.etaSeconds.map { duration($0) } ?? "?"
            if context.output.stderrIsTTY {
                let width = 30
                let filled = Int(fraction * Double(width))
                let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "")
                    + String(repeating: " ", count: max(0, width - filled - 1))
                context.output.err("\r[\(bar)] \(p.done)/\(p.total) items  \(String(format: "%.2f", p.itemsPerSecond)) items/s  ETA \(eta)   ")
                drewBar = true
            } else {
                let decile = Int(fraction * 10)
                if decile > lastDecile || p.sessionSeconds - lastLine >= 60 || p.done == p.total {
                    lastDecile = decile
                    lastLine = p.sessionSeconds
                    context.output.err("eval \(p.runID): \(p.done)/\(p.total) items (\(String(format: "%.2f", p.itemsPerSecond)) items/s, ETA \(eta))\n")
                }
            }
        }
    }

    func finish() {
        lock.withLock { if drewBar { context.output.err("\n") } }
    }
}

fileprivate func fmt(_ v: Double) -> String { String(format: "%.4f", v) }
fileprivate func signed(_ v: Double) -> String { (v >= 0 ? "+" : "") + String(format: "%.4f", v) }
fileprivate func percent(_ v: Double) -> String { String(format: "%.1f%%", v * 100) }
fileprivate func ms(_ seconds: Double) -> String { String(format: "%.0f ms", seconds * 1000) }
fileprivate func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
}
