import Dispatch
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
        usage: "[--host 127.0.0.1] [--port 8080] [--model FILE] [--artifact-root DIR]... [--max-connections N] [--readers N]",
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
            .init("--readers N", "Pooled read connections to the registry (default 4)"),
            .init("--max-body-mb N", "Largest request body in MiB (default 16)"),
        ],
        examples: ["assay serve --port 8080", "assay serve --model SmolLM2-135M-Instruct.Q4_1.gguf"])

    var host: String
    var port: Int
    var model: String?
    var threads: Int?
    var artifactRoots: [String]
    var maxConnections: Int
    var readers: Int
    var maxBodyMB: Int
    var policy: String?

    init(arguments: inout Arguments) throws(CLIError) {
        host = try arguments.option("--host") ?? "127.0.0.1"
        port = try arguments.int("--port", range: 0...65535) ?? 8080
        model = try arguments.option("--model")
        threads = try arguments.int("--threads", range: 1...256)
        artifactRoots = try arguments.options("--artifact-root")
        maxConnections = try arguments.int("--max-connections", range: 1...100_000) ?? 512
        readers = try arguments.int("--readers", range: 1...64) ?? 4
        maxBodyMB = try arguments.int("--max-body-mb", range: 1...4096) ?? 16
        policy = try arguments.option("--policy")
        try arguments.finish()
    }

    func run(context: CommandContext) async throws -> Int32 {
        let pool = try RegistryPool(home: context.registryHome, readerCount: readers,
                                    inspector: RegistryInspectors.artifactInspector)
        var backend: (any Backend)?
        var modelID = "assay"
        if let model {
            let url = context.resolve(model)
            context.progress("loading \(url.lastPathComponent)…")
            backend = try NativeEngine(modelURL: url, threads: threads)
            modelID = url.deletingPathExtension().lastPathComponent
        }
        let service = AssayService(pool: pool, backend: backend, modelID: modelID,
                                   options: APIOptions(artifactRoots: artifactRoots.map(context.resolve),
                                                       policy: try policy.map { try PolicyBinding.load(context.resolve($0)) }))
        let configuration = ServerConfiguration(host: host, port: port,
                                                limits: HTTPLimits(maxBodyBytes: maxBodyMB << 20),
                                                maxConnections: maxConnections)
        let server = HTTPServer(configuration: configuration, responder: service.router)
        let bound = try server.start()
        context.progress("assay serve: listening on http://\(host):\(bound) (registry \(context.registryHome.path))")

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
        context.progress("assay serve: stopped after \(server.requestsServed) requests")
        return ExitCode.success
    }
}
