import Foundation
import Hashing

/// The four cells of a paired 2×2 table (candidate vs baseline, correct vs incorrect).
public struct PairedCounts: Sendable, Equatable, Codable {
    /// Both correct.
    public var bothCorrect: Int
    /// Candidate correct, baseline wrong (b).
    public var candidateOnly: Int
    /// Baseline correct, candidate wrong (c).
    public var baselineOnly: Int
    /// Both wrong.
    public var bothWrong: Int

    public var total: Int { bothCorrect + candidateOnly + baselineOnly + bothWrong }
    public var discordant: Int { candidateOnly + baselineOnly }
    public var candidateAccuracy: Double { total == 0 ? 0 : Double(bothCorrect + candidateOnly) / Double(total) }
    public var baselineAccuracy: Double { total == 0 ? 0 : Double(bothCorrect + baselineOnly) / Double(total) }
    /// Candidate − baseline accuracy = (b − c) / n.
    public var difference: Double { total == 0 ? 0 : Double(candidateOnly - baselineOnly) / Double(total) }
}

extension PairedCounts {
    /// Counts of paired outcomes `(candidate, baseline)`.
    public init(_ pairs: [(candidate: Bool, baseline: Bool)]) {
        var a = 0
        var b = 0
        var c = 0
        var d = 0
        for p in pairs {
            switch (p.candidate, p.baseline) {
            case (true, true): a += 1
            case (true, false): b += 1
            case (false, true): c += 1
            case (false, false): d += 1
            }
        }
        self.init(bothCorrect: a, candidateOnly: b, baselineOnly: c, bothWrong: d)
    }
}

/// Statistics used by the regression gate. All functions are pure and deterministic.
public enum GateStatistics {
    /// Exact two-sided McNemar test: under H0 each discordant pair is equally likely to favour
    /// either model, so `b ~ Binomial(b + c, 1/2)`. The p-value is
    /// `min(1, 2 · P(X ≤ min(b, c)))`, which for p = 1/2 equals scipy's
    /// `binomtest(b, b + c, 0.5).pvalue`. With no discordant pairs the p-value is 1.
    public static func mcnemarExactPValue(candidateOnly b: Int, baselineOnly c: Int) -> Double {
        let n = b + c
        guard n > 0 else { return 1 }
        let k = min(b, c)
        // Sum the lower tail in log space (n can be in the thousands).
        let logHalfN = Double(n) * log(0.5)
        var terms: [Double] = []
        terms.reserveCapacity(k + 1)
        for i in 0...k { terms.append(logChoose(n, i) + logHalfN) }
        let maxTerm = terms.max() ?? 0
        var sum = 0.0
        for t in terms { sum += exp(t - maxTerm) }
        let tail = exp(maxTerm + log(sum))
        return min(1, 2 * tail)
    }

    /// log C(n, k) via lgamma.
    static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n) + 1) - lgamma(Double(k) + 1) - lgamma(Double(n - k) + 1)
    }

    /// A confidence interval with its point estimate.
    public struct Interval: Sendable, Equatable, Codable {
        public var estimate: Double
        public var lower: Double
        public var upper: Double
        /// Confidence level, e.g. 0.95.
        public var level: Double
    }

    /// Paired bootstrap percentile CI of mean(candidate − baseline) over items.
    ///
    /// Each resample draws `n` item indices with replacement (`SplitMix64(seed).nextIndex(below: n)`,
    /// in order) and records the mean per-item difference; the bounds are the `alpha/2` and
    /// `1 − alpha/2` quantiles of the sorted resample means with linear interpolation between
    /// order statistics (numpy's default "linear" method: position `q · (R − 1)`).
    public static func pairedBootstrapCI(differences: [Int8], resamples: Int, alpha: Double, seed: UInt64) -> Interval {
        let n = differences.count
        let level = 1 - alpha
        guard n > 0, resamples > 0 else { return Interval(estimate: 0, lower: 0, upper: 0, level: level) }
        let estimate = Double(differences.reduce(0) { $0 + Int($1) }) / Double(n)
        var generator = SplitMix64(seed: seed)
        var means = [Double](repeating: 0, count: resamples)
        differences.withUnsafeBufferPointer { d in
            for r in 0..<resamples {
                var sum = 0
                for _ in 0..<n { sum += Int(d[generator.nextIndex(below: n)]) }
                means[r] = Double(sum) / Double(n)
            }
        }
        means.sort()
        return Interval(
            estimate: estimate, lower: quantile(sorted: means, alpha / 2),
            upper: quantile(sorted: means, 1 - alpha / 2), level: level)
    }

    /// Paired bootstrap on outcome pairs (correct = 1): per-item difference candidate − baseline.
    public static func pairedBootstrapCI(
        pairs: [(candidate: Bool, baseline: Bool)], resamples: Int, alpha: Double,
        seed: UInt64
    ) -> Interval {
        let diffs = pairs.map { Int8(($0.candidate ? 1 : 0) - ($0.baseline ? 1 : 0)) }
        return pairedBootstrapCI(differences: diffs, resamples: resamples, alpha: alpha, seed: seed)
    }

    /// Quantile of sorted values with linear interpolation at position `q · (count − 1)`.
    public static func quantile(sorted values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let position = q * Double(values.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, values.count - 1)
        let fraction = position - Double(lower)
        return values[lower] + (values[upper] - values[lower]) * fraction
    }

    /// Non-inferiority: the candidate is not worse than the baseline by more than `margin` when the
    /// lower CI bound of candidate − baseline is strictly greater than −margin.
    public static func isNonInferior(_ interval: Interval, margin: Double) -> Bool {
        interval.lower > -margin
    }

    /// Minimum detectable effect (absolute accuracy difference) of a paired comparison of `n`
    /// items, for a two-sided test at `alpha` with the given `power`.
    ///
    /// Uses Connor's (1987) sample-size formula for McNemar's test,
    /// `n = (z₁₋α/₂ · √ψ + z_power · √(ψ − δ²))² / δ²`, where ψ is the probability that a pair is
    /// discordant, solved for δ by bisection on (0, √ψ]. ψ is estimated by the observed discordance
    /// rate (b + c) / n, floored at 1/n so that a run without discordant pairs still reports the
    /// smallest effect its size could reveal. Returns nil for n = 0.
    public static func minimumDetectableEffect(
        items n: Int, discordant: Int, alpha: Double = 0.05,
        power: Double = 0.8
    ) -> Double? {
        guard n > 0 else { return nil }
        let psi = max(Double(discordant), 1) / Double(n)
        let za = normalQuantile(1 - alpha / 2)
        let zb = normalQuantile(power)
        let nn = Double(n)
        // f(δ) = √n·δ − za·√ψ − zb·√(ψ − δ²) is increasing in δ on (0, √ψ].
        func f(_ d: Double) -> Double {
            nn.squareRoot() * d - za * psi.squareRoot() - zb * max(0, psi - d * d).squareRoot()
        }
        var lo = 0.0
        var hi = psi.squareRoot()
        if f(hi) < 0 { return min(1, hi) } // even the largest effect ψ allows is not detectable
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if f(mid) < 0 { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// Standard normal quantile (inverse CDF): Acklam's rational approximation refined with one
    /// Halley step on erfc, accurate to ~1e-15 on (0, 1).
    public static func normalQuantile(_ p: Double) -> Double {
        guard p > 0 else { return -.infinity }
        guard p < 1 else { return .infinity }
        let a = [
            -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
            1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
        ]
        let b = [
            -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
            6.680131188771972e+01, -1.328068155288572e+01
        ]
        let c = [
            -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
            -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
        ]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x =
                (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5
            let r = q * q
            x =
                (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x =
                -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        // Halley refinement.
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }
}
