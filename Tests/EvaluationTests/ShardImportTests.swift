import Foundation
import Hashing
import JSON
import Registry
import TestSupport
import Testing

@testable import Evaluation

/// `ShardImporter`: shards exported by `--shard k/n --output-dir` merge into one run equal to
/// the unsharded run; anything that is not one complete, disjoint split is refused unwritten.
struct ShardImportTests {
    /// Runs shards 1…n of the mini suite, each exported to its own directory.
    func shards(_ f: RunnerFixture, count: Int) async throws -> [URL] {
        var directories: [URL] = []
        for k in 1...count {
            let directory = f.tmp.path("split-\(count)/shard-\(k)")
            _ = try await f.run(
                EvaluationOptions(
                    shard: try Shard(index: k, count: count), batchSize: 3, useCache: false,
                    exportDirectory: directory))
            directories.append(directory)
        }
        return directories
    }

    func importing(_ f: RunnerFixture, _ urls: [URL]) throws -> EvaluationResults {
        try ShardImporter(store: f.store, outputDirectory: f.tmp.path("home"))
            .importShards(try urls.map(ShardResults.load), suite: f.suite)
    }

    func failure(_ body: () throws -> Void) -> ShardImportError? {
        do { try body() } catch let error as ShardImportError { return error } catch { return nil }
        return nil
    }

    @Test func mergedShardsEqualTheUnshardedRun() async throws {
        let f = try RunnerFixture()
        let reference = try await f.run(EvaluationOptions(batchSize: 4, useCache: false))
        let directories = try await shards(f, count: 2)
        let found = try ShardResults.discover([f.tmp.path("split-2")])
        #expect(found.map(\.lastPathComponent) == ["shard-1", "shard-2"])
        let loaded = try found.map(ShardResults.load)
        #expect(loaded.allSatisfy { !$0.items.isEmpty })

        let merged = try importing(f, directories.reversed())
        #expect(try f.table(merged.runID) == f.table(reference.runID))
        #expect(merged.results == reference.results)
        #expect(merged.tasks == reference.tasks)
        #expect(merged.config == reference.config)
        let run = try f.store.evaluationRun(merged.runID)
        #expect(run.status == .completed)
        #expect(try run.configKey == f.store.evaluationRun(reference.runID).configKey)
        #expect(run.itemsDone == reference.tasks.reduce(0) { $0 + $1.n })
        let events = try f.store.latestAuditEvents(2)
        #expect(events.map(\.action) == ["evaluation_run.import", "evaluation_run.complete"])
        let imported = try JSONValue.parse(events[0].payload).objectValue ?? [:]
        #expect(
            imported.keys.sorted() == [
                "backend", "config_key", "engine_version", "items", "model", "model_digest", "sources", "suite",
                "suite_digest"
            ])
        #expect(imported["items"] == .integer(Int64(run.itemsDone)))
        #expect(imported["config_key"] == .string(run.configKey))
        let completed = try JSONValue.parse(events[1].payload).objectValue ?? [:]
        #expect(completed.keys.sorted() == ["items", "metrics", "results_sha256"])
        #expect(completed["items"] == .integer(Int64(run.itemsDone)))
        let files = f.tmp.path("home/runs/\(merged.runID)")
        #expect(FileManager.default.fileExists(atPath: files.appendingPathComponent("results.json").path))
        let jsonl = try String(contentsOf: files.appendingPathComponent("items.jsonl"), encoding: .utf8)
        #expect(jsonl.split(separator: "\n").count == run.itemsDone)

        // Latency pools the shards' measured items (each shard left out its own warm-up);
        // energy adds up.
        let latency = merged.latency
        #expect(latency.warmupItemsExcluded == loaded.reduce(0) { $0 + $1.results.latency.warmupItemsExcluded })
        #expect(latency.measuredItems == loaded.reduce(0) { $0 + $1.results.latency.measuredItems })
        #expect(abs(merged.energy.joules - loaded.reduce(0) { $0 + $1.results.energy.joules }) < 1e-9)
        #expect(merged.energy.items == run.itemsDone)
        #expect(merged.energy.method == "estimated:cpu-tdp")
    }

    /// Issue 11 acceptance 5: a shard whose items claim correct answers they did not give is
    /// refused, naming the items, and nothing is written; the genuine shards still merge.
    @Test func forgedItemsAreRefusedNamingThemAndGenuineShardsStillMerge() async throws {
        let f = try RunnerFixture()
        let reference = try await f.run(EvaluationOptions(batchSize: 4, useCache: false))
        let directories = try await shards(f, count: 2)
        let itemsURL = directories[0].appendingPathComponent("items.jsonl")
        let genuine = try String(contentsOf: itemsURL, encoding: .utf8)
        // Forge: every wrong item set to "correct": true, score 1 (prediction and log-likelihoods unchanged).
        var forgedIDs: [String] = []
        var lines: [String] = []
        for line in genuine.split(separator: "\n") {
            var item = try JSONDecoder().decode(ItemResult.self, from: Data(line.utf8))
            if !item.correct {
                item.correct = true
                item.score = 1
                forgedIDs.append("\(item.task)/\(item.item)")
            }
            lines.append(String(decoding: try JSONEncoder().encode(item), as: UTF8.self))
        }
        try #require(!forgedIDs.isEmpty, "the fixture needs at least one wrong item in shard 1")
        try (lines.joined(separator: "\n") + "\n").write(to: itemsURL, atomically: true, encoding: .utf8)
        let before = try f.store.evaluationRuns(limit: 1000).count
        let error = failure { _ = try importing(f, directories) }
        guard case .inconsistentItems(let count, let ids, _)? = error else {
            Issue.record("expected inconsistentItems, got \(String(describing: error))")
            return
        }
        #expect(count == forgedIDs.count)
        #expect(Set(ids) == Set(forgedIDs))
        #expect(error?.description.contains(forgedIDs[0]) == true)
        #expect(try f.store.evaluationRuns(limit: 1000).count == before)

        // Forge differently: the prediction moved to the target (log-likelihoods still say otherwise).
        var moved: [String] = []
        var movedLines: [String] = []
        for line in genuine.split(separator: "\n") {
            var item = try JSONDecoder().decode(ItemResult.self, from: Data(line.utf8))
            if !item.correct && item.logLikelihoods != nil {
                item.prediction = item.target
                item.correct = true
                item.score = 1
                moved.append("\(item.task)/\(item.item)")
            }
            movedLines.append(String(decoding: try JSONEncoder().encode(item), as: UTF8.self))
        }
        if !moved.isEmpty {
            try (movedLines.joined(separator: "\n") + "\n").write(to: itemsURL, atomically: true, encoding: .utf8)
            guard case .inconsistentItems(_, let ids, _)? = failure({ _ = try importing(f, directories) }) else {
                Issue.record("a prediction contradicting its log-likelihoods was accepted")
                return
            }
            #expect(Set(ids) == Set(moved))
        }

        // The genuine shard merges, equal to the unsharded run.
        try genuine.write(to: itemsURL, atomically: true, encoding: .utf8)
        let merged = try importing(f, directories)
        #expect(try f.table(merged.runID) == f.table(reference.runID))
        #expect(merged.results == reference.results)
    }

    @Test func incompleteOverlappingOrMismatchedShardsAreRefusedUnwritten() async throws {
        let f = try RunnerFixture()
        let two = try await shards(f, count: 2)
        let three = try await shards(f, count: 3)
        let runsBefore = try f.store.evaluationRuns().count
        let auditBefore = try f.store.auditEvents().count

        #expect(failure { _ = try importing(f, [two[0]]) } == .missingShards(["2/2"]))
        #expect(failure { _ = try importing(f, [three[0], three[2]]) } == .missingShards(["2/3"]))
        #expect(
            failure { _ = try importing(f, [two[0], two[0], two[1]]) }
                == .duplicateShard(shard: "1/2", sources: [two[0].path, two[0].path]))
        #expect(
            failure { _ = try importing(f, [two[0], three[1], three[2]]) }
                == .differentSplits("1/2, 2/3, 3/3"))

        // A shard of another suite version: same files, different digest.
        let other = f.tmp.path("other-suite")
        try FileManager.default.copyItem(at: two[1], to: other)
        let resultsURL = other.appendingPathComponent("results.json")
        let text = try String(contentsOf: resultsURL, encoding: .utf8)
        let digest = f.suite.digest
        try Data(text.replacingOccurrences(of: digest, with: String(repeating: "0", count: 64)).utf8).write(
            to: resultsURL)
        guard case .mismatch(let what, _, _, _, _)? = failure({ _ = try importing(f, [two[0], other]) }) else {
            Issue.record("a different suite digest was not refused")
            return
        }
        #expect(what == "suite digest")

        // An item of shard 1 smuggled into shard 2.
        let smuggled = f.tmp.path("smuggled")
        try FileManager.default.copyItem(at: two[1], to: smuggled)
        let stray = try #require(
            try String(contentsOf: two[0].appendingPathComponent("items.jsonl"), encoding: .utf8)
                .split(separator: "\n").first)
        let handle = try FileHandle(forWritingTo: smuggled.appendingPathComponent("items.jsonl"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((stray + "\n").utf8))
        try handle.close()
        guard case .inconsistentShard? = failure({ _ = try importing(f, [two[0], smuggled]) }) else {
            Issue.record("an overlapping item was not refused")
            return
        }

        #expect(try f.store.evaluationRuns().count == runsBefore)
        #expect(try f.store.auditEvents().count == auditBefore)
        // The good pair still imports afterwards.
        _ = try importing(f, two)
        #expect(try f.store.evaluationRuns().count == runsBefore + 1)
    }
}
