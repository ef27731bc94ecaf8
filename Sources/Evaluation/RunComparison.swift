import Foundation
import Registry

/// A paired comparison of two completed runs over the same suite digest and the same items.
/// `assay eval compare --json` prints it with the CLI's snake_case member names (`run_a`,
/// `only_a_correct`).
public struct RunComparison: Sendable, Codable {
    public struct MetricDelta: Sendable, Codable {
        public var task: String
        public var metric: String
        public var a: Double
        public var b: Double
        /// b − a.
        public var difference: Double
        /// Paired standard error of the difference: sd(b_i − a_i)/√n over items (nil for
        /// metrics that are not item means, e.g. macro-F1).
        public var stderr: Double?
        public var n: Int
    }

    public struct Agreement: Sendable, Codable {
        public var task: String
        public var n: Int
        /// Items with the same prediction in both runs.
        public var samePrediction: Int
        public var bothCorrect: Int
        public var onlyACorrect: Int
        public var onlyBCorrect: Int
        public var neitherCorrect: Int
    }

    public var runA: String
    public var runB: String
    public var modelA: String
    public var modelB: String
    public var suiteDigest: String
    public var metrics: [MetricDelta]
    public var agreement: [Agreement]

    /// Compares completed runs `a` and `b`; fails unless both share the suite digest and items.
    public static func compare(store: RegistryStore, _ a: String, _ b: String) throws -> RunComparison {
        let runA = try store.evaluationRun(a)
        let runB = try store.evaluationRun(b)
        guard runA.status == .completed, runB.status == .completed else {
            throw ComparisonError(
                "both runs must be completed (\(a): \(runA.status.rawValue), \(b): \(runB.status.rawValue))")
        }
        guard runA.suiteDigest == runB.suiteDigest else {
            throw ComparisonError(
                "runs use different suite contents (\(runA.suiteID)@\(runA.suiteVersion) \(runA.suiteDigest.prefix(12)) vs \(runB.suiteID)@\(runB.suiteVersion) \(runB.suiteDigest.prefix(12))): a paired comparison needs the same suite digest"
            )
        }
        let itemsA = try EvaluationRunner.loadItems(store: store, run: a)
        let itemsB = try EvaluationRunner.loadItems(store: store, run: b)
        func key(_ r: ItemResult) -> String { r.task + "\u{1F}" + r.item }
        let byB = Dictionary(itemsB.map { (key($0), $0) }, uniquingKeysWith: { x, _ in x })
        guard Set(itemsA.map(key)) == Set(byB.keys) else {
            throw ComparisonError(
                "runs cover different items (\(itemsA.count) vs \(itemsB.count)); use the same --task, --limit and --shard"
            )
        }
        let resultsA = try JSONDecoder().decode(EvaluationResults.self, from: Data((runA.results ?? "{}").utf8))
        let resultsB = try JSONDecoder().decode(EvaluationResults.self, from: Data((runB.results ?? "{}").utf8))
        var deltas: [MetricDelta] = []
        var agreement: [Agreement] = []
        for taskA in resultsA.tasks {
            guard let taskB = resultsB.tasks.first(where: { $0.task == taskA.task }) else { continue }
            let pairs = itemsA.filter { $0.task == taskA.task }.sorted { $0.index < $1.index }
                .compactMap { x in byB[key(x)].map { (x, $0) } }
            for name in taskA.metrics.keys.sorted() {
                guard let ma = taskA.metrics[name], let mb = taskB.metrics[name] else { continue }
                var se: Double?
                let itemValue: ((ItemResult) -> Double)? =
                    switch name {
                    case "acc": { $0.correct ? 1 : 0 }
                    case "acc_norm": { ($0.correctNorm ?? false) ? 1 : 0 }
                    case "macro_f1": nil
                    default: { $0.score }
                    }
                if let itemValue {
                    se = Statistics.standardError(pairs.map { itemValue($0.1) - itemValue($0.0) })
                }
                deltas.append(
                    MetricDelta(
                        task: taskA.task, metric: name, a: ma.value, b: mb.value,
                        difference: mb.value - ma.value, stderr: se, n: pairs.count))
            }
            var agree = Agreement(
                task: taskA.task, n: pairs.count, samePrediction: 0, bothCorrect: 0, onlyACorrect: 0,
                onlyBCorrect: 0, neitherCorrect: 0)
            for (x, y) in pairs {
                if x.prediction == y.prediction { agree.samePrediction += 1 }
                switch (x.correct, y.correct) {
                case (true, true): agree.bothCorrect += 1
                case (true, false): agree.onlyACorrect += 1
                case (false, true): agree.onlyBCorrect += 1
                case (false, false): agree.neitherCorrect += 1
                }
            }
            agreement.append(agree)
        }
        return RunComparison(
            runA: a, runB: b, modelA: runA.model.description, modelB: runB.model.description,
            suiteDigest: runA.suiteDigest, metrics: deltas, agreement: agreement)
    }
}

/// Why two runs cannot be compared.
public struct ComparisonError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
