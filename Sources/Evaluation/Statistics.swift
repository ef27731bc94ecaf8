import Foundation

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
        for key in order { let s = sums[key] ?? 0; total += s * s }
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
    public static func bootstrapStandardError<T>(_ items: [T], iterations: Int = 1000, seed: UInt64 = 1234,
                                                 statistic: ([T]) -> Double) -> Double? {
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

/// SplitMix64: a small seeded generator for reproducible resampling.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A metric's value with its uncertainty.
public struct MetricValue: Sendable, Hashable, Codable {
    public var value: Double
    /// Standard error (sd/√n, cluster-robust when `clusterRobust`, bootstrap for F1).
    public var stderr: Double?
    public var ci95Low: Double?
    public var ci95High: Double?
    public var n: Int
    /// True when `stderr` accounts for items sharing a cluster.
    public var clusterRobust: Bool

    public init(value: Double, stderr: Double?, n: Int, clusterRobust: Bool = false) {
        self.value = value
        self.stderr = stderr
        self.n = n
        self.clusterRobust = clusterRobust
        if let range = Statistics.confidenceInterval95(mean: value, standardError: stderr) {
            ci95Low = range.lowerBound
            ci95High = range.upperBound
        }
    }

    enum CodingKeys: String, CodingKey {
        case value, stderr, n
        case ci95Low = "ci95_low"
        case ci95High = "ci95_high"
        case clusterRobust = "cluster_robust"
    }

    /// Mean of per-item scores with SEM (cluster-robust when any item carries a cluster).
    public static func mean(_ values: [Double], clusters: [String?]) -> MetricValue {
        let m = Statistics.mean(values)
        if clusters.contains(where: { $0 != nil }) {
            return MetricValue(value: m, stderr: Statistics.clusterRobustStandardError(values, clusters: clusters),
                               n: values.count, clusterRobust: true)
        }
        return MetricValue(value: m, stderr: Statistics.standardError(values), n: values.count)
    }
}
