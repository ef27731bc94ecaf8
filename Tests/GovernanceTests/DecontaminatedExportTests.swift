import Foundation
import JSON
import Registry
import TestSupport
import Testing

@testable import Governance

/// The exports (JSON and Markdown) show both scores of a run scored with
/// `assay eval --exclude-contaminated` (issue 14).
struct DecontaminatedExportTests {
    @Test func exportsCarryTheScoreWithoutContaminatedItems() throws {
        let dir = TemporaryDirectory("export-decontaminated")
        let store = try RegistryStore(home: dir.path("home"), actor: "alice", create: true)
        let recorded = DecontaminationReport(
            runID: "run-gk", model: try VersionReference(parsing: "smollm2@q8_0"), suite: "general-knowledge",
            datasets: [try VersionReference(parsing: "tickets@1")],
            tasks: [
                DecontaminatedScore(
                    task: "general-knowledge", items: 136, accuracy: 0.3125, cleanItems: 130,
                    cleanAccuracy: 0.3, excludedItems: (0..<6).map { "gk-\($0)" })
            ])
        _ = try store.write { tx in
            try tx.appendAudit(
                action: "evaluation_run.decontaminated", subject: "run-gk",
                payload: DatasetQualityService.payload(recorded))
        }
        var export = ExportTests.sample()
        export.datasets = [] // (not registered in this store; the dataset half is ContaminationAcceptanceTests')
        try export.attachDatasetQuality(store: store)
        let gk = try #require(export.evaluations.first { $0.runID == "run-gk" })
        #expect(gk.value == 0.3125 && gk.cleanAccuracy == 0.3 && gk.cleanItems == 130 && gk.excludedItems == 6)
        #expect(export.evaluations.first { $0.runID == "run-si" }?.cleanAccuracy == nil)
        let json = try JSONValue.parse(try ExportRenderer.json(export))
        guard case .array(let evaluations)? = json.objectValue?["evaluations"],
            let first = evaluations.first(where: { $0.objectValue?["runID"] == "run-gk" })?.objectValue
        else {
            Issue.record("no run-gk in the JSON export")
            return
        }
        #expect(first["cleanItems"] == .integer(130))
        #expect(first["excludedItems"] == .integer(6))
        #expect(first["cleanAccuracy"] != nil && first["value"] != nil)
        let markdown = ExportRenderer.markdown(export)
        #expect(markdown.contains("### Without contaminated items"))
        #expect(markdown.contains("| general-knowledge/general-knowledge | 136 | "), "\(markdown)")
        #expect(markdown.contains(" | 130 | 0.300 | `run-gk` |"), "\(markdown)")
    }
}
