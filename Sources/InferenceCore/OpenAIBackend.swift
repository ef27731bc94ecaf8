import Foundation
import HTTPClient
import Synchronization

/// One token of a scored prompt (OpenAI `echo` + `logprobs`).
public struct PromptTokenLogprob: Sendable, Hashable, Codable {
    public var token: Int32
    /// The token's text (empty for special tokens such as BOS).
    public var text: String
    /// Offset of the token's text in the prompt, in Unicode scalars.
    public var offset: Int
    /// Natural-log probability given the tokens before it; nil for the first token.
    public var logprob: Double?
    /// The most likely token at this position and its log-probability (nil for the first).
    public var topText: String?
    public var topLogprob: Double?
    /// True when this token is the argmax at its position.
    public var isGreedy: Bool
    /// The most likely tokens at this position, most likely first (OpenAI `top_logprobs`);
    /// empty for the first token or when the backend only knows the top one.
    public var alternatives: [TokenAlternative] = []
}

/// One candidate token at a scored position.
public struct TokenAlternative: Sendable, Hashable, Codable {
    /// Token id (-1 when a remote server did not say).
    public var token: Int32
    public var text: String
    public var logprob: Double
}

extension PromptTokenLogprob {
    /// `alternatives`, or the top token alone (its id unknown) when the backend only knows that one.
    public var knownAlternatives: [TokenAlternative] {
        guard alternatives.isEmpty, let topText, let topLogprob else { return alternatives }
        return [TokenAlternative(token: -1, text: topText, logprob: topLogprob)]
    }
}

/// Backends that can score every token of a prompt in one pass. The service's
/// `/v1/completions` uses it for `echo` with `logprobs` (how lm-eval style clients, including
/// `OpenAIBackend`, compute log-likelihoods over HTTP).
public protocol PromptScoringBackend: Backend {
    func scorePrompt(_ text: String, addSpecial: Bool) async throws -> [PromptTokenLogprob]
}

/// Failures talking to an OpenAI-compatible server.
public enum OpenAIBackendError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalidURL(String)
    case connectionFailed(String)
    case httpStatus(Int, String)
    case malformedResponse(String)

    public var description: String {
        switch self {
        case .invalidURL(let u): return "invalid server URL '\(u)' (expected http://HOST:PORT[/PREFIX])"
        case .connectionFailed(let m): return "cannot reach the server: \(m)"
        case .httpStatus(let code, let body): return "server answered HTTP \(code): \(body.prefix(300))"
        case .malformedResponse(let m): return "unexpected server response: \(m)"
        }
    }
}

/// `Backend` over an OpenAI-compatible HTTP server (llama-server, vLLM, Ollama, `assay serve`).
///
/// - `loglikelihood`: `POST /v1/completions` with `prompt = context + continuation`, `echo`,
///   `logprobs: 1`, `max_tokens: 0` (servers that refuse 0 with HTTP 400/422, such as vLLM, are
///   asked again with `max_tokens: 1` and the generated token is dropped); sums the log-probabilities of the tokens whose text starts
///   at or after the context (trailing whitespace of the context moves to the continuation, as
///   in lm-eval) and checks each against the top token.
/// - `generate`: `POST /v1/completions` with the sampling settings, non-streaming.
/// - `tokenize`: `POST /tokenize` (llama-server's endpoint, also served by `assay serve`).
///
/// Plain HTTP only (use a local TLS terminator for https), one connection per request.
public struct OpenAIBackend: PromptScoringBackend {
    public let host: String
    public let port: Int
    /// Path prefix before `/v1/...` (usually empty).
    public let prefix: String
    public let model: String
    public let apiKey: String?
    public let timeoutSeconds: Int
    /// `max_tokens` of scoring requests: 0 until the server refuses it, then 1.
    private let echoMaxTokens = EchoMaxTokens()

    public var info: BackendInfo {
        BackendInfo(
            backend: "openai", engineVersion: "openai-compatible http://\(host):\(port)\(prefix)",
            modelIdentity: model, threads: 0)
    }

    /// `baseURL` like `http://127.0.0.1:8080` (a trailing `/v1` is accepted and dropped).
    public init(baseURL: String, model: String, apiKey: String? = nil, timeoutSeconds: Int = 600) throws {
        let url: HTTPURL
        do { url = try HTTPURL(parsing: baseURL) } catch { throw OpenAIBackendError.invalidURL(baseURL) }
        var prefix = url.basePath
        if prefix.hasSuffix("/v1") { prefix.removeLast(3) }
        self.host = url.host
        self.port = url.port
        self.prefix = prefix
        self.model = model
        self.apiKey = apiKey
        self.timeoutSeconds = timeoutSeconds
    }

    public func tokenize(_ text: String, addSpecial: Bool) async throws -> [Int32] {
        let body = try await post("/tokenize", ["content": text, "add_special": addSpecial])
        guard let tokens = body["tokens"] as? [Any] else { throw OpenAIBackendError.malformedResponse("no 'tokens'") }
        return try tokens.map {
            guard let n = ($0 as? NSNumber)?.int32Value else {
                throw OpenAIBackendError.malformedResponse("token is not a number")
            }
            return n
        }
    }

    public func scorePrompt(_ text: String, addSpecial: Bool) async throws -> [PromptTokenLogprob] {
        var maxTokens = echoMaxTokens.value.withLock { $0 }
        func request(_ maxTokens: Int) async throws -> [String: Any] {
            try await post(
                "/v1/completions",
                [
                    "model": model, "prompt": text, "max_tokens": maxTokens, "echo": true, "logprobs": 1,
                    "temperature": 0
                ])
        }
        let body: [String: Any]
        do {
            body = try await request(maxTokens)
        } catch OpenAIBackendError.httpStatus(let status, _) where maxTokens == 0 && (status == 400 || status == 422) {
            maxTokens = 1
            body = try await request(maxTokens)
            echoMaxTokens.value.withLock { $0 = 1 }
        }
        let scored = try Self.parseEcho(body, prompt: text)
        // With max_tokens 1 the last entry is the generated token, not part of the prompt.
        return maxTokens > 0 ? Array(scored.dropLast(maxTokens)) : scored
    }

    /// The echoed prompt tokens of a completions response (`choices[0].logprobs`). A server
    /// that ignored `echo` (its text does not start with the prompt) is an error, not a score.
    static func parseEcho(_ body: [String: Any], prompt: String) throws -> [PromptTokenLogprob] {
        guard let choices = body["choices"] as? [[String: Any]], let first = choices.first,
            let echoed = first["text"] as? String, echoed.unicodeScalars.starts(with: prompt.unicodeScalars)
        else {
            throw OpenAIBackendError.malformedResponse(
                "the server did not echo the prompt (it may not support echo with logprobs)")
        }
        guard let logprobs = first["logprobs"] as? [String: Any],
            let tokens = logprobs["tokens"] as? [String],
            let tokenLogprobs = logprobs["token_logprobs"] as? [Any],
            let offsets = logprobs["text_offset"] as? [Any],
            tokens.count == tokenLogprobs.count, tokens.count == offsets.count
        else {
            throw OpenAIBackendError.malformedResponse("completions response without echo logprobs")
        }
        let tops = logprobs["top_logprobs"] as? [Any] ?? []
        let ids = logprobs["token_ids"] as? [Any] ?? []
        return tokens.indices.map { i in
            let lp = (tokenLogprobs[i] as? NSNumber)?.doubleValue
            var alternatives: [TokenAlternative] = []
            if i < tops.count, let entry = tops[i] as? [String: Any] {
                alternatives = entry.compactMap { key, value in
                    (value as? NSNumber).map { TokenAlternative(token: -1, text: key, logprob: $0.doubleValue) }
                }.sorted { $0.logprob != $1.logprob ? $0.logprob > $1.logprob : $0.text < $1.text }
            }
            let best = alternatives.first
            let greedy = best == nil || (best?.text == tokens[i] && (lp ?? 0) >= (best?.logprob ?? 0) - 1e-9)
            return PromptTokenLogprob(
                token: (i < ids.count ? (ids[i] as? NSNumber)?.int32Value : nil) ?? -1,
                text: tokens[i], offset: (offsets[i] as? NSNumber)?.intValue ?? 0,
                logprob: lp, topText: best?.text, topLogprob: best?.logprob, isGreedy: greedy,
                alternatives: alternatives)
        }
    }

    public func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult] {
        var results: [LoglikelihoodResult] = []
        for request in requests {
            let start = Date()
            // lm-eval: whitespace at the end of the context belongs to the continuation.
            var context = Substring(request.context)
            while let last = context.last, last == " " { context.removeLast() }
            let split = context.unicodeScalars.count
            let scored = try await scorePrompt(request.context + request.continuation, addSpecial: true)
            var sum = 0.0
            var greedy = true
            var contextCount = 0
            var continuationCount = 0
            for token in scored {
                if token.offset >= split && !(token.text.isEmpty && token.logprob == nil) {
                    sum += token.logprob ?? 0
                    greedy = greedy && token.isGreedy
                    continuationCount += 1
                } else {
                    contextCount += 1
                }
            }
            let seconds = Date().timeIntervalSince(start)
            results.append(
                LoglikelihoodResult(
                    logLikelihood: sum, isGreedy: greedy, contextTokenCount: contextCount,
                    continuationTokenCount: continuationCount,
                    timing: RequestTiming(
                        prefillTokens: scored.count, prefillSeconds: seconds,
                        timeToFirstTokenSeconds: seconds, totalSeconds: seconds)))
        }
        return results
    }

    public func generate(_ request: GenerationRequest, onToken: @Sendable (String) -> Void) async throws
        -> GenerationResult
    {
        let start = Date()
        var payload: [String: Any] = [
            "model": model, "prompt": request.prompt, "max_tokens": request.maxTokens,
            "temperature": Double(request.temperature), "top_p": Double(request.topP),
            "seed": request.seed
        ]
        if !request.stop.isEmpty { payload["stop"] = request.stop }
        let body = try await post("/v1/completions", payload)
        guard let choices = body["choices"] as? [[String: Any]], let first = choices.first,
            let text = first["text"] as? String
        else {
            throw OpenAIBackendError.malformedResponse("completions response without text")
        }
        onToken(text)
        let usage = body["usage"] as? [String: Any]
        let promptTokens = (usage?["prompt_tokens"] as? NSNumber)?.intValue ?? 0
        let completionTokens = (usage?["completion_tokens"] as? NSNumber)?.intValue ?? 0
        let finish: GenerationResult.FinishReason = (first["finish_reason"] as? String) == "length" ? .length : .stop
        let seconds = Date().timeIntervalSince(start)
        return GenerationResult(
            text: text, tokens: [], promptTokenCount: promptTokens, finishReason: finish,
            timing: RequestTiming(
                prefillTokens: promptTokens, decodeTokens: completionTokens,
                timeToFirstTokenSeconds: seconds, totalSeconds: seconds))
    }

    /// Largest answer read from the server (a full-vocabulary logprobs answer stays far below).
    static let maxAnswerBytes = 256 << 20

    /// POSTs JSON and parses the JSON object answer. The blocking socket I/O runs on its own
    /// thread, never on Swift's cooperative pool.
    func post(_ path: String, _ payload: [String: Any]) async throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
        var headers = [("Content-Type", "application/json"), ("Accept", "application/json")]
        if let apiKey { headers.append(("Authorization", "Bearer \(apiKey)")) }
        let url = HTTPURL(host: host, port: port, target: prefix + path)
        let (timeout, requestHeaders) = (Int64(timeoutSeconds) * 1000, headers)
        let response = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<HTTPClient.Response, any Error>) in
            Thread {
                continuation.resume(
                    with: Result {
                        do {
                            return try HTTPClient.send(
                                "POST", url, headers: requestHeaders, body: Array(data),
                                timeoutMilliseconds: timeout, read: .whole(limit: Self.maxAnswerBytes))
                        } catch {
                            throw OpenAIBackendError.connectionFailed(String(describing: error))
                        }
                    })
            }.start()
        }
        let text = String(decoding: response.body, as: UTF8.self)
        guard (200..<300).contains(response.status) else { throw OpenAIBackendError.httpStatus(response.status, text) }
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw OpenAIBackendError.malformedResponse("not a JSON object: \(text.prefix(200))")
        }
        return object
    }
}

/// The scoring `max_tokens` an `OpenAIBackend` settled on (shared by its copies).
final class EchoMaxTokens: Sendable {
    let value = Mutex(0)
}
