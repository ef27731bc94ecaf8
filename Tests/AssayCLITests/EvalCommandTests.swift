import Foundation
import Registry
import Storage
import TestSupport
import Testing

@testable import AssayCLI
@testable import Evaluation

/// `assay suite …` and `assay eval …`: in-process for validation and bookkeeping, as separate
/// processes (the built binary, the real SmolLM2 model) for kill -9 / resume and invariance.
struct EvalCommandTests {
    func run(_ argv: [String], home: URL, cwd: URL? = nil) async -> (code: Int32, out: String, err: String) {
        let sink = OutputSink.capturing()
        let code = await AssayCommandLine.run(
            argv, environment: ["ASSAY_HOME": home.path, "ASSAY_ACTOR": "tester"],
            output: sink, workingDirectory: cwd ?? Fixtures.packageRoot)
        return (code, sink.stdout, sink.stderr)
    }

    func writeSuite(_ dir: URL, badLine: Bool) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let manifest = """
            {"format": "assay-suite/1", "id": "tiny", "version": "1.0.0", "title": "T", "description": "d",
             "license": "MIT", "source": "test",
             "tasks": [{"id": "tiny", "kind": "multiple_choice", "items": "items.jsonl"}]}
            """
        let good = #"{"id": "a", "subject": "s", "question": "Q?", "choices": ["1", "2", "3", "4"], "answer": "A"}"#
        let bad = #"{"id": "b", "subject": "s", "question": "Q?", "choices": ["1", "2", "3", "4"], "answer": "Z"}"#
        try Data(manifest.utf8).write(to: dir.appendingPathComponent("suite.json"))
        try Data((good + "\n" + (badLine ? bad : good.replacingOccurrences(of: "\"a\"", with: "\"b\"")) + "\n").utf8)
            .write(to: dir.appendingPathComponent("items.jsonl"))
    }

    @Test func malformedSuiteIsRejectedWithFileLineReasonAndNothingWritten() async throws {
        let tmp = TemporaryDirectory("suitecli")
        let home = tmp.path("home")
        #expect(await run(["init", "--trust-actor-env"], home: home).code == 0)
        try writeSuite(tmp.path("tiny"), badLine: true)
        let auditBefore = try RegistryStore(home: home, actor: "t").auditEvents().count
        let result = await run(["suite", "register", tmp.path("tiny").path], home: home)
        #expect(result.code == 1)
        #expect(result.err.contains("items.jsonl:2: unknown answer label 'Z'"), "\(result.err)")
        let store = try RegistryStore(home: home, actor: "t")
        #expect(try store.suites().isEmpty)
        #expect(try store.auditEvents().count == auditBefore)
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("suites").path))
    }

    @Test func validSuiteRegistersOnceAndIsListedAndShown() async throws {
        let tmp = TemporaryDirectory("suitecli")
        let home = tmp.path("home")
        #expect(await run(["init", "--trust-actor-env"], home: home).code == 0)
        try writeSuite(tmp.path("tiny"), badLine: false)
        let first = await run(["suite", "register", tmp.path("tiny").path], home: home)
        #expect(first.code == 0)
        #expect(first.out.hasPrefix("Registered suite tiny@1.0.0"))
        let again = await run(["suite", "register", tmp.path("tiny").path], home: home)
        #expect(again.out.hasPrefix("Already registered"))
        let list = await run(["suite", "list", "--json"], home: home)
        #expect(list.out.contains("\"id\" : \"tiny\""))
        #expect(list.out.contains("general-knowledge")) // bundled, not registered yet
        let show = await run(["suite", "show", "general-knowledge"], home: home)
        #expect(show.code == 0)
        #expect(show.out.contains("general-knowledge-cloze"))
        // Changing the content under the same version is refused.
        try Data("\n".utf8).write(to: tmp.path("tiny/NOTES.txt"))
        let conflict = await run(["suite", "register", tmp.path("tiny").path], home: home)
        #expect(conflict.code == 1)
        #expect(conflict.err.contains("already registered with different content"))
    }

    @Test func evalArgumentErrorsAreUsageErrors() async throws {
        let tmp = TemporaryDirectory("evalcli")
        let home = tmp.path("home")
        #expect(await run(["init", "--trust-actor-env"], home: home).code == 0)
        #expect(await run(["eval", "--suite", "x"], home: home).code == 2)
        #expect(await run(["eval", "--model", "a@1", "--suite", "x", "--shard", "0/2"], home: home).code == 2)
        let show = await run(["eval", "show", "run-nope"], home: home)
        #expect(show.code == 1)
        #expect(show.err.contains("unknown evaluation run 'run-nope'"))
    }

    // MARK: processes with the real model

    static func launch(_ binary: URL, _ args: [String], home: URL) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["ASSAY_HOME"] = home.path
        env["ASSAY_ACTOR"] = "proc"
        env["ASSAY_SUITES_DIR"] = Fixtures.packageRoot.appendingPathComponent("Benchmarks/Suites").path
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func runToEnd(_ binary: URL, _ args: [String], home: URL) throws -> Int32 {
        let p = try launch(binary, args, home: home)
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// Polls the registry every 20 ms from this thread (not with `Task.sleep`: under a parallel
    /// test run the cooperative pool can be busy for seconds, long enough for the child to
    /// finish) until `n` items are stored or the child exits; returns the count last seen.
    static func waitForStoredItems(_ home: URL, atLeast n: Int, while process: Process, timeout: TimeInterval) -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        var probe: Database?
        var stored = 0
        while process.isRunning && Date() < deadline {
            if probe == nil {
                probe = try? Database(
                    path: home.appendingPathComponent("registry.sqlite").path,
                    busyTimeout: .milliseconds(200), readOnly: true)
            }
            if let count = try? probe?.scalar("SELECT COUNT(*) FROM evaluation_items", as: Int64.self) {
                stored = Int(count)
                if stored >= n { return stored }
            }
            usleep(20_000)
        }
        return stored
    }

    /// The per-item table of the only run in `home`.
    static func table(home: URL) throws -> (run: String, rows: [ItemResult]) {
        let store = try RegistryStore(home: home, actor: "t")
        let runs = try store.evaluationRuns()
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        #expect(run.status == .completed)
        return (
            run.id,
            try EvaluationRunner.loadItems(store: store, run: run.id).sorted {
                ($0.task, $0.index) < ($1.task, $1.index)
            }
        )
    }

    /// Acceptance 1 and 4: kill -9 mid-run, re-run → same run id, final per-item table identical
    /// to an uninterrupted run made with a different thread count and batch size.
    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI), .timeLimit(.minutes(20)))
    func killNineResumeAndThreadAndBatchInvariance() async throws {
        let model = try Fixtures.requireSmolLM()
        let binary = try RegistryProcessTests.requireBinary()
        let tmp = TemporaryDirectory("evalproc")
        let common = [
            "--model", "smollm2@q4_1", "--suite", "general-knowledge", "--task", "general-knowledge",
            "--limit", "10", "--quiet"
        ]
        for home in [tmp.path("a"), tmp.path("b")] {
            #expect(try Self.runToEnd(binary, ["init", "--trust-actor-env"], home: home) == 0)
            #expect(try Self.runToEnd(binary, ["model", "register", "smollm2@q4_1", model.path], home: home) == 0)
        }

        // Uninterrupted: 1 thread, batches of 4.
        #expect(
            try Self.runToEnd(binary, ["eval"] + common + ["--threads", "1", "--batch-size", "4"], home: tmp.path("b"))
                == 0)
        let reference = try Self.table(home: tmp.path("b"))
        #expect(reference.rows.count == 10)

        // Interrupted: 2 threads, batches of 1, killed with SIGKILL once at least 3 items are stored.
        let victim = try Self.launch(
            binary, ["eval"] + common + ["--threads", "2", "--batch-size", "1"], home: tmp.path("a"))
        let stored = Self.waitForStoredItems(tmp.path("a"), atLeast: 3, while: victim, timeout: 600)
        #expect(victim.isRunning, "the run finished before it could be killed (\(stored) items seen)")
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        #expect(victim.terminationReason == .uncaughtSignal)
        let partial = try RegistryStore(home: tmp.path("a"), actor: "t").evaluationRuns()
        #expect(partial.count == 1 && partial[0].status == .running && partial[0].itemsDone < 10)

        // Re-run the same command (different batch size): resumes the same run.
        #expect(
            try Self.runToEnd(
                binary, ["eval"] + common + ["--threads", "2", "--batch-size", "3", "--resume"],
                home: tmp.path("a")) == 0)
        let resumed = try Self.table(home: tmp.path("a"))
        #expect(resumed.run == partial[0].id)
        #expect(resumed.rows.map(\.item) == reference.rows.map(\.item))
        #expect(resumed.rows.map(\.prediction) == reference.rows.map(\.prediction))
        #expect(resumed.rows.map(\.predictionNorm) == reference.rows.map(\.predictionNorm))
        for (x, y) in zip(resumed.rows, reference.rows) {
            let a = x.logLikelihoods ?? []
            let b = y.logLikelihoods ?? []
            #expect(a.count == 4 && a.count == b.count)
            #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-6 }, "\(x.item): \(a) vs \(b)")
        }
        let results = try #require(
            try RegistryStore(home: tmp.path("a"), actor: "t").evaluationRun(resumed.run).results)
        #expect(
            results.contains("\"method\" : \"estimated:cpu-tdp\"") || results.contains("\"method\" : \"measured:rapl\"")
        )
    }
}
