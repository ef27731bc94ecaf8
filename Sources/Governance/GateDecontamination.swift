import Foundation
import Registry

/// One compared run's score over all items and without the items its model's training data
/// contains (recorded by `assay eval --exclude-contaminated`), as the gate reports it.
public struct GateDecontaminatedScore: Sendable, Equatable, Codable {
    /// `candidate` or `baseline`.
    public var role: String
    public var runID: String
    public var suite: String
    public var task: String
    public var items: Int
    public var accuracy: Double
    public var cleanItems: Int
    /// nil when every item was contaminated.
    public var cleanAccuracy: Double?
    public var excludedItems: [String]
}

extension GateDecision {
    /// Attaches both scores of every compared run that has a recorded
    /// `evaluation_run.decontaminated` event (candidate runs first, in comparison order).
    /// Leaves `decontaminated` nil when no compared run has one.
    public mutating func attachDecontaminatedScores(store: RegistryStore) throws {
        var out: [GateDecontaminatedScore] = []
        var seen = Set<String>()
        for role in ["candidate", "baseline"] {
            for c in comparisons {
                guard let run = role == "candidate" ? c.candidateRunID : c.baselineRunID, seen.insert(run).inserted,
                    let scores = try DatasetQualityService.recordedScores(store: store, runID: run)
                else { continue }
                for t in scores {
                    out.append(
                        GateDecontaminatedScore(
                            role: role, runID: run, suite: c.suite, task: t.task, items: t.items,
                            accuracy: t.accuracy, cleanItems: t.cleanItems,
                            cleanAccuracy: t.cleanAccuracy, excludedItems: t.excludedItems))
                }
            }
        }
        decontaminated = out.isEmpty ? nil : out
    }
}

extension GateReport {
    /// The Markdown section for `GateDecision.decontaminated` (empty when there is none).
    static func decontaminatedMarkdown(_ d: GateDecision) -> String {
        guard let scores = d.decontaminated, !scores.isEmpty else { return "" }
        var out = "\n### Without contaminated items (`assay eval --exclude-contaminated`)\n\n"
        out += "| run | suite | task | all items | accuracy | clean items | clean accuracy | excluded |\n"
        out += "|---|---|---|---:|---:|---:|---:|---:|\n"
        for s in scores {
            out +=
                "| \(s.role) `\(md(s.runID))` | \(md(s.suite)) | \(md(s.task)) | \(s.items) | \(Format.fixed(s.accuracy, 3)) | "
                + "\(s.cleanItems) | \(s.cleanAccuracy.map { Format.fixed($0, 3) } ?? "–") | \(s.excludedItems.count) |\n"
        }
        return out
    }
}
