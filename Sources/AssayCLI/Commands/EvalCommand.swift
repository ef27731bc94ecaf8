import Evaluation
import Foundation
import Governance
import Hashing
import InferenceCore
import Registry
import Synchronization

/// `assay eval --model M@V --suite ID …` runs an evaluation (native engine or an
/// OpenAI-compatible server). It is the default command of the `eval` group, whose
/// subcommands `show`, `list`, `compare` (EvalRunCommands.swift) and `import` (EvalImport.swift)
/// read and merge recorded runs.
struct EvalCommand: Command {
    static let help = CommandHelp(
        "eval", abstract: "Evaluate a model version on a suite (resumable); show, list, compare and import runs.",
        usage: """
            --model NAME@VERSION --suite ID [--task T]... [--limit N] [--shots K] [--threads T] [--shard k/n] [--batch-size B] [--output-dir D] [--resume] [--no-cache] [--json]
                   assay eval --backend openai --endpoint URL [--api-model NAME] [--api-key-env VAR] --model NAME@VERSION --suite ID …
                   assay eval <subcommand> …   (show, list, compare, import: see 'assay eval <subcommand> --help')
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
            run, equal to an unsharded run item for item ('assay eval import --help').
            """,
        options: [
            .value("--model", "M@V", "Registered model version (its GGUF artifact is run)", hidden: "-m"),
            .value("--suite", "ID", "Suite id, id@version, or directory", hidden: "-s"),
            .repeated("--task", "T", "Only this task (repeatable; default: all tasks)"),
            .integer("--limit", "N", in: 1...Int.max, "First N items of each task"),
            .integer("--shots", "K", in: 0...64, "Few-shot examples (default: each task's default_shots)"),
            .threads,
            .value("--shard", "k/n", "Evaluate shard k of n (stable hash of item ids)"),
            .integer("--batch-size", "B", in: 1...4096, "Items per backend call and per transaction (default 8)"),
            .integer("--warmup", "N", in: 0...Int.max, "Items excluded from latency figures (default 2)"),
            .value("--output-dir", "D", "Also write results.json and items.jsonl into D (for 'eval import')"),
            .value("--backend", "B", "native (default: run the GGUF in-process) or openai"),
            .value("--endpoint", "URL", "openai: server base URL, e.g. http://127.0.0.1:8080"),
            .value("--api-model", "NAME", "openai: the server's model name (default: the registered model's name)"),
            .value("--api-key-env", "VAR", "openai: send the bearer token held in environment variable VAR"),
            .flag("--resume", "Fail unless an unfinished matching run exists"),
            .flag("--no-cache", "Neither read nor fill the request cache"),
            .flag(
                "--exclude-contaminated",
                "Also score without the items found in the model's trained_on datasets (docs/datasets.md)")
        ],
        examples: [
            "assay eval --model smollm2-135m-instruct@q4_1 --suite general-knowledge --limit 50",
            "assay eval --model smollm2-135m-instruct@q4_1 --suite mmlu --task mmlu --shots 5",
            "assay eval --backend openai --endpoint http://127.0.0.1:8080 --model smollm2-135m-instruct@q4_1 --suite general-knowledge --limit 50",
            "assay eval --model smollm2-135m-instruct@q4_1 --suite general-knowledge --shard 2/4 --output-dir out/shard-2"
        ])

    /// Which backend scores the run.
    enum BackendChoice: Sendable, Equatable {
        case native
        case openai(endpoint: String, apiModel: String?, apiKeyVariable: String?)
    }

    /// The library's evaluation options plus what only the CLI decides.
    struct RunOptions: Sendable {
        /// Tasks, limit, shots, shard, batching, cache and resume; its directories are set at
        /// run time (the registry home, and `outputDirectory` resolved against the working
        /// directory).
        var evaluation: EvaluationOptions
        var threads: Int?
        var backend: BackendChoice = .native
        /// `--output-dir`, as given.
        var outputDirectory: String?
        var excludeContaminated = false
    }

    let model: VersionReference
    let suite: String
    let options: RunOptions

    init(arguments: inout Arguments) throws(CLIError) {
        let modelText = try arguments.required("--model", missing: "missing --model NAME@VERSION")
        let suite = try arguments.required("--suite", missing: "missing --suite ID")
        let model = try parseReference(modelText)
        let tasks = try arguments.options("--task")
        let limit = try arguments.int("--limit")
        let shots = try arguments.int("--shots")
        let threads = try arguments.int("--threads")
        let shardText = try arguments.option("--shard")
        let batch = try arguments.int("--batch-size") ?? 8
        let warmup = try arguments.int("--warmup") ?? 2
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
            guard let endpoint else {
                throw .usage("--backend openai needs --endpoint URL (e.g. http://127.0.0.1:8080)")
            }
            // Credentials in the URL would be recorded with the run (and are not sent anyway).
            guard Redaction.redact(endpoint) == endpoint, !endpoint.contains("@") else {
                throw .usage(
                    "--endpoint must not contain credentials (user:password@ or secret query values: \(Redaction.redact(endpoint))); pass an API key with --api-key-env VAR"
                )
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
        self.model = model
        self.suite = suite
        let evaluation = EvaluationOptions(
            tasks: tasks.isEmpty ? nil : tasks, limit: limit, shots: shots, shard: shard, batchSize: batch,
            warmupItems: warmup, useCache: !noCache, requireResume: resume)
        options = RunOptions(
            evaluation: evaluation, threads: threads, backend: backend, outputDirectory: outputDirectory,
            excludeContaminated: excludeContaminated)
    }

    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        return try await evaluate(context: context, store: store, model: model, suiteReference: suite, options: options)
    }

    func evaluate(
        context: CommandContext, store: RegistryStore, model: VersionReference, suiteReference: String,
        options: RunOptions
    ) async throws -> Int32 {
        let version = try store.modelVersion(model)
        let catalog = SuiteCatalog(
            store: store,
            bundledRoots: SuiteCatalog.defaultBundledRoots(
                environment: context.environment, workingDirectory: context.workingDirectory))
        let suite = try catalog.resolve(suiteReference, workingDirectory: context.workingDirectory)
        let backend = try makeBackend(
            options.backend, model: model, version: version, store: store, threads: options.threads,
            environment: context.environment, registryHome: store.home)
        let runner = EvaluationRunner(store: store, backend: backend)
        var evalOptions = options.evaluation
        evalOptions.outputDirectory = store.home
        evalOptions.exportDirectory = options.outputDirectory.map(context.resolve)
        let reporter = ProgressReporter(context: context)
        var info = backend.info
        info.engineVersion = Redaction.redact(info.engineVersion)
        let how =
            info.backend == "native"
            ? "\(info.threads) threads, \(info.engineVersion)"
            : "\(info.engineVersion), served model '\(info.modelIdentity)'"
        context.progress("eval: \(model) on \(suite.id)@\(suite.version) (\(how))")
        let results = try await runner.run(model: model, suite: suite, options: evalOptions) { reporter.update($0) }
        reporter.finish()
        if options.excludeContaminated {
            return try printDecontaminated(results, context: context, store: store)
        }
        if context.json {
            try context.printDocument(results)
            return ExitCode.success
        }
        EvalReport.printResults(results, context: context)
        return ExitCode.success
    }

    /// The native engine over the version's GGUF file, or an OpenAI-compatible client.
    func makeBackend(
        _ choice: BackendChoice, model: VersionReference, version: ModelVersion, store: RegistryStore, threads: Int?,
        environment: [String: String], registryHome: URL
    ) throws -> any Backend {
        switch choice {
        case .native:
            // The registered (verified) GGUF file; an adapter_of version runs as base + adapter.
            do {
                return try RunnableModel.resolve(version, store: store).engine(threads: threads)
            } catch let error as RunnableModelError {
                throw CLIError.failure(error.description)
            }
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
}

/// Progress on stderr: a redrawn bar on a terminal, a line every 10% (or minute) otherwise.
final class ProgressReporter: Sendable {
    /// What has been drawn so far.
    private struct State {
        var lastDecile = -1
        var lastLine = 0.0
        var drewBar = false
    }

    private let context: CommandContext
    private let state = Mutex(State())

    init(context: CommandContext) { self.context = context }

    func update(_ p: EvaluationProgress) {
        guard !context.globals.quiet else { return }
        state.withLock { state in
            let fraction = p.total > 0 ? Double(p.done) / Double(p.total) : 1
            let eta = p.etaSeconds.map { duration($0) } ?? "?"
            if context.output.stderrIsTTY {
                let width = 30
                let filled = Int(fraction * Double(width))
                let bar =
                    String(repeating: "=", count: filled) + (filled < width ? ">" : "")
                    + String(repeating: " ", count: max(0, width - filled - 1))
                context.output.err(
                    "\r[\(bar)] \(p.done)/\(p.total) items  \(String(format: "%.2f", p.itemsPerSecond)) items/s  ETA \(eta)   "
                )
                state.drewBar = true
            } else {
                let decile = Int(fraction * 10)
                if decile > state.lastDecile || p.sessionSeconds - state.lastLine >= 60 || p.done == p.total {
                    state.lastDecile = decile
                    state.lastLine = p.sessionSeconds
                    context.output.err(
                        "eval \(p.runID): \(p.done)/\(p.total) items (\(String(format: "%.2f", p.itemsPerSecond)) items/s, ETA \(eta))\n"
                    )
                }
            }
        }
    }

    func finish() {
        state.withLock { state in if state.drewBar { context.output.err("\n") } }
    }
}

private func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
}
