import Foundation
import Hashing

/// Summary statistics used for every metric.
public enum Statistics {
    /// Arithmetic mean (0 for an empty sample).
    public static func mean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        var sum = 0.0
        for v in values { sum += v }
        return sum / Double(values.count)
    }

    /// Sample standard deviation (n − 1 in the denominator); nil for fewer than two values.
    public static func sampleStandardDeviation(_ values: [Double]) -> Double? {
        guard values.count > 1 else { return nil }
        let m = mean(values)
        var ss = 0.0
        for v in values { ss += (v - m) * (v - m) }
        return (ss / Double(values.count - 1)).squareRoot()
    }

    /// Standard error of the mean as lm-evaluation-harness's `mean_stderr`: sample sd / √n.
    public static func standardError(_ values: [Double]) -> Double? {
        sampleStandardDeviation(values).map { $0 / Double(values.count).squareRoot() }
    }

    /// Cluster-robust standard error of the mean (CR1 sandwich): items sharing a cluster are
    /// treated as one independent unit. `clusters[i]` nil means item i is its own cluster.
    /// SE² = G/(G−1) · Σ_g (Σ_{i∈g} (x_i − x̄))² / n². Nil with fewer than two clusters.
    public static func clusterRobustStandardError(_ values: [Double], clusters: [String?]) -> Double? {
        precondition(values.count == clusters.count, "one cluster label per value")
        let n = values.count
        let m = mean(values)
        var sums: [String: Double] = [:]
        var order: [String] = []
        for (i, v) in values.enumerated() {
            let key = clusters[i].map { "c:" + $0 } ?? "i:\(i)"
            if sums[key] == nil { order.append(key) }
            sums[key, default: 0] += v - m
        }
        let g = Double(order.count)
        guard order.count > 1 else { return nil }
        var total = 0.0
        for key in order {
            let s = sums[key] ?? 0
            total += s * s
        }
        let variance = g / (g - 1) * total / (Double(n) * Double(n))
        return variance.squareRoot()
    }

    /// z for a two-sided 95% normal interval.
    public static let z95 = 1.959963984540054

    /// 95% normal-approximation interval around `mean`.
    public static func confidenceInterval95(mean: Double, standardError: Double?) -> ClosedRange<Double>? {
        guard let se = standardError else { return nil }
        return (mean - z95 * se)...(mean + z95 * se)
    }

    /// Wilson score interval for a proportion of `successes` in `n` trials at two-sided level
    /// 1 − 2·(1 − Φ(z)) (z = 1.96 → 95 %). Always inside [0, 1]; nil for n ≤ 0. `n` may be an
    /// effective (non-integer) sample size, as used for cluster-robust intervals.
    public static func wilsonInterval(successes: Double, n: Double, z: Double = z95) -> ClosedRange<Double>? {
        guard n > 0, successes.isFinite, n.isFinite else { return nil }
        let p = min(1, max(0, successes / n))
        let z2 = z * z
        let denominator = 1 + z2 / n
        let center = (p + z2 / (2 * n)) / denominator
        let half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        let lower = p == 0 ? 0 : min(p, max(0, center - half))
        let upper = p == 1 ? 1 : max(p, min(1, center + half))
        return lower...upper
    }

    /// Cluster-robust Wilson interval: the Wilson interval at the effective sample size
    /// n / deff, where the design effect deff = SE²(cluster-robust) / (p(1 − p)/n) (never below
    /// 1). When every value is equal (p = 0 or 1) the variance is zero and the number of
    /// clusters is used as the effective sample size. Nil for an empty sample.
    public static func clusterRobustWilsonInterval(_ values: [Double], clusters: [String?], z: Double = z95)
        -> ClosedRange<Double>?
    {
        let n = Double(values.count)
        guard n > 0 else { return nil }
        let p = mean(values)
        var keys = Set<String>()
        for (i, c) in clusters.enumerated() { keys.insert(c.map { "c:" + $0 } ?? "i:\(i)") }
        let g = Double(keys.count)
        var effective = n
        if p > 0 && p < 1, let se = clusterRobustStandardError(values, clusters: clusters) {
            let simple = p * (1 - p) / n
            let deff = max(1, (se * se) / simple)
            effective = n / deff
        } else {
            effective = g
        }
        return wilsonInterval(successes: p * effective, n: effective, z: z)
    }

    /// Percentile with linear interpolation between closest ranks (numpy's default);
    /// nil for an empty sample. `p` in 0...100.
    public static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = (p / 100) * Double(sorted.count - 1)
        let lower = Int(rank.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = rank - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }

    /// Bootstrap standard error of a statistic over items, with a seeded generator so the
    /// figure is reproducible.
    public static func bootstrapStandardError<T>(
        _ items: [T], iterations: Int = 1000, seed: UInt64 = 1234,
        statistic: ([T]) -> Double
    ) -> Double? {
        guard items.count > 1, iterations > 1 else { return nil }
        var generator = SplitMix64(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(iterations)
        var sample: [T] = []
        sample.reserveCapacity(items.count)
        for _ in 0..<iterations {
            sample.removeAll(keepingCapacity: true)
            for _ in 0..<items.count {
                sample.append(items[Int(generator.next() % UInt64(items.count))])
            }
            values.append(statistic(sample))
        }
        return sampleStandardDeviation(values)
    }
}

/// A metric's value with its uncertainty.
public struct MetricValue: Sendable, Hashable, Codable {
    /// How `ci95Low…ci95High` was computed (stated in every output).
    public enum IntervalMethod: String, Sendable, Hashable, Codable {
        /// Wilson score interval for a proportion (items independent).
        case wilson
        /// Wilson interval at the cluster-robust effective sample size (items share clusters).
        case wilsonClusterRobust = "wilson-cluster-robust"
        /// Normal approximation value ± 1.96·SE, clipped to [0, 1] (bounded non-binary scores,
        /// e.g. token F1 or macro-F1 with a bootstrap SE).
        case normalClipped = "normal-clipped"
    }

    public var value: Double
    /// Standard error (sd/√n, cluster-robust when `clusterRobust`, bootstrap for F1).
    public var stderr: Double?
    public var ci95Low: Double?
    public var ci95High: Double?
    public var n: Int
    /// True when `stderr` accounts for items sharing a cluster.
    public var clusterRobust: Bool
    /// The interval's method (nil in results written before intervals were bounded).
    public var ciMethod: IntervalMethod?

    /// A bounded score in [0, 1] with a standard error: normal interval clipped to [0, 1].
    public init(value: Double, stderr: Double?, n: Int, clusterRobust: Bool = false) {
        self.value = value
        self.stderr = stderr
        self.n = n
        self.clusterRobust = clusterRobust
        if let range = Statistics.confidenceInterval95(mean: value, standardError: stderr) {
            ci95Low = min(1, max(0, range.lowerBound))
            ci95High = min(1, max(0, range.upperBound))
            ciMethod = .normalClipped
        }
    }

    /// A value with an explicitly computed interval.
    public init(
        value: Double, stderr: Double?, n: Int, clusterRobust: Bool, interval: ClosedRange<Double>?,
        method: IntervalMethod
    ) {
        self.value = value
        self.stderr = stderr
        self.n = n
        self.clusterRobust = clusterRobust
        if let interval {
            ci95Low = interval.lowerBound
            ci95High = interval.upperBound
            ciMethod = method
        }
    }

    enum CodingKeys: String, CodingKey {
        case value, stderr, n
        case ci95Low = "ci95_low"
        case ci95High = "ci95_high"
        case clusterRobust = "cluster_robust"
        case ciMethod = "ci_method"
    }

    /// Mean of per-item scores with SEM (cluster-robust when any item carries a cluster).
    /// Binary scores (proportions) get a Wilson interval (cluster-robust Wilson with clusters);
    /// other scores in [0, 1] a normal interval clipped to [0, 1].
    public static func mean(_ values: [Double], clusters: [String?]) -> MetricValue {
        let m = Statistics.mean(values)
        let clustered = clusters.contains(where: { $0 != nil })
        let se =
            clustered
            ? Statistics.clusterRobustStandardError(values, clusters: clusters) : Statistics.standardError(values)
        let binary = values.allSatisfy { $0 == 0 || $0 == 1 }
        if binary {
            let interval =
                clustered
                ? Statistics.clusterRobustWilsonInterval(values, clusters: clusters)
                : Statistics.wilsonInterval(successes: values.reduce(0, +), n: Double(values.count))
            return MetricValue(
                value: m, stderr: se, n: values.count, clusterRobust: clustered, interval: interval,
                method: clustered ? .wilsonClusterRobust : .wilson)
        }
        return MetricValue(value: m, stderr: se, n: values.count, clusterRobust: clustered)
    }
}
