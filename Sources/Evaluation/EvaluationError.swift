import Foundation
import Hashing
import InferenceCore
import Registry

/// Errors of the evaluation runner.
public enum EvaluationError: Error, CustomStringConvertible, Sendable, Equatable {
    case invalidShard(String)
    case unknownTask(suite: String, task: String)
    case noItems(String)
    case modelHasNoFile(String)
    case resumeMismatch(String)
    case corruptRecord(run: String, item: String, reason: String)
    case backend(String)

    public var description: String {
        switch self {
        case .invalidShard(let s): return "invalid shard '\(s)': expected k/n with 1 ≤ k ≤ n"
        case .unknownTask(let suite, let task): return "suite '\(suite)' has no task '\(task)'"
        case .noItems(let why): return "nothing to evaluate: \(why)"
        case .modelHasNoFile(let ref): return "model version \(ref) has no GGUF artifact to run"
        case .resumeMismatch(let why): return "cannot resume: \(why)"
        case .corruptRecord(let run, let item, let reason):
            return "run \(run), item \(item): stored record unreadable (\(reason))"
        case .backend(let message): return "backend failed: \(message)"
        }
    }
}
