/// A governance policy: what a model version must show before it may be approved and promoted.
///
/// Policies are versioned JSON files (`"format": "assay-policy/1"`, `"version": N`) kept in the
/// repository's `Governance/` folder; `PolicyParser` reads and validates them and
/// docs/governance.md describes every field.
public struct Policy: Sendable, Equatable, Codable {
    /// The only format this code reads.
    public static let format = "assay-policy/1"

    /// Monotonic policy version; recorded with every approval decision.
    public var version: Int
    public var description: String = ""
    /// Roles this policy refers to (a subset of `Role`).
    public var roles: [Role] = Role.allCases
    /// Aliases that only approved versions may hold and only `aliasRole` may move.
    public var protectedAliases: [String] = ["production", "staging"]
    /// Role allowed to move protected aliases (normally `release-manager`).
    public var aliasRole: Role = .releaseManager
    /// The alias a candidate is compared against by default (e.g. `production`).
    public var baselineAlias: String = "production"
    /// Tier used when a version has none assigned.
    public var defaultTier: String
    /// Statistical settings of the regression gate.
    public var gate: GateSettings = GateSettings()
    /// Risk tiers by name.
    public var tiers: [String: RiskTier]

    /// The tier called `name`, or the default tier when `name` is nil.
    public func tier(_ name: String?) throws(PolicyError) -> RiskTier {
        let key = name ?? defaultTier
        guard let tier = tiers[key] else { throw .unknownTier(key, known: tiers.keys.sorted()) }
        return tier
    }

    /// True when `alias` is protected by this policy.
    public func isProtected(alias: String) -> Bool { protectedAliases.contains(alias) }
}

/// Roles an actor can hold in a registry.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    /// Registers versions and submits them for review.
    case submitter
    /// Votes on submitted versions (separation of duties applies).
    case approver
    /// Moves protected aliases and deprecates versions.
    case releaseManager = "release-manager"
    /// Reads everything, exports audit material.
    case auditor
    /// Grants roles and may revoke versions.
    case admin

    public static func < (lhs: Role, rhs: Role) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}

/// Statistical settings of the regression gate.
public struct GateSettings: Sendable, Equatable, Codable {
    /// Two-sided significance level of McNemar's test and of the bootstrap CI (0.05 → 95 % CI).
    public var alpha: Double = 0.05
    /// Power used for the minimum detectable effect.
    public var power: Double = 0.8
    /// Paired bootstrap resamples.
    public var bootstrapResamples: Int = 10_000
    /// Seed of the bootstrap generator (results are reproducible).
    public var seed: UInt64 = 20_240_601
    /// Whether an inconclusive comparison blocks (gate exit 3, approvals refused) or is allowed.
    public var inconclusive: InconclusiveRule = .block
    /// Load average per logical CPU above which a run's latency counts as measured under load
    /// (the latency rule then warns instead of deciding).
    public var maxLoadPerCPU: Double = 1.0

    /// What an inconclusive gate means.
    public enum InconclusiveRule: String, Sendable, Codable, CaseIterable {
        case block
        case allow
    }

    enum CodingKeys: String, CodingKey {
        case alpha, power, bootstrapResamples, seed, inconclusive, maxLoadPerCPU
    }
}

extension GateSettings {
    /// `inconclusive` and `maxLoadPerCPU` may be missing (stored before they existed): they keep
    /// their declared defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            alpha: try c.decode(Double.self, forKey: .alpha), power: try c.decode(Double.self, forKey: .power),
            bootstrapResamples: try c.decode(Int.self, forKey: .bootstrapResamples),
            seed: try c.decode(UInt64.self, forKey: .seed))
        inconclusive = try c.decodeIfPresent(InconclusiveRule.self, forKey: .inconclusive) ?? inconclusive
        maxLoadPerCPU = try c.decodeIfPresent(Double.self, forKey: .maxLoadPerCPU) ?? maxLoadPerCPU
    }
}

/// Which evaluation runs count as evidence for a tier.
public struct EvaluationRequirements: Sendable, Equatable, Codable {
    /// Minimum items per task; nil means the full suite (a run with no item limit).
    public var minItems: Int?
    /// Few-shot count every task must have used; nil: any.
    public var shots: Int?
    /// Backend the run must have used (e.g. `native`); nil: any.
    public var backend: String?
    /// Only runs computed by this registry's native engine count (imported shards and remote
    /// backends do not).
    public var requireNative = false
    /// Imported or remotely scored runs count only after this many of their items, sampled at
    /// random, were re-scored by the native engine with the same answers (`assay gate` does it
    /// and records `evaluation_run.rescore`); nil: no re-scoring.
    public var rescoreSample: Int?

    /// One line for reports: "full suite, any shots, any backend".
    public var summary: String {
        let items = minItems.map { "≥ \($0) items per task" } ?? "full suite"
        let shots = self.shots.map { "\($0)-shot" } ?? "any shots"
        let backend = requireNative ? "native runs only" : (self.backend.map { "backend \($0)" } ?? "any backend")
        let rescore = rescoreSample.map { ", imported/remote runs re-scored natively on \($0) items" } ?? ""
        return "\(items), \(shots), \(backend)\(rescore)"
    }
}

/// What one risk tier requires.
public struct RiskTier: Sendable, Equatable, Codable {
    /// Suite ids that must have been evaluated on the exact digest.
    public var requiredSuites: [String]
    /// Absolute floors on candidate metrics.
    public var minimumMetrics: [MetricFloor] = []
    /// Non-inferiority margin in absolute accuracy points (0.02 = two points): the lower CI
    /// bound of candidate − baseline must stay above −margin.
    public var maxRegression: Double
    /// Ceiling on p95 latency per item, milliseconds (nil: no rule).
    public var latencyP95Ms: Double?
    /// Energy budget, watt-hours per 1,000 items (nil: no rule).
    public var energyWhPer1000Items: Double?
    /// Rules for every `trained_on` dataset.
    public var datasets: DatasetRules = DatasetRules()
    /// Model-card fields that must be filled before submission.
    public var modelCardFields: [String] = []
    /// Distinct approvals needed.
    public var quorum: Int = 1
    /// Role whose holders may approve.
    public var approverRole: Role = .approver
    /// Which runs count as evidence (item count, shots, backend).
    public var evaluation: EvaluationRequirements = EvaluationRequirements()
    /// Rules on the stored quality checks of every `trained_on` dataset (nil: none).
    public var datasetQuality: DatasetQualityRules?
}

/// A minimum value for one metric of one task of one suite (the suite's first task when `task`
/// is nil).
public struct MetricFloor: Sendable, Equatable, Codable {
    public var suite: String
    /// Task id within the suite; nil: the task named like the suite, else its first task.
    public var task: String?
    public var metric: String
    public var min: Double
}

/// Metric names a policy may refer to (what the evaluation runner reports).
public enum KnownMetrics {
    public static let all: [String] = ["acc", "acc_norm", "macro_f1", "exact_match", "regex", "numeric", "f1"]
    /// Metrics with a per-item 0/1 outcome that the paired gate can compare.
    public static let paired: Set<String> = ["acc", "acc_norm", "exact_match", "regex", "numeric"]
}

/// Licence and PII rules applied to every `trained_on` dataset version.
public struct DatasetRules: Sendable, Equatable, Codable {
    /// How datasets flagged as containing personal data are treated.
    public enum PIIRule: String, Sendable, Codable, CaseIterable {
        /// Any dataset with PII blocks approval.
        case forbidden
        /// Allowed, but the approval records that PII was present.
        case allowedWithReview = "allowed-with-review"
        /// No restriction.
        case allowed
    }

    /// SPDX identifiers allowed (case-insensitive); empty means "any".
    public var allowedLicenses: [String]
    public var pii: PIIRule

    public init(allowedLicenses: [String] = [], pii: PIIRule = .allowedWithReview) {
        self.allowedLicenses = allowedLicenses
        self.pii = pii
    }

    /// Problems with one dataset version under these rules (empty when it complies).
    public func violations(dataset: String, license: String, containsPII: Bool) -> [String] {
        var out: [String] = []
        if !allowedLicenses.isEmpty,
            !allowedLicenses.contains(where: { $0.lowercased() == license.lowercased() })
        {
            out.append(
                "dataset \(dataset) has licence '\(license)', not in the allow-list (\(allowedLicenses.joined(separator: ", ")))"
            )
        }
        if containsPII && pii == .forbidden {
            out.append("dataset \(dataset) contains personal data, which this tier forbids")
        }
        return out
    }
}

/// Errors using a valid policy.
public enum PolicyError: Error, CustomStringConvertible, Equatable, Sendable {
    case unknownTier(String, known: [String])

    public var description: String {
        switch self {
        case .unknownTier(let name, let known):
            return "unknown risk tier '\(name)' (policy defines: \(known.joined(separator: ", ")))"
        }
    }
}
