import Evaluation
import Foundation
import Registry

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Assembles a `GateInput` from completed evaluation runs in the registry.
public enum GateEvidenceBuilder {
    /// A required (version, suite) without a qualifying run (reported as gate errors by the caller).
    public struct Missing: Sendable, Equatable, Codable {
        public var reference: String
        public var suite: String
        /// Why no run qualifies (e.g. "run r-12 has 2 items per task; the policy needs ≥ 30").
        public var reason: String

        public init(reference: String, suite: String, reason: String = "no completed run") {
            self.reference = reference
            self.suite = suite
            self.reason = reason
        }
    }

    /// Why a run does not count as evidence under `requirements`, or nil when it qualifies:
    /// it must be completed, on exactly `digest`, unsharded, with every selected item recorded,
    /// cover the full suite (or the minimum item count per task), use the required shots and
    /// backend, and — when native runs are required — be computed here, not imported.
    public static func disqualification(
        _ run: EvaluationRunRecord, digest: String, requirements: EvaluationRequirements,
        imported: Bool, rescored: Bool = false
    ) -> String? {
        guard run.status == .completed else { return "run \(run.id) is not completed" }
        guard run.modelDigest == digest else {
            return "run \(run.id) evaluated digest \(run.modelDigest.prefix(12)), not \(digest.prefix(12))"
        }
        guard let results = decode(run) else { return "run \(run.id) has no readable results" }
        if results.config.shard != nil {
            return "run \(run.id) is one shard (\(results.config.shard ?? "")); import all shards first"
        }
        if run.itemsDone < run.itemTotal { return "run \(run.id) recorded \(run.itemsDone) of \(run.itemTotal) items" }
        if let minItems = requirements.minItems {
            if let small = results.tasks.first(where: { $0.n < minItems }) {
                return
                    "run \(run.id) has \(small.n) items in task \(small.task); the policy needs ≥ \(minItems) per task"
            }
        } else if let limit = results.config.limit {
            return "run \(run.id) was limited to \(limit) items per task; the policy needs the full suite"
        }
        if let shots = requirements.shots, let other = results.tasks.first(where: { $0.shots != shots }) {
            return
                "run \(run.id) used \(other.shots)-shot prompts in task \(other.task); the policy needs \(shots)-shot"
        }
        if let backend = requirements.backend, run.backend != backend {
            return "run \(run.id) used backend \(run.backend); the policy needs \(backend)"
        }
        if requirements.requireNative {
            if run.backend != "native" {
                return "run \(run.id) used backend \(run.backend); the policy needs native runs"
            }
            if imported { return "run \(run.id) was imported; the policy needs runs computed by this registry" }
        }
        if let k = requirements.rescoreSample, imported || run.backend != "native", !rescored {
            return
                "run \(run.id) was \(imported ? "imported" : "scored by backend \(run.backend)") and has not passed a native re-score of \(k) sampled items (assay gate re-scores it)"
        }
        return nil
    }

    /// The qualifying run of each suite for a version: the one with the most items, then the
    /// newest. Suites without one map to the reasons their runs were refused.
    public static func qualifyingRuns(
        store: RegistryStore, reference: VersionReference, digest: String, suites: [String],
        requirements: EvaluationRequirements
    ) throws -> (runs: [String: EvaluationRunRecord], refused: [String: [String]]) {
        let (imported, rescored) = try store.read { db in
            (try GovernanceRecords.importedRuns(db), try GovernanceRecords.rescoredRuns(db))
        }
        var out: [String: EvaluationRunRecord] = [:]
        var refused: [String: [String]] = [:]
        for run in try store.evaluationRuns(model: reference, limit: 10_000) where suites.contains(run.suiteID) {
            if let reason = disqualification(
                run, digest: digest, requirements: requirements, imported: imported[run.id] != nil,
                rescored: rescored[run.id] == true)
            {
                refused[run.suiteID, default: []].append(reason)
                continue
            }
            if let existing = out[run.suiteID] {
                let a = (existing.itemTotal, existing.finishedAt ?? "")
                let b = (run.itemTotal, run.finishedAt ?? "")
                if a >= b { continue }
            }
            out[run.suiteID] = run
        }
        return (out, refused)
    }

    /// Builds the gate input: per required suite the qualifying runs of both versions, one
    /// evidence entry per task of the candidate's run (outcomes keyed by item id, metric = the
    /// task's per-item metric), the candidate's task metrics; latency p95 = the largest
    /// per-suite end-to-end p95 (ms) with the machine load of those runs; energy = the
    /// item-weighted mean of Wh/1000 items over native runs that measured it.
    public static func build(
        store: RegistryStore, candidate: VersionReference, baseline: VersionReference,
        baselineVia: String?, suites: [String],
        requirements: EvaluationRequirements, settings: GateSettings
    ) throws -> (GateInput, [Missing]) {
        let cand = try store.modelVersion(candidate)
        let base = try store.modelVersion(baseline)
        var missing: [Missing] = []
        var evidence: [SuiteEvidence] = []
        let (candRuns, candRefused) = try qualifyingRuns(
            store: store, reference: candidate, digest: cand.digest,
            suites: suites, requirements: requirements)
        let (baseRuns, baseRefused) = try qualifyingRuns(
            store: store, reference: baseline, digest: base.digest,
            suites: suites, requirements: requirements)
        var candidatePerf = Performance()
        var baselinePerf = Performance()
        for suite in suites {
            let c = candRuns[suite]
            let b = baseRuns[suite]
            if c == nil {
                missing.append(
                    Missing(
                        reference: candidate.description, suite: suite,
                        reason: reason(candRefused[suite], requirements: requirements)))
            }
            if b == nil {
                missing.append(
                    Missing(
                        reference: baseline.description, suite: suite,
                        reason: reason(baseRefused[suite], requirements: requirements)))
            }
            guard let c, let b else { continue }
            let cItems = try outcomes(store: store, run: c.id)
            let bItems = try outcomes(store: store, run: b.id)
            let cResults = decode(c)
            let bResults = decode(b)
            if let cResults { candidatePerf.add(cResults, settings: settings) }
            if let bResults { baselinePerf.add(bResults, settings: settings) }
            let tasks = cResults?.tasks.map(\.task) ?? Array(Set(cItems.keys.map(\.task))).sorted()
            for task in tasks {
                let result = cResults?.tasks.first { $0.task == task }
                var metrics: [String: Double] = [:]
                for (name, value) in result?.metrics ?? [:] { metrics[name] = value.value }
                let metric = result.map(pairedMetric) ?? "acc"
                evidence.append(
                    SuiteEvidence(
                        suite: suite, task: task, metric: metric, candidateRunID: c.id, baselineRunID: b.id,
                        candidateOutcomes: cItems.filter { $0.key.task == task }.reduce(into: [:]) {
                            $0[$1.key.item] = $1.value
                        },
                        baselineOutcomes: bItems.filter { $0.key.task == task }.reduce(into: [:]) {
                            $0[$1.key.item] = $1.value
                        },
                        candidateMetrics: metrics))
            }
        }
        let input = GateInput(
            candidate: GateSubject(reference: candidate.description, digest: cand.digest),
            baseline: GateSubject(reference: baseline.description, digest: base.digest, via: baselineVia),
            suites: evidence, candidatePerformance: candidatePerf.summary,
            baselinePerformance: baselinePerf.summary)
        return (input, missing)
    }

    static func reason(_ refusals: [String]?, requirements: EvaluationRequirements) -> String {
        // Lead with a refusal of a whole run: shard runs are expected to be refused.
        let ordered =
            (refusals ?? []).filter { !$0.contains("is one shard") }
            + (refusals ?? []).filter { $0.contains("is one shard") }
        guard let first = ordered.first, let refusals else { return "no completed run" }
        return "no qualifying run (\(requirements.summary)): " + first
            + (refusals.count > 1 ? " (+\(refusals.count - 1) more)" : "")
    }

    /// The per-item metric of a task (what `correct` measures).
    static func pairedMetric(_ task: TaskResult) -> String {
        switch task.kind {
        case .multipleChoice, .cloze, .classification: return "acc"
        case .generative: return task.primaryMetric
        }
    }

    struct Key: Hashable {
        var task: String
        var item: String
    }

    static func outcomes(store: RegistryStore, run: String) throws -> [Key: Bool] {
        var out: [Key: Bool] = [:]
        for item in try store.evaluationItems(run: run) { out[Key(task: item.task, item: item.item)] = item.correct }
        return out
    }

    static func decode(_ run: EvaluationRunRecord) -> EvaluationResults? {
        guard let text = run.results else { return nil }
        return try? JSONDecoder().decode(EvaluationResults.self, from: Data(text.utf8))
    }

    /// Completed runs of `reference` on `suites` that need a native re-score under `requirements`
    /// (imported or remote, not yet re-scored, otherwise qualifying).
    public static func runsNeedingRescore(
        store: RegistryStore, reference: VersionReference, digest: String, suites: [String],
        requirements: EvaluationRequirements
    ) throws -> [EvaluationRunRecord] {
        guard requirements.rescoreSample != nil else { return [] }
        let (imported, rescored) = try store.read { db in
            (try GovernanceRecords.importedRuns(db), try GovernanceRecords.rescoredRuns(db))
        }
        return try store.evaluationRuns(model: reference, limit: 10_000).filter { run in
            guard suites.contains(run.suiteID), imported[run.id] != nil || run.backend != "native",
                rescored[run.id] == nil
            else { return false }
            return disqualification(
                run, digest: digest, requirements: requirements, imported: imported[run.id] != nil, rescored: true)
                == nil
        }
    }

    /// Accumulates latency/energy over one version's runs.
    struct Performance {
        var latencies: [Double] = []
        var measured = 0
        var energy: [(Double, Int)] = []
        var hardware: Set<String> = []
        var load: String?
        var remote = false
        var any = false

        mutating func add(_ results: EvaluationResults, settings: GateSettings) {
            any = true
            if results.latency.measuredItems > 0, let p95 = results.latency.endToEndSeconds?.p95 {
                latencies.append(p95 * 1000)
                measured += results.latency.measuredItems
            }
            hardware.insert("\(results.hardware.cpuModel) ×\(results.hardware.logicalCPUs)")
            if let why = results.latency.load?.underLoad(maxOtherLoadPerCPU: settings.maxLoadPerCPU), load == nil {
                load = why
            }
            if results.backend.backend != "native" { remote = true }
            if results.backend.backend == "native", let wh = results.energy.whPer1000Items {
                energy.append((wh, max(1, results.energy.items)))
            }
        }

        var summary: PerformanceSummary {
            let total = energy.reduce(0) { $0 + $1.1 }
            let wh = total > 0 ? energy.reduce(0.0) { $0 + $1.0 * Double($1.1) } / Double(total) : nil
            return PerformanceSummary(
                latencyP95Ms: latencies.max(), energyWhPer1000Items: remote ? nil : wh,
                measuredItems: any ? measured : nil,
                hardware: hardware.count == 1
                    ? hardware.first : (hardware.isEmpty ? nil : hardware.sorted().joined(separator: " | ")),
                underLoad: load, clientSideEnergyOnly: remote)
        }
    }
}
