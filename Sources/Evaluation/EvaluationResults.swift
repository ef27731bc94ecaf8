import Foundation
import Hashing
import InferenceCore
import Registry

/// The results document of a run (`results.json`), modelled on lm-evaluation-harness output.
public struct EvaluationResults: Sendable, Codable {
    public struct ModelInfo: Sendable, Codable {
        public var reference: String
        public var digest: String
    }
    public struct SuiteInfo: Sendable, Codable {
        public var id: String
        public var version: String
        public var digest: String
    }
    public struct Versions: Sendable, Codable {
        public var assay: String
        public var engine: String
        public var promptBuilder: String
        enum CodingKeys: String, CodingKey {
            case assay, engine
            case promptBuilder = "prompt_builder"
        }
    }

    public var format: String = "assay-results/1"
    public var runID: String
    public var model: ModelInfo
    public var suite: SuiteInfo
    public var config: JSONConfig
    public var versions: Versions
    public var backend: BackendInfo
    public var hardware: Hardware
    /// lm-eval-style flat view: task → {metric: value, "<metric>_stderr": se, "n": n}.
    public var results: [String: [String: Double]]
    public var tasks: [TaskResult]
    public var latency: LatencySummary
    public var energy: EnergyReport
    public var startedAt: String
    public var finishedAt: String
    /// Items computed by the process that finished the run (the rest came from earlier sessions).
    public var sessionItems: Int
    public var resumedItems: Int

    enum CodingKeys: String, CodingKey {
        case format, model, suite, config, versions, backend, hardware, results, tasks, latency, energy
        case runID = "run_id"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case sessionItems = "session_items"
        case resumedItems = "resumed_items"
    }
}
