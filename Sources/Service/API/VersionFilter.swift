import Governance
import JSON
import Registry

/// The version filters of the model listings: `arch` and `quant` (an artifact's header facts),
/// `state` (approval state), `alias` (versions holding that alias now) and `metric` (some
/// completed evaluation run of the version passes a `MetricFilter`).
struct VersionFilter {
    var arch: String?
    var quant: String?
    var state: String?
    var alias: String?
    var metric: MetricFilter?

    init(_ query: Query) throws {
        arch = try query["arch"]
        quant = try query["quant"]
        alias = try query["alias"]
        if let state = try query["state"] {
            guard ApprovalState(rawValue: state) != nil else {
                throw Problem(
                    kind: .badRequest,
                    detail: "'state' must be one of \(ApprovalState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self.state = state
        }
        metric = try query.raw("metric").map(MetricFilter.init(parsing:))
    }

    var isActive: Bool { arch != nil || quant != nil || state != nil || alias != nil || metric != nil }

    /// The versions (all of one model) that pass every given filter.
    func matching(_ versions: [ModelVersion], in store: RegistryStore) throws -> [ModelVersion] {
        guard isActive, let model = versions.first?.reference.name else { return versions }
        let holder: VersionReference?? = try alias.map { name in
            try store.read { db in try GovernanceRecords.alias(db, model: model, name: name)?.target }
        }
        return try versions.filter { version in
            let facts = version.artifacts.contains { file in
                (arch == nil || file.facts?.architecture == arch) && (quant == nil || file.facts?.quantization == quant)
            }
            guard facts || (arch == nil && quant == nil) else { return false }
            if let holder, holder != version.reference { return false }
            if let state, try store.read({ db in try GovernanceRecords.approval(db, version.reference).state }) != state
            {
                return false
            }
            if let metric {
                let runs = try store.evaluationRuns(model: version.reference, limit: 10_000)
                guard runs.contains(where: { $0.status == .completed && metric.accepts($0.results) }) else {
                    return false
                }
            }
            return true
        }
    }
}

/// `metric=NAME>=VALUE` (also `>`, `<=`, `<`, `=`): compares a numeric member `NAME` found in
/// a run's results JSON (top level, or under `metrics`, or under any task's `metrics`).
struct MetricFilter {
    var name: String
    var op: String
    var value: Double

    init(parsing text: String) throws {
        for op in [">=", "<=", ">", "<", "="] {
            if let range = text.range(of: op) {
                let name = String(text[..<range.lowerBound])
                guard !name.isEmpty, let value = Double(text[range.upperBound...]), value.isFinite else { break }
                self.name = name
                self.op = op
                self.value = value
                return
            }
        }
        throw Problem(kind: .badRequest, detail: "'metric' must look like NAME>=NUMBER (also >, <=, <, =)")
    }

    func accepts(_ results: String?) -> Bool {
        guard let results, let json = try? JSONValue.parse(results) else { return false }
        return values(in: json, depth: 0).contains { v in
            switch op {
            case ">=": return v >= value
            case "<=": return v <= value
            case ">": return v > value
            case "<": return v < value
            default: return v == value
            }
        }
    }

    private func values(in json: JSONValue, depth: Int) -> [Double] {
        guard depth < 4, case .object(let members) = json else { return [] }
        var out: [Double] = []
        if let v = members[name] {
            if case .number(let d) = v { out.append(d) }
            if case .integer(let i) = v { out.append(Double(i)) }
        }
        for (_, child) in members { out += values(in: child, depth: depth + 1) }
        return out
    }
}
