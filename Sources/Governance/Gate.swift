/// What the regression gate compares: per-item outcomes of both versions on every required
/// suite, plus latency and energy summaries. Built from evaluation runs in the registry (or by
/// hand in tests); the gate itself is pure.
public struct GateInput: Sendable, Equatable, Codable {
    public var candidate: GateSubject
    public var baseline: GateSubject
    public var suites: [SuiteEvidence]
    public var candidatePerformance: PerformanceSummary
    public var baselinePerformance: PerformanceSummary?

    public init(candidate: GateSubject, baseline: GateSubject, suites: [SuiteEvidence],
                candidatePerformance: PerformanceSummary, baselinePerformance: PerformanceSummary? = nil) {
        self.candidate = candidate
        self.baseline = baseline
        self.suites = suites
        self.candidatePerformance = candidatePerformance
        self.baselinePerformance = baselinePerformance
    }
}

/// A model version taking part in the gate.
public struct GateSubject: Sendable, Equatable, Codable {
    /// `name@version`.
    public var reference: String
    /// Content digest (SHA-256 hex).
    public var digest: String
    /// How it was chosen (e.g. "alias production"), for the report.
    public var via: String?

    public init(reference: String, digest: String, via: String? = nil) {
        self.reference = reference
        self.digest = digest
        self.via = via
    }
}

/// Both versions' results on one suite.
public struct SuiteEvidence: Sendable, Equatable, Codable {
    public var suite: String
    public var candidateRunID: String?
    public var baselineRunID: String?
    /// Item id → correct, for the candidate.
    public var candidateOutcomes: [String: Bool]
    /// Item id → correct, for the baseline.
    public var baselineOutcomes: [String: Bool]
    /// Aggregate candidate metrics by name (e.g. `macro_f1`); `acc` is computed from the
    /// outcomes when absent.
    public var candidateMetrics: [String: Double]

    public init(suite: String, candidateRunID: String? = nil, baselineRunID: String? = nil,
                candidateOutcomes: [String: Bool], baselineOutcomes: [String: Bool],
                candidateMetrics: [String: Double] = [:]) {
        self.suite = suite
        self.candidateRunID = candidateRunID
        self.baselineRunID = baselineRunID
        self.candidateOutcomes = candidateOutcomes
        self.baselineOutcomes = baselineOutcomes
        self.candidateMetrics = candidateMetrics
    }

    /// Outcomes on the items both versions answered, ordered by item id.
    public var sharedPairs: [(item: String, candidate: Bool, baseline: Bool)] {
        candidateOutcomes.keys.filter { baselineOutcomes[$0] != nil }.sorted().compactMap { id in
            guard let c = candidateOutcomes[id], let b = baselineOutcomes[id] else { return nil }
            return (id, c, b)
        }
    }
}

/// Latency and energy of one version's evaluation.
public struct PerformanceSummary: Sendable, Equatable, Codable {
    /// p95 per-item latency in milliseconds, nil when not measured.
    public var latencyP95Ms: Double?
    /// Watt-hours per 1,000 items, nil when no energy meter was available.
    public var energyWhPer1000Items: Double?

    public init(latencyP95Ms: Double? = nil, energyWhPer1000Items: Double? = nil) {
        self.latencyP95Ms = latencyP95Ms
        self.energyWhPer1000Items = energyWhPer1000Items
    }
}

/// The gate's answer.
public struct GateDecision: Sendable, Equatable, Codable {
    public enum Verdict: String, Sendable, Codable {
        case pass
        case regression
        case error

        /// 0 pass, 1 regression, 2 error.
        public var exitCode: Int32 {
            switch self {
            case .pass: return 0
            case .regression: return 1
            case .error: return 2
            }
        }
    }

    public var verdict: Verdict
    public var candidate: GateSubject
    public var baseline: GateSubject
    public var policyVersion: Int
    public var tier: String
    public var settings: GateSettings
    public var comparisons: [SuiteComparison]
    public var checks: [GateCheck]
    public var candidatePerformance: PerformanceSummary
    public var baselinePerformance: PerformanceSummary?

    /// Checks that failed or errored, as one-line reasons.
    public var reasons: [String] {
        checks.filter { $0.status == .fail || $0.status == .error }.map { "\($0.name): \($0.detail)" }
    }
}

/// The paired comparison on one suite.
public struct SuiteComparison: Sendable, Equatable, Codable {
    public var suite: String
    public var candidateRunID: String?
    public var baselineRunID: String?
    public var sharedItems: Int
    public var counts: PairedCounts
    public var candidateAccuracy: Double
    public var baselineAccuracy: Double
    /// Bootstrap CI of candidate − baseline accuracy.
    public var difference: GateStatistics.Interval
    /// Exact McNemar p-value (two-sided).
    public var pValue: Double
    /// Minimum detectable effect (absolute accuracy points) for this item count.
    public var minimumDetectableEffect: Double?
    public var margin: Double
    public var nonInferior: Bool
}

/// One named rule and how it came out.
public struct GateCheck: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        case pass
        case fail
        /// Informational: does not change the verdict (e.g. energy not measured).
        case warn
        /// The rule could not be evaluated (missing evidence): the verdict is `error`.
        case error
    }

    public var name: String
    public var status: Status
    public var detail: String

    public init(name: String, status: Status, detail: String) {
        self.name = name
        self.status = status
        self.detail = detail
    }
}

/// The CI regression gate.
public enum RegressionGate {
    /// Decides `input` under `tier` of `policy`.
    ///
    /// Per required suite: missing evidence or no shared items → error; otherwise an exact
    /// McNemar test and a paired bootstrap CI on the shared items; the suite passes
    /// non-inferiority when the CI's lower bound is above −`maxRegression`. Minimum metrics are
    /// checked on the candidate's own results. Latency p95 and energy per 1,000 items are checked
    /// against the tier's ceilings; an unmeasured quantity is a warning, not a failure.
    public static func evaluate(_ input: GateInput, policy: Policy, tierName: String? = nil) throws(PolicyError) -> GateDecision {
        let tierKey = tierName ?? policy.defaultTier
        let tier = try policy.tier(tierKey)
        let settings = policy.gate
        var checks: [GateCheck] = []
        var comparisons: [SuiteComparison] = []

        if input.candidate.digest == input.baseline.digest {
            checks.append(GateCheck(name: "baseline", status: .warn,
                                    detail: "candidate and baseline have the same digest; the comparison is trivial"))
        }

        for suite in tier.requiredSuites {
            guard let evidence = input.suites.first(where: { $0.suite == suite }) else {
                checks.append(GateCheck(name: "\(suite)/evidence", status: .error,
                                        detail: "no results for required suite \(suite)"))
                continue
            }
            if evidence.candidateOutcomes.isEmpty {
                checks.append(GateCheck(name: "\(suite)/evidence", status: .error, detail: "the candidate has no item results"))
                continue
            }
            if evidence.baselineOutcomes.isEmpty {
                checks.append(GateCheck(name: "\(suite)/evidence", status: .error, detail: "the baseline has no item results"))
                continue
            }
            let pairs = evidence.sharedPairs
            guard !pairs.isEmpty else {
                checks.append(GateCheck(name: "\(suite)/evidence", status: .error,
                                        detail: "candidate and baseline share no items"))
                continue
            }
            let counts = PairedCounts(pairs.map { ($0.candidate, $0.baseline) })
            let interval = GateStatistics.pairedBootstrapCI(pairs: pairs.map { ($0.candidate, $0.baseline) },
                                                            resamples: settings.bootstrapResamples,
                                                            alpha: settings.alpha, seed: settings.seed)
            let p = GateStatistics.mcnemarExactPValue(candidateOnly: counts.candidateOnly, baselineOnly: counts.baselineOnly)
            let mde = GateStatistics.minimumDetectableEffect(items: counts.total, discordant: counts.discordant,
                                                             alpha: settings.alpha, power: settings.power)
            let nonInferior = GateStatistics.isNonInferior(interval, margin: tier.maxRegression)
            let comparison = SuiteComparison(
                suite: suite, candidateRunID: evidence.candidateRunID, baselineRunID: evidence.baselineRunID,
                sharedItems: counts.total, counts: counts, candidateAccuracy: counts.candidateAccuracy,
                baselineAccuracy: counts.baselineAccuracy, difference: interval, pValue: p,
                minimumDetectableEffect: mde, margin: tier.maxRegression, nonInferior: nonInferior)
            comparisons.append(comparison)
            let ci = "\(Format.signedPoints(interval.estimate)) [\(Format.signedPoints(interval.lower)), \(Format.signedPoints(interval.upper))]"
            checks.append(GateCheck(
                name: "\(suite)/non-inferiority", status: nonInferior ? .pass : .fail,
                detail: nonInferior
                    ? "accuracy difference \(ci) pts; lower bound above −\(Format.points(tier.maxRegression)) pts"
                    : "accuracy difference \(ci) pts; lower bound not above −\(Format.points(tier.maxRegression)) pts (regression)"))
            if p < settings.alpha && counts.candidateOnly < counts.baselineOnly && nonInferior {
                checks.append(GateCheck(name: "\(suite)/mcnemar", status: .warn,
                                        detail: "significantly fewer correct items (p = \(Format.pValue(p))) but within the margin"))
            }
            if let mde, mde > tier.maxRegression {
                checks.append(GateCheck(name: "\(suite)/power", status: .warn,
                                        detail: "with \(counts.total) shared items the minimum detectable effect is \(Format.points(mde)) pts, larger than the margin \(Format.points(tier.maxRegression)) pts"))
            }
        }

        for floor in tier.minimumMetrics {
            let name = "\(floor.suite)/\(floor.metric) ≥ \(Format.number(floor.min))"
            guard let evidence = input.suites.first(where: { $0.suite == floor.suite }) else {
                checks.append(GateCheck(name: name, status: .error, detail: "no results for suite \(floor.suite)"))
                continue
            }
            var value = evidence.candidateMetrics[floor.metric]
            if value == nil, floor.metric == "acc" || floor.metric == "accuracy", !evidence.candidateOutcomes.isEmpty {
                value = Double(evidence.candidateOutcomes.values.filter { $0 }.count) / Double(evidence.candidateOutcomes.count)
            }
            guard let value else {
                checks.append(GateCheck(name: name, status: .error, detail: "metric \(floor.metric) was not reported"))
                continue
            }
            checks.append(GateCheck(name: name, status: value >= floor.min ? .pass : .fail,
                                    detail: "candidate \(floor.metric) = \(Format.number(value))"))
        }

        if let ceiling = tier.latencyP95Ms {
            let name = "latency p95 ≤ \(Format.number(ceiling)) ms"
            if let p95 = input.candidatePerformance.latencyP95Ms {
                checks.append(GateCheck(name: name, status: p95 <= ceiling ? .pass : .fail,
                                        detail: "candidate p95 = \(Format.number(p95)) ms"))
            } else {
                checks.append(GateCheck(name: name, status: .warn, detail: "latency was not measured"))
            }
        }
        if let budget = tier.energyWhPer1000Items {
            let name = "energy ≤ \(Format.number(budget)) Wh/1000 items"
            if let wh = input.candidatePerformance.energyWhPer1000Items {
                checks.append(GateCheck(name: name, status: wh <= budget ? .pass : .fail,
                                        detail: "candidate uses \(Format.number(wh)) Wh per 1,000 items"))
            } else {
                checks.append(GateCheck(name: name, status: .warn, detail: "energy was not measured (no meter available)"))
            }
        }

        let verdict: GateDecision.Verdict
        if checks.contains(where: { $0.status == .error }) {
            verdict = .error
        } else if checks.contains(where: { $0.status == .fail }) {
            verdict = .regression
        } else {
            verdict = .pass
        }
        return GateDecision(verdict: verdict, candidate: input.candidate, baseline: input.baseline,
                            policyVersion: policy.version, tier: tierKey, settings: settings,
                            comparisons: comparisons, checks: checks,
                            candidatePerformance: input.candidatePerformance,
                            baselinePerformance: input.baselinePerformance)
    }
}

/// Number formatting shared by the reports (locale-independent).
enum Format {
    /// A fraction as percentage points with one decimal: 0.0234 → "2.3".
    static func points(_ x: Double) -> String { fixed(x * 100, 1) }

    /// Signed percentage points: -0.0234 → "−2.3", 0.01 → "+1.0".
    static func signedPoints(_ x: Double) -> String {
        let v = (x * 1000).rounded() / 10
        if v == 0 { return "0.0" }
        return (v > 0 ? "+" : "−") + fixed(abs(v), 1)
    }

    /// A p-value: 4 significant decimals, or scientific below 0.0001.
    static func pValue(_ p: Double) -> String {
        if p >= 0.0001 { return fixed(p, 4) }
        return scientific(p)
    }

    static func number(_ x: Double) -> String {
        if x == x.rounded() && abs(x) < 1e9 { return String(Int(x)) }
        if abs(x) >= 100 { return fixed(x, 1) }
        if abs(x) >= 1 { return fixed(x, 2) }
        return fixed(x, 3)
    }

    /// Fixed-point without Foundation's locale-dependent formatting.
    static func fixed(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        let negative = x < 0 && scaled != 0
        let whole = Int(scaled / scale)
        var fraction = String(Int(scaled.truncatingRemainder(dividingBy: scale)))
        while fraction.count < decimals { fraction = "0" + fraction }
        return (negative ? "-" : "") + String(whole) + (decimals > 0 ? "." + fraction : "")
    }

    static func scientific(_ x: Double) -> String {
        guard x > 0, x.isFinite else { return fixed(x, 4) }
        var exponent = Int(log10(x).rounded(.down))
        var mantissa = x / pow(10, Double(exponent))
        if mantissa >= 9.995 { mantissa /= 10; exponent += 1 }
        return "\(fixed(mantissa, 2))e\(exponent)"
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
