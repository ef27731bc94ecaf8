import Foundation
import Hashing
import InferenceCore
import JSON
import Registry

/// The run configuration that identifies a run for resumption (threads and batch size are not
/// part of it: they never change results).
public struct JSONConfig: Sendable, Codable, Hashable {
    public struct TaskConfig: Sendable, Codable, Hashable {
        public var id: String
        public var shots: Int
        public var promptTemplateHash: String
        enum CodingKeys: String, CodingKey {
            case id, shots
            case promptTemplateHash = "prompt_template_hash"
        }
    }
    public var modelDigest: String
    public var suiteDigest: String
    public var tasks: [TaskConfig]
    public var limit: Int?
    public var shard: String?
    public var engineVersion: String
    public var backend: String

    enum CodingKeys: String, CodingKey {
        case tasks, limit, shard, backend
        case modelDigest = "model_digest"
        case suiteDigest = "suite_digest"
        case engineVersion = "engine_version"
    }

    var jsonValue: JSONValue {
        .object([
            "model_digest": .string(modelDigest), "suite_digest": .string(suiteDigest),
            "tasks": .array(
                tasks.map {
                    .object([
                        "id": .string($0.id), "shots": .integer(Int64($0.shots)),
                        "prompt_template_hash": .string($0.promptTemplateHash)
                    ])
                }),
            "limit": limit.map { .integer(Int64($0)) } ?? .null, "shard": shard.map { .string($0) } ?? .null,
            "engine_version": .string(engineVersion), "backend": .string(backend)
        ])
    }

    var canonical: String { (try? jsonValue.canonicalString()) ?? "{}" }
    var key: String { SHA256.hash(Array(canonical.utf8)).hex }
}
