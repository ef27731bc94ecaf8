import Foundation
import Hashing
import TestSupport
import Testing

@testable import Evaluation
@testable import InferenceCore

struct StatisticsTests {
    @Test func standardErrorUsesTheSampleStandardDeviationLikeLMEval() throws {
        // 3 of 4 correct: mean 0.75, sample sd = sqrt(0.25) = 0.5, SEM = 0.5 / 2 = 0.25.
        let values: [Double] = [1, 1, 0, 1]
        #expect(Statistics.mean(values) == 0.75)
        #expect(abs(try #require(Statistics.standardError(values)) - 0.25) < 1e-12)
        let metric = MetricValue.mean(values, clusters: [nil, nil, nil, nil])
        #expect(metric.stderr == 0.25)
        // A proportion gets a Wilson score interval (statsmodels proportion_confint(3, 4, method="wilson")).
        #expect(metric.ciMethod == .wilson)
        #expect(abs(try #require(metric.ci95Low) - 0.30064184258) < 1e-9)
        #expect(abs(try #require(metric.ci95High) - 0.95441274) < 1e-8)
        #expect(Statistics.standardError([1]) == nil)
    }

    @Test func clusterRobustEqualsPlainSEMForSingletonClustersAndGrowsWithCorrelation() throws {
        let values: [Double] = [1, 0, 1, 1, 0, 0, 1, 1]
        let plain = try #require(Statistics.standardError(values))
        let singletons = try #require(Statistics.clusterRobustStandardError(values, clusters: values.map { _ in nil }))
        #expect(abs(plain - singletons) < 1e-12)
        // Perfectly correlated pairs: the effective sample halves, the SE grows.
        let paired: [Double] = [1, 1, 0, 0, 1, 1, 0, 0]
        let clustered = try #require(
            Statistics.clusterRobustStandardError(paired, clusters: ["a", "a", "b", "b", "c", "c", "d", "d"]))
        let naive = try #require(Statistics.standardError(paired))
        #expect(clustered > naive)
        // Hand computation: mean 0.5, cluster sums of residuals ±1, G = 4:
        // SE² = 4/3 · (4 · 1) / 64 = 1/12.
        #expect(abs(clustered - (1.0 / 12).squareRoot()) < 1e-12)
    }

    /// Issue 11 repros: [-0.0092, 0.2092], [0.4080, 1.1920] and [0, 0] for 0 of 2 are gone.
    @Test func wilsonIntervalsReproduceKnownValuesAndHandleTheEdges() throws {
        let zeroOfTwo = try #require(Statistics.wilsonInterval(successes: 0, n: 2))
        #expect(zeroOfTwo.lowerBound == 0 && abs(zeroOfTwo.upperBound - 0.6576198) < 1e-6)
        let all = try #require(Statistics.wilsonInterval(successes: 5, n: 5))
        #expect(all.upperBound == 1 && abs(all.lowerBound - 0.5655175) < 1e-6)
        #expect(Statistics.wilsonInterval(successes: 0, n: 0) == nil)
        let m = MetricValue.mean([0, 0], clusters: [nil, nil])
        #expect(m.ci95Low == 0 && (m.ci95High ?? 0) > 0.6)
    }

    /// Acceptance 2: no interval leaves [0, 1] for any (n, k), plain or cluster-robust, nor for
    /// bounded non-binary scores.
    @Test func intervalsStayInsideTheUnitIntervalForEveryNAndK() throws {
        var generator = SplitMix64(seed: 42)
        for n in 1...160 {
            for k in 0...n {
                let values = (0..<n).map { $0 < k ? 1.0 : 0.0 }
                let plain = MetricValue.mean(values, clusters: Array(repeating: nil, count: n))
                let lo = try #require(plain.ci95Low)
                let hi = try #require(plain.ci95High)
                #expect(lo >= 0 && hi <= 1 && lo <= plain.value && plain.value <= hi, "n=\(n) k=\(k): [\(lo), \(hi)]")
                // Random clusters of size 1-4 (shuffled outcomes).
                let shuffled = values.shuffled(using: &generator)
                let clusters = (0..<n).map { Optional("c\($0 / Int(1 + generator.next() % 4))") }
                let clustered = MetricValue.mean(shuffled, clusters: clusters)
                let clo = try #require(clustered.ci95Low)
                let chi = try #require(clustered.ci95High)
                #expect(clustered.ciMethod == .wilsonClusterRobust)
                #expect(
                    clo >= 0 && chi <= 1 && clo <= clustered.value && clustered.value <= chi, "clustered n=\(n) k=\(k)")
            }
            let scores = (0..<n).map { _ in Double(generator.next() % 1000) / 999 }
            let f1 = MetricValue.mean(scores, clusters: Array(repeating: nil, count: n))
            if let lo = f1.ci95Low, let hi = f1.ci95High { #expect(lo >= 0 && hi <= 1) }
        }
    }

    /// Acceptance 2 on the real item structures: every task of every bundled suite (with its
    /// clusters, e.g. field-extraction's documents) for every number of correct items, and
    /// MMLU-sized samples (the 14,042-item test split, its 285-item dev split), stay inside [0, 1].
    @Test func bundledSuitesAndMMLUSizedRunsNeverLeaveTheUnitInterval() throws {
        let root = Fixtures.packageRoot.appendingPathComponent("Benchmarks/Suites")
        var generator = SplitMix64(seed: 7)
        for name in ["general-knowledge", "support-intents", "field-extraction"] {
            let suite = try SuiteLoader.load(directory: root.appendingPathComponent(name))
            for task in suite.tasks {
                let clusters = task.items.map(\.cluster)
                let n = clusters.count
                for k in 0...n {
                    let values = (0..<n).map { $0 < k ? 1.0 : 0.0 }.shuffled(using: &generator)
                    let m = MetricValue.mean(values, clusters: clusters)
                    let lo = try #require(m.ci95Low)
                    let hi = try #require(m.ci95High)
                    #expect(
                        lo >= 0 && hi <= 1 && lo <= m.value && m.value <= hi,
                        "\(name)/\(task.spec.id) k=\(k): [\(lo), \(hi)]")
                }
            }
        }
        for n in [285, 1534, 14_042] {
            for k in stride(from: 0, through: n, by: max(1, n / 97)) + [1, n - 1, n] {
                let ci = try #require(Statistics.wilsonInterval(successes: Double(k), n: Double(n)))
                #expect(ci.lowerBound >= 0 && ci.upperBound <= 1, "n=\(n) k=\(k)")
            }
        }
    }

    @Test func percentilesInterpolateLikeNumpy() {
        let values: [Double] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        #expect(Statistics.percentile(values, 50) == 5.5)
        #expect(abs(Statistics.percentile(values, 95)! - 9.55) < 1e-12)
        #expect(abs(Statistics.percentile(values, 99)! - 9.91) < 1e-12)
        #expect(Statistics.percentile([], 50) == nil)
    }

    @Test func bootstrapIsReproducible() {
        let items = Array(0..<50).map(Double.init)
        let a = Statistics.bootstrapStandardError(items) { Statistics.mean($0) }
        let b = Statistics.bootstrapStandardError(items) { Statistics.mean($0) }
        #expect(a == b)
        // Close to the analytic SEM (sd ≈ 14.58, SEM ≈ 2.06; bootstrap uses the biased variance).
        #expect(abs(a! - 2.04) < 0.25)
    }
}

struct ScoringTests {
    static let timing = RequestTiming(
        prefillTokens: 10, prefillSeconds: 0.01, timeToFirstTokenSeconds: 0.01, totalSeconds: 0.01)

    @Test func accAndAccNormCanDisagree() {
        // acc picks the highest raw log-likelihood; acc_norm divides by the choice's length in characters.
        let item = SuiteItem(
            id: "x", subject: "s", question: "q", choices: ["ab", "abcdefgh", "c", "d"], answerIndex: 1)
        let task = TaskSpec(id: "t", kind: .cloze, items: "i")
        let requests = PromptBuilder.requests(
            for: item, task: LoadedTask(spec: task, items: [item], fewshot: []), shots: 0)
        let lls = [-3.0, -4.0, -5.0, -6.0]
        let results = lls.map {
            LoglikelihoodResult(
                logLikelihood: $0, isGreedy: false, contextTokenCount: 20,
                continuationTokenCount: 2, timing: Self.timing)
        }
        let scored = Scorer.scoreLoglikelihood(
            item: item, task: task, index: 0, requests: requests, results: results, cached: false)
        #expect(scored.prediction == "A")
        #expect(!scored.correct)
        #expect(scored.predictionNorm == "B") // -4/8 = -0.5 beats -3/2 = -1.5
        #expect(scored.correctNorm == true)
        #expect(scored.logLikelihoods == lls)
        #expect(scored.timing.prefillTokens == 40)
    }

    @Test func tiesGoToTheFirstChoice() {
        #expect(Scorer.argmax([-1, -1, -2]) == 0)
        #expect(Scorer.argmax([-3, -1, -1]) == 1)
    }

    @Test func generativeScorings() {
        #expect(Scorer.normaliseExact("  INV-7. \n") == "INV-7")
        #expect(Scorer.extract("The total is $1,234.50 today", regex: "\\$([0-9,.]+)") == "1,234.50")
        #expect(Scorer.extract("nothing", regex: "(\\d+)") == "")
        #expect(Scorer.firstNumber(in: "Total: -1,234.5 EUR") == -1234.5)
        #expect(Scorer.firstNumber(in: "no digits") == nil)
        #expect(Scorer.tokenF1(prediction: "the red car", reference: "a red car") == 1)
        #expect(abs(Scorer.tokenF1(prediction: "red bus", reference: "red car") - 0.5) < 1e-12)

        func score(_ text: String, _ scoring: GenerativeScoring, targets: [String], regex: String? = nil) -> Double {
            let task = TaskSpec(id: "g", kind: .generative, items: "i", template: "x", scoring: scoring, regex: regex)
            let item = SuiteItem(id: "i", targets: targets)
            let result = GenerationResult(
                text: text, tokens: [1, 2], promptTokenCount: 5, finishReason: .stop, timing: Self.timing)
            return Scorer.scoreGeneration(item: item, task: task, index: 0, result: result, cached: false).score
        }
        #expect(score(" INV-2024-0042.", .exactMatch, targets: ["INV-2024-0042"]) == 1)
        #expect(score(" inv-2024-0042", .exactMatch, targets: ["INV-2024-0042"]) == 0)
        #expect(score(" 42.00", .exactMatch, targets: ["$42.00", "42.00"]) == 1)
        #expect(score(" about 1,200 units", .numeric, targets: ["1200"]) == 1)
        #expect(score(" Order #A-17 shipped", .regex, targets: ["A-17"], regex: "#([A-Z]-\\d+)") == 1)
        #expect(abs(score(" red bus", .f1, targets: ["red car"]) - 0.5) < 1e-12)
    }

    @Test func classificationReportByHand() {
        // gold/pred: (a,a) (a,b) (b,b) (b,b) (c,a)
        let pairs = [("a", "a"), ("a", "b"), ("b", "b"), ("b", "b"), ("c", "a")].map { (gold: $0.0, predicted: $0.1) }
        let report = ClassificationReport(labels: ["a", "b", "c"], pairs: pairs)
        #expect(report.confusion == [[1, 1, 0], [0, 2, 0], [1, 0, 0]])
        // a: P = 1/2, R = 1/2, F1 = 1/2; b: P = 2/3, R = 1, F1 = 0.8; c: 0.
        #expect(abs(report.perLabel[0].f1 - 0.5) < 1e-12)
        #expect(abs(report.perLabel[1].f1 - 0.8) < 1e-12)
        #expect(report.perLabel[2].f1 == 0)
        #expect(abs(report.macroF1 - 1.3 / 3) < 1e-12)
    }

    @Test func mmluAggregationWeighsCategoriesByItems() throws {
        func result(_ i: Int, _ subject: String, _ category: String, _ correct: Bool) -> ItemResult {
            ItemResult(
                task: "mmlu", item: "i\(i)", index: i, subject: subject, category: category, cluster: nil,
                prediction: "A", target: correct ? "A" : "B", correct: correct, score: correct ? 1 : 0,
                predictionNorm: "A", correctNorm: correct, logLikelihoods: nil, greedy: nil, generated: nil,
                contextTokens: 1, continuationTokens: nil, generatedTokens: nil, timing: .zero, cached: false)
        }
        // Subject s1 (stem): 1/1 correct; subject s2 (stem): 1/3 correct; s3 (other): 0/2.
        let results = [
            result(0, "s1", "stem", true), result(1, "s2", "stem", true), result(2, "s2", "stem", false),
            result(3, "s2", "stem", false), result(4, "s3", "other", false), result(5, "s3", "other", false)
        ]
        let task = Aggregator.aggregate(
            task: TaskSpec(id: "mmlu", kind: .multipleChoice, items: "i"), shots: 0, results: results)
        #expect(task.subjects?["s2"]?.value == 1.0 / 3)
        // Category = mean over its items (2/4), not the mean of subject means (2/3).
        #expect(task.categories?["stem"]?.value == 0.5)
        #expect(task.metrics["acc"]?.value == 2.0 / 6)
        #expect(task.metrics["acc"]?.n == 6)
    }
}
