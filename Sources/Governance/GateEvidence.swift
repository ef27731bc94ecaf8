import Evaluation
import Foundation
import Registry

/// Assembles a `GateInput` from completed evaluation runs in the registry.
public enum GateEvidenceBuilder {
    /// What could not be found (reported as gate errors by the caller).
    public struct Missing: Sendable, Equatable, Codable {
        public var reference: String
        public var suite: String
    }

    /// The newest completed run of `reference` on each suite in `suites`; per-item outcomes keyed
    /// `task/item`; candidate metrics from the run's results (a suite with one task reports that
    /// task's metrics under their own names). Latency p95 is the largest per-suite end-to-end
    /// p95 (ms); energy is the item-weighted mean of Wh/1000 items over runs that measured it.
    public static func build(store: RegistryStore, candidate: VersionReference, baseline: VersionReference,
                             baselineVia: String?, suites: [String]) throws -> (GateInput, [Missing]) {
        let cand = try store.modelVersion(candidate)
        let base = try store.modelVersion(baseline)
        var missing: [Missing] = []
        var evidence: [SuiteEvidence] = []
        let candRuns = try latestRuns(store: store, reference: candidate, suites: suites)
        let baseRuns = try latestRuns(store: store, reference: baseline, suites: suites)
        var latencies: [Double] = []
        var energy: [(Double, Int)] = []
        for suite in suites {
            guard let c = candRuns[suite] else { missing.append(Missing(reference: candidate.description, suite: suite)); continue }
            guard let b = baseRuns[suite] else { missing.append(Missing(reference: baseline.description, suite: suite)); continue }
            let cItems = try outcomes(store: store, run: c.id)
            let bItems = try outcomes(store: store, run: b.id)
            var metrics: [String: Double] = [:]
            if let results = decode(c) {
                if results.tasks.count == 1, let task = results.tasks.first {
                    for (name, value) in task.metrics { metrics[name] = value.value }
                }
                if let p95 = results.latency.endToEndSeconds?.p95 { latencies.append(p95 * 1000) }
                if let wh = results.energy.whPer1000Items { energy.append((wh, max(1, results.energy.items))) }
            }
            evidence.append(SuiteEvidence(suite: suite, candidateRunID: c.id, baselineRunID: b.id,
                                          candidateOutcomes: cItems, baselineOutcomes: bItems, candidateMetrics: metrics))
        }
        let totalItems = energy.reduce(0) { $0 + $1.1 }
        let wh = totalItems > 0 ? energy.reduce(0.0) { $0 + $1.0 * Double($1.1) } / Double(totalItems) : nil
        let input = GateInput(
            candidate: GateSubject(reference: candidate.description, digest: cand.digest),
            baseline: GateSubject(reference: baseline.description, digest: base.digest, via: baselineVia),
            suites: evidence,
            candidatePerformance: PerformanceSummary(latencyP95Ms: latencies.max(), energyWhPer1000Items: wh))
        return (input, missing)
    }

    /// The newest completed run of each of `suites` for `reference`.
    public static func latestRuns(store: RegistryStore, reference: VersionReference, suites: [String]) throws -> [String: EvaluationRunRecord] {
        var out: [String: EvaluationRunRecord] = [:]
        for run in try store.evaluationRuns(model: reference, limit: 10_000) where run.status == .completed && suites.contains(run.suiteID) {
            if let existing = out[run.suiteID], (existing.finishedAt ?? "") >= (run.finishedAt ?? "") { continue }
            out[run.suiteID] = run
        }
        return out
    }

    static func outcomes(store: RegistryStore, run: String) throws -> [String: Bool] {
        var out: [String: Bool] = [:]
        for item in try store.evaluationItems(run: run) { out["\(item.task)/\(item.item)"] = item.correct }
        return out
    }

    static func decode(_ run: EvaluationRunRecord) -> EvaluationResults? {
        guard let text = run.results else { return nil }
        return try? JSONDecoder().decode(EvaluationResults.self, from: Data(text.utf8))
    }
}
