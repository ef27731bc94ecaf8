import Foundation
import InferenceCore
import JSON
import Registry
import TestSupport
import Testing

@testable import Evaluation

/// A registry with one model version and the mini suite, plus the n-gram backend.
struct RunnerFixture {
    let tmp = TemporaryDirectory("runner")
    let store: RegistryStore
    let suite: Suite
    let model: VersionReference

    static let corpus = """
        Capital of q1? Rome. The answer is B. Text: message number 3 Answer: yes. Invoice INV-1 number? INV-1.
        The following are multiple choice questions (with answers) about world geography. Answer: B. Answer: A.
        Text: message number 6 Answer: yes. Text: message number 7 Answer: no. A: INV-2 A: INV-3 Paris Oslo Bern.
        """

    init() throws {
        store = try RegistryStore(home: tmp.path("home"), actor: "tester", create: true)
        let weights = tmp.path("tiny.bin")
        try Data("not really weights".utf8).write(to: weights)
        model = try VersionReference(name: "tiny", version: "1")
        _ = try store.registerModelVersion(
            ModelRegistration(
                reference: model, files: [ArtifactInput(url: weights, relativePath: "tiny.bin")]))
        suite = try SuiteLoader.load(directory: try SuiteFiles.write(SuiteFiles.files, to: tmp.path("mini")))
    }

    func backend(threads: Int = 1) -> CharacterNgramBackend {
        CharacterNgramBackend(corpus: Self.corpus, threads: threads)
    }

    func run(_ options: EvaluationOptions, threads: Int = 1) async throws -> EvaluationResults {
        var options = options
        options.energy = EnergyMeter(powercapRoot: tmp.path("no-powercap"), baselineSeconds: 0)
        options.outputDirectory = tmp.path("home")
        return try await EvaluationRunner(store: store, backend: backend(threads: threads)).run(
            model: model, suite: suite, options: options)
    }

    /// The per-item table without timing: what must not depend on threads, batches or interruption.
    func table(_ run: String) throws -> [String] {
        try EvaluationRunner.loadItems(store: store, run: run).map { r in
            "\(r.task)|\(r.item)|\(r.index)|\(r.prediction)|\(r.predictionNorm ?? "-")|\(r.correct)|\(r.score)|"
                + "\(r.logLikelihoods?.map { String($0) }.joined(separator: ",") ?? "")|\(r.generated ?? "")"
        }
    }
}

struct EvaluationRunnerTests {
    @Test func runScoresEveryTaskAndWritesResultsAndItems() async throws {
        let f = try RunnerFixture()
        let results = try await f.run(EvaluationOptions(batchSize: 4))
        #expect(results.tasks.map(\.task) == ["mc", "cls", "gen"])
        #expect(results.tasks.map(\.n) == [12, 10, 6])
        let mc = try #require(results.tasks.first)
        #expect(mc.metrics["acc"] != nil && mc.metrics["acc_norm"] != nil)
        #expect(Set(mc.subjects?.keys.map { $0 } ?? []) == ["world_geography", "biology"])
        #expect(results.tasks[1].classification?.confusion.count == 2)
        #expect(results.tasks[1].metrics["macro_f1"] != nil)
        #expect(results.tasks[2].metrics["exact_match"]?.clusterRobust == true)
        #expect(results.results["mc"]?["acc_stderr"] != nil)
        #expect(results.energy.method == "estimated:cpu-tdp")
        #expect(!results.energy.assumptions.isEmpty)
        #expect(results.latency.warmupItemsExcluded == 2)
        #expect(results.latency.measuredItems == 26)
        #expect(results.model.digest.count == 64)
        #expect(results.suite.digest == f.suite.digest)

        let run = try f.store.evaluationRun(results.runID)
        #expect(run.status == .completed)
        #expect(run.itemsDone == 28)
        let dir = f.tmp.path("home/runs/\(results.runID)")
        let jsonl = try String(contentsOf: dir.appendingPathComponent("items.jsonl"), encoding: .utf8)
        #expect(jsonl.split(separator: "\n").count == 28)
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("results.json")))
            as? [String: Any]
        #expect((json?["energy"] as? [String: Any])?["method"] as? String == "estimated:cpu-tdp")
        let actions = try f.store.auditEvents().map(\.action)
        #expect(actions.contains("evaluation_run.start") && actions.contains("evaluation_run.complete"))
        let start = try #require(try f.store.auditEvents().first { $0.action == "evaluation_run.start" })
        let payload = try JSONValue.parse(start.payload).objectValue ?? [:]
        #expect(
            payload.keys.sorted() == [
                "config_key", "engine_version", "items", "model", "model_digest", "suite", "suite_digest"
            ])
        #expect(payload["items"] == .integer(28))
    }

    @Test func predictionsDoNotDependOnBatchSizeOrThreads() async throws {
        let a = try RunnerFixture()
        let b = try RunnerFixture()
        let one = try await a.run(EvaluationOptions(batchSize: 1, useCache: false), threads: 1)
        let seven = try await b.run(EvaluationOptions(batchSize: 7, useCache: false), threads: 2)
        let tableA = try a.table(one.runID)
        let tableB = try b.table(seven.runID)
        #expect(tableA.count == 28)
        #expect(tableA == tableB)
        #expect(one.latency.threads == 1 && seven.latency.threads == 2)
    }

    @Test func anInterruptedRunResumesWithNothingLostOrDoubled() async throws {
        let reference = try RunnerFixture()
        let full = try await reference.run(EvaluationOptions(batchSize: 3))

        let f = try RunnerFixture()
        await #expect(throws: CancellationError.self) {
            _ = try await f.run(EvaluationOptions(batchSize: 3, stopAfterBatches: 2))
        }
        let partial = try f.store.evaluationRuns()
        #expect(partial.count == 1)
        #expect(partial[0].status == .running)
        #expect(partial[0].itemsDone == 6)
        let resumed = try await f.run(EvaluationOptions(batchSize: 5, requireResume: true))
        #expect(resumed.runID == partial[0].id)
        #expect(resumed.resumedItems == 6)
        #expect(resumed.sessionItems == 22)
        let resumedTable = try f.table(resumed.runID)
        let fullTable = try reference.table(full.runID)
        #expect(resumedTable == fullTable)
        #expect(try f.store.evaluationRuns().count == 1)
    }

    @Test func resumeWithoutAnUnfinishedRunIsAnError() async throws {
        let f = try RunnerFixture()
        await #expect(throws: EvaluationError.self) {
            _ = try await f.run(EvaluationOptions(requireResume: true))
        }
    }

    @Test func theRequestCacheMakesRerunsFree() async throws {
        let f = try RunnerFixture()
        let first = try await f.run(EvaluationOptions())
        let second = try await f.run(EvaluationOptions())
        #expect(second.runID != first.runID)
        let items = try EvaluationRunner.loadItems(store: f.store, run: second.runID)
        #expect(items.allSatisfy { $0.cached })
        #expect(second.latency.cachedItemsExcluded == 28)
        let tableFirst = try f.table(first.runID)
        let tableSecond = try f.table(second.runID)
        #expect(tableFirst == tableSecond)
    }

    @Test func shardsPartitionTheItems() async throws {
        let f = try RunnerFixture()
        let s1 = try await f.run(EvaluationOptions(shard: try Shard(parsing: "1/2")))
        let s2 = try await f.run(EvaluationOptions(shard: try Shard(parsing: "2/2")))
        let a = Set(try f.table(s1.runID))
        let b = Set(try f.table(s2.runID))
        #expect(a.isDisjoint(with: b))
        #expect(a.count + b.count == 28)
        #expect(!a.isEmpty && !b.isEmpty)
        #expect(throws: EvaluationError.invalidShard("3/2")) { try Shard(parsing: "3/2") }
    }

    @Test func limitAndTaskSelection() async throws {
        let f = try RunnerFixture()
        let results = try await f.run(EvaluationOptions(tasks: ["cls"], limit: 4, shots: 0))
        #expect(results.tasks.map(\.task) == ["cls"])
        #expect(results.tasks[0].n == 4)
        await #expect(throws: EvaluationError.unknownTask(suite: "mini", task: "nope")) {
            _ = try await f.run(EvaluationOptions(tasks: ["nope"]))
        }
    }
}
