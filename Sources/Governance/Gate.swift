/// What the regression gate compares: per-item outcomes of both versions on every required
/// suite, plus latency and energy summaries. Built from evaluation runs in the registry (or by
/// hand in tests); the gate itself is pure.
public struct GateInput: Sendable, Equatable, Codable {
    public var candidate: GateSubject
    public var baseline: GateSubject
    public var suites: [SuiteEvidence]
    public var candidatePerformance: PerformanceSummary
    public var baselinePerformance: PerformanceSummary?
}

/// A model version taking part in the gate.
public struct GateSubject: Sendable, Equatable, Codable {
    /// `name@version`.
    public var reference: String
    /// Content digest (SHA-256 hex).
    public var digest: String
    /// How it was chosen (e.g. "alias production"), for the report.
    public var via: String?
}

/// Both versions' results on one task of one suite.
public struct SuiteEvidence: Sendable, Equatable, Codable {
    public var suite: String
    /// Task id within the suite (the suite id for single-task suites).
    public var task: String
    /// The per-item metric the outcomes measure (`acc`, `exact_match`, …).
    public var metric: String
    public var candidateRunID: String?
    public var baselineRunID: String?
    /// Item id → correct, for the candidate.
    public var candidateOutcomes: [String: Bool]
    /// Item id → correct, for the baseline.
    public var baselineOutcomes: [String: Bool]
    /// Aggregate candidate metrics of this task by name (e.g. `macro_f1`); `acc` is computed
    /// from the outcomes when absent.
    public var candidateMetrics: [String: Double]

    public init(
        suite: String, task: String? = nil, metric: String = "acc", candidateRunID: String? = nil,
        baselineRunID: String? = nil, candidateOutcomes: [String: Bool], baselineOutcomes: [String: Bool],
        candidateMetrics: [String: Double] = [:]
    ) {
        self.suite = suite
        self.task = task ?? suite
        self.metric = metric
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

    /// The stable check name of this comparison: `suite/task/metric`.
    public var checkName: String { GateCheck.name(suite: suite, task: task, metric: metric) }
}

/// Latency and energy of one version's evaluation.
public struct PerformanceSummary: Sendable, Equatable, Codable {
    /// p95 per-item latency in milliseconds, nil when not measured.
    public var latencyP95Ms: Double?
    /// Watt-hours per 1,000 items, nil when no energy meter was available.
    public var energyWhPer1000Items: Double?
    /// Items whose latency was measured (nil: unknown).
    public var measuredItems: Int?
    /// Hardware fingerprint (CPU model and logical CPUs) of the runs, nil when unknown.
    public var hardware: String?
    /// Why the latency counts as measured under load (nil: not flagged).
    public var underLoad: String?
    /// True when a run used a remote backend: its energy is the client process's only.
    public var clientSideEnergyOnly: Bool = false
}

/// The gate's answer.
public struct GateDecision: Sendable, Equatable, Codable {
    public enum Verdict: String, Sendable, Codable {
        /// Every comparison non-inferior and every rule met.
        case pass
        /// A comparison shows the candidate worse than the baseline by more than the margin
        /// (the whole CI below −margin).
        case regression
        /// A policy rule (floor, latency, energy) is not met, without a paired regression.
        case fail
        /// The evidence cannot tell: some CI straddles −margin.
        case inconclusive
        /// Evidence is missing or does not qualify.
        case error

        /// 0 pass, 1 regression or fail, 2 error, 3 inconclusive.
        public var exitCode: Int32 {
            switch self {
            case .pass: return 0
            case .regression, .fail: return 1
            case .error: return 2
            case .inconclusive: return 3
            }
        }
    }

    public var verdict: Verdict
    /// True when the verdict blocks approval/merge (inconclusive blocks unless the policy allows it).
    public var blocking: Bool
    public var candidate: GateSubject
    public var baseline: GateSubject
    public var policyVersion: Int
    public var tier: String
    public var settings: GateSettings
    public var comparisons: [SuiteComparison]
    public var checks: [GateCheck]
    public var candidatePerformance: PerformanceSummary
    public var baselinePerformance: PerformanceSummary?
    /// How every interval in this decision was computed.
    public var methods: [String]
    /// Both scores (all items / without contaminated items) of compared runs that have them
    /// (`attachDecontaminatedScores`; nil: none recorded).
    public var decontaminated: [GateDecontaminatedScore]? = nil

    /// Checks that failed, errored or were inconclusive, as one-line reasons.
    public var reasons: [String] {
        checks.filter { $0.status == .fail || $0.status == .error || $0.status == .inconclusive }.map {
            "\($0.name): \($0.detail)"
        }
    }

    /// Process exit code: the verdict's, except that an inconclusive verdict the policy allows exits 0.
    public var exitCode: Int32 {
        verdict == .inconclusive && !blocking ? 0 : verdict.exitCode
    }
}

/// The paired comparison on one (suite, task, metric).
public struct SuiteComparison: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable {
        case nonInferior = "non-inferior"
        case inconclusive
        case regression
    }

    public var suite: String
    public var task: String
    public var metric: String
    public var candidateRunID: String?
    public var baselineRunID: String?
    public var sharedItems: Int
    public var counts: PairedCounts
    public var candidateAccuracy: Double
    public var baselineAccuracy: Double
    /// Paired bootstrap percentile CI of candidate − baseline.
    public var difference: GateStatistics.Interval
    /// Exact McNemar p-value (two-sided).
    public var pValue: Double
    /// Minimum detectable effect (absolute points) for this item count.
    public var minimumDetectableEffect: Double?
    public var margin: Double
    public var nonInferior: Bool
    public var outcome: Outcome

    /// `suite/task/metric`, the name of its check.
    public var name: String { GateCheck.name(suite: suite, task: task, metric: metric) }
}

/// One named rule and how it came out. Names are stable (no thresholds in them).
public struct GateCheck: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        case pass
        case fail
        /// Informational: does not change the verdict (e.g. energy not measured).
        case warn
        /// The CI straddles the margin: more items are needed to decide.
        case inconclusive
        /// The rule could not be evaluated (missing evidence): the verdict is `error`.
        case error
    }

    public var name: String
    public var status: Status
    public var detail: String
    /// The suite the check belongs to (JUnit classname), nil for whole-run rules.
    public var suite: String?
    /// Numbers behind the check (threshold, p-value, CI, MDE…), for JUnit properties.
    public var properties: [String: String] = [:]

    /// The name of a paired comparison's check: `suite/task/metric`.
    public static func name(suite: String, task: String, metric: String) -> String { "\(suite)/\(task)/\(metric)" }
}

/// The CI regression gate.
public enum RegressionGate {
    /// The interval methods the gate uses (stated in every report).
    public static let methods = [
        "difference: paired bootstrap percentile CI over shared items (candidate − baseline)",
        "McNemar: exact two-sided binomial test on discordant pairs",
        "MDE: Connor (1987) paired sample-size formula at the policy's alpha and power"
    ]

    /// Decides `input` under `tier` of `policy`.
    ///
    /// Per (suite, task, metric) of every required suite — never pooled across tasks: missing
    /// evidence or no shared items → error; otherwise an exact McNemar test and a paired
    /// bootstrap CI on the shared items. The comparison is non-inferior when the CI's lower bound
    /// is above −margin, a regression when its upper bound is below −margin (so an improvement is
    /// never a regression), and inconclusive otherwise. Floors are checked on the candidate's own
    /// task metrics. Latency p95 and energy per 1,000 items are checked against the tier's
    /// ceilings unless measured under load (latency) or client-side only (energy): then, and when
    /// unmeasured, the rule warns.
    public static func evaluate(_ input: GateInput, policy: Policy, tierName: String? = nil) throws(PolicyError)
        -> GateDecision
    {
        let tierKey = tierName ?? policy.defaultTier
        let tier = try policy.tier(tierKey)
        let settings = policy.gate
        var checks: [GateCheck] = []
        var comparisons: [SuiteComparison] = []

        if input.candidate.digest == input.baseline.digest {
            checks.append(
                GateCheck(
                    name: "baseline", status: .warn,
                    detail: "candidate and baseline have the same digest; the comparison is trivial"))
        }

        for suite in tier.requiredSuites {
            let entries = input.suites.filter { $0.suite == suite }
            guard !entries.isEmpty else {
                checks.append(
                    GateCheck(
                        name: "\(suite)/evidence", status: .error,
                        detail: "no qualifying results for required suite \(suite)", suite: suite))
                continue
            }
            for evidence in entries {
                let name = evidence.checkName
                if evidence.candidateOutcomes.isEmpty {
                    checks.append(
                        GateCheck(name: name, status: .error, detail: "the candidate has no item results", suite: suite)
                    )
                    continue
                }
                if evidence.baselineOutcomes.isEmpty {
                    checks.append(
                        GateCheck(name: name, status: .error, detail: "the baseline has no item results", suite: suite))
                    continue
                }
                let pairs = evidence.sharedPairs
                guard !pairs.isEmpty else {
                    checks.append(
                        GateCheck(
                            name: name, status: .error, detail: "candidate and baseline share no items", suite: suite))
                    continue
                }
                let counts = PairedCounts(pairs.map { ($0.candidate, $0.baseline) })
                let interval = GateStatistics.pairedBootstrapCI(
                    pairs: pairs.map { ($0.candidate, $0.baseline) },
                    resamples: settings.bootstrapResamples,
                    alpha: settings.alpha, seed: settings.seed)
                let p = GateStatistics.mcnemarExactPValue(
                    candidateOnly: counts.candidateOnly, baselineOnly: counts.baselineOnly)
                let mde = GateStatistics.minimumDetectableEffect(
                    items: counts.total, discordant: counts.discordant,
                    alpha: settings.alpha, power: settings.power)
                let margin = tier.maxRegression
                let nonInferior = GateStatistics.isNonInferior(interval, margin: margin)
                let outcome: SuiteComparison.Outcome =
                    nonInferior ? .nonInferior : (interval.upper < -margin ? .regression : .inconclusive)
                comparisons.append(
                    SuiteComparison(
                        suite: suite, task: evidence.task, metric: evidence.metric,
                        candidateRunID: evidence.candidateRunID,
                        baselineRunID: evidence.baselineRunID, sharedItems: counts.total, counts: counts,
                        candidateAccuracy: counts.candidateAccuracy, baselineAccuracy: counts.baselineAccuracy,
                        difference: interval, pValue: p, minimumDetectableEffect: mde, margin: margin,
                        nonInferior: nonInferior, outcome: outcome))
                let ci =
                    "\(Format.signedPoints(interval.estimate)) [\(Format.signedPoints(interval.lower)), \(Format.signedPoints(interval.upper))]"
                let level = Format.fixed(interval.level * 100, 0)
                let mdeText = mde.map { Format.points($0) + " pts" } ?? "n/a"
                let numbers =
                    "\(evidence.metric) difference \(ci) pts (\(level) % paired bootstrap CI, \(counts.total) shared items); "
                    + "McNemar p = \(Format.pValue(p)); MDE \(mdeText); margin −\(Format.points(margin)) pts"
                let detail: String
                let status: GateCheck.Status
                switch outcome {
                case .nonInferior:
                    status = .pass
                    detail = numbers + "; lower bound above −margin: non-inferior"
                case .regression:
                    status = .fail
                    detail = numbers + "; the whole interval is below −margin: regression"
                case .inconclusive:
                    status = .inconclusive
                    detail = numbers + "; the interval straddles −margin: inconclusive (more items needed)"
                }
                let properties: [String: String] = [
                    "p_value": Format.pValue(p), "ci_lower": Format.fixed(interval.lower, 4),
                    "ci_upper": Format.fixed(interval.upper, 4), "difference": Format.fixed(interval.estimate, 4),
                    "ci_level": Format.fixed(interval.level, 2), "ci_method": "paired bootstrap percentile",
                    "mde": mde.map { Format.fixed($0, 4) } ?? "n/a", "threshold": Format.fixed(-margin, 4),
                    "shared_items": String(counts.total), "candidate_run": evidence.candidateRunID ?? "",
                    "baseline_run": evidence.baselineRunID ?? ""
                ]
                checks.append(
                    GateCheck(name: name, status: status, detail: detail, suite: suite, properties: properties))
                if p < settings.alpha && counts.candidateOnly < counts.baselineOnly && nonInferior {
                    checks.append(
                        GateCheck(
                            name: "\(name)/mcnemar", status: .warn,
                            detail: "significantly fewer correct items (p = \(Format.pValue(p))) but within the margin",
                            suite: suite, properties: ["p_value": Format.pValue(p)]))
                }
                if let mde, mde > margin {
                    checks.append(
                        GateCheck(
                            name: "\(name)/power", status: .warn,
                            detail:
                                "with \(counts.total) shared items the minimum detectable effect is \(Format.points(mde)) pts, larger than the margin \(Format.points(margin)) pts",
                            suite: suite,
                            properties: ["mde": Format.fixed(mde, 4), "threshold": Format.fixed(margin, 4)]))
                }
            }
        }

        for floor in tier.minimumMetrics {
            let entries = input.suites.filter { $0.suite == floor.suite }
            let evidence =
                floor.task.map { task in entries.first { $0.task == task } }
                ?? (entries.first { $0.task == floor.suite } ?? entries.first)
            let task = floor.task ?? evidence?.task ?? floor.suite
            let name = "\(floor.suite)/\(task)/\(floor.metric)/floor"
            let properties = ["threshold": Format.number(floor.min)]
            guard let evidence else {
                checks.append(
                    GateCheck(
                        name: name, status: .error, detail: "no qualifying results for \(floor.suite)/\(task)",
                        suite: floor.suite, properties: properties))
                continue
            }
            var value = evidence.candidateMetrics[floor.metric]
            if value == nil, floor.metric == "acc" || floor.metric == "accuracy", !evidence.candidateOutcomes.isEmpty {
                value =
                    Double(evidence.candidateOutcomes.values.filter { $0 }.count)
                    / Double(evidence.candidateOutcomes.count)
            }
            guard let value else {
                checks.append(
                    GateCheck(
                        name: name, status: .error, detail: "metric \(floor.metric) was not reported",
                        suite: floor.suite, properties: properties))
                continue
            }
            checks.append(
                GateCheck(
                    name: name, status: value >= floor.min ? .pass : .fail,
                    detail: "candidate \(floor.metric) = \(Format.number(value)); floor \(Format.number(floor.min))",
                    suite: floor.suite, properties: properties.merging(["value": Format.number(value)]) { a, _ in a }))
        }

        let perf = input.candidatePerformance
        if let ceiling = tier.latencyP95Ms {
            let name = "latency-p95"
            var properties = ["threshold": Format.number(ceiling)]
            if let hw = perf.hardware { properties["hardware"] = hw }
            if let p95 = perf.latencyP95Ms, (perf.measuredItems ?? 1) > 0 {
                properties["value"] = Format.number(p95)
                if let load = perf.underLoad {
                    checks.append(
                        GateCheck(
                            name: name, status: .warn,
                            detail:
                                "candidate p95 = \(Format.number(p95)) ms was measured under load (\(load)); not judged — re-run on a quiet machine",
                            properties: properties))
                } else {
                    var detail = "candidate p95 = \(Format.number(p95)) ms; ceiling \(Format.number(ceiling)) ms"
                    if let base = input.baselinePerformance, let bp = base.latencyP95Ms {
                        if base.hardware != nil, base.hardware == perf.hardware {
                            detail += "; baseline p95 = \(Format.number(bp)) ms on the same hardware"
                        } else {
                            detail += "; the baseline ran on other hardware, so its latency is not compared"
                        }
                    }
                    checks.append(
                        GateCheck(
                            name: name, status: p95 <= ceiling ? .pass : .fail, detail: detail, properties: properties))
                }
            } else {
                checks.append(
                    GateCheck(
                        name: name, status: .warn, detail: "latency was not measured (0 measured items)",
                        properties: properties))
            }
        }
        if let budget = tier.energyWhPer1000Items {
            let name = "energy"
            let properties = ["threshold": Format.number(budget)]
            if perf.clientSideEnergyOnly {
                checks.append(
                    GateCheck(
                        name: name, status: .warn,
                        detail: "energy of a remote backend is client-side only; not used by the energy rule",
                        properties: properties))
            } else if let wh = perf.energyWhPer1000Items {
                checks.append(
                    GateCheck(
                        name: name, status: wh <= budget ? .pass : .fail,
                        detail:
                            "candidate uses \(Format.number(wh)) Wh per 1,000 items; budget \(Format.number(budget))",
                        properties: properties.merging(["value": Format.number(wh)]) { a, _ in a }))
            } else {
                checks.append(
                    GateCheck(
                        name: name, status: .warn, detail: "energy was not measured (no meter available)",
                        properties: properties))
            }
        }

        let verdict: GateDecision.Verdict
        if checks.contains(where: { $0.status == .error }) {
            verdict = .error
        } else if comparisons.contains(where: { $0.outcome == .regression }) {
            verdict = .regression
        } else if checks.contains(where: { $0.status == .fail }) {
            verdict = .fail
        } else if checks.contains(where: { $0.status == .inconclusive }) {
            verdict = .inconclusive
        } else {
            verdict = .pass
        }
        let blocking = verdict != .pass && !(verdict == .inconclusive && settings.inconclusive == .allow)
        return GateDecision(
            verdict: verdict, blocking: blocking, candidate: input.candidate, baseline: input.baseline,
            policyVersion: policy.version, tier: tierKey, settings: settings,
            comparisons: comparisons, checks: checks,
            candidatePerformance: input.candidatePerformance,
            baselinePerformance: input.baselinePerformance, methods: methods)
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
        if mantissa >= 9.995 {
            mantissa /= 10
            exponent += 1
        }
        return "\(fixed(mantissa, 2))e\(exponent)"
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
