import Dispatch
import Evaluation
import Foundation
import Governance
import InferenceCore
import Registry
import Service

/// `assay serve`: the registry's HTTP API (and, with `--model`, an OpenAI-compatible endpoint).
struct ServeCommand: Command {
    static let name = "serve"
    static let help = CommandHelp(
        abstract: "Serve the registry over HTTP (JSON API, bearer tokens) and optionally a model (OpenAI-compatible).",
        usage: "[--host 127.0.0.1] [--port 8080] [--model FILE] [--policy FILE] [--artifact-root DIR]... [--max-upload-bytes N] [--max-connections N] [--max-connections-per-client N] [--header-timeout-ms N] [--readers N] [--no-webhooks] [--allow-private-webhooks]",
        discussion: """
            Routes and roles: see docs/api.md and GET /openapi.json. Create tokens with 'assay token create'. \
            SIGTERM or SIGINT stops accepting, finishes in-flight requests, then exits.
            """,
        options: [
            .init("--host ADDR", "Address to bind (default 127.0.0.1)"),
            .init("--port N", "TCP port (default 8080; 0 picks a free one)"),
            .init("--model FILE", "Also serve this GGUF model at /v1/completions and /v1/chat/completions"),
            .init("--threads N", "Compute threads for --model (default: all cores)"),
            .init("--policy FILE", "Governance policy for alias rules (default: built-in defaults)"),
            .init("--artifact-root DIR", "Allow registration by server-side path under DIR (repeatable)"),
            .init("--max-connections N", "Simultaneous connections (default 512)"),
            .init("--max-connections-per-client N", "Simultaneous connections from one address (IPv6: one /64; default a quarter of --max-connections)"),
            .init("--header-timeout-ms N", "A connection's first request head must arrive within this time of connecting (default 5000)"),
            .init("--readers N", "Pooled read connections to the registry (default 4)"),
            .init("--max-body-mb N", "Largest request body in MiB (default 16)"),
            .init("--max-upload-bytes N", "Largest GGUF upload (POST …/artifact), streamed to disk (default 8 GiB)"),
            .init("--no-webhooks", "Do not deliver webhooks from this process (use 'assay webhook deliver')"),
            .init("--webhook-interval-ms N", "How often queued webhook events are delivered (default 1000)"),
            .init("--max-attempts N", "Webhook attempts per delivery (default 5)"),
            .init("--base-delay-ms N", "Delay before a webhook's second attempt, doubled each time (default 2000)"),
            .init("--timeout-ms N", "Timeout of one webhook attempt (default 10000)"),
            .init("--allow-private-webhooks", "Also deliver webhooks to loopback, link-local and private addresses (refused by default)"),
        ],
        examples: ["assay serve --port 8080", "assay serve --model SmolLM2-135M-Instruct.Q4_1.gguf"])

    var host: String
    var port: Int
    var model: String?
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
        port = try arguments.int("--port", range: 0...65535) ?? 8080
        model = try arguments.option("--model")
        threads = try arguments.int("--threads", range: 1...256)
        artifactRoots = try arguments.options("--artifact-root")
        maxConnections = try arguments.int("--max-connections", range: 1...100_000) ?? 512
        maxConnectionsPerClient = try arguments.int("--max-connections-per-client", range: 1...100_000)
        headerTimeoutMs = try arguments.int("--header-timeout-ms", range: 100...600_000) ?? 5000
        readers = try arguments.int("--readers", range: 1...64) ?? 4
        maxBodyMB = try arguments.int("--max-body-mb", range: 1...4096) ?? 16
        maxUploadBytes = try arguments.int("--max-upload-bytes", range: 1...(1 << 40)) ?? (8 << 30)
        webhooks = !arguments.flag("--no-webhooks")
        webhookInterval = try arguments.int("--webhook-interval-ms", range: 10...3_600_000) ?? 1000
        webhookSettings = try WebhookOptions.settings(&arguments)
        policy = try arguments.option("--policy")
        try arguments.finish()
    }

    func run(context: CommandContext) async throws -> Int32 {
        let pool = try RegistryPool(home: context.registryHome, readerCount: readers,
                                    inspector: RegistryInspectors.artifactInspector)
        let abandoned = AssayService.removeAbandonedUploads(home: context.registryHome)
        if abandoned > 0 { context.progress("removed \(abandoned) partial upload\(abandoned == 1 ? "" : "s") left by an earlier run") }
        var backend: (any Backend)?
        var modelID = "assay"
        if let model {
            let url = context.resolve(model)
            // A registered file is served only with its registered bytes.
            if FileManager.default.fileExists(atPath: context.registryHome.appendingPathComponent(RegistryStore.databaseFileName).path) {
                let store = try RegistryStore(home: context.registryHome, actor: "assay-serve")
                do { try ArtifactVerifier(home: store.home).verifyRegisteredFile(store: store, path: url.path) } catch let error as ArtifactVerificationError {
                    throw CLIError.failure(error.description)
                }
            }
            context.progress("loading \(url.lastPathComponent)…")
            backend = try NativeEngine(modelURL: url, threads: threads)
            modelID = url.deletingPathExtension().lastPathComponent
        }
        let service = AssayService(pool: pool, backend: backend, modelID: modelID,
                                   options: APIOptions(artifactRoots: artifactRoots.map(context.resolve),
                                                       policy: try policy.map { try PolicyBinding.load(context.resolve($0)) },
                                                       generator: "assay \(AssayVersion.current)",
                                                       suiteRoots: SuiteCatalog.defaultBundledRoots(
                                                           environment: context.environment,
                                                           workingDirectory: context.workingDirectory)))
        let configuration = ServerConfiguration(host: host, port: port,
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
}
