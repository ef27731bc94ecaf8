import DatasetQuality
import Evaluation
import Foundation
import Registry
import TestSupport
import Testing

@testable import Governance

/// Contamination is computed incrementally: a suite registered after a dataset was checked is
/// compared with it on the next refresh, and only then (issue 14).
struct IncrementalContaminationTests {
    @Test func suiteRegisteredAfterTheCheck() throws {
        let dir = TemporaryDirectory("ds-incremental")
        let store = try RegistryStore(home: dir.path("home"), actor: "alice", create: true)
        let suiteDir = Fixtures.packageRoot.appendingPathComponent("Benchmarks/Suites/general-knowledge")
        let items = try SuiteLoader.load(directory: suiteDir).tasks.flatMap(\.items)
        let planted = try #require(items.first { ($0.question ?? "").split(separator: " ").count >= 8 })
        let file = dir.path("data.jsonl")
        let lines = [
            SyntheticText.jsonLine([
                "prompt": "Quiz: \(planted.question ?? "")", "completion": planted.choices.joined(separator: " / ")
            ]),
            SyntheticText.jsonLine(["prompt": "kalo mire tosa velo dorpi quazen", "completion": "bri fo gan hu"])
        ]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        let ref = try VersionReference(name: "quiz", version: "1")
        _ = try store.registerDatasetVersion(
            DatasetRegistration(
                reference: ref, files: try ArtifactInput.collect([file]),
                license: "MIT", containsPII: false))
        let service = DatasetQualityService(store: store)
        let (_, report) = try service.check(ref)
        #expect(report.contamination.isEmpty) // no suite registered yet
        #expect(try service.refreshContamination().updated.isEmpty)

        _ = try SuiteCatalog(store: store, bundledRoots: []).register(directory: suiteDir)
        let refreshed = try service.refreshContamination()
        #expect(refreshed.updated == [ref])
        let rows = try store.datasetContamination(ref)
        #expect(rows.map(\.suiteID) == ["general-knowledge"])
        #expect(rows.first?.items == [planted.id])
        #expect(
            try store.auditEvents().contains { $0.action == "dataset_version.contamination" && $0.subject == "quiz@1" })
        // Nothing left to compute.
        #expect(try service.refreshContamination().updated.isEmpty)
        // Data gone: named as unavailable, not fatal.
        try FileManager.default.removeItem(at: file)
        let other = dir.path("suite-copy")
        try FileManager.default.copyItem(at: suiteDir, to: other)
        var manifest = try String(contentsOf: other.appendingPathComponent("suite.json"), encoding: .utf8)
        manifest = manifest.replacingOccurrences(of: "\"version\": \"", with: "\"version\": \"9.")
        try manifest.write(to: other.appendingPathComponent("suite.json"), atomically: true, encoding: .utf8)
        _ = try SuiteCatalog(store: store, bundledRoots: []).register(directory: other)
        #expect(try service.refreshContamination().unavailable == [ref])
    }
}
