import Foundation
import Hashing
import InferenceCore
import JSON
import Registry

/// Request cache keys: SHA-256 over (format, model digest, engine identity, request kind, prompt
/// hash). The format names how results are stored: `assay-cache/3` since `RequestTiming`'s keys
/// became snake_case; entries of an older format are simply not found again.
/// The engine identity names the backend, so results of the native engine and of a remote
/// server never answer for each other, even for the same registered model version.
public enum RequestCacheKey {
    /// The stored format's name, first in every key.
    static let format = "assay-cache/3"

    /// "native assay-native 0.1.0"; for other backends also the server's model name, e.g.
    /// "openai openai-compatible http://gpu-box:8000 model=smollm2".
    public static func engineIdentity(_ info: BackendInfo) -> String {
        info.backend == "native"
            ? "\(info.backend) \(info.engineVersion)"
            : "\(info.backend) \(info.engineVersion) model=\(info.modelIdentity)"
    }

    public static func loglikelihood(_ request: LoglikelihoodRequest, modelDigest: String, engineVersion: String)
        -> String
    {
        let promptHash = SHA256.hash(Array((request.context + "\u{0}" + request.continuation).utf8)).hex
        return key([Self.format, modelDigest, engineVersion, "loglikelihood", promptHash])
    }

    public static func generation(_ request: GenerationRequest, modelDigest: String, engineVersion: String) -> String {
        let value: JSONValue = .object([
            "prompt": .string(request.prompt), "max_tokens": .integer(Int64(request.maxTokens)),
            "stop": .array(request.stop.map { .string($0) }), "temperature": .number(Double(request.temperature)),
            "top_p": .number(Double(request.topP)), "seed": .string(String(request.seed)),
            "add_special": .bool(request.addSpecial)
        ])
        let promptHash = SHA256.hash((try? value.canonicalBytes()) ?? []).hex
        return key([Self.format, modelDigest, engineVersion, "generate", promptHash])
    }

    static func key(_ parts: [String]) -> String {
        SHA256.hash((try? JSONValue.array(parts.map { .string($0) }).canonicalBytes()) ?? []).hex
    }
}
