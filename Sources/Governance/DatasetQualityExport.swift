import Foundation
import JSON
import Registry

/// The latest quality check of an exported dataset (docs/datasets.md): its figures and,
/// beside them, where the report is and what it found about benchmark contamination.
public typealias ExportedDatasetQuality = Merged<DatasetQualityFigures, ExportedCheckFacts>

/// The export's members of a dataset check beside its figures.
public struct ExportedCheckFacts: Sendable, Equatable, Codable {
    public var reportSHA256: String
    public var checkedAt: String
    /// Contaminated items per suite id.
    public var contamination: [String: Int]
}

extension LineageExport {
    /// Adds dataset checks to the datasets and the decontaminated scores (`assay eval
    /// --exclude-contaminated`) to the evaluations that have them.
    mutating func attachDatasetQuality(store: RegistryStore) throws {
        for i in datasets.indices {
            guard let ref = try? VersionReference(parsing: datasets[i].reference),
                let check = try store.latestDatasetCheck(ref)
            else { continue }
            var contamination: [String: Int] = [:]
            for c in try store.datasetContamination(ref) { contamination[c.suiteID, default: 0] += c.items.count }
            datasets[i].quality = ExportedDatasetQuality(
                check.summary.base,
                ExportedCheckFacts(
                    reportSHA256: check.reportSHA256, checkedAt: check.createdAt, contamination: contamination))
        }
        var cache: [String: [DecontaminatedScore]] = [:]
        for i in evaluations.indices {
            let run = evaluations[i].runID
            if cache[run] == nil {
                cache[run] = try DatasetQualityService.recordedScores(store: store, runID: run) ?? []
            }
            guard let score = cache[run]?.first(where: { $0.task == evaluations[i].task }) else { continue }
            evaluations[i].cleanAccuracy = score.cleanAccuracy
            evaluations[i].cleanItems = score.cleanItems
            evaluations[i].excludedItems = score.excludedItems.count
        }
    }

    /// Markdown lines for the quality of datasets and the decontaminated scores (empty: none).
    var datasetQualityMarkdown: String {
        var out = ""
        let checked = datasets.filter { $0.quality != nil }
        if !checked.isEmpty {
            out +=
                "\n### Dataset quality\n\n| dataset | records | invalid | exact dup. | near dup. | personal data | SPDX | contaminated items | report |\n|---|---:|---:|---:|---:|---|---|---|---|\n"
            for d in checked {
                guard let q = d.quality else { continue }
                let pii =
                    q.piiCounts.isEmpty
                    ? "none"
                    : q.piiCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                let contamination = q.contamination.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                    separator: ", ")
                out +=
                    "| \(d.reference) | \(q.records) | \(q.invalidRecords) | \(Format.fixed(q.exactDuplicateRate * 100, 2)) % | "
                    + "\(Format.fixed(q.nearDuplicateRate * 100, 2)) % | \(pii) | \(q.licenseValid ? "valid" : "invalid") | \(contamination.isEmpty ? "–" : contamination) | `\(q.reportSHA256.prefix(12))` |\n"
            }
        }
        let clean = evaluations.filter { $0.cleanItems != nil }
        if !clean.isEmpty {
            out +=
                "\n### Without contaminated items\n\n| suite/task | all items | accuracy | clean items | clean accuracy | run |\n|---|---:|---:|---:|---:|---|\n"
            for ev in clean {
                out +=
                    "| \(ev.suite)/\(ev.task) | \(ev.items) | \(Format.fixed(ev.value, 3)) | \(ev.cleanItems ?? 0) | "
                    + "\(ev.cleanAccuracy.map { Format.fixed($0, 3) } ?? "–") | `\(ev.runID)` |\n"
            }
        }
        return out
    }
}
