import Evaluation
import Foundation
import JSON
import Registry

/// What the gate evaluates for one version that has no qualifying run of a required suite:
/// the other version's qualifying run of that suite mirrored (same suite version, tasks, item
/// limit and shots, so both runs cover the same items), else the suite at the tier's minimums.
/// The caller hands `options` to `EvaluationRunner` with the version's `RunnableModel`.
public struct GateEvaluationPlan: Sendable, Equatable {
    /// The version to evaluate.
    public var model: VersionReference
    /// Suite id, or `id@version` when mirroring a run.
    public var suite: String
    /// Tasks to run (empty: every task of the suite).
    public var tasks: [String]
    public var limit: Int?
    public var shots: Int?
    /// True when the tier needs the full suite, so the user's `--limit` was ignored.
    public var ignoredLimit: Bool

    /// Plans the evaluation of `missing.suite` for `model`; `other` is the version it is compared
    /// with; `limit` the user's `--limit` (used only when the tier sets `min_items`).
    public static func make(
        for missing: GateEvidenceBuilder.Missing, model: VersionReference, other: VersionReference,
        store: RegistryStore, tier: RiskTier, limit: Int?
    ) throws -> GateEvaluationPlan {
        let otherDigest = try store.modelVersion(other).digest
        let mirror = try GateEvidenceBuilder.qualifyingRuns(
            store: store, reference: other, digest: otherDigest,
            suites: [missing.suite], requirements: tier.evaluation
        ).runs[missing.suite]
        guard let mirror else {
            var plan = GateEvaluationPlan(
                model: model, suite: missing.suite, tasks: [], limit: nil,
                shots: tier.evaluation.shots, ignoredLimit: false)
            if let minItems = tier.evaluation.minItems {
                plan.limit = max(limit ?? minItems, minItems)
            } else {
                plan.ignoredLimit = limit != nil
            }
            return plan
        }
        var plan = GateEvaluationPlan(
            model: model, suite: "\(mirror.suiteID)@\(mirror.suiteVersion)", tasks: [],
            limit: nil, shots: nil, ignoredLimit: false)
        // The mirrored run's recorded configuration (see `JSONConfig`); members it lacks are left at their defaults.
        guard case .object(let config)? = try? JSONValue.parse(Array(mirror.config.utf8)) else { return plan }
        if case .integer(let n)? = config["limit"] { plan.limit = Int(clamping: n) }
        if case .array(let tasks)? = config["tasks"] {
            var shots = Set<Int64>()
            for case .object(let task) in tasks {
                if case .string(let id)? = task["id"] { plan.tasks.append(id) }
                if case .integer(let k)? = task["shots"] { shots.insert(k) }
            }
            if shots.count == 1, let k = shots.first { plan.shots = Int(clamping: k) }
        }
        return plan
    }

    /// The runner's options for this plan.
    public func options(outputDirectory: URL) -> EvaluationOptions {
        EvaluationOptions(
            tasks: tasks.isEmpty ? nil : tasks, limit: limit, shots: shots, outputDirectory: outputDirectory)
    }

    /// The `assay eval` arguments that run the same evaluation, for the user to read (and
    /// repeat by hand); the gate itself never parses them.
    public func commandLine(threads: Int?) -> [String] {
        var argv = ["--model", model.description, "--suite", suite]
        if let limit { argv += ["--limit", String(limit)] }
        for task in tasks { argv += ["--task", task] }
        if let shots { argv += ["--shots", String(shots)] }
        if let threads { argv += ["--threads", String(threads)] }
        return argv
    }
}
