import DatasetQuality
import Foundation
import JSON
import Registry

/// One task's score over all items and without the items found in the model's training data.
public struct DecontaminatedScore: Sendable, Equatable, Codable {
    public var task: String
    public var items: Int
    /// Mean per-item correctness (the task's 0/1 outcome) over all items.
    public var accuracy: Double
    public var cleanItems: Int
    /// The same without contaminated items (nil when every item was contaminated).
    public var cleanAccuracy: Double?
    public var excludedItems: [String]
}

/// Both scores of one evaluation run, with where the contamination came from.
public struct DecontaminationReport: Sendable, Equatable, Codable {
    public var runID: String
    public var model: VersionReference
    public var suite: String
    /// The model version's `trained_on` datasets consulted.
    public var datasets: [VersionReference]
    public var tasks: [DecontaminatedScore]
}

extension DatasetQualityService {
    /// Scores `run` with and without the items contaminated by the evaluated version's
    /// `trained_on` datasets (contamination brought up to date first), and records the result as
    /// an `evaluation_run.decontaminated` audit event for the gate and exports.
    public func decontaminate(runID: String) throws -> DecontaminationReport {
        let run = try store.evaluationRun(runID)
        let datasets = try store.read { try GovernanceRecords.trainingDatasets($0, run.model) }.map(\.reference)
        try refreshContamination(datasets)
        let contaminated = try contaminatedItems(datasets: datasets)[run.suiteID] ?? []
        var byTask: [String: [EvaluationItemRow]] = [:]
        for row in try store.evaluationItems(run: runID) { byTask[row.task, default: []].append(row) }
        let tasks = byTask.keys.sorted().map { task -> DecontaminatedScore in
            let rows = byTask[task] ?? []
            let clean = rows.filter { !contaminated.contains($0.item) }
            func mean(_ r: [EvaluationItemRow]) -> Double {
                Double(r.filter(\.correct).count) / Double(max(1, r.count))
            }
            return DecontaminatedScore(
                task: task, items: rows.count, accuracy: mean(rows), cleanItems: clean.count,
                cleanAccuracy: clean.isEmpty ? nil : mean(clean),
                excludedItems: rows.filter { contaminated.contains($0.item) }.map(\.item).sorted())
        }
        let report = DecontaminationReport(
            runID: runID, model: run.model, suite: run.suiteID, datasets: datasets, tasks: tasks)
        _ = try store.write { tx in
            try tx.appendAudit(action: "evaluation_run.decontaminated", subject: runID, payload: Self.payload(report))
        }
        return report
    }

    static func payload(_ r: DecontaminationReport) -> JSONValue {
        .object([
            "model": .string(r.model.description), "suite": .string(r.suite),
            "datasets": .array(r.datasets.map { .string($0.description) }),
            "tasks": .array(
                r.tasks.map { t in
                    .object([
                        "task": .string(t.task), "items": .integer(Int64(t.items)), "accuracy": .number(t.accuracy),
                        "clean_items": .integer(Int64(t.cleanItems)),
                        "clean_accuracy": t.cleanAccuracy.map(JSONValue.number) ?? .null,
                        "excluded_items": .array(t.excludedItems.map(JSONValue.string))
                    ])
                })
        ])
    }

    /// The latest recorded decontaminated scores of a run (nil: never computed).
    public static func recordedScores(store: RegistryStore, runID: String) throws -> [DecontaminatedScore]? {
        guard let payload = try store.latestAuditPayload(action: "evaluation_run.decontaminated", subject: runID),
            case .object(let o) = try JSONValue.parse(payload), case .array(let tasks)? = o["tasks"]
        else { return nil }
        return tasks.compactMap { t -> DecontaminatedScore? in
            guard case .object(let m) = t, let task = m["task"]?.stringValue else { return nil }
            func int(_ k: String) -> Int {
                if case .integer(let i)? = m[k] { return Int(i) }
                return 0
            }
            func num(_ k: String) -> Double? {
                switch m[k] {
                case .number(let d)?: return d
                case .integer(let i)?: return Double(i)
                default: return nil
                }
            }
            var excluded: [String] = []
            if case .array(let list)? = m["excluded_items"] { excluded = list.compactMap(\.stringValue) }
            return DecontaminatedScore(
                task: task, items: int("items"), accuracy: num("accuracy") ?? 0, cleanItems: int("clean_items"),
                cleanAccuracy: num("clean_accuracy"), excludedItems: excluded)
        }
    }
}
