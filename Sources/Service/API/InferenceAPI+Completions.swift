import Foundation
import InferenceCore
import JSON

// `/v1/completions`: prompts, echo and logprobs.
extension InferenceAPI {
    /// One prompt of a completion request: text, or token ids used as is.
    enum Prompt {
        case text(String)
        case tokens([Int32])
    }

    /// OpenAI's `prompt` forms: a string, an array of strings, an array of token ids, or an
    /// array of token-id arrays.
    static func prompts(_ value: JSONValue?) throws -> [Prompt] {
        func tokens(_ items: [JSONValue]) throws -> [Int32] {
            try items.map {
                guard case .integer(let i) = $0, i >= 0, i <= Int64(Int32.max) else {
                    throw OpenAIError("'prompt' token ids must be non-negative integers", param: "prompt")
                }
                return Int32(i)
            }
        }
        let prompts: [Prompt]
        switch value {
        case .string(let s)?: prompts = [.text(s)]
        case .array(let items)? where !items.isEmpty:
            switch items[0] {
            case .string:
                prompts = try items.map {
                    guard let s = $0.stringValue else {
                        throw OpenAIError("'prompt' must not mix strings and other values", param: "prompt")
                    }
                    return .text(s)
                }
            case .integer: prompts = [.tokens(try tokens(items))]
            case .array:
                prompts = try items.map {
                    guard case .array(let inner) = $0 else {
                        throw OpenAIError("'prompt' must be an array of token-id arrays", param: "prompt")
                    }
                    return .tokens(try tokens(inner))
                }
            default: throw OpenAIError("'prompt' must be a string, an array of strings or token ids", param: "prompt")
            }
        case .array?: throw OpenAIError("'prompt' must not be empty", param: "prompt")
        case nil, .null?: throw OpenAIError("'prompt' is required", param: "prompt")
        default: throw OpenAIError("'prompt' must be a string, an array of strings or token ids", param: "prompt")
        }
        for prompt in prompts {
            switch prompt {
            case .text(let s) where s.isEmpty: throw OpenAIError("'prompt' must not be empty", param: "prompt")
            case .tokens(let t) where t.isEmpty: throw OpenAIError("'prompt' must not be empty", param: "prompt")
            default: break
            }
        }
        return prompts
    }

    static let completionMembers: Set<String> = [
        "model", "prompt", "max_tokens", "temperature", "top_p", "seed", "stop", "stream", "stream_options", "n",
        "logprobs", "echo", "user", "presence_penalty", "frequency_penalty", "logit_bias", "best_of"
    ]

    /// One finished choice of a completion.
    struct CompletionChoice {
        var text: String
        var logprobs: JSONValue
        var finishReason: String
        var promptTokens: Int
        var completionTokens: Int
    }

    func completions(_ req: Request, _: RequestContext) async throws -> Response {
        let (object, model, backend) = try generationBody(req, allowed: Self.completionMembers)
        let prompts = try Self.prompts(object["prompt"])
        let sampling = try Self.sampling(object, defaultMaxTokens: 16)
        if let bestOf = try Self.integer(object["best_of"], "best_of", range: 1...Self.maxChoices), bestOf != sampling.n
        {
            throw OpenAIError("'best_of' other than n is not supported", param: "best_of")
        }
        guard prompts.count * sampling.n <= Self.maxBatch else {
            throw OpenAIError("at most \(Self.maxBatch) choices per request (prompts × n)", param: "n")
        }
        let echo = try Self.bool(object["echo"], "echo") ?? false
        let logprobs = try Self.integer(object["logprobs"], "logprobs", range: 0...NativeEngine.promptAlternatives)
        if prompts.contains(where: { if case .tokens = $0 { return true } else { return false } }),
            !(backend is any TokenLevelBackend)
        {
            throw OpenAIError("this backend takes text prompts only", param: "prompt")
        }
        if sampling.stream {
            guard logprobs == nil else {
                throw OpenAIError("'logprobs' is not available with stream: true", param: "logprobs")
            }
            guard sampling.maxTokens > 0 else {
                throw OpenAIError("'max_tokens' must be at least 1 to stream", param: "max_tokens")
            }
            return stream(
                model: model, chat: false, includeUsage: sampling.includeUsage,
                jobs: try prompts.enumerated().flatMap { p, prompt in
                    try (0..<sampling.n).map { j in
                        StreamJob(
                            index: p * sampling.n + j, echo: echo ? try promptText(prompt, backend) : nil,
                            request: try generationRequest(prompt, sampling: sampling, choice: j, logprobs: nil))
                    }
                }, backend: backend)
        }
        if !echo || logprobs == nil {
            guard sampling.maxTokens > 0 || echo else {
                throw OpenAIError(
                    "'max_tokens' must be at least 1 (0 is for scoring with echo and logprobs)", param: "max_tokens")
            }
        }
        var choices: [JSONValue] = []
        var promptTokens = 0
        var completionTokens = 0
        for (p, prompt) in prompts.enumerated() {
            for j in 0..<sampling.n {
                let choice = try await completionChoice(
                    prompt, backend: backend, sampling: sampling, choice: j, echo: echo, logprobs: logprobs)
                if j == 0 { promptTokens += choice.promptTokens }
                completionTokens += choice.completionTokens
                choices.append([
                    "index": .integer(Int64(p * sampling.n + j)), "text": .string(choice.text),
                    "logprobs": choice.logprobs, "finish_reason": .string(choice.finishReason)
                ])
            }
        }
        metrics.tokens(model: model.id, prompt: promptTokens, completion: completionTokens)
        return try .json(
            envelope(
                object: "text_completion", model: model, choices: choices,
                promptTokens: promptTokens, completionTokens: completionTokens))
    }

    func promptText(_ prompt: Prompt, _ backend: any Backend) throws -> String {
        switch prompt {
        case .text(let s): return s
        case .tokens(let t):
            guard let tokenLevel = backend as? any TokenLevelBackend else {
                throw OpenAIError("this backend takes text prompts only", param: "prompt")
            }
            do { return try tokenLevel.detokenize(t) } catch let error as InferenceError {
                throw OpenAIError.from(error) ?? error
            }
        }
    }

    func generationRequest(_ prompt: Prompt, sampling: Sampling, choice: Int, logprobs: Int?) throws
        -> GenerationRequest
    {
        switch prompt {
        case .text(let s): return sampling.request(prompt: s, choice: choice, logprobs: logprobs)
        case .tokens(let t):
            var request = sampling.request(prompt: "", choice: choice, logprobs: logprobs)
            request.promptTokens = t
            return request
        }
    }

    func completionChoice(
        _ prompt: Prompt, backend: any Backend, sampling: Sampling, choice: Int, echo: Bool,
        logprobs: Int?
    ) async throws -> CompletionChoice {
        // Scoring: the prompt's own tokens with their log-probabilities (lm-eval, vLLM's echo),
        // followed by any generated tokens.
        if echo, let logprobs {
            guard let scorer = backend as? any PromptScoringBackend else {
                throw OpenAIError(status: .notImplemented, "this backend cannot score prompts", param: "echo")
            }
            let scored: [PromptTokenLogprob]
            switch prompt {
            case .text(let s): scored = try await Self.call { try await scorer.scorePrompt(s, addSpecial: true) }
            case .tokens(let t):
                guard let tokenLevel = backend as? any TokenLevelBackend else {
                    throw OpenAIError("this backend takes text prompts only", param: "prompt")
                }
                scored = try await Self.call { try await tokenLevel.scorePrompt(tokens: t) }
            }
            let text = try promptText(prompt, backend)
            var tokens = scored.map { JSONValue.string($0.text) }
            var ids = scored.map { JSONValue.integer(Int64($0.token)) }
            var values = scored.map { $0.logprob.map { JSONValue.number(Self.finite($0)) } ?? .null }
            var tops = scored.map { Self.topLogprobs($0, count: logprobs) }
            var offsets = scored.map { JSONValue.integer(Int64($0.offset)) }
            var generatedText = ""
            var finish = "length"
            var generatedCount = 0
            if sampling.maxTokens > 0 {
                let request = try generationRequest(prompt, sampling: sampling, choice: choice, logprobs: logprobs)
                let result = try await Self.call { try await backend.generate(request, onToken: { _ in }) }
                try Self.checkLogprobs(result)
                generatedText = result.text
                finish = Self.finish(result.finishReason)
                generatedCount = result.tokens.count
                // Every sampled token, the end-of-generation one included (vLLM does the same;
                // lm-eval drops the last entry and expects one per requested token).
                var offset = text.count
                for token in result.logprobs {
                    tokens.append(.string(token.text))
                    ids.append(.integer(Int64(token.token)))
                    values.append(.number(Self.finite(token.logprob)))
                    tops.append(Self.topLogprobs(token, count: logprobs))
                    offsets.append(.integer(Int64(offset)))
                    offset += token.text.count
                }
            }
            let json: JSONValue = [
                "tokens": .array(tokens), "token_ids": .array(ids), "token_logprobs": .array(values),
                "top_logprobs": .array(tops), "text_offset": .array(offsets)
            ]
            return CompletionChoice(
                text: text + generatedText, logprobs: json, finishReason: finish,
                promptTokens: scored.count, completionTokens: generatedCount)
        }
        let request = try generationRequest(prompt, sampling: sampling, choice: choice, logprobs: logprobs)
        let result = try await Self.call { try await backend.generate(request, onToken: { _ in }) }
        if logprobs != nil { try Self.checkLogprobs(result) }
        let prefix = echo ? try promptText(prompt, backend) : ""
        var json = JSONValue.null
        if let logprobs {
            var offset = prefix.count
            var offsets: [JSONValue] = []
            let generated = Array(result.logprobs.prefix(result.tokens.count))
            for token in generated {
                offsets.append(.integer(Int64(offset)))
                offset += token.text.count
            }
            json = [
                "tokens": .array(generated.map { .string($0.text) }),
                "token_ids": .array(generated.map { .integer(Int64($0.token)) }),
                "token_logprobs": .array(generated.map { .number(Self.finite($0.logprob)) }),
                "top_logprobs": .array(generated.map { Self.topLogprobs($0, count: logprobs) }),
                "text_offset": .array(offsets)
            ]
        }
        return CompletionChoice(
            text: prefix + result.text, logprobs: json, finishReason: Self.finish(result.finishReason),
            promptTokens: result.promptTokenCount, completionTokens: result.tokens.count)
    }

    /// Backends that do not report generated tokens' log-probabilities (remote servers) say so.
    static func checkLogprobs(_ result: GenerationResult) throws {
        guard result.logprobs.count >= result.tokens.count else {
            throw OpenAIError(
                status: .notImplemented, "this backend does not report log-probabilities of generated tokens",
                param: "logprobs")
        }
    }

    /// Log-probabilities are finite in JSON (a token of probability 0 gets -9999).
    static func finite(_ value: Double) -> Double { value.isFinite ? value : -9999 }

    /// OpenAI's `top_logprobs` entry of one echoed token: up to `count` most likely tokens
    /// (text → log-probability; the likelier wins when two render the same); null for the first.
    static func topLogprobs(_ token: PromptTokenLogprob, count: Int) -> JSONValue {
        let alternatives = token.knownAlternatives
        guard token.logprob != nil || !alternatives.isEmpty else { return .null }
        var entry: [String: JSONValue] = [:]
        for alternative in alternatives.prefix(count) where entry[alternative.text] == nil {
            entry[alternative.text] = .number(finite(alternative.logprob))
        }
        return .object(entry)
    }

    /// The same for a generated token; the sampled token is always included (as vLLM does).
    static func topLogprobs(_ token: GeneratedTokenLogprob, count: Int) -> JSONValue {
        var entry: [String: JSONValue] = [:]
        for alternative in token.alternatives.prefix(count) where entry[alternative.text] == nil {
            entry[alternative.text] = .number(finite(alternative.logprob))
        }
        if entry[token.text] == nil { entry[token.text] = .number(finite(token.logprob)) }
        return .object(entry)
    }
}
