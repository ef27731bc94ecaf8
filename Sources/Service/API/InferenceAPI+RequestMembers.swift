import Foundation
import InferenceCore
import JSON

// Request members shared by the completion and chat routes: sampling options and their checks.
extension InferenceAPI {
    struct Sampling {
        var maxTokens: Int
        var temperature: Float
        var topP: Float
        /// nil: a fresh random seed per choice.
        var seed: UInt64?
        var stop: [String]
        var stream: Bool
        var includeUsage: Bool
        var n: Int
        var presencePenalty: Float
        var frequencyPenalty: Float

        /// The seed of choice `index`: the request's seed plus the index (so the choices of
        /// one seeded request differ and repeat), else fresh randomness.
        func seed(choice index: Int) -> UInt64 {
            if let seed { return seed &+ UInt64(index) }
            var value: UInt64 = 0
            _ = withUnsafeMutableBytes(of: &value) { getentropy($0.baseAddress, 8) }
            return value
        }

        func request(prompt: String, choice: Int, logprobs: Int?) -> GenerationRequest {
            GenerationRequest(
                prompt: prompt, maxTokens: maxTokens, stop: stop, temperature: temperature, topP: topP,
                seed: seed(choice: choice), presencePenalty: presencePenalty,
                frequencyPenalty: frequencyPenalty, logprobs: logprobs)
        }
    }

    static func number(_ value: JSONValue?, _ name: String, range: ClosedRange<Double>) throws -> Double? {
        guard let value, value != .null else { return nil }
        let d: Double
        switch value {
        case .integer(let i): d = Double(i)
        case .number(let x): d = x
        default: throw OpenAIError("'\(name)' must be a number", param: name)
        }
        guard range.contains(d) else {
            throw OpenAIError("'\(name)' must be in \(range.lowerBound)...\(range.upperBound)", param: name)
        }
        return d
    }

    static func integer(_ value: JSONValue?, _ name: String, range: ClosedRange<Int>) throws -> Int? {
        guard let d = try number(value, name, range: Double(range.lowerBound)...Double(range.upperBound)) else {
            return nil
        }
        guard d == d.rounded() else { throw OpenAIError("'\(name)' must be an integer", param: name) }
        return Int(d)
    }

    static func bool(_ value: JSONValue?, _ name: String) throws -> Bool? {
        switch value {
        case nil, .null?: return nil
        case .bool(let b)?: return b
        default: throw OpenAIError("'\(name)' must be a boolean", param: name)
        }
    }

    /// Largest `n` (choices per prompt) and batch (prompts × n) one request may ask for.
    static let maxChoices = 16
    static let maxBatch = 64

    static func sampling(_ o: [String: JSONValue], defaultMaxTokens: Int) throws -> Sampling {
        let maxTokens =
            try integer(
                o["max_tokens"] ?? o["max_completion_tokens"],
                o["max_tokens"] == nil && o["max_completion_tokens"] != nil
                    ? "max_completion_tokens" : "max_tokens", range: 0...32768) ?? defaultMaxTokens
        // OpenAI's defaults: temperature 1, top_p 1.
        let temperature = Float(try number(o["temperature"], "temperature", range: 0...2) ?? 1)
        let topP = Float(try number(o["top_p"], "top_p", range: 0...1) ?? 1)
        let seed: UInt64?
        switch o["seed"] {
        case nil, .null?: seed = nil
        case .integer(let i)?: seed = UInt64(bitPattern: i)
        default: throw OpenAIError("'seed' must be an integer", param: "seed")
        }
        let n = try integer(o["n"], "n", range: 1...maxChoices) ?? 1
        var stop: [String] = []
        switch o["stop"] {
        case nil, .null?: break
        case .string(let s)?: stop = [s]
        case .array(let items)?:
            stop = try items.map {
                guard let s = $0.stringValue else {
                    throw OpenAIError("'stop' must be a string or an array of strings", param: "stop")
                }
                return s
            }
            guard stop.count <= 4 else { throw OpenAIError("'stop' takes at most 4 strings", param: "stop") }
        default: throw OpenAIError("'stop' must be a string or an array of strings", param: "stop")
        }
        stop = stop.filter { !$0.isEmpty }
        let stream = try bool(o["stream"], "stream") ?? false
        var includeUsage = false
        switch o["stream_options"] {
        case nil, .null?: break
        case .object(let options)?:
            guard stream else {
                throw OpenAIError("'stream_options' is only allowed with stream: true", param: "stream_options")
            }
            for key in options.keys where key != "include_usage" && key != "continuous_usage_stats" {
                throw OpenAIError("'stream_options' has an unknown member '\(key)'", param: "stream_options")
            }
            includeUsage = try bool(options["include_usage"], "stream_options.include_usage") ?? false
        default: throw OpenAIError("'stream_options' must be an object", param: "stream_options")
        }
        let presence = Float(try number(o["presence_penalty"], "presence_penalty", range: -2...2) ?? 0)
        let frequency = Float(try number(o["frequency_penalty"], "frequency_penalty", range: -2...2) ?? 0)
        switch o["logit_bias"] {
        case nil, .null?: break
        case .object(let biases)? where biases.isEmpty: break
        default: throw OpenAIError("'logit_bias' is not supported", param: "logit_bias")
        }
        return Sampling(
            maxTokens: maxTokens, temperature: temperature, topP: topP, seed: seed, stop: stop, stream: stream,
            includeUsage: includeUsage, n: n, presencePenalty: presence, frequencyPenalty: frequency)
    }

    /// Rejects members outside `allowed` (OpenAI's names, so typos do not pass silently).
    static func checkMembers(_ object: [String: JSONValue], _ allowed: Set<String>) throws {
        for key in object.keys.sorted() where !allowed.contains(key) {
            throw OpenAIError("unknown or unsupported member '\(key)'", param: key)
        }
    }

    /// Runs a backend call, turning the engine's request errors into 400s.
    static func call<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as InferenceError {
            if let shaped = OpenAIError.from(error) { throw shaped }
            throw error
        }
    }

    /// `call` for the synchronous writer of a streamed body (it runs on the connection's thread).
    static func callBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        try blockingAwait { try await call(body) }
    }
}
