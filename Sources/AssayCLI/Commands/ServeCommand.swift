import Dispatch
import Evaluation
import Foundation
import Governance
import InferenceCore
import Registry
import Service

/// `assay serve`: the registry's HTTP API (and, with `--model`, an OpenAI-compatible endpoint).
struct ServeCommand: Command {
    static let help = CommandHelp(
        "serve",
        abstract: "Serve the registry over HTTP (JSON API, bearer tokens) and optionally a model (OpenAI-compatible).",
        usage:
            "[--host 127.0.0.1] [--port 8080] [--model FILE|NAME@VERSION|NAME@ALIAS]... [--all-approved] [--memory-budget-mb N] [--policy FILE] [--artifact-root DIR]... [--max-upload-bytes N] [--max-connections N] [--max-connections-per-client N] [--header-timeout-ms N] [--readers N] [--no-webhooks] [--allow-private-webhooks]",
        discussion: """
            Routes and roles: see docs/api.md and GET /openapi.json. Create tokens with 'assay token create'. \
            SIGTERM or SIGINT stops accepting, finishes in-flight requests, then exits.

            With --model the OpenAI-compatible routes serve models: a GGUF file, or a registered \
            version (NAME@VERSION) or alias (NAME@ALIAS, resolved at start-up) whose GGUF artifact \
            is run. Repeat --model (or add --all-approved) to serve several; a request's "model" \
            member selects one by the name given here (404 model_not_found otherwise). Models load \
            on first use and stay resident while their files fit --memory-budget-mb; the least \
            recently used is unloaded first.
            """,
        options: [
            .value("--host", "ADDR", "Address to bind (default 127.0.0.1)"),
            .integer("--port", "N", in: 0...65535, "TCP port (default 8080; 0 picks a free one)"),
            .repeated(
                "--model", "FILE|M@V|M@ALIAS", "Serve this GGUF file or registered version at /v1/* (repeatable)"),
            .flag("--all-approved", "Serve every approved model version too (as NAME@VERSION)"),
            .integer(
                "--memory-budget-mb", "N", in: 1...(1 << 30), "Model files kept loaded at once, in MiB (default 4096)"),
            .integer("--threads", "N", in: 1...256, "Compute threads for --model (default: all cores)"),
            .value("--policy", "FILE", "Governance policy for alias rules (default: built-in defaults)"),
            .repeated("--artifact-root", "DIR", "Allow registration by server-side path under DIR (repeatable)"),
            .integer("--max-connections", "N", in: 1...100_000, "Simultaneous connections (default 512)"),
            .integer(
                "--max-connections-per-client", "N", in: 1...100_000,
                "Simultaneous connections from one address (IPv6: one /64; default a quarter of --max-connections)"),
            .integer(
                "--header-timeout-ms", "N", in: 100...600_000,
                "A connection's first request head must arrive within this time of connecting (default 5000)"),
            .integer("--readers", "N", in: 1...64, "Pooled read connections to the registry (default 4)"),
            .integer("--max-body-mb", "N", in: 1...4096, "Largest request body in MiB (default 16)"),
            .integer(
                "--max-upload-bytes", "N", in: 1...(1 << 40),
                "Largest GGUF upload (POST …/artifact), streamed to disk (default 8 GiB)"),
            .flag("--no-webhooks", "Do not deliver webhooks from this process (use 'assay webhook deliver')"),
            .integer(
                "--webhook-interval-ms", "N", in: 10...3_600_000,
                "How often queued webhook events are delivered (default 1000)")
        ]
            + WebhookOptions.declarations(
                attempts: "Webhook attempts per delivery (default 5)",
                baseDelay: "Delay before a webhook's second attempt, doubled each time (default 2000)",
                timeout: "Timeout of one webhook attempt (default 10000)",
                allowPrivate: "Also deliver webhooks to loopback, link-local and private addresses (refused by default)"
            ),
        examples: [
            "assay serve --port 8080", "assay serve --model SmolLM2-135M-Instruct.Q4_1.gguf",
            "assay serve --model smollm2@q4_1 --model qwen@production"
        ])

    var host: String
    var port: Int
    var models: [String]
    var allApproved: Bool
    var memoryBudgetMB: Int
    var threads: Int?
    var artifactRoots: [String]
    var maxConnections: Int
    var maxConnectionsPerClient: Int?
    var headerTimeoutMs: Int
    var readers: Int
    var maxBodyMB: Int
    var maxUploadBytes: Int
    var policy: String?
    var webhooks: Bool
    var webhookInterval: Int
    var webhookSettings: WebhookSettings

    init(arguments: inout Arguments) throws(CLIError) {
        host = try arguments.option("--host") ?? "127.0.0.1"
        port = try arguments.int("--port") ?? 8080
        models = try arguments.options("--model")
        allApproved = arguments.flag("--all-approved")
        memoryBudgetMB = try arguments.int("--memory-budget-mb") ?? 4096
        threads = try arguments.int("--threads")
        artifactRoots = try arguments.options("--artifact-root")
        maxConnections = try arguments.int("--max-connections") ?? 512
        maxConnectionsPerClient = try arguments.int("--max-connections-per-client")
        headerTimeoutMs = try arguments.int("--header-timeout-ms") ?? 5000
        readers = try arguments.int("--readers") ?? 4
        maxBodyMB = try arguments.int("--max-body-mb") ?? 16
        maxUploadBytes = try arguments.int("--max-upload-bytes") ?? (8 << 30)
        webhooks = !arguments.flag("--no-webhooks")
        webhookInterval = try arguments.int("--webhook-interval-ms") ?? 1000
        webhookSettings = try WebhookOptions.settings(&arguments)
        policy = try arguments.option("--policy")
    }

    func run(context: CommandContext) async throws -> Int32 {
        let pool = try RegistryPool(
            home: context.registryHome, readerCount: readers,
            inspector: RegistryInspectors.artifactInspector)
        let abandoned = AssayService.removeAbandonedUploads(home: context.registryHome)
        if abandoned > 0 {
            context.progress("removed \(abandoned) partial upload\(abandoned == 1 ? "" : "s") left by an earlier run")
        }
        let files = try servableFiles(context: context)
        // A registered file is served only with its registered bytes.
        if !files.isEmpty,
            FileManager.default.fileExists(
                atPath: context.registryHome.appendingPathComponent(RegistryStore.databaseFileName).path)
        {
            let store = try RegistryStore(home: context.registryHome, actor: "assay-serve")
            for file in files {
                do {
                    try ArtifactVerifier(home: store.home).verifyRegisteredFile(store: store, path: file.path.path)
                } catch let error as ArtifactVerificationError {
                    throw CLIError.failure(error.description)
                }
            }
        }
        let threads = self.threads
        let catalog =
            files.isEmpty
            ? nil
            : LazyModelCatalog(files: files, memoryBudgetBytes: Int64(memoryBudgetMB) << 20) { file in
                do {
                    if let runnable = file.runnable { return try runnable.engine(threads: threads) }
                    return try NativeEngine(modelURL: file.path, threads: threads, modelIdentity: file.identity)
                } catch {
                    throw OpenAIError(
                        status: .internalServerError, "cannot load \(file.model.id): \(error)", param: "model")
                }
            }
        if let catalog {
            // The first model loads now, so that a broken file fails at start-up.
            context.progress("loading \(files[0].model.id)…")
            do { _ = try catalog.backend(for: nil) } catch let error as OpenAIError {
                throw CLIError.failure(error.message)
            }
            if files.count > 1 {
                context.progress("serving \(files.map(\.model.id).joined(separator: ", ")) (loaded on first use)")
            }
        }
        let service = AssayService(
            pool: pool, catalog: catalog,
            options: APIOptions(
                artifactRoots: artifactRoots.map(context.resolve),
                policy: try policy.map { try PolicyBinding.load(context.resolve($0)) },
                generator: "assay \(AssayVersion.current)",
                suiteRoots: SuiteCatalog.defaultBundledRoots(
                    environment: context.environment,
                    workingDirectory: context.workingDirectory)))
        let configuration = ServerConfiguration(
            host: host, port: port,
            limits: HTTPLimits(maxBodyBytes: maxBodyMB << 20, maxUploadBytes: maxUploadBytes),
            headerTimeout: .milliseconds(headerTimeoutMs),
            maxConnections: maxConnections, maxConnectionsPerClient: maxConnectionsPerClient)
        let dispatcher = webhooks ? try WebhookDispatcher(home: context.registryHome, settings: webhookSettings) : nil
        let server = HTTPServer(configuration: configuration, responder: service.router)
        let bound = try server.start()
        context.progress("assay serve: listening on http://\(host):\(bound) (registry \(context.registryHome.path))")
        let output = context.output
        dispatcher?.start(interval: .milliseconds(webhookInterval)) { message in output.err(message + "\n") }

        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let queue = DispatchQueue(label: "assay-serve-signals")
        let sources = [SIGTERM, SIGINT].map { DispatchSource.makeSignalSource(signal: $0, queue: queue) }
        for source in sources {
            source.setEventHandler { server.shutdown() }
            source.resume()
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let waiter = Thread {
                while !server.waitUntilStopped(timeout: .seconds(3600)) {}
                continuation.resume()
            }
            waiter.start()
        }
        for source in sources { source.cancel() }
        dispatcher?.stop()
        context.progress("assay serve: stopped after \(server.requestsServed) requests")
        return ExitCode.success
    }

    /// The models to serve: files as given, registered versions and aliases resolved now.
    func servableFiles(context: CommandContext) throws -> [ServableFile] {
        var out: [ServableFile] = []
        var store: RegistryStore?
        func registry() throws -> RegistryStore {
            if let store { return store }
            let opened = try context.openRegistry()
            store = opened
            return opened
        }
        func add(_ file: ServableFile) {
            if !out.contains(where: { $0.model.id == file.model.id }) { out.append(file) }
        }
        for text in models { add(try Self.servable(text, context: context, registry: registry)) }
        if allApproved {
            let store = try registry()
            for summary in try store.models() {
                for version in try store.modelVersions(of: summary.name)
                where try store.read({ try GovernanceRecords.approval($0, version.reference).state }) == "approved" {
                    add(try Self.servable(version, id: version.reference.description, aliases: [], store: store))
                }
            }
            if out.isEmpty { throw CLIError.failure("--all-approved: no approved model versions in the registry") }
        }
        return out
    }

    /// A GGUF file, or a registered version or alias (resolved now) as something to serve.
    static func servable(_ text: String, context: CommandContext, registry: () throws -> RegistryStore) throws
        -> ServableFile
    {
        let url = context.resolve(text)
        if FileManager.default.fileExists(atPath: url.path) || !text.contains("@") {
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw CLIError.usage("--model \(text): no such file (give a GGUF file or NAME@VERSION|NAME@ALIAS)")
            }
            let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
            let created = (attributes?[.modificationDate] as? Date).map { Int64($0.timeIntervalSince1970) } ?? 0
            let size = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
            return ServableFile(
                model: ServedModel(id: url.deletingPathExtension().lastPathComponent, created: created),
                path: url, identity: url.lastPathComponent, bytes: size)
        }
        let reference: VersionReference
        do { reference = try VersionReference(parsing: text) } catch {
            throw CLIError.usage("--model \(text): \(error.description)")
        }
        let store = try registry()
        var version: ModelVersion
        var aliases: [String] = []
        do {
            version = try store.modelVersion(reference)
        } catch RegistryError.unknownModelVersion {
            guard
                let alias = try store.read({
                    try GovernanceRecords.alias($0, model: reference.name, name: reference.version)
                })
            else {
                throw CLIError.failure(
                    "--model \(text): no version or alias '\(reference.version)' of model '\(reference.name)'")
            }
            version = try store.modelVersion(alias.target)
            aliases = [alias.target.description]
        }
        return try Self.servable(version, id: text, aliases: aliases, store: store)
    }

    static func servable(_ version: ModelVersion, id: String, aliases: [String], store: RegistryStore) throws
        -> ServableFile
    {
        // A LoRA adapter version runs as its base + the adapter (checked against their digests).
        let runnable: RunnableModel
        do { runnable = try RunnableModel.resolve(version, store: store, verify: false) } catch let error
            as RunnableModelError
        {
            throw CLIError.failure(error.description)
        }
        guard let artifact = version.artifacts.first(where: { $0.format == .gguf }) else {
            throw CLIError.failure("\(version.reference) has no GGUF file to serve")
        }
        let created = RegistryClock.epochSeconds(version.createdAt) ?? 0
        return ServableFile(
            model: ServedModel(id: id, created: created, aliases: aliases),
            path: runnable.modelFile, identity: runnable.identity, bytes: artifact.size,
            runnable: runnable.adapters.isEmpty ? nil : runnable)
    }
}
