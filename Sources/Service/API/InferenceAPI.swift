import Foundation
import Hashing
import InferenceCore

/// Runs an async call from a synchronous handler and returns its result. The task prefers a
/// dedicated executor thread, so waiting here never starves Swift's cooperative pool (the
/// caller may itself be on it, e.g. in tests calling the router directly).
func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task(executorPreference: BlockingBridgeExecutor.shared) {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// A task executor with its own threads (not the cooperative pool).
final class BlockingBridgeExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = BlockingBridgeExecutor(threads: 2)

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    init(threads: Int) {
        for i in 0..<threads {
            let thread = Thread { [self] in run() }
            thread.name = "assay-bridge-\(i)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.withLock {
            jobs.append(unowned)
            condition.signal()
        }
    }

    private func run() {
        while true {
            let job: UnownedJob = condition.withLock {
                while jobs.isEmpty { condition.wait() }
                return jobs.removeFirst()
            }
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// Written by the task before it signals, read by the waiter after: the semaphore orders them.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

/// OpenAI-compatible inference over a `Backend`: `/v1/models`, `/v1/completions` (with
/// `echo` + `logprobs` for scoring), `/v1/chat/completions` (ChatML prompt, SSE streaming) and
/// llama-server's `/tokenize`. Without a backend every route answers 404 `no-model-loaded`.
public struct InferenceAPI: Sendable {
    let backend: (any Backend)?
    let modelID: String

    public init(backend: (any Backend)?, modelID: String) {
        self.backend = backend
        self.modelID = modelID
    }

    public var routes: [Route] {
        [
            Route("GET", "/v1/models", access: .readers, operationID: "listServedModels") { req, _ in
                _ = try Query(req, allowed: [])
                let data: [JSONValue] = backend == nil ? [] : [["id": .string(modelID), "object": "model", "owned_by": "assay"]]
                return try .json(["object": "list", "data": .array(data)])
            },
            Route("POST", "/v1/completions", access: .readers, operationID: "createCompletion", handler: completions),
            Route("POST", "/v1/chat/completions", access: .readers, operationID: "createChatCompletion", handler: chat),
            Route("POST", "/tokenize", access: .readers, operationID: "tokenize") { req, _ in
                let backend = try requireBackend()
                let fields = try JSONFields(try req.jsonObject(), allowed: ["content", "add_special"])
                let content = try fields.requiredString("content")
                let addSpecial = try fields.bool("add_special") ?? true
                let tokens = try blockingAwait { try await backend.tokenize(content, addSpecial: addSpecial) }
                return try .json(["tokens": .array(tokens.map { .integer(Int64($0)) })])
            },
        ]
    }

    func requireBackend() throws -> any Backend {
        guard let backend else { throw Problem(kind: .noModel, detail: "no model is loaded (start 'assay serve --model FILE')") }
        return backend
    }

    struct Sampling {
        var maxTokens: Int
        var temperature: Float
        var topP: Float
        var seed: UInt64
        var stop: [String]
        var stream: Bool
    }

    static func number(_ value: JSONValue?, _ name: String, range: ClosedRange<Double>) throws -> Double? {
        guard let value, value != .null else { return nil }
        let d: Double
        switch value {
        case .integer(let i): d = Double(i)
        case .number(let x): d = x
        default: throw Problem(kind: .validation, detail: "'\(name)' must be a number")
        }
        guard range.contains(d) else {
            throw Problem(kind: .validation, detail: "'\(name)' must be in \(range.lowerBound)...\(range.upperBound)")
        }
        return d
    }

    static func sampling(_ o: [String: JSONValue], defaultMaxTokens: Int) throws -> Sampling {
        let maxTokens = Int(try number(o["max_tokens"] ?? o["max_completion_tokens"], "max_tokens", range: 0...32768)
                            ?? Double(defaultMaxTokens))
        let temperature = Float(try number(o["temperature"], "temperature", range: 0...2) ?? 0)
        let topP = Float(try number(o["top_p"], "top_p", range: 0...1) ?? 1)
        let seed = UInt64(try number(o["seed"], "seed", range: 0...9_007_199_254_740_991) ?? 0)
        if let n = try number(o["n"], "n", range: 1...1), n != 1 {
            throw Problem(kind: .validation, detail: "only n = 1 is supported")
        }
        var stop: [String] = []
        switch o["stop"] {
        case nil, .null?: break
        case .string(let s)?: stop = [s]
        case .array(let items)?:
            stop = try items.map {
                guard let s = $0.stringValue else { throw Problem(kind: .validation, detail: "'stop' must be strings") }
                return s
            }
            guard stop.count <= 4 else { throw Problem(kind: .validation, detail: "at most 4 stop strings") }
        default: throw Problem(kind: .validation, detail: "'stop' must be a string or an array of strings")
        }
        var stream = false
        if let s = o["stream"], s != .null {
            guard case .bool(let b) = s else { throw Problem(kind: .validation, detail: "'stream' must be a boolean") }
            stream = b
        }
        return Sampling(maxTokens: maxTokens, temperature: temperature, topP: topP, seed: seed, stop: stop, stream: stream)
    }

    static let completionMembers: Set<String> = [
        "model", "prompt", "max_tokens", "temperature", "top_p", "seed", "stop", "stream", "n", "logprobs", "echo",
        "user", "presence_penalty", "frequency_penalty",
    ]

    func completions(_ req: Request, _: RequestContext) throws -> Response {
        let backend = try requireBackend()
        let object = try req.jsonObject()
        _ = try JSONFields(object, allowed: Self.completionMembers)
        let prompt: String
        switch object["prompt"] {
        case .string(let s)?: prompt = s
        case .array(let items)? where items.count == 1 && items[0].stringValue != nil: prompt = items[0].stringValue!
        default: throw Problem(kind: .validation, detail: "'prompt' must be a string (or an array of one string)")
        }
        let sampling = try Self.sampling(object, defaultMaxTokens: 16)
        let echo: Bool
        switch object["echo"] {
        case nil, .null?: echo = false
        case .bool(let b)?: echo = b
        default: throw Problem(kind: .validation, detail: "'echo' must be a boolean")
        }
        let logprobs = try Self.number(object["logprobs"], "logprobs", range: 0...5).map(Int.init)

        if echo && logprobs != nil {
            guard sampling.maxTokens == 0, !sampling.stream else {
                throw Problem(kind: .validation, detail: "echo with logprobs is supported for scoring only (max_tokens: 0, no stream)")
            }
            guard let scorer = backend as? any PromptScoringBackend else {
                throw Problem(kind: .notImplemented, detail: "this backend cannot score prompts")
            }
            let tokens = try blockingAwait { try await scorer.scorePrompt(prompt, addSpecial: true) }
            let top = tokens.map { Self.topLogprobs($0, count: logprobs ?? 1) }
            let logprobsJSON: JSONValue = [
                "tokens": .array(tokens.map { .string($0.text) }),
                "token_ids": .array(tokens.map { .integer(Int64($0.token)) }),
                "token_logprobs": .array(tokens.map { $0.logprob.map(JSONValue.number) ?? .null }),
                "top_logprobs": .array(top),
                "text_offset": .array(tokens.map { .integer(Int64($0.offset)) }),
            ]
            return try .json(envelope(object: "text_completion", choice: [
                "index": 0, "text": .string(prompt), "logprobs": logprobsJSON, "finish_reason": "length",
            ], promptTokens: tokens.count, completionTokens: 0))
        }
        guard logprobs == nil else {
            throw Problem(kind: .validation, detail: "logprobs are only supported with echo: true and max_tokens: 0")
        }
        guard sampling.maxTokens > 0 || echo else {
            throw Problem(kind: .validation, detail: "max_tokens must be at least 1")
        }
        let request = GenerationRequest(prompt: prompt, maxTokens: sampling.maxTokens, stop: sampling.stop,
                                        temperature: sampling.temperature, topP: sampling.topP, seed: sampling.seed)
        if sampling.stream {
            return stream(backend: backend, request: request, chat: false)
        }
        let result = try blockingAwait { try await backend.generate(request, onToken: { _ in }) }
        return try .json(envelope(object: "text_completion", choice: [
            "index": 0, "text": .string(echo ? prompt + result.text : result.text), "logprobs": .null,
            "finish_reason": .string(Self.finish(result.finishReason)),
        ], promptTokens: result.promptTokenCount, completionTokens: result.tokens.count))
    }

    /// OpenAI's `top_logprobs` entry of one echoed token: up to `count` most likely tokens
    /// (text → log-probability; the likelier wins when two render the same); null for the first.
    static func topLogprobs(_ token: PromptTokenLogprob, count: Int) -> JSONValue {
        var alternatives = token.alternatives
        if alternatives.isEmpty, let text = token.topText, let lp = token.topLogprob {
            alternatives = [TokenAlternative(token: -1, text: text, logprob: lp)]
        }
        guard token.logprob != nil || !alternatives.isEmpty else { return .null }
        var entry: [String: JSONValue] = [:]
        for alternative in alternatives.prefix(count) where entry[alternative.text] == nil {
            entry[alternative.text] = .number(alternative.logprob)
        }
        return .object(entry)
    }

    /// The conversation of a chat request: roles system/user/assistant, content a string or
    /// an array of `{"type": "text", "text": ...}` parts (joined).
    static func chatMessages(_ messages: [[String: JSONValue]]) throws -> [ChatMessage] {
        guard !messages.isEmpty else { throw Problem(kind: .validation, detail: "'messages' must not be empty") }
        return try messages.map { message in
            guard let role = message["role"]?.stringValue, ChatTemplate.roles.contains(role) else {
                throw Problem(kind: .validation, detail: "each message needs a role: system, user or assistant")
            }
            switch message["content"] {
            case .string(let text)?:
                return ChatMessage(role: role, content: text)
            case .array(let parts)?:
                let texts = try parts.map { part -> String in
                    guard let o = part.objectValue, o["type"]?.stringValue == "text", let text = o["text"]?.stringValue else {
                        throw Problem(kind: .validation, detail: "only text content parts ({\"type\": \"text\", \"text\": ...}) are supported")
                    }
                    return text
                }
                return ChatMessage(role: role, content: texts.joined())
            default:
                throw Problem(kind: .validation, detail: "each message needs string content")
            }
        }
    }

    func chat(_ req: Request, _: RequestContext) throws -> Response {
        let backend = try requireBackend()
        let object = try req.jsonObject()
        _ = try JSONFields(object, allowed: ["model", "messages", "max_tokens", "max_completion_tokens", "temperature",
                                             "top_p", "seed", "stop", "stream", "n", "user"])
        guard case .array(let items)? = object["messages"] else {
            throw Problem(kind: .validation, detail: "'messages' must be an array")
        }
        let messages = try items.map {
            guard let o = $0.objectValue else { throw Problem(kind: .validation, detail: "messages must be objects") }
            return o
        }
        let sampling = try Self.sampling(object, defaultMaxTokens: 256)
        guard sampling.maxTokens > 0 else { throw Problem(kind: .validation, detail: "max_tokens must be at least 1") }
        let segments = backend.chatPrompt(try Self.chatMessages(messages))
        let request = GenerationRequest(segments: segments, maxTokens: sampling.maxTokens, stop: sampling.stop,
                                        temperature: sampling.temperature, topP: sampling.topP, seed: sampling.seed)
        if sampling.stream { return stream(backend: backend, request: request, chat: true) }
        let result = try blockingAwait { try await backend.generate(request, onToken: { _ in }) }
        return try .json(envelope(object: "chat.completion", choice: [
            "index": 0, "message": ["role": "assistant", "content": .string(result.text)],
            "finish_reason": .string(Self.finish(result.finishReason)),
        ], promptTokens: result.promptTokenCount, completionTokens: result.tokens.count))
    }

    static func finish(_ reason: GenerationResult.FinishReason) -> String {
        reason == .length ? "length" : "stop"
    }

    func envelope(object: String, choice: JSONValue, promptTokens: Int, completionTokens: Int) -> JSONValue {
        ["id": .string(Self.newID(object == "chat.completion" ? "chatcmpl" : "cmpl")), "object": .string(object),
         "created": .integer(Int64(Date().timeIntervalSince1970)), "model": .string(modelID),
         "choices": [choice],
         "usage": ["prompt_tokens": .integer(Int64(promptTokens)), "completion_tokens": .integer(Int64(completionTokens)),
                   "total_tokens": .integer(Int64(promptTokens + completionTokens))]]
    }

    static func newID(_ prefix: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 12)
        _ = bytes.withUnsafeMutableBytes { getentropy($0.baseAddress, 12) }
        return prefix + "-" + Hex.encode(bytes)
    }

    /// Server-sent events: one `data:` event per token piece, a final event with the finish
    /// reason, then `data: [DONE]`.
    func stream(backend: any Backend, request: GenerationRequest, chat: Bool) -> Response {
        let id = Self.newID(chat ? "chatcmpl" : "cmpl")
        let model = modelID
        let object = chat ? "chat.completion.chunk" : "text_completion"
        @Sendable func event(_ delta: String?, finish: String?) -> [UInt8] {
            let choice: JSONValue = chat
                ? ["index": 0, "delta": delta.map { ["content": .string($0)] } ?? [:], "finish_reason": finish.map(JSONValue.string) ?? .null]
                : ["index": 0, "text": .string(delta ?? ""), "logprobs": .null, "finish_reason": finish.map(JSONValue.string) ?? .null]
            let json: JSONValue = ["id": .string(id), "object": .string(object),
                                   "created": .integer(Int64(Date().timeIntervalSince1970)), "model": .string(model),
                                   "choices": [choice]]
            return Array("data: ".utf8) + ((try? json.canonicalBytes()) ?? []) + Array("\n\n".utf8)
        }
        var headers: HTTPHeaders = ["Content-Type": "text/event-stream", "Cache-Control": "no-cache"]
        headers.add("X-Accel-Buffering", "no")
        return Response(status: .ok, headers: headers, body: .stream { writer in
            if chat { try writer.write(event(nil, finish: nil)) }
            let result = try blockingAwait {
                try await backend.generate(request, onToken: { piece in try? writer.write(event(piece, finish: nil)) })
            }
            try writer.write(event(nil, finish: Self.finish(result.finishReason)))
            try writer.write(Array("data: [DONE]\n\n".utf8))
        })
    }
}
