import Foundation
import JSON

/// One problem found in a policy file: where (file and JSON path) and why.
public struct PolicyIssue: Sendable, Equatable, Codable, CustomStringConvertible {
    public var file: String
    /// JSONPath-style location, e.g. `$.tiers.high.max_regression` or `$.roles[2]`.
    public var path: String
    public var reason: String

    public var description: String { "\(file): \(path): \(reason)" }
}

/// A policy file that could not be accepted; lists every problem found.
public struct PolicyValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var issues: [PolicyIssue]

    public var description: String {
        let head = issues.count == 1 ? "invalid policy" : "invalid policy (\(issues.count) problems)"
        return ([head + ":"] + issues.map { "  " + $0.description }).joined(separator: "\n")
    }
}

/// Reads and validates policy files.
///
/// Validation collects every problem instead of stopping at the first: wrong types, unknown
/// fields, unknown suites (checked against `knownSuites`), negative or out-of-range margins and
/// thresholds, unknown roles, quorum below 1, references to undefined tiers.
public struct PolicyParser: Sendable {
    /// Suite ids the policy may require (bundled suites plus any extra ones).
    public var knownSuites: Set<String>

    /// The bundled suites plus the optional MMLU import.
    public static let bundledSuites: Set<String> = ["general-knowledge", "support-intents", "field-extraction", "mmlu"]

    public init(knownSuites: Set<String> = PolicyParser.bundledSuites) {
        self.knownSuites = knownSuites
    }

    /// Parses and validates the file at `url`; `file` names it in issues (default: the path).
    public func load(_ url: URL, displayName: String? = nil) throws(PolicyValidationError) -> Policy {
        let name = displayName ?? url.path
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw PolicyValidationError(issues: [PolicyIssue(file: name, path: "$", reason: "cannot read the file")])
        }
        return try parse(Array(data), file: name)
    }

    /// Parses and validates policy JSON bytes.
    public func parse(_ bytes: [UInt8], file: String) throws(PolicyValidationError) -> Policy {
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes)
        } catch {
            throw PolicyValidationError(issues: [PolicyIssue(file: file, path: "$", reason: error.description)])
        }
        var reader = PolicyReader(file: file, knownSuites: knownSuites)
        let policy = reader.policy(root)
        if !reader.issues.isEmpty || policy == nil {
            throw PolicyValidationError(issues: reader.issues)
        }
        guard let policy else { throw PolicyValidationError(issues: reader.issues) }
        return policy
    }

    /// Convenience for text.
    public func parse(_ text: String, file: String) throws(PolicyValidationError) -> Policy {
        try parse(Array(text.utf8), file: file)
    }
}

/// Walks the JSON tree, recording issues with their paths.
struct PolicyReader {
    let file: String
    let knownSuites: Set<String>
    var issues: [PolicyIssue] = []

    mutating func issue(_ path: String, _ reason: String) {
        issues.append(PolicyIssue(file: file, path: path, reason: reason))
    }

    static func typeName(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    // MARK: primitives

    mutating func object(_ v: JSONValue, _ path: String, allowed: [String], required: [String]) -> [String: JSONValue]?
    {
        guard case .object(let members) = v else {
            issue(path, "expected an object, found \(Self.typeName(v))")
            return nil
        }
        for key in members.keys.sorted() where !allowed.contains(key) {
            issue("\(path).\(key)", "unknown field '\(key)' (allowed: \(allowed.joined(separator: ", ")))")
        }
        for key in required where members[key] == nil {
            issue("\(path).\(key)", "required field is missing")
        }
        return members
    }

    mutating func string(_ v: JSONValue?, _ path: String) -> String? {
        guard let v else { return nil }
        guard case .string(let s) = v else {
            issue(path, "expected a string, found \(Self.typeName(v))")
            return nil
        }
        if s.isEmpty {
            issue(path, "must not be empty")
            return nil
        }
        return s
    }

    mutating func number(_ v: JSONValue?, _ path: String) -> Double? {
        guard let v else { return nil }
        switch v {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default:
            issue(path, "expected a number, found \(Self.typeName(v))")
            return nil
        }
    }

    mutating func integer(_ v: JSONValue?, _ path: String) -> Int? {
        guard let v else { return nil }
        guard case .integer(let i) = v, let value = Int(exactly: i) else {
            issue(path, "expected an integer, found \(Self.typeName(v))")
            return nil
        }
        return value
    }

    /// An integer member that must lie in `range`; outside it, an issue is recorded, `ok` is
    /// cleared and the result is nil.
    mutating func integer(_ v: JSONValue?, _ path: String, in range: ClosedRange<Int>, _ ok: inout Bool) -> Int? {
        guard let n = integer(v, path) else { return nil }
        guard range.contains(n) else {
            issue(path, "must be between \(range.lowerBound) and \(range.upperBound), found \(n)")
            ok = false
            return nil
        }
        return n
    }

    mutating func strings(_ v: JSONValue?, _ path: String) -> [String]? {
        guard let v else { return nil }
        guard case .array(let items) = v else {
            issue(path, "expected an array of strings, found \(Self.typeName(v))")
            return nil
        }
        var out: [String] = []
        var seen = Set<String>()
        for (i, item) in items.enumerated() {
            guard let s = string(item, "\(path)[\(i)]") else { continue }
            if !seen.insert(s).inserted { issue("\(path)[\(i)]", "duplicate entry '\(s)'") }
            out.append(s)
        }
        return out
    }

    mutating func role(_ v: JSONValue?, _ path: String, declared: [Role]?) -> Role? {
        guard let name = string(v, path) else { return nil }
        guard let role = Role(rawValue: name) else {
            issue(
                path, "unknown role '\(name)' (known roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
            return nil
        }
        if let declared, !declared.contains(role) {
            issue(path, "role '\(name)' is not declared in $.roles")
        }
        return role
    }

    // MARK: structure

    mutating func policy(_ root: JSONValue) -> Policy? {
        guard
            let top = object(
                root, "$",
                allowed: [
                    "format", "version", "description", "roles", "protected_aliases",
                    "alias_role", "baseline_alias", "default_tier", "gate", "tiers"
                ],
                required: ["format", "version", "roles", "default_tier", "tiers"])
        else { return nil }
        if let format = string(top["format"], "$.format"), format != Policy.format {
            issue("$.format", "unsupported format '\(format)' (expected '\(Policy.format)')")
        }
        let version = integer(top["version"], "$.version")
        if let version, version < 1 { issue("$.version", "must be 1 or greater, found \(version)") }

        var roles: [Role]?
        if let names = strings(top["roles"], "$.roles") {
            roles = []
            for (i, name) in names.enumerated() {
                if let role = Role(rawValue: name) {
                    roles?.append(role)
                } else {
                    issue(
                        "$.roles[\(i)]",
                        "unknown role '\(name)' (known roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))"
                    )
                }
            }
        }
        let protected = strings(top["protected_aliases"], "$.protected_aliases") ?? ["production", "staging"]
        let aliasRole =
            top["alias_role"] == nil ? .releaseManager : role(top["alias_role"], "$.alias_role", declared: roles)
        let baseline = top["baseline_alias"] == nil ? "production" : string(top["baseline_alias"], "$.baseline_alias")
        let gate = top["gate"].map { gateSettings($0, "$.gate") } ?? GateSettings()

        var tiers: [String: RiskTier] = [:]
        if let tierValue = top["tiers"] {
            if case .object(let members) = tierValue {
                if members.isEmpty { issue("$.tiers", "at least one tier is required") }
                for name in members.keys.sorted() {
                    let path = "$.tiers.\(name)"
                    if !Self.isIdentifier(name) { issue(path, "tier names use a-z, 0-9, '-' and '_'") }
                    if let tier = riskTier(members[name] ?? .null, path, declared: roles) { tiers[name] = tier }
                }
            } else {
                issue("$.tiers", "expected an object of tiers, found \(Self.typeName(tierValue))")
            }
        }
        let defaultTier = string(top["default_tier"], "$.default_tier")
        if let defaultTier, case .object(let members)? = top["tiers"], members[defaultTier] == nil {
            issue(
                "$.default_tier",
                "unknown tier '\(defaultTier)' (defined: \(members.keys.sorted().joined(separator: ", ")))")
        }

        guard let version, let roles, let aliasRole, let baseline, let gate, let defaultTier else { return nil }
        return Policy(
            version: version, description: top["description"]?.stringValue ?? "", roles: roles,
            protectedAliases: protected, aliasRole: aliasRole, baselineAlias: baseline,
            defaultTier: defaultTier, gate: gate, tiers: tiers)
    }

    mutating func gateSettings(_ v: JSONValue, _ path: String) -> GateSettings? {
        guard
            let o = object(
                v, path, allowed: ["alpha", "power", "bootstrap_resamples", "seed", "inconclusive", "max_load_per_cpu"],
                required: [])
        else { return nil }
        var settingsInconclusive = GateSettings.InconclusiveRule.block
        if let rule = string(o["inconclusive"], "\(path).inconclusive") {
            if let parsed = GateSettings.InconclusiveRule(rawValue: rule) {
                settingsInconclusive = parsed
            } else {
                issue(
                    "\(path).inconclusive",
                    "unknown rule '\(rule)' (use \(GateSettings.InconclusiveRule.allCases.map(\.rawValue).joined(separator: " or ")))"
                )
            }
        }
        var load = 1.0
        if let value = number(o["max_load_per_cpu"], "\(path).max_load_per_cpu") {
            if value > 0 && value <= 64 {
                load = value
            } else {
                issue("\(path).max_load_per_cpu", "must be in (0, 64], found \(value)")
            }
        }
        var settings = GateSettings(inconclusive: settingsInconclusive, maxLoadPerCPU: load)
        if let alpha = number(o["alpha"], "\(path).alpha") {
            if alpha > 0 && alpha < 0.5 {
                settings.alpha = alpha
            } else {
                issue("\(path).alpha", "must be in (0, 0.5), found \(alpha)")
            }
        }
        if let power = number(o["power"], "\(path).power") {
            if power > 0.5 && power < 1 {
                settings.power = power
            } else {
                issue("\(path).power", "must be in (0.5, 1), found \(power)")
            }
        }
        var inRange = true
        if let n = integer(o["bootstrap_resamples"], "\(path).bootstrap_resamples", in: 100...1_000_000, &inRange) {
            settings.bootstrapResamples = n
        }
        if let seed = integer(o["seed"], "\(path).seed") {
            if seed >= 0 { settings.seed = UInt64(seed) } else { issue("\(path).seed", "must not be negative") }
        }
        return settings
    }

    mutating func riskTier(_ v: JSONValue, _ path: String, declared: [Role]?) -> RiskTier? {
        guard
            let o = object(
                v, path,
                allowed: [
                    "required_suites", "minimum_metrics", "max_regression", "latency_p95_ms",
                    "energy_wh_per_1000_items", "datasets", "model_card_fields", "approvals", "evaluation",
                    "dataset_quality"
                ],
                required: ["required_suites", "max_regression", "approvals"])
        else { return nil }
        var ok = true
        let suites = strings(o["required_suites"], "\(path).required_suites")
        if let suites {
            if suites.isEmpty {
                issue("\(path).required_suites", "at least one suite is required")
                ok = false
            }
            for (i, suite) in suites.enumerated() where !knownSuites.contains(suite) {
                issue(
                    "\(path).required_suites[\(i)]",
                    "unknown suite '\(suite)' (known: \(knownSuites.sorted().joined(separator: ", ")))")
                ok = false
            }
        }
        var floors: [MetricFloor] = []
        if let m = o["minimum_metrics"] {
            if case .array(let items) = m {
                for (i, item) in items.enumerated() {
                    let p = "\(path).minimum_metrics[\(i)]"
                    guard
                        let f = object(
                            item, p, allowed: ["suite", "task", "metric", "min"], required: ["suite", "metric", "min"])
                    else {
                        ok = false
                        continue
                    }
                    let suite = string(f["suite"], "\(p).suite")
                    let task = string(f["task"], "\(p).task")
                    let metric = string(f["metric"], "\(p).metric")
                    if let metric, !KnownMetrics.all.contains(metric) {
                        issue(
                            "\(p).metric",
                            "unknown metric '\(metric)' (known: \(KnownMetrics.all.joined(separator: ", ")))")
                        ok = false
                    }
                    let min = number(f["min"], "\(p).min")
                    if let suite {
                        if !knownSuites.contains(suite) {
                            issue(
                                "\(p).suite",
                                "unknown suite '\(suite)' (known: \(knownSuites.sorted().joined(separator: ", ")))")
                            ok = false
                        } else if let suites, !suites.contains(suite) {
                            issue("\(p).suite", "suite '\(suite)' has a minimum but is not in required_suites")
                            ok = false
                        }
                    }
                    if let min, !(0...1).contains(min) && metric.map(Self.isProportion) == true {
                        issue(
                            "\(p).min",
                            "\(metric ?? "metric") is a proportion; the minimum must be in [0, 1], found \(min)")
                        ok = false
                    }
                    if let suite, let metric, let min {
                        floors.append(MetricFloor(suite: suite, task: task, metric: metric, min: min))
                    } else {
                        ok = false
                    }
                }
            } else {
                issue("\(path).minimum_metrics", "expected an array, found \(Self.typeName(m))")
                ok = false
            }
        }
        let margin = number(o["max_regression"], "\(path).max_regression")
        if let margin {
            if margin < 0 {
                issue("\(path).max_regression", "the non-inferiority margin must not be negative, found \(margin)")
                ok = false
            } else if margin >= 1 {
                issue(
                    "\(path).max_regression",
                    "the margin is in absolute accuracy points and must be below 1, found \(margin)")
                ok = false
            }
        }
        let latency = number(o["latency_p95_ms"], "\(path).latency_p95_ms")
        if let latency, latency <= 0 {
            issue("\(path).latency_p95_ms", "must be positive, found \(latency)")
            ok = false
        }
        let energy = number(o["energy_wh_per_1000_items"], "\(path).energy_wh_per_1000_items")
        if let energy, energy <= 0 {
            issue("\(path).energy_wh_per_1000_items", "must be positive, found \(energy)")
            ok = false
        }

        var datasets = DatasetRules()
        if let d = o["datasets"] {
            if let dv = object(d, "\(path).datasets", allowed: ["allowed_licenses", "pii"], required: []) {
                datasets.allowedLicenses = strings(dv["allowed_licenses"], "\(path).datasets.allowed_licenses") ?? []
                if let rule = string(dv["pii"], "\(path).datasets.pii") {
                    if let parsed = DatasetRules.PIIRule(rawValue: rule) {
                        datasets.pii = parsed
                    } else {
                        issue(
                            "\(path).datasets.pii",
                            "unknown PII rule '\(rule)' (use \(DatasetRules.PIIRule.allCases.map(\.rawValue).joined(separator: ", ")))"
                        )
                        ok = false
                    }
                }
            } else {
                ok = false
            }
        }
        let cardFields = strings(o["model_card_fields"], "\(path).model_card_fields") ?? []
        var quality: DatasetQualityRules?
        if let q = o["dataset_quality"] {
            quality = datasetQuality(q, "\(path).dataset_quality")
            if quality == nil { ok = false }
        }

        var quorum: Int?
        var approverRole: Role? = .approver
        if let a = o["approvals"],
            let av = object(a, "\(path).approvals", allowed: ["quorum", "role"], required: ["quorum"])
        {
            quorum = integer(av["quorum"], "\(path).approvals.quorum")
            if let q = quorum, q < 1 {
                issue("\(path).approvals.quorum", "quorum must be at least 1, found \(q)")
                ok = false
            }
            if let q = quorum, q > 100 {
                issue("\(path).approvals.quorum", "quorum must be at most 100 distinct approvers, found \(q)")
                ok = false
            }
            if av["role"] != nil {
                approverRole = role(av["role"], "\(path).approvals.role", declared: declared)
            } else if let declared, !declared.contains(.approver) {
                issue("\(path).approvals", "the default approver role 'approver' is not declared in $.roles")
                ok = false
            }
        } else {
            ok = false
        }

        var evaluation = EvaluationRequirements()
        if let e = o["evaluation"] {
            let p = "\(path).evaluation"
            if let ev = object(
                e, p, allowed: ["min_items", "shots", "backend", "require_native", "rescore_sample"], required: [])
            {
                if let n = integer(ev["rescore_sample"], "\(p).rescore_sample", in: 1...100_000, &ok) {
                    evaluation.rescoreSample = n
                }
                if let n = integer(ev["min_items"], "\(p).min_items", in: 1...10_000_000, &ok) {
                    evaluation.minItems = n
                }
                if let n = integer(ev["shots"], "\(p).shots", in: 0...64, &ok) {
                    evaluation.shots = n
                }
                evaluation.backend = string(ev["backend"], "\(p).backend")
                if let b = ev["require_native"] {
                    if case .bool(let flag) = b {
                        evaluation.requireNative = flag
                    } else {
                        issue("\(p).require_native", "expected a boolean, found \(Self.typeName(b))")
                        ok = false
                    }
                }
            } else {
                ok = false
            }
        }

        guard ok, let suites, let margin, let quorum, let approverRole else { return nil }
        return RiskTier(
            requiredSuites: suites, minimumMetrics: floors, maxRegression: margin, latencyP95Ms: latency,
            energyWhPer1000Items: energy, datasets: datasets, modelCardFields: cardFields, quorum: quorum,
            approverRole: approverRole, evaluation: evaluation, datasetQuality: quality)
    }

    static func isProportion(_ metric: String) -> Bool {
        ["acc", "accuracy", "acc_norm", "macro_f1", "f1", "exact_match", "em"].contains(metric)
    }

    static func isIdentifier(_ s: String) -> Bool {
        !s.isEmpty
            && s.utf8.allSatisfy {
                ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d || $0 == 0x5f
            }
    }
}
