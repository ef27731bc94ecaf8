import Foundation
import Hashing
import InferenceCore
import JSON

// `/v1/chat/completions` and the response envelope both routes share.
extension InferenceAPI {
    /// The conversation of a chat request: roles system/user/assistant, content a string or
    /// an array of `{"type": "text", "text": ...}` parts (joined).
    static func chatMessages(_ value: JSONValue?) throws -> [ChatMessage] {
        guard case .array(let items)? = value else {
            throw OpenAIError("'messages' must be an array", param: "messages")
        }
        guard !items.isEmpty else { throw OpenAIError("'messages' must not be empty", param: "messages") }
        return try items.map { item in
            guard let message = item.objectValue else {
                throw OpenAIError("'messages' must be objects", param: "messages")
            }
            guard let role = message["role"]?.stringValue, ChatTemplate.roles.contains(role) else {
                throw OpenAIError("'messages' need a role: system, user or assistant", param: "messages")
            }
            switch message["content"] {
            case .string(let text)?:
                return ChatMessage(role: role, content: text)
            case .array(let parts)?:
                let texts = try parts.map { part -> String in
                    guard let o = part.objectValue, o["type"]?.stringValue == "text", let text = o["text"]?.stringValue
                    else {
                        throw OpenAIError(
                            "'messages' content parts must be {\"type\": \"text\", \"text\": ...}", param: "messages")
                    }
                    return text
                }
                return ChatMessage(role: role, content: texts.joined())
            default:
                throw OpenAIError("'messages' need string content", param: "messages")
            }
        }
    }

    static let chatMembers: Set<String> = [
        "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "seed", "stop", "stream",
        "stream_options", "n", "user", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "logit_bias"
    ]

    func chat(_ req: Request, _: RequestContext) async throws -> Response {
        let (object, model, backend) = try generationBody(req, allowed: Self.chatMembers)
        let messages = try Self.chatMessages(object["messages"])
        let sampling = try Self.sampling(object, defaultMaxTokens: 256)
        guard sampling.maxTokens > 0 else { throw OpenAIError("'max_tokens' must be at least 1", param: "max_tokens") }
        let wantsLogprobs = try Self.bool(object["logprobs"], "logprobs") ?? false
        let top = try Self.integer(object["top_logprobs"], "top_logprobs", range: 0...NativeEngine.promptAlternatives)
        if top != nil && !wantsLogprobs {
            throw OpenAIError("'top_logprobs' needs logprobs: true", param: "top_logprobs")
        }
        let logprobs = wantsLogprobs ? (top ?? 0) : nil
        let segments = backend.chatPrompt(messages)
        func request(_ choice: Int) -> GenerationRequest {
            var request = GenerationRequest(
                segments: segments, maxTokens: sampling.maxTokens, stop: sampling.stop,
                temperature: sampling.temperature, topP: sampling.topP, seed: sampling.seed(choice: choice))
            request.presencePenalty = sampling.presencePenalty
            request.frequencyPenalty = sampling.frequencyPenalty
            request.logprobs = logprobs
            return request
        }
        if sampling.stream {
            guard logprobs == nil else {
                throw OpenAIError("'logprobs' is not available with stream: true", param: "logprobs")
            }
            return stream(
                model: model, chat: true, includeUsage: sampling.includeUsage,
                jobs: (0..<sampling.n).map { StreamJob(index: $0, echo: nil, request: request($0)) }, backend: backend)
        }
        var choices: [JSONValue] = []
        var promptTokens = 0
        var completionTokens = 0
        for j in 0..<sampling.n {
            let generation = request(j)
            let result = try await Self.call { try await backend.generate(generation, onToken: { _ in }) }
            if logprobs != nil { try Self.checkLogprobs(result) }
            if j == 0 { promptTokens = result.promptTokenCount }
            completionTokens += result.tokens.count
            var choice: [String: JSONValue] = [
                "index": .integer(Int64(j)), "message": ["role": "assistant", "content": .string(result.text)],
                "finish_reason": .string(Self.finish(result.finishReason)), "logprobs": .null
            ]
            if let logprobs {
                choice["logprobs"] = [
                    "content": .array(
                        result.logprobs.prefix(result.tokens.count).map { token in
                            [
                                "token": .string(token.text), "logprob": .number(Self.finite(token.logprob)),
                                "bytes": .array(token.bytes.map { .integer(Int64($0)) }),
                                "top_logprobs": .array(
                                    token.alternatives.prefix(logprobs).map { alternative in
                                        [
                                            "token": .string(alternative.text),
                                            "logprob": .number(Self.finite(alternative.logprob)),
                                            "bytes": .array(Array(alternative.text.utf8).map { .integer(Int64($0)) })
                                        ]
                                    })
                            ]
                        })
                ]
            }
            choices.append(.object(choice))
        }
        metrics.tokens(model: model.id, prompt: promptTokens, completion: completionTokens)
        return try .json(
            envelope(
                object: "chat.completion", model: model, choices: choices,
                promptTokens: promptTokens, completionTokens: completionTokens))
    }

    static func finish(_ reason: GenerationResult.FinishReason) -> String {
        reason == .length ? "length" : "stop"
    }

    static func usage(prompt: Int, completion: Int) -> JSONValue {
        [
            "prompt_tokens": .integer(Int64(prompt)), "completion_tokens": .integer(Int64(completion)),
            "total_tokens": .integer(Int64(prompt + completion))
        ]
    }

    func envelope(object: String, model: ServedModel, choices: [JSONValue], promptTokens: Int, completionTokens: Int)
        -> JSONValue
    {
        [
            "id": .string(Self.newID(object == "chat.completion" ? "chatcmpl" : "cmpl")), "object": .string(object),
            "created": .integer(Int64(Date().timeIntervalSince1970)), "model": .string(model.id),
            "choices": .array(choices), "usage": Self.usage(prompt: promptTokens, completion: completionTokens)
        ]
    }

    static func newID(_ prefix: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 12)
        _ = bytes.withUnsafeMutableBytes { getentropy($0.baseAddress, 12) }
        return prefix + "-" + Hex.encode(bytes)
    }
}
