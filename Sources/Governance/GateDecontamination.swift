import Foundation
import Registry

/// One compared run's score over all items and without the items its model's training data
/// contains (recorded by `assay eval --exclude-contaminated`), as the gate reports it.
public struct GateDecontaminatedScore: Sendable, Equatable, Codable {
    /// `candidate` or `baseline`.
    public var role: String
    public var runID: String
    public var suite: String
    /// The task's scores, as recorded (encoded flat, beside `role`, `runID` and `suite`).
    public var score: DecontaminatedScore

    enum CodingKeys: String, CodingKey { case role, runID, suite }
}

extension GateDecontaminatedScore {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        role = try c.decode(String.self, forKey: .role)
        runID = try c.decode(String.self, forKey: .runID)
        suite = try c.decode(String.self, forKey: .suite)
        score = try DecontaminatedScore(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(role, forKey: .role)
        try c.encode(runID, forKey: .runID)
        try c.encode(suite, forKey: .suite)
        try score.encode(to: encoder)
    }
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
                    out.append(GateDecontaminatedScore(role: role, runID: run, suite: c.suite, score: t))
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
        for g in scores {
            let s = g.score
            out +=
                "| \(g.role) `\(md(g.runID))` | \(md(g.suite)) | \(md(s.task)) | \(s.items) | \(Format.fixed(s.accuracy, 3)) | "
                + "\(s.cleanItems) | \(s.cleanAccuracy.map { Format.fixed($0, 3) } ?? "–") | \(s.excludedItems.count) |\n"
        }
        return out
    }
}
