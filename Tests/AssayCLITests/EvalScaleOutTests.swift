import Foundation
import Governance
import InferenceCore
import JSON
import Registry
import TestSupport
import Testing

@testable import AssayCLI
@testable import Evaluation
@testable import Service

/// Issue 6 acceptance 4 and 5 with the real SmolLM2 model: `assay eval --backend openai`
/// against our own server, and shards merged by `assay eval import`.
struct EvalScaleOutTests {
    struct CLI {
        let home: URL
        var environment: [String: String] = [:]

        func run(_ argv: [String]) async -> (code: Int32, out: String, err: String) {
            let sink = OutputSink.capturing()
            var env = environment
            env["ASSAY_HOME"] = home.path
            env["ASSAY_ACTOR"] = "tester"
            let code = await AssayCommandLine.run(
                argv, environment: env, output: sink, workingDirectory: Fixtures.packageRoot)
            return (code, sink.stdout, sink.stderr)
        }

        /// Runs `assay eval … --json` and returns the results document.
        func eval(_ argv: [String]) async throws -> EvaluationResults {
            let result = await run(["eval"] + argv + ["--json", "--quiet"])
            try #require(result.code == 0, "eval failed: \(result.err)")
            return try JSONDecoder().decode(EvaluationResults.self, from: Data(result.out.utf8))
        }

        func items(_ run: String) throws -> [ItemResult] {
            try EvaluationRunner.loadItems(store: try RegistryStore(home: home, actor: "t"), run: run)
                .sorted { ($0.task, $0.index) < ($1.task, $1.index) }
        }
    }

    static func prepare(_ tmp: TemporaryDirectory, model: URL) async throws -> CLI {
        let cli = CLI(home: tmp.path("home"))
        #expect(await cli.run(["init", "--trust-actor-env"]).code == 0)
        #expect(await cli.run(["model", "register", "smollm2@q4_1", model.path]).code == 0)
        return cli
    }

    /// Predictions equal; log-likelihoods within `tolerance`; returns the largest difference.
    @discardableResult
    static func expectSameItems(_ a: [ItemResult], _ b: [ItemResult], tolerance: Double) -> Double {
        #expect(a.map(\.item) == b.map(\.item))
        #expect(a.map(\.prediction) == b.map(\.prediction))
        #expect(a.map(\.predictionNorm) == b.map(\.predictionNorm))
        #expect(a.map(\.correct) == b.map(\.correct))
        var largest = 0.0
        for (x, y) in zip(a, b) {
            let p = x.logLikelihoods ?? []
            let q = y.logLikelihoods ?? []
            #expect(p.count == q.count && !p.isEmpty)
            for (u, v) in zip(p, q) { largest = max(largest, abs(u - v)) }
        }
        #expect(largest <= tolerance, "largest log-likelihood difference \(largest)")
        return largest
    }

    /// Acceptance 4: `assay eval --backend openai` against `assay serve --model` (in-process
    /// server over the native engine) gives the native backend's per-item predictions.
    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI), .timeLimit(.minutes(10)))
    func openAIBackendAgainstAssayServeGivesTheNativePredictions() async throws {
        let model = try Fixtures.requireSmolLM()
        let tmp = TemporaryDirectory("evalopenai")
        var cli = try await Self.prepare(tmp, model: model)
        let common = [
            "--model", "smollm2@q4_1", "--suite", "general-knowledge", "--task", "general-knowledge", "--limit", "8"
        ]
        let native = try await cli.eval(common + ["--threads", "2"])

        let engine = try NativeEngine(modelURL: model, threads: 2)
        let service = AssayService(
            pool: nil, backend: engine, modelID: "smollm2",
            accessControl: StaticAccessControl(
                tokens: ["s3cret-token": "evaluator"],
                grants: ["evaluator": [.auditor]]))
        let server = HTTPServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), responder: service.router)
        try server.start()
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        let endpoint = "http://127.0.0.1:\(server.port)"
        let remoteArgs =
            common + [
                "--backend", "openai", "--endpoint", endpoint, "--api-model", "smollm2",
                "--api-key-env", "EVAL_TEST_KEY"
            ]

        // Without the key the server refuses: a clear failure, exit 1.
        let refused = await cli.run(["eval"] + remoteArgs + ["--quiet"])
        #expect(refused.code == 1)
        #expect(refused.err.contains("EVAL_TEST_KEY"), "\(refused.err)")

        cli.environment["EVAL_TEST_KEY"] = "s3cret-token"
        let remote = try await cli.eval(remoteArgs)
        #expect(remote.runID != native.runID)
        #expect(remote.model.digest == native.model.digest)
        #expect(remote.backend.backend == "openai")
        #expect(remote.backend.modelIdentity == "smollm2")
        #expect(remote.versions.engine.contains(endpoint))
        let record = try RegistryStore(home: cli.home, actor: "t").evaluationRun(remote.runID)
        #expect(record.backend == "openai" && record.engineVersion.contains(endpoint))
        // Issue 11: the energy of a remote backend is the client process's, and says so.
        #expect(remote.energy.assumptions.contains("Client-side only"), "\(remote.energy.assumptions)")
        #expect(!native.energy.assumptions.contains("Client-side only"))
        let exported = await cli.run(["export", "smollm2@q4_1", "--format", "json"])
        #expect(exported.code == 0 && exported.out.contains("(client-side only: remote backend)"), "\(exported.err)")

        let a = try cli.items(native.runID)
        let b = try cli.items(remote.runID)
        #expect(a.count == 8)
        // Computed over HTTP, not served from the native run's cache entries.
        #expect(b.allSatisfy { !$0.cached })
        let largest = Self.expectSameItems(a, b, tolerance: 1e-3)
        print("openai vs native: 8 items, largest log-likelihood difference \(largest)")
        #expect(remote.results["general-knowledge"] == native.results["general-knowledge"])
    }

    /// Acceptance 5: two shards (each exported with --output-dir) imported with
    /// `assay eval import` equal the unsharded run item for item, with equal metrics.
    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI), .timeLimit(.minutes(10)))
    func twoShardsImportedEqualTheUnshardedRun() async throws {
        let model = try Fixtures.requireSmolLM()
        let tmp = TemporaryDirectory("evalshards")
        let cli = try await Self.prepare(tmp, model: model)
        let common = ["--model", "smollm2@q4_1", "--suite", "general-knowledge", "--limit", "6", "--threads", "2"]
        let whole = try await cli.eval(common)
        for k in 1...2 {
            let shard = try await cli.eval(
                common + [
                    "--shard", "\(k)/2", "--no-cache", "--batch-size", "3",
                    "--output-dir", tmp.path("out/shard-\(k)").path
                ])
            #expect(shard.config.shard == "\(k)/2")
            #expect(shard.tasks.reduce(0) { $0 + $1.n } < 12)
        }

        let alone = await cli.run(["eval", "import", tmp.path("out/shard-1").path])
        #expect(alone.code == 1)
        #expect(alone.err.contains("missing shard(s) 2/2"), "\(alone.err)")

        // Issue 11: a shard whose items claim answers they did not give is refused, naming them.
        let itemsFile = tmp.path("out/shard-1/items.jsonl")
        let genuine = try String(contentsOf: itemsFile, encoding: .utf8)
        var forgedIDs: [String] = []
        var forgedLines: [String] = []
        for line in genuine.split(separator: "\n") {
            var item = try JSONDecoder().decode(ItemResult.self, from: Data(line.utf8))
            if !item.correct {
                item.correct = true
                item.score = 1
                forgedIDs.append("\(item.task)/\(item.item)")
            }
            forgedLines.append(String(decoding: try JSONEncoder().encode(item), as: UTF8.self))
        }
        try #require(!forgedIDs.isEmpty)
        try (forgedLines.joined(separator: "\n") + "\n").write(to: itemsFile, atomically: true, encoding: .utf8)
        let forged = await cli.run(["eval", "import", tmp.path("out").path])
        #expect(
            forged.code == 1 && forged.err.contains("scored inconsistently") && forged.err.contains(forgedIDs[0]),
            "\(forged.err)")
        try genuine.write(to: itemsFile, atomically: true, encoding: .utf8)

        let imported = await cli.run(["eval", "import", tmp.path("out").path, "--json"])
        try #require(imported.code == 0, "\(imported.err)")
        let merged = try JSONDecoder().decode(EvaluationResults.self, from: Data(imported.out.utf8))
        #expect(merged.config == whole.config)
        #expect(merged.results == whole.results)
        #expect(merged.tasks == whole.tasks)
        let a = try cli.items(whole.runID)
        let b = try cli.items(merged.runID)
        #expect(a.count == 12)
        Self.expectSameItems(a, b, tolerance: 1e-6)
        #expect(zip(a, b).allSatisfy { $0.logLikelihoods == $1.logLikelihoods })

        let show = await cli.run(["eval", "show", merged.runID])
        #expect(show.code == 0)
        #expect(show.out.contains("general-knowledge-cloze"))

        // `eval import` writes the same lm-eval files as `eval`: the results document equal but for
        // the run's id and date, the samples files equal line for line.
        let runs = cli.home.appendingPathComponent("runs")
        let wholeDir = runs.appendingPathComponent(whole.runID)
        let mergedDir = runs.appendingPathComponent(merged.runID)
        let names = try FileManager.default.contentsOfDirectory(atPath: wholeDir.path).filter {
            $0.hasPrefix("lm_eval") || $0.hasPrefix("samples_")
        }
        #expect(names.contains("lm_eval_results.json") && names.contains("samples_general-knowledge.jsonl"), "\(names)")
        for name in names {
            let mergedURL = mergedDir.appendingPathComponent(name)
            try #require(FileManager.default.fileExists(atPath: mergedURL.path), "eval import did not write \(name)")
            var expected = try String(contentsOf: wholeDir.appendingPathComponent(name), encoding: .utf8)
            var actual = try String(contentsOf: mergedURL, encoding: .utf8)
            if name == "lm_eval_results.json" {
                func normalised(_ text: String) throws -> JSONValue {
                    guard case .object(var o) = try JSONValue.parse(Array(text.utf8)) else { return .null }
                    o["assay_run_id"] = nil
                    o["date"] = nil
                    return .object(o)
                }
                #expect(try normalised(actual) == (try normalised(expected)), "\(name)")
                (expected, actual) = ("", "")
            }
            #expect(actual == expected, "\(name) differs between eval and eval import")
        }

        // The same shards sent to a registry reached over HTTP (`assay serve`'s API):
        // `assay eval import --server` with a submitter's token.
        #expect(await cli.run(["role", "grant", "tester", "admin"]).code == 0)
        #expect(await cli.run(["role", "grant", "pusher", "submitter"]).code == 0)
        let issued = await cli.run(["token", "create", "pusher", "--json"])
        let secret = try #require(
            (try JSONSerialization.jsonObject(with: Data(issued.out.utf8)) as? [String: Any])?["token"] as? String)
        let service = AssayService(
            pool: try RegistryPool(home: cli.home, readerCount: 2),
            options: APIOptions(suiteRoots: [Fixtures.packageRoot.appendingPathComponent("Benchmarks/Suites")]))
        let server = HTTPServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), responder: service.router)
        let port = try server.start()
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        var pusher = cli
        pusher.environment["ASSAY_TOKEN"] = secret
        // The forged shard over HTTP: refused by the server (not 201), items named, nothing written.
        try (forgedLines.joined(separator: "\n") + "\n").write(to: itemsFile, atomically: true, encoding: .utf8)
        let forgedRemote = await pusher.run([
            "eval", "import", tmp.path("out").path, "--server", "http://127.0.0.1:\(port)"
        ])
        #expect(
            forgedRemote.code == 1 && forgedRemote.err.contains("HTTP 422") && forgedRemote.err.contains(forgedIDs[0]),
            "\(forgedRemote.err)")
        try genuine.write(to: itemsFile, atomically: true, encoding: .utf8)
        let pushed = await pusher.run([
            "eval", "import", tmp.path("out").path, "--server", "http://127.0.0.1:\(port)", "--json"
        ])
        try #require(pushed.code == 0, "\(pushed.err)")
        let remote = try JSONDecoder().decode(EvaluationResults.self, from: Data(pushed.out.utf8))
        #expect(remote.runID != merged.runID)
        #expect(remote.config == whole.config)
        #expect(remote.results == whole.results)
        #expect(remote.tasks == whole.tasks)
        #expect(
            zip(a, try cli.items(remote.runID)).allSatisfy {
                $0.logLikelihoods == $1.logLikelihoods && $0.prediction == $1.prediction
            })
        // A wrong token is refused by the server (nothing written); a missing token locally.
        var intruder = cli
        intruder.environment["ASSAY_TOKEN"] = "assay_not-a-token"
        let refused = await intruder.run([
            "eval", "import", tmp.path("out").path, "--server", "http://127.0.0.1:\(port)"
        ])
        #expect(refused.code == 1 && refused.err.contains("HTTP 401"), "\(refused.err)")
        let tokenless = await cli.run(["eval", "import", tmp.path("out").path, "--server", "http://127.0.0.1:\(port)"])
        #expect(tokenless.code == 1 && tokenless.err.contains("set ASSAY_TOKEN"), "\(tokenless.err)")
        #expect(try RegistryStore(home: cli.home, actor: "t").evaluationRuns().count == 5)
    }
}
