import Foundation

/// The aggregated result of one task of a run.
public struct TaskResult: Sendable, Hashable, Codable {
    public var task: String
    public var kind: TaskKind
    public var n: Int
    public var shots: Int
    /// Metric name → value: `acc`, `acc_norm` (choice tasks), `acc`, `macro_f1`
    /// (classification), or the scoring name (generative: `exact_match`, `regex`, `numeric`, `f1`).
    public var metrics: [String: MetricValue]
    /// Choice tasks: per-subject `acc` (mean over the subject's items).
    public var subjects: [String: MetricValue]?
    /// Choice tasks whose items carry `category`: per-category `acc`, weighted by items.
    public var categories: [String: MetricValue]?
    public var classification: ClassificationReport?
    /// SHA-256 of the prompt rendering (builder version + template fields + shots).
    public var promptTemplateHash: String

    enum CodingKeys: String, CodingKey {
        case task, kind, n, shots, metrics, subjects, categories, classification
        case promptTemplateHash = "prompt_template_hash"
    }

    /// The headline metric's name for this kind of task.
    public var primaryMetric: String {
        switch kind {
        case .multipleChoice, .cloze, .classification: return "acc"
        case .generative: return metrics.keys.sorted().first ?? "exact_match"
        }
    }
}

/// Aggregation of per-item results into task results.
///
/// MMLU rules (as lm-evaluation-harness): a subject's accuracy is the mean over its items; a
/// category's and the overall accuracy are weighted by item count, i.e. the mean over all items
/// in the group. Standard errors are sd/√n (sample sd), cluster-robust when items carry
/// `cluster`; macro-F1's standard error is a seeded bootstrap over items.
public enum Aggregator {
    public static func aggregate(task: TaskSpec, shots: Int, results: [ItemResult]) -> TaskResult {
        let sorted = results.sorted { $0.index < $1.index }
        let clusters = sorted.map(\.cluster)
        var metrics: [String: MetricValue] = [:]
        var subjects: [String: MetricValue]?
        var categories: [String: MetricValue]?
        var report: ClassificationReport?
        switch task.kind {
        case .multipleChoice, .cloze:
            metrics["acc"] = .mean(sorted.map { $0.correct ? 1 : 0 }, clusters: clusters)
            metrics["acc_norm"] = .mean(sorted.map { ($0.correctNorm ?? false) ? 1 : 0 }, clusters: clusters)
            subjects = group(sorted, by: \.subject)
            let grouped = group(sorted, by: \.category)
            categories = grouped.isEmpty ? nil : grouped
        case .classification:
            metrics["acc"] = .mean(sorted.map { $0.correct ? 1 : 0 }, clusters: clusters)
            let labels = task.labels ?? []
            let pairs = sorted.map { (gold: $0.target, predicted: $0.prediction) }
            let built = ClassificationReport(labels: labels, pairs: pairs)
            report = built
            let se = Statistics.bootstrapStandardError(pairs) {
                ClassificationReport(labels: labels, pairs: $0).macroF1
            }
            metrics["macro_f1"] = MetricValue(value: built.macroF1, stderr: se, n: sorted.count)
        case .generative:
            let name = (task.scoring ?? .exactMatch).rawValue
            metrics[name] = .mean(sorted.map(\.score), clusters: clusters)
        }
        return TaskResult(
            task: task.id, kind: task.kind, n: sorted.count, shots: shots, metrics: metrics,
            subjects: subjects, categories: categories, classification: report,
            promptTemplateHash: PromptBuilder.templateHash(task, shots: shots))
    }

    /// Accuracy per value of `key` (items without a value are left out).
    static func group(_ results: [ItemResult], by key: KeyPath<ItemResult, String?>) -> [String: MetricValue] {
        var buckets: [String: [ItemResult]] = [:]
        for r in results { if let k = r[keyPath: key] { buckets[k, default: []].append(r) } }
        return buckets.mapValues { items in
            .mean(items.map { $0.correct ? 1 : 0 }, clusters: items.map(\.cluster))
        }
    }
}
