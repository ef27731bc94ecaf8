import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

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
    public var alternatives: [TokenAlternative]

    public init(token: Int32, text: String, offset: Int, logprob: Double?, topText: String?, topLogprob: Double?,
                isGreedy: Bool, alternatives: [TokenAlternative] = []) {
        self.token = token
        self.text = text
        self.offset = offset
        self.logprob = logprob
        self.topText = topText
        self.topLogprob = topLogprob
        self.isGreedy = isGreedy
        self.alternatives = alternatives
    }
}

/// One candidate token at a scored position.
public struct TokenAlternative: Sendable, Hashable, Codable {
    /// Token id (-1 when a remote server did not say).
    public var token: Int32
    public var text: String
    public var logprob: Double

    public init(token: Int32, text: String, logprob: Double) {
        self.token = token
        self.text = text
        self.logprob = logprob
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
        BackendInfo(backend: "openai", engineVersion: "openai-compatible http://\(host):\(port)\(prefix)",
                    modelIdentity: model, threads: 0)
    }

    /// `baseURL` like `http://127.0.0.1:8080` (a trailing `/v1` is accepted and dropped).
    public init(baseURL: String, model: String, apiKey: String? = nil, timeoutSeconds: Int = 600) throws {
        guard baseURL.hasPrefix("http://") else { throw OpenAIBackendError.invalidURL(baseURL) }
        var rest = String(baseURL.dropFirst("http://".count))
        var prefix = ""
        if let slash = rest.firstIndex(of: "/") {
            prefix = String(rest[slash...])
            rest = String(rest[..<slash])
        }
        while prefix.hasSuffix("/") { prefix.removeLast() }
        if prefix.hasSuffix("/v1") { prefix.removeLast(3) }
        let host: String, port: Int
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            port = after.hasPrefix(":") ? (Int(after.dropFirst()) ?? -1) : 80
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            port = Int(rest[rest.index(after: colon)...]) ?? -1
        } else {
            host = rest
            port = 80
        }
        guard !host.isEmpty, (1...65535).contains(port) else { throw OpenAIBackendError.invalidURL(baseURL) }
        self.host = host
        self.port = port
        self.prefix = prefix
        self.model = model
        self.apiKey = apiKey
        self.timeoutSeconds = timeoutSeconds
    }

    public func tokenize(_ text: String, addSpecial: Bool) async throws -> [Int32] {
        let body = try await post("/tokenize", ["content": text, "add_special": addSpecial])
        guard let tokens = body["tokens"] as? [Any] else { throw OpenAIBackendError.malformedResponse("no 'tokens'") }
        return try tokens.map {
            guard let n = ($0 as? NSNumber)?.int32Value else { throw OpenAIBackendError.malformedResponse("token is not a number") }
            return n
        }
    }

    public func scorePrompt(_ text: String, addSpecial: Bool) async throws -> [PromptTokenLogprob] {
        var maxTokens = echoMaxTokens.value.withLock { $0 }
        func request(_ maxTokens: Int) async throws -> [String: Any] {
            try await post("/v1/completions", [
                "model": model, "prompt": text, "max_tokens": maxTokens, "echo": true, "logprobs": 1, "temperature": 0,
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
              let echoed = first["text"] as? String, echoed.unicodeScalars.starts(with: prompt.unicodeScalars) else {
            throw OpenAIBackendError.malformedResponse("the server did not echo the prompt (it may not support echo with logprobs)")
        }
        guard let logprobs = first["logprobs"] as? [String: Any],
              let tokens = logprobs["tokens"] as? [String],
              let tokenLogprobs = logprobs["token_logprobs"] as? [Any],
              let offsets = logprobs["text_offset"] as? [Any],
              tokens.count == tokenLogprobs.count, tokens.count == offsets.count else {
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
            return PromptTokenLogprob(token: (i < ids.count ? (ids[i] as? NSNumber)?.int32Value : nil) ?? -1,
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
            var sum = 0.0, greedy = true, contextCount = 0, continuationCount = 0
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
            results.append(LoglikelihoodResult(logLikelihood: sum, isGreedy: greedy, contextTokenCount: contextCount,
                                               continuationTokenCount: continuationCount,
                                               timing: RequestTiming(prefillTokens: scored.count, prefillSeconds: seconds,
                                                                     timeToFirstTokenSeconds: seconds, totalSeconds: seconds)))
        }
        return results
    }

    public func generate(_ request: GenerationRequest, onToken: @Sendable (String) -> Void) async throws -> GenerationResult {
        let start = Date()
        var payload: [String: Any] = ["model": model, "prompt": request.prompt, "max_tokens": request.maxTokens,
                                      "temperature": Double(request.temperature), "top_p": Double(request.topP),
                                      "seed": request.seed]
        if !request.stop.isEmpty { payload["stop"] = request.stop }
        let body = try await post("/v1/completions", payload)
        guard let choices = body["choices"] as? [[String: Any]], let first = choices.first,
              let text = first["text"] as? String else {
            throw OpenAIBackendError.malformedResponse("completions response without text")
        }
        onToken(text)
        let usage = body["usage"] as? [String: Any]
        let promptTokens = (usage?["prompt_tokens"] as? NSNumber)?.intValue ?? 0
        let completionTokens = (usage?["completion_tokens"] as? NSNumber)?.intValue ?? 0
        let finish: GenerationResult.FinishReason = (first["finish_reason"] as? String) == "length" ? .length : .stop
        let seconds = Date().timeIntervalSince(start)
        return GenerationResult(text: text, tokens: [], promptTokenCount: promptTokens, finishReason: finish,
                                timing: RequestTiming(prefillTokens: promptTokens, decodeTokens: completionTokens,
                                                      timeToFirstTokenSeconds: seconds, totalSeconds: seconds))
    }

    /// POSTs JSON and parses the JSON object answer. The blocking socket I/O runs on its own
    /// thread, never on Swift's cooperative pool.
    func post(_ path: String, _ payload: [String: Any]) async throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
        var headers = [("Content-Type", "application/json"), ("Accept", "application/json")]
        if let apiKey { headers.append(("Authorization", "Bearer \(apiKey)")) }
        let (host, port, fullPath, timeout, requestHeaders) = (host, port, prefix + path, timeoutSeconds, headers)
        let response = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<MinimalHTTPClient.Response, any Error>) in
            Thread {
                continuation.resume(with: Result {
                    try MinimalHTTPClient.request(host: host, port: port, method: "POST", path: fullPath,
                                                  headers: requestHeaders, body: Array(data), timeoutSeconds: timeout)
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

/// A one-request-per-connection HTTP/1.1 client on blocking sockets (no URLSession needed).
public enum MinimalHTTPClient {
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]
    }

    /// Sends one request with `Connection: close` and reads the whole response (Content-Length,
    /// chunked, or until close).
    public static func request(host: String, port: Int, method: String, path: String, headers: [(String, String)],
                               body: [UInt8], timeoutSeconds: Int = 60) throws -> Response {
        let fd = try connect(host: host, port: port, timeoutSeconds: timeoutSeconds)
        defer { close(fd) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host.contains(":") ? "[\(host)]" : host):\(port)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        try sendAll(fd, Array(head.utf8) + body)
        var data: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { data += scratch[0..<n]; continue }
            if n == 0 { break }
            if errno == EINTR { continue }
            throw OpenAIBackendError.connectionFailed("read failed (errno \(errno))")
        }
        return try parse(data)
    }

    static func parse(_ data: [UInt8]) throws -> Response {
        let crlf2: [UInt8] = [13, 10, 13, 10]
        guard let headEnd = (0..<max(0, data.count - 3)).first(where: { Array(data[$0..<($0 + 4)]) == crlf2 }) else {
            throw OpenAIBackendError.malformedResponse("no complete response head")
        }
        let lines = String(decoding: data[0..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw OpenAIBackendError.malformedResponse("bad status line '\(lines[0])'")
        }
        var headers: [(String, String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]).lowercased(),
                            line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var body = Array(data[(headEnd + 4)...])
        if headers.contains(where: { $0.0 == "transfer-encoding" && $0.1.lowercased().contains("chunked") }) {
            body = try dechunk(body)
        } else if let length = headers.first(where: { $0.0 == "content-length" }).flatMap({ Int($0.1) }), length <= body.count {
            body = Array(body[0..<length])
        }
        if status == 100 { return try parse(body) }
        return Response(status: status, headers: headers, body: body)
    }

    static func dechunk(_ bytes: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard let lineEnd = (i..<max(i, bytes.count - 1)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) else {
                throw OpenAIBackendError.malformedResponse("truncated chunked body")
            }
            let sizeText = String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                throw OpenAIBackendError.malformedResponse("bad chunk size")
            }
            i = lineEnd + 2
            if size == 0 { break }
            guard i + size <= bytes.count else { throw OpenAIBackendError.malformedResponse("truncated chunk") }
            out += bytes[i..<(i + size)]
            i += size + 2
        }
        return out
    }

    static func connect(host: String, port: Int, timeoutSeconds: Int) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else {
            throw OpenAIBackendError.connectionFailed("cannot resolve \(host)")
        }
        defer { freeaddrinfo(result) }
        var info: UnsafeMutablePointer<addrinfo>? = first
        while let ai = info {
            info = ai.pointee.ai_next
            let fd = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
            if fd < 0 { continue }
            var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            if Glibc.connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 { return fd }
            close(fd)
        }
        throw OpenAIBackendError.connectionFailed("connect to \(host):\(port) failed (errno \(errno))")
    }

    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n > 0 { offset += n; continue }
            if n < 0 && errno == EINTR { continue }
            throw OpenAIBackendError.connectionFailed("write failed (errno \(errno))")
        }
    }
}
