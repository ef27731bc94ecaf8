import Foundation
import Hashing
import InferenceCore
import Registry

/// What to evaluate and how.
public struct EvaluationOptions: Sendable {
    /// Task ids to run (nil: every task of the suite).
    public var tasks: [String]?
    /// First N items of each task (in file order), before sharding.
    public var limit: Int?
    /// Few-shot examples (nil: each task's `default_shots`).
    public var shots: Int?
    public var shard: Shard?
    /// Items per backend call and per database transaction.
    public var batchSize: Int
    /// Items computed first in this process that are left out of latency figures.
    public var warmupItems: Int
    /// Use and fill the request cache.
    public var useCache: Bool
    /// Require an existing unfinished run to resume (otherwise one is resumed when found, or a new one started).
    public var requireResume: Bool
    public var energy: EnergyMeter
    /// Where `runs/<run-id>/results.json` and `items.jsonl` go (normally the registry home).
    public var outputDirectory: URL?
    /// Also write `results.json` and `items.jsonl` directly into this directory (the shard
    /// exchange format read by `ShardImporter`).
    public var exportDirectory: URL?
    /// Test hook: stop (throwing `CancellationError`) after this many batches were committed.
    public var stopAfterBatches: Int?

    public init(
        tasks: [String]? = nil, limit: Int? = nil, shots: Int? = nil, shard: Shard? = nil, batchSize: Int = 8,
        warmupItems: Int = 2, useCache: Bool = true, requireResume: Bool = false,
        energy: EnergyMeter = EnergyMeter(), outputDirectory: URL? = nil, exportDirectory: URL? = nil,
        stopAfterBatches: Int? = nil
    ) {
        self.tasks = tasks
        self.limit = limit
        self.shots = shots
        self.shard = shard
        self.batchSize = max(1, batchSize)
        self.warmupItems = max(0, warmupItems)
        self.useCache = useCache
        self.requireResume = requireResume
        self.energy = energy
        self.outputDirectory = outputDirectory
        self.exportDirectory = exportDirectory
        self.stopAfterBatches = stopAfterBatches
    }
}
