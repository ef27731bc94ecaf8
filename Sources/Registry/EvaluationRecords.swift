import Foundation
import Hashing
import JSON
import Storage

/// Errors of the evaluation records (suites, runs, items, cache).
public enum EvaluationRecordError: Error, CustomStringConvertible, Equatable, Sendable {
    case unknownSuite(String)
    /// Same suite id and version already registered with other content.
    case suiteConflict(id: String, version: String, existingDigest: String, newDigest: String)
    case unknownRun(String)
    case runNotRunning(String)

    public var description: String {
        switch self {
        case .unknownSuite(let id): return "unknown suite '\(id)' (register it with 'assay suite register DIR')"
        case .suiteConflict(let id, let version, let existing, let new):
            return
                "suite \(id)@\(version) is already registered with different content (registered \(existing.prefix(12)), given \(new.prefix(12))); bump the version in suite.json"
        case .unknownRun(let id): return "unknown evaluation run '\(id)'"
        case .runNotRunning(let id): return "evaluation run '\(id)' is already completed"
        }
    }
}

/// A suite registered in the registry (its files copied under `path`).
public struct EvaluationSuiteRecord: Sendable, Equatable, Codable {
    public var suiteID: String
    public var version: String
    public var digest: String
    public var title: String
    public var license: String
    /// Directory holding the registered copy of the suite files.
    public var path: String
    /// The suite.json text.
    public var manifest: String
    public var taskCount: Int
    public var itemCount: Int
    public var createdAt: String
    public var createdBy: String

    public init(
        suiteID: String, version: String, digest: String, title: String, license: String, path: String,
        manifest: String, taskCount: Int, itemCount: Int, createdAt: String = "", createdBy: String = ""
    ) {
        self.suiteID = suiteID
        self.version = version
        self.digest = digest
        self.title = title
        self.license = license
        self.path = path
        self.manifest = manifest
        self.taskCount = taskCount
        self.itemCount = itemCount
        self.createdAt = createdAt
        self.createdBy = createdBy
    }

    init(row: Row) throws {
        self = try row.decode()
    }
}

/// An evaluation run: what was evaluated, with what, and (when completed) the results JSON.
public struct EvaluationRunRecord: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable { case running, completed }

    public var id: String
    public var model: VersionReference
    public var modelDigest: String
    public var suiteID: String
    public var suiteVersion: String
    public var suiteDigest: String
    /// SHA-256 of the canonical configuration; a new run with the same key resumes this one.
    public var configKey: String
    /// Canonical JSON of the configuration (tasks, shots, limit, shard, …).
    public var config: String
    public var engineVersion: String
    public var backend: String
    public var threads: Int
    /// Canonical JSON describing the machine.
    public var hardware: String
    public var status: Status
    public var itemTotal: Int
    /// Items recorded so far (filled when read).
    public var itemsDone: Int
    public var startedAt: String
    public var finishedAt: String?
    public var createdBy: String
    /// The results JSON once completed.
    public var results: String?

    public init(
        id: String, model: VersionReference, modelDigest: String, suiteID: String, suiteVersion: String,
        suiteDigest: String, configKey: String, config: String, engineVersion: String, backend: String,
        threads: Int, hardware: String, itemTotal: Int
    ) {
        self.id = id
        self.model = model
        self.modelDigest = modelDigest
        self.suiteID = suiteID
        self.suiteVersion = suiteVersion
        self.suiteDigest = suiteDigest
        self.configKey = configKey
        self.config = config
        self.engineVersion = engineVersion
        self.backend = backend
        self.threads = threads
        self.hardware = hardware
        self.status = .running
        self.itemTotal = itemTotal
        self.itemsDone = 0
        self.startedAt = ""
        self.finishedAt = nil
        self.createdBy = ""
        self.results = nil
    }

    /// The run's columns as `init(row:)` decodes them (`model_name`, `model_version` → `model`).
    static let select = """
        SELECT r.*, m.name AS model_name, v.version AS model_version,
               (SELECT count(*) FROM evaluation_items i WHERE i.run_id = r.id) AS items_done
        FROM evaluation_runs r JOIN model_versions v ON v.id = r.model_version_id JOIN models m ON m.id = v.model_id
        """

    init(row: Row) throws {
        self = try row.decode()
    }

    /// The audit payload naming what the run evaluates, with what and how, plus `members`
    /// (`evaluation_run.start`: the item total; `evaluation_run.import`: backend, items, sources).
    func auditPayload(adding members: [String: JSONValue]) -> JSONValue {
        let identity: [String: JSONValue] = [
            "model": .string(model.description), "model_digest": .string(modelDigest),
            "suite": .string("\(suiteID)@\(suiteVersion)"), "suite_digest": .string(suiteDigest),
            "config_key": .string(configKey), "engine_version": .string(engineVersion)
        ]
        return .object(identity.merging(members) { _, added in added })
    }
}

/// One stored item result: the columns the registry queries plus the full JSON record.
public struct EvaluationItemRow: Sendable, Equatable, Codable {
    public var task: String
    public var item: String
    public var index: Int
    public var prediction: String
    public var target: String
    public var correct: Bool
    public var score: Double
    /// The evaluation module's per-item JSON.
    public var record: String

    public init(
        task: String, item: String, index: Int, prediction: String, target: String, correct: Bool,
        score: Double, record: String
    ) {
        self.task = task
        self.item = item
        self.index = index
        self.prediction = prediction
        self.target = target
        self.correct = correct
        self.score = score
        self.record = record
    }
}

/// One request-cache entry.
public struct RequestCacheEntry: Sendable, Equatable {
    public var key: String
    public var modelDigest: String
    public var engineVersion: String
    public var result: String

    public init(key: String, modelDigest: String, engineVersion: String, result: String) {
        self.key = key
        self.modelDigest = modelDigest
        self.engineVersion = engineVersion
        self.result = result
    }
}

extension RegistryStore {
    // MARK: suites

    /// Records a suite version whose files were copied to `record.path`. Same id, version and
    /// digest: a no-op. Same id and version, different digest: `suiteConflict`, nothing written.
    public func registerSuite(_ record: EvaluationSuiteRecord) throws -> RegistrationOutcome<EvaluationSuiteRecord> {
        let isNew: Bool = try write { tx in
            if let existing = try tx.database.queryFirst(
                "SELECT digest FROM evaluation_suites WHERE suite_id = ? AND version = ?",
                record.suiteID, record.version)
            {
                let digest: String = try existing.get("digest")
                guard digest == record.digest else {
                    throw EvaluationRecordError.suiteConflict(
                        id: record.suiteID, version: record.version,
                        existingDigest: digest, newDigest: record.digest)
                }
                return false
            }
            try tx.database.run(
                """
                INSERT INTO evaluation_suites (suite_id, version, digest, title, license, path, manifest, task_count,
                                               item_count, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, record.suiteID, record.version, record.digest, record.title, record.license, record.path,
                record.manifest, record.taskCount, record.itemCount, tx.time, tx.actor)
            try tx.appendAudit(
                action: "suite.register", subject: "\(record.suiteID)@\(record.version)",
                payload: [
                    "suite": .string(record.suiteID), "version": .string(record.version),
                    "digest": .string(record.digest),
                    "tasks": .integer(Int64(record.taskCount)), "items": .integer(Int64(record.itemCount)),
                    "license": .string(record.license)
                ])
            return true
        }
        let stored = try suite(record.suiteID, version: record.version)
        return isNew ? .registered(stored) : .alreadyRegistered(stored)
    }

    /// A registered suite: the given version, or the most recently registered one.
    public func suite(_ id: String, version: String? = nil) throws -> EvaluationSuiteRecord {
        try readDatabase { db in
            let row: Row?
            if let version {
                row = try db.queryFirst(
                    "SELECT * FROM evaluation_suites WHERE suite_id = ? AND version = ?", id, version)
            } else {
                row = try db.queryFirst(
                    "SELECT * FROM evaluation_suites WHERE suite_id = ? ORDER BY id DESC LIMIT 1", id)
            }
            guard let row else { throw EvaluationRecordError.unknownSuite(version.map { "\(id)@\($0)" } ?? id) }
            return try EvaluationSuiteRecord(row: row)
        }
    }

    /// Every registered suite version, by id then registration order.
    public func suites() throws -> [EvaluationSuiteRecord] {
        try readDatabase { db in
            try db.query("SELECT * FROM evaluation_suites ORDER BY suite_id, id").map(EvaluationSuiteRecord.init(row:))
        }
    }

    // MARK: runs

    /// Starts a run (status `running`) and appends `evaluation_run.start` to the audit log.
    public func startEvaluationRun(_ run: EvaluationRunRecord) throws -> EvaluationRunRecord {
        try write { tx in
            try Self.insertRunningEvaluationRun(tx, run, startedAt: tx.time)
            try tx.appendAudit(
                action: "evaluation_run.start", subject: run.id,
                payload: run.auditPayload(adding: ["items": .integer(Int64(run.itemTotal))]))
        }
        return try evaluationRun(run.id)
    }

    /// The newest still-running run with this configuration key, if any (to resume).
    public func resumableEvaluationRun(configKey: String) throws -> EvaluationRunRecord? {
        try readDatabase { db in
            try db.queryFirst(
                EvaluationRunRecord.select
                    + " WHERE r.config_key = ? AND r.status = 'running' ORDER BY r.started_at DESC, r.id DESC LIMIT 1",
                configKey
            ).map(EvaluationRunRecord.init(row:))
        }
    }

    public func evaluationRun(_ id: String) throws -> EvaluationRunRecord {
        try readDatabase { db in
            guard let row = try db.queryFirst(EvaluationRunRecord.select + " WHERE r.id = ?", id) else {
                throw EvaluationRecordError.unknownRun(id)
            }
            return try EvaluationRunRecord(row: row)
        }
    }

    /// Runs, newest first; optionally only those of one model version.
    public func evaluationRuns(model: VersionReference? = nil, limit: Int = 100) throws -> [EvaluationRunRecord] {
        try readDatabase { db in
            if let model {
                return try db.query(
                    EvaluationRunRecord.select
                        + " WHERE m.name = ? AND v.version = ? ORDER BY r.started_at DESC, r.id DESC LIMIT ?",
                    model.name, model.version, limit
                ).map(EvaluationRunRecord.init(row:))
            }
            return try db.query(EvaluationRunRecord.select + " ORDER BY r.started_at DESC, r.id DESC LIMIT ?", limit)
                .map(EvaluationRunRecord.init(row:))
        }
    }

    /// Keys `task + "\u{1F}" + item` of the items already recorded for a run.
    public func recordedItemKeys(run: String) throws -> Set<String> {
        try readDatabase { db in
            Set(
                try db.query("SELECT task, item FROM evaluation_items WHERE run_id = ?", run).map {
                    try $0.get("task", as: String.self) + "\u{1F}" + $0.get("item", as: String.self)
                })
        }
    }

    /// Appends item results of a running run in one transaction (all or nothing). An item
    /// already recorded makes the whole batch fail (the primary key forbids doubles).
    public func appendEvaluationItems(run: String, _ items: [EvaluationItemRow]) throws {
        guard !items.isEmpty else { return }
        try write { tx in try Self.insertEvaluationItems(tx, run: run, items) }
    }

    static func insertRunningEvaluationRun(_ tx: RegistryTransaction, _ run: EvaluationRunRecord, startedAt: String)
        throws
    {
        let versionID = try modelVersionID(tx.database, run.model)
        try tx.database.run(
            """
            INSERT INTO evaluation_runs (id, model_version_id, model_digest, suite_id, suite_version, suite_digest,
                config_key, config, engine_version, backend, threads, hardware, status, item_total, started_at,
                created_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)
            """, run.id, versionID, run.modelDigest, run.suiteID, run.suiteVersion, run.suiteDigest, run.configKey,
            run.config, run.engineVersion, run.backend, run.threads, run.hardware, run.itemTotal, startedAt,
            tx.actor)
    }

    static func insertEvaluationItems(_ tx: RegistryTransaction, run: String, _ items: [EvaluationItemRow]) throws {
        let statement = try tx.database.prepare(
            """
            INSERT INTO evaluation_items (run_id, task, item, item_index, prediction, target, correct, score, record, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for item in items {
            try statement.bind([
                run, item.task, item.item, item.index, item.prediction, item.target, item.correct,
                item.score, item.record, tx.time
            ])
            try statement.run()
        }
    }

    /// Every recorded item of a run, by task then item index.
    public func evaluationItems(run: String) throws -> [EvaluationItemRow] {
        try readDatabase { db in
            try db.query("SELECT * FROM evaluation_items WHERE run_id = ? ORDER BY task, item_index, item", run).map {
                EvaluationItemRow(
                    task: try $0.get("task"), item: try $0.get("item"), index: try $0.get("item_index"),
                    prediction: try $0.get("prediction"), target: try $0.get("target"),
                    correct: try $0.get("correct"), score: try $0.get("score"), record: try $0.get("record"))
            }
        }
    }

    /// Marks a run completed with its results JSON and appends `evaluation_run.complete`
    /// (payload: the headline metrics given and the SHA-256 of the results JSON).
    public func completeEvaluationRun(_ id: String, results: String, metrics: [String: JSONValue]) throws {
        try write { tx in
            guard
                let status = try tx.database.scalar(
                    "SELECT status FROM evaluation_runs WHERE id = ?", id, as: String.self)
            else {
                throw EvaluationRecordError.unknownRun(id)
            }
            guard status == "running" else { throw EvaluationRecordError.runNotRunning(id) }
            let count =
                try tx.database.scalar("SELECT count(*) FROM evaluation_items WHERE run_id = ?", id, as: Int64.self)
                ?? 0
            try Self.markEvaluationRunCompleted(
                tx, id, finishedAt: tx.time, results: results, items: count, metrics: metrics)
        }
    }

    /// Stores a running run's results and appends `evaluation_run.complete` (payload: the item
    /// count, the SHA-256 of the results JSON and the headline metrics).
    static func markEvaluationRunCompleted(
        _ tx: RegistryTransaction, _ id: String, finishedAt: String, results: String, items: Int64,
        metrics: [String: JSONValue]
    ) throws {
        try tx.database.run(
            "UPDATE evaluation_runs SET status = 'completed', finished_at = ?, results = ? WHERE id = ?",
            finishedAt, results, id)
        try tx.appendAudit(
            action: "evaluation_run.complete", subject: id,
            payload: [
                "items": .integer(items), "results_sha256": .string(SHA256.hash(Array(results.utf8)).hex),
                "metrics": .object(metrics)
            ])
    }

    /// Records a completed run assembled elsewhere (shards merged by `assay eval import`) in
    /// one transaction: the run, all its items and its results, with `evaluation_run.import`
    /// (payload: the source runs) and `evaluation_run.complete` in the audit log. Nothing is
    /// written if any part fails. `run.startedAt` and `run.finishedAt` are kept when given.
    public func importEvaluationRun(
        _ run: EvaluationRunRecord, items: [EvaluationItemRow], results: String,
        metrics: [String: JSONValue], sources: [String]
    ) throws -> EvaluationRunRecord {
        try write { tx in
            let finished = run.finishedAt ?? tx.time
            try Self.insertRunningEvaluationRun(tx, run, startedAt: run.startedAt.isEmpty ? tx.time : run.startedAt)
            try Self.insertEvaluationItems(tx, run: run.id, items)
            try tx.appendAudit(
                action: "evaluation_run.import", subject: run.id,
                payload: run.auditPayload(adding: [
                    "backend": .string(run.backend), "items": .integer(Int64(items.count)),
                    "sources": .array(sources.map(JSONValue.string))
                ]))
            try Self.markEvaluationRunCompleted(
                tx, run.id, finishedAt: finished, results: results, items: Int64(items.count), metrics: metrics)
        }
        return try evaluationRun(run.id)
    }

    // MARK: request cache

    /// Cached results for the keys that have one.
    public func cachedRequests(keys: [String]) throws -> [String: String] {
        guard !keys.isEmpty else { return [:] }
        return try readDatabase { db in
            var out: [String: String] = [:]
            let statement = try db.prepare("SELECT result FROM evaluation_request_cache WHERE key = ?")
            for key in keys {
                try statement.bind([key])
                if let row = try statement.firstRow() { out[key] = try row.get("result") }
            }
            return out
        }
    }

    /// Stores cache entries (existing keys are kept).
    public func storeCachedRequests(_ entries: [RequestCacheEntry]) throws {
        guard !entries.isEmpty else { return }
        try write { tx in
            let statement = try tx.database.prepare(
                """
                INSERT OR IGNORE INTO evaluation_request_cache (key, model_digest, engine_version, result, created_at)
                VALUES (?, ?, ?, ?, ?)
                """)
            for entry in entries {
                try statement.bind([entry.key, entry.modelDigest, entry.engineVersion, entry.result, tx.time])
                try statement.run()
            }
        }
    }
}
