import Foundation
import Hashing
import InferenceCore
import Synchronization

/// Runs an async call from a synchronous handler and returns its result. The task prefers a
/// dedicated executor thread, so waiting here never starves Swift's cooperative pool (the
/// caller may itself be on it, e.g. in tests calling the router directly).
func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task(executorPreference: BlockingBridgeExecutor.shared) {
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        box.value.withLock { $0 = result }
        done.signal()
    }
    done.wait()
    guard let result = box.value.withLock({ $0 }) else {
        throw Problem(kind: .internalError, detail: "a bridged call ended without a result")
    }
    return try result.get()
}

/// A task executor with its own threads (not the cooperative pool).
final class BlockingBridgeExecutor: TaskExecutor, Sendable {
    static let shared = BlockingBridgeExecutor(threads: 2)

    private let jobs = Mutex<[UnownedJob]>([])
    /// Counts queued jobs; each worker takes one per signal.
    private let queued = DispatchSemaphore(value: 0)

    init(threads: Int) {
        for i in 0..<threads {
            let thread = Thread { [self] in run() }
            thread.name = "assay-bridge-\(i)"
            thread.start()
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        jobs.withLock { $0.append(unowned) }
        queued.signal()
    }

    private func run() {
        while true {
            queued.wait()
            guard let job = jobs.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { continue }
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// Written by the task before it signals, read by the waiter after.
private final class ResultBox<T: Sendable>: Sendable {
    let value = Mutex<Result<T, any Error>?>(nil)
}

/// OpenAI-compatible inference: `/v1/models`, `/v1/completions` (prompt strings, token-id
/// arrays and batches; `echo` + `logprobs` for scoring, with or without generated tokens),
/// `/v1/chat/completions` (the model's chat template, SSE streaming), plus vLLM's
/// `/tokenize`, `/detokenize`, `/tokenizer_info` (also llama-server's `/tokenize`) that lm-eval's
/// remote tokenizer uses. Without a model every route answers 404 `model_not_found`.
public struct InferenceAPI: Sendable {
    let catalog: (any ModelCatalog)?
    let metrics: InferenceMetrics

    public init(catalog: (any ModelCatalog)?, metrics: InferenceMetrics = InferenceMetrics()) {
        self.catalog = catalog
        self.metrics = metrics
    }

    /// One backend served as `modelID`.
    public init(backend: (any Backend)?, modelID: String, created: Int64 = Int64(Date().timeIntervalSince1970)) {
        self.init(catalog: backend.map { SingleModelCatalog(backend: $0, model: ServedModel(id: modelID, created: created)) })
    }

    /// Times a handler and counts its answers for `/metrics`.
    func measured(_ route: String, _ handler: @escaping Handler) -> Handler {
        let metrics = self.metrics
        return { req, context in
            let start = DispatchTime.now().uptimeNanoseconds
            func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
            do {
                let response = try handler(req, context)
                metrics.request(route: route, status: response.status.code, seconds: seconds())
                return response
            } catch {
                let status = (error as? OpenAIError)?.status.code ?? ServiceErrors.mapper(error).kind.status.code
                metrics.request(route: route, status: OpenAIError.applies(to: route) && status == 422 ? 400 : status,
                                seconds: seconds())
                throw error
            }
        }
    }

    func loadedModels() -> [String] {
        if let lazy = catalog as? LazyModelCatalog { return lazy.loadedModels }
        return catalog?.models().map(\.id) ?? []
    }

    public var routes: [Route] {
        [
            Route("GET", "/health", access: .anonymous, operationID: "inferenceHealth") { req, _ in
                _ = try Query(req, allowed: [])
                let served = catalog?.models().map { JSONValue.string($0.id) } ?? []
                return try .json(["status": "ok", "models": .array(served),
                                  "loaded": .array(loadedModels().map(JSONValue.string))])
            },
            Route("GET", "/metrics", access: .anonymous, operationID: "inferenceMetrics") { req, _ in
                _ = try Query(req, allowed: [])
                return Response(status: .ok, contentType: "text/plain; version=0.0.4",
                                bytes: Array(metrics.render(loaded: loadedModels()).utf8))
            },
            Route("GET", "/v1/models", access: .readers, operationID: "listServedModels") { req, _ in
                _ = try Query(req, allowed: [])
                let data = (catalog?.models() ?? []).map(Self.modelJSON)
                return try .json(["object": "list", "data": .array(data)])
            },
            Route("GET", "/v1/models/{model}", access: .readers, operationID: "retrieveServedModel") { req, _ in
                _ = try Query(req, allowed: [])
                let name = try req.parameter("model")
                let (model, _) = try resolve(name)
                return try .json(Self.modelJSON(model))
            },
            Route("POST", "/v1/completions", access: .readers, operationID: "createCompletion",
                  handler: measured("/v1/completions", completions)),
            Route("POST", "/v1/chat/completions", access: .readers, operationID: "createChatCompletion",
                  handler: measured("/v1/chat/completions", chat)),
            Route("POST", "/tokenize", access: .readers, operationID: "tokenize", handler: tokenize),
            Route("POST", "/detokenize", access: .readers, operationID: "detokenize", handler: detokenize),
            Route("GET", "/tokenizer_info", access: .readers, operationID: "tokenizerInfo", handler: tokenizerInfo),
        ]
    }

    static func modelJSON(_ m: ServedModel) -> JSONValue {
        ["id": .string(m.id), "object": "model", "created": .integer(m.created), "owned_by": .string(m.ownedBy)]
    }

    /// The served model `name` selects (nil: the default).
    func resolve(_ name: String?) throws -> (ServedModel, any Backend) {
        guard let catalog else {
            throw OpenAIError(status: .notFound, "no model is loaded (start 'assay serve --model FILE|NAME@VERSION')",
                              param: "model", code: "model_not_found")
        }
        return try catalog.backend(for: name)
    }

    /// The backend of a request body's `model` member.
    func resolve(_ object: [String: JSONValue]) throws -> (ServedModel, any Backend) {
        switch object["model"] {
        case nil, .null?: return try resolve(nil as String?)
        case .string(let name)?: return try resolve(name)
        default: throw OpenAIError("'model' must be a string", param: "model")
        }
    }

    // MARK: - Request members

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
            GenerationRequest(prompt: prompt, maxTokens: maxTokens, stop: stop, temperature: temperature, topP: topP,
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
        guard let d = try number(value, name, range: Double(range.lowerBound)...Double(range.upperBound)) else { return nil }
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
        let maxTokens = try integer(o["max_tokens"] ?? o["max_completion_tokens"], o["max_tokens"] == nil && o["max_completion_tokens"] != nil
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
                guard let s = $0.stringValue else { throw OpenAIError("'stop' must be a string or an array of strings", param: "stop") }
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
            guard stream else { throw OpenAIError("'stream_options' is only allowed with stream: true", param: "stream_options") }
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
        return Sampling(maxTokens: maxTokens, temperature: temperature, topP: topP, seed: seed, stop: stop, stream: stream,
                        includeUsage: includeUsage, n: n, presencePenalty: presence, frequencyPenalty: frequency)
    }

    /// Rejects members outside `allowed` (OpenAI's names, so typos do not pass silently).
    static func checkMembers(_ object: [String: JSONValue], _ allowed: Set<String>) throws {
        for key in object.keys.sorted() where !allowed.contains(key) {
            throw OpenAIError("unknown or unsupported member '\(key)'", param: key)
        }
    }

    /// Runs a backend call, turning the engine's request errors into 400s.
    static func call<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        do {
            return try blockingAwait(body)
        } catch let error as InferenceError {
            if let shaped = OpenAIError.from(error) { throw shaped }
            throw error
        }
    }

    // MARK: - Completions

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
                    guard let s = $0.stringValue else { throw OpenAIError("'prompt' must not mix strings and other values", param: "prompt") }
                    return .text(s)
                }
            case .integer: prompts = [.tokens(try tokens(items))]
            case .array:
                prompts = try items.map {
                    guard case .array(let inner) = $0 else { throw OpenAIError("'prompt' must be an array of token-id arrays", param: "prompt") }
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
        "logprobs", "echo", "user", "presence_penalty", "frequency_penalty", "logit_bias", "best_of",
    ]

    /// One finished choice of a completion.
    struct CompletionChoice {
        var text: String
        var logprobs: JSONValue
        var finishReason: String
        var promptTokens: Int
        var completionTokens: Int
    }

    func completions(_ req: Request, _: RequestContext) throws -> Response {
        let object = try req.jsonObject()
        try Self.checkMembers(object, Self.completionMembers)
        let (model, backend) = try resolve(object)
        let prompts = try Self.prompts(object["prompt"])
        let sampling = try Self.sampling(object, defaultMaxTokens: 16)
        if let bestOf = try Self.integer(object["best_of"], "best_of", range: 1...Self.maxChoices), bestOf != sampling.n {
            throw OpenAIError("'best_of' other than n is not supported", param: "best_of")
        }
        guard prompts.count * sampling.n <= Self.maxBatch else {
            throw OpenAIError("at most \(Self.maxBatch) choices per request (prompts × n)", param: "n")
        }
        let echo = try Self.bool(object["echo"], "echo") ?? false
        let logprobs = try Self.integer(object["logprobs"], "logprobs", range: 0...NativeEngine.promptAlternatives)
        if prompts.contains(where: { if case .tokens = $0 { return true } else { return false } }), !(backend is any TokenLevelBackend) {
            throw OpenAIError("this backend takes text prompts only", param: "prompt")
        }
        if sampling.stream {
            guard logprobs == nil else { throw OpenAIError("'logprobs' is not available with stream: true", param: "logprobs") }
            guard sampling.maxTokens > 0 else { throw OpenAIError("'max_tokens' must be at least 1 to stream", param: "max_tokens") }
            return stream(model: model, chat: false, includeUsage: sampling.includeUsage, jobs: try prompts.enumerated().flatMap { p, prompt in
                try (0..<sampling.n).map { j in
                    StreamJob(index: p * sampling.n + j, echo: echo ? try promptText(prompt, backend) : nil,
                              request: try generationRequest(prompt, sampling: sampling, choice: j, logprobs: nil))
                }
            }, backend: backend)
        }
        if !echo || logprobs == nil {
            guard sampling.maxTokens > 0 || echo else {
                throw OpenAIError("'max_tokens' must be at least 1 (0 is for scoring with echo and logprobs)", param: "max_tokens")
            }
        }
        var choices: [JSONValue] = []
        var promptTokens = 0, completionTokens = 0
        for (p, prompt) in prompts.enumerated() {
            for j in 0..<sampling.n {
                let choice = try completionChoice(prompt, backend: backend, sampling: sampling, choice: j, echo: echo, logprobs: logprobs)
                if j == 0 { promptTokens += choice.promptTokens }
                completionTokens += choice.completionTokens
                choices.append(["index": .integer(Int64(p * sampling.n + j)), "text": .string(choice.text),
                                "logprobs": choice.logprobs, "finish_reason": .string(choice.finishReason)])
            }
        }
        metrics.tokens(model: model.id, prompt: promptTokens, completion: completionTokens)
        return try .json(envelope(object: "text_completion", model: model, choices: choices,
                                  promptTokens: promptTokens, completionTokens: completionTokens))
    }

    func promptText(_ prompt: Prompt, _ backend: any Backend) throws -> String {
        switch prompt {
        case .text(let s): return s
        case .tokens(let t):
            guard let tokenLevel = backend as? any TokenLevelBackend else { throw OpenAIError("this backend takes text prompts only", param: "prompt") }
            do { return try tokenLevel.detokenize(t) } catch let error as InferenceError { throw OpenAIError.from(error) ?? error }
        }
    }

    func generationRequest(_ prompt: Prompt, sampling: Sampling, choice: Int, logprobs: Int?) throws -> GenerationRequest {
        switch prompt {
        case .text(let s): return sampling.request(prompt: s, choice: choice, logprobs: logprobs)
        case .tokens(let t):
            var request = sampling.request(prompt: "", choice: choice, logprobs: logprobs)
            request.promptTokens = t
            return request
        }
    }

    func completionChoice(_ prompt: Prompt, backend: any Backend, sampling: Sampling, choice: Int, echo: Bool,
                          logprobs: Int?) throws -> CompletionChoice {
        // Scoring: the prompt's own tokens with their log-probabilities (lm-eval, vLLM's echo),
        // followed by any generated tokens.
        if echo, let logprobs {
            guard let scorer = backend as? any PromptScoringBackend else {
                throw OpenAIError(status: .notImplemented, "this backend cannot score prompts", param: "echo")
            }
            let scored: [PromptTokenLogprob]
            switch prompt {
            case .text(let s): scored = try Self.call { try await scorer.scorePrompt(s, addSpecial: true) }
            case .tokens(let t):
                guard let tokenLevel = backend as? any TokenLevelBackend else { throw OpenAIError("this backend takes text prompts only", param: "prompt") }
                scored = try Self.call { try await tokenLevel.scorePrompt(tokens: t) }
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
                let result = try Self.call { try await backend.generate(request, onToken: { _ in }) }
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
            let json: JSONValue = ["tokens": .array(tokens), "token_ids": .array(ids), "token_logprobs": .array(values),
                                   "top_logprobs": .array(tops), "text_offset": .array(offsets)]
            return CompletionChoice(text: text + generatedText, logprobs: json, finishReason: finish,
                                    promptTokens: scored.count, completionTokens: generatedCount)
        }
        let request = try generationRequest(prompt, sampling: sampling, choice: choice, logprobs: logprobs)
        let result = try Self.call { try await backend.generate(request, onToken: { _ in }) }
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
            json = ["tokens": .array(generated.map { .string($0.text) }),
                    "token_ids": .array(generated.map { .integer(Int64($0.token)) }),
                    "token_logprobs": .array(generated.map { .number(Self.finite($0.logprob)) }),
                    "top_logprobs": .array(generated.map { Self.topLogprobs($0, count: logprobs) }),
                    "text_offset": .array(offsets)]
        }
        return CompletionChoice(text: prefix + result.text, logprobs: json, finishReason: Self.finish(result.finishReason),
                                promptTokens: result.promptTokenCount, completionTokens: result.tokens.count)
    }

    /// Backends that do not report generated tokens' log-probabilities (remote servers) say so.
    static func checkLogprobs(_ result: GenerationResult) throws {
        guard result.logprobs.count >= result.tokens.count else {
            throw OpenAIError(status: .notImplemented, "this backend does not report log-probabilities of generated tokens",
                              param: "logprobs")
        }
    }

    /// Log-probabilities are finite in JSON (a token of probability 0 gets -9999).
    static func finite(_ value: Double) -> Double { value.isFinite ? value : -9999 }

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

    // MARK: - Chat

    /// The conversation of a chat request: roles system/user/assistant, content a string or
    /// an array of `{"type": "text", "text": ...}` parts (joined).
    static func chatMessages(_ value: JSONValue?) throws -> [ChatMessage] {
        guard case .array(let items)? = value else { throw OpenAIError("'messages' must be an array", param: "messages") }
        guard !items.isEmpty else { throw OpenAIError("'messages' must not be empty", param: "messages") }
        return try items.map { item in
            guard let message = item.objectValue else { throw OpenAIError("'messages' must be objects", param: "messages") }
            guard let role = message["role"]?.stringValue, ChatTemplate.roles.contains(role) else {
                throw OpenAIError("'messages' need a role: system, user or assistant", param: "messages")
            }
            switch message["content"] {
            case .string(let text)?:
                return ChatMessage(role: role, content: text)
            case .array(let parts)?:
                let texts = try parts.map { part -> String in
                    guard let o = part.objectValue, o["type"]?.stringValue == "text", let text = o["text"]?.stringValue else {
                        throw OpenAIError("'messages' content parts must be {\"type\": \"text\", \"text\": ...}", param: "messages")
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
        "stream_options", "n", "user", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "logit_bias",
    ]

    func chat(_ req: Request, _: RequestContext) throws -> Response {
        let object = try req.jsonObject()
        try Self.checkMembers(object, Self.chatMembers)
        let (model, backend) = try resolve(object)
        let messages = try Self.chatMessages(object["messages"])
        let sampling = try Self.sampling(object, defaultMaxTokens: 256)
        guard sampling.maxTokens > 0 else { throw OpenAIError("'max_tokens' must be at least 1", param: "max_tokens") }
        let wantsLogprobs = try Self.bool(object["logprobs"], "logprobs") ?? false
        let top = try Self.integer(object["top_logprobs"], "top_logprobs", range: 0...NativeEngine.promptAlternatives)
        if top != nil && !wantsLogprobs { throw OpenAIError("'top_logprobs' needs logprobs: true", param: "top_logprobs") }
        let logprobs = wantsLogprobs ? (top ?? 0) : nil
        let segments = backend.chatPrompt(messages)
        func request(_ choice: Int) -> GenerationRequest {
            var request = GenerationRequest(segments: segments, maxTokens: sampling.maxTokens, stop: sampling.stop,
                                            temperature: sampling.temperature, topP: sampling.topP, seed: sampling.seed(choice: choice))
            request.presencePenalty = sampling.presencePenalty
            request.frequencyPenalty = sampling.frequencyPenalty
            request.logprobs = logprobs
            return request
        }
        if sampling.stream {
            guard logprobs == nil else { throw OpenAIError("'logprobs' is not available with stream: true", param: "logprobs") }
            return stream(model: model, chat: true, includeUsage: sampling.includeUsage,
                          jobs: (0..<sampling.n).map { StreamJob(index: $0, echo: nil, request: request($0)) }, backend: backend)
        }
        var choices: [JSONValue] = []
        var promptTokens = 0, completionTokens = 0
        for j in 0..<sampling.n {
            let generation = request(j)
            let result = try Self.call { try await backend.generate(generation, onToken: { _ in }) }
            if logprobs != nil { try Self.checkLogprobs(result) }
            if j == 0 { promptTokens = result.promptTokenCount }
            completionTokens += result.tokens.count
            var choice: [String: JSONValue] = [
                "index": .integer(Int64(j)), "message": ["role": "assistant", "content": .string(result.text)],
                "finish_reason": .string(Self.finish(result.finishReason)), "logprobs": .null,
            ]
            if let logprobs {
                choice["logprobs"] = ["content": .array(result.logprobs.prefix(result.tokens.count).map { token in
                    ["token": .string(token.text), "logprob": .number(Self.finite(token.logprob)),
                     "bytes": .array(token.bytes.map { .integer(Int64($0)) }),
                     "top_logprobs": .array(token.alternatives.prefix(logprobs).map { alternative in
                         ["token": .string(alternative.text), "logprob": .number(Self.finite(alternative.logprob)),
                          "bytes": .array(Array(alternative.text.utf8).map { .integer(Int64($0)) })]
                     })]
                })]
            }
            choices.append(.object(choice))
        }
        metrics.tokens(model: model.id, prompt: promptTokens, completion: completionTokens)
        return try .json(envelope(object: "chat.completion", model: model, choices: choices,
                                  promptTokens: promptTokens, completionTokens: completionTokens))
    }

    static func finish(_ reason: GenerationResult.FinishReason) -> String {
        reason == .length ? "length" : "stop"
    }

    static func usage(prompt: Int, completion: Int) -> JSONValue {
        ["prompt_tokens": .integer(Int64(prompt)), "completion_tokens": .integer(Int64(completion)),
         "total_tokens": .integer(Int64(prompt + completion))]
    }

    func envelope(object: String, model: ServedModel, choices: [JSONValue], promptTokens: Int, completionTokens: Int) -> JSONValue {
        ["id": .string(Self.newID(object == "chat.completion" ? "chatcmpl" : "cmpl")), "object": .string(object),
         "created": .integer(Int64(Date().timeIntervalSince1970)), "model": .string(model.id),
         "choices": .array(choices), "usage": Self.usage(prompt: promptTokens, completion: completionTokens)]
    }

    static func newID(_ prefix: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 12)
        _ = bytes.withUnsafeMutableBytes { getentropy($0.baseAddress, 12) }
        return prefix + "-" + Hex.encode(bytes)
    }

    // MARK: - Streaming

    /// One choice to stream.
    struct StreamJob: Sendable {
        var index: Int
        /// Text sent before the generated pieces (completions with `echo`).
        var echo: String?
        var request: GenerationRequest
    }

    /// Server-sent events, choice after choice: (chat: a first delta with the role) one event
    /// per generated piece, an event with the finish reason; with `include_usage` every event
    /// carries `usage: null` and a last event with no choices carries the totals; then
    /// `data: [DONE]`.
    func stream(model: ServedModel, chat: Bool, includeUsage: Bool, jobs: [StreamJob], backend: any Backend) -> Response {
        let id = Self.newID(chat ? "chatcmpl" : "cmpl")
        let modelID = model.id
        let object = chat ? "chat.completion.chunk" : "text_completion"
        let created = Int64(Date().timeIntervalSince1970)
        let metrics = self.metrics
        @Sendable func event(_ choices: [JSONValue], usage: JSONValue? = nil) -> [UInt8] {
            var json: [String: JSONValue] = ["id": .string(id), "object": .string(object), "created": .integer(created),
                                             "model": .string(modelID), "choices": .array(choices)]
            if includeUsage { json["usage"] = usage ?? .null }
            return Array("data: ".utf8) + ((try? JSONValue.object(json).canonicalBytes()) ?? []) + Array("\n\n".utf8)
        }
        @Sendable func choice(_ index: Int, _ delta: [String: JSONValue]?, finish: String?) -> JSONValue {
            chat ? ["index": .integer(Int64(index)), "delta": .object(delta ?? [:]), "logprobs": .null,
                    "finish_reason": finish.map(JSONValue.string) ?? .null]
                 : ["index": .integer(Int64(index)), "text": delta?["content"] ?? "", "logprobs": .null,
                    "finish_reason": finish.map(JSONValue.string) ?? .null]
        }
        var headers: HTTPHeaders = ["Content-Type": "text/event-stream", "Cache-Control": "no-cache"]
        headers.add("X-Accel-Buffering", "no")
        return Response(status: .ok, headers: headers, body: .stream { writer in
            var promptTokens = 0, completionTokens = 0
            var countedPrompts = Set<String>()
            for job in jobs {
                let index = job.index
                if chat { try writer.write(event([choice(index, ["role": "assistant", "content": ""], finish: nil)])) }
                if let echo = job.echo { try writer.write(event([choice(index, ["content": .string(echo)], finish: nil)])) }
                let request = job.request
                let result: GenerationResult
                do {
                    result = try Self.call {
                        try await backend.generate(request, onToken: { piece in
                            try? writer.write(event([choice(index, ["content": .string(piece)], finish: nil)]))
                        })
                    }
                } catch {
                    // Headers are sent: report the failure as an error event (as OpenAI does) and stop.
                    let shaped = (error as? OpenAIError) ?? OpenAIError(status: .internalServerError, "generation failed: \(error)")
                    try writer.write(Array("data: ".utf8) + ((try? shaped.json.canonicalBytes()) ?? []) + Array("\n\n".utf8))
                    break
                }
                let promptKey = request.promptTokens.map { "\($0)" } ?? request.prompt
                if countedPrompts.insert(promptKey).inserted { promptTokens += result.promptTokenCount }
                completionTokens += result.tokens.count
                try writer.write(event([choice(index, [:], finish: Self.finish(result.finishReason))]))
            }
            metrics.tokens(model: modelID, prompt: promptTokens, completion: completionTokens)
            if includeUsage {
                try writer.write(event([], usage: Self.usage(prompt: promptTokens, completion: completionTokens)))
            }
            try writer.write(Array("data: [DONE]\n\n".utf8))
        })
    }

    // MARK: - Tokenizer routes

    func tokenLevel(_ object: [String: JSONValue]) throws -> any TokenLevelBackend {
        let (_, backend) = try resolve(object)
        guard let tokenLevel = backend as? any TokenLevelBackend else {
            throw Problem(kind: .notImplemented, detail: "this backend does not expose its tokenizer")
        }
        return tokenLevel
    }

    /// vLLM's `{"prompt", "add_special_tokens"}` → `{"count", "max_model_len", "tokens"}`
    /// (special-token text is parsed, as Hugging Face tokenizers do), or llama-server's
    /// `{"content", "add_special", "parse_special"}` → `{"tokens"}`.
    func tokenize(_ req: Request, _: RequestContext) throws -> Response {
        let object = try req.jsonObject()
        if object["content"] != nil {
            let fields = try JSONFields(object, allowed: ["content", "add_special", "parse_special", "model"])
            let content = try fields.requiredString("content")
            let addSpecial = try fields.bool("add_special") ?? true
            let parseSpecial = try fields.bool("parse_special") ?? false
            let (_, backend) = try resolve(object)
            let tokens: [Int32]
            if let tokenLevel = backend as? any TokenLevelBackend {
                tokens = tokenLevel.tokenize(content, addSpecial: addSpecial, parseSpecial: parseSpecial)
            } else {
                guard !parseSpecial else { throw Problem(kind: .notImplemented, detail: "this backend cannot parse special tokens") }
                tokens = try blockingAwait { try await backend.tokenize(content, addSpecial: addSpecial) }
            }
            return try .json(["tokens": .array(tokens.map { .integer(Int64($0)) })])
        }
        let fields = try JSONFields(object, allowed: ["prompt", "add_special_tokens", "model", "return_token_strs"])
        let prompt = try fields.requiredString("prompt")
        let addSpecial = try fields.bool("add_special_tokens") ?? true
        let backend = try tokenLevel(object)
        let tokens = backend.tokenize(prompt, addSpecial: addSpecial, parseSpecial: true)
        var json: [String: JSONValue] = ["count": .integer(Int64(tokens.count)),
                                         "max_model_len": .integer(Int64(backend.tokenizerInfo.contextLength)),
                                         "tokens": .array(tokens.map { .integer(Int64($0)) }), "token_strs": .null]
        if try fields.bool("return_token_strs") == true {
            json["token_strs"] = .array(try tokens.map { .string(try backend.detokenize([$0])) })
        }
        return try .json(.object(json))
    }

    /// vLLM's `{"tokens"}` → `{"prompt"}`.
    func detokenize(_ req: Request, _: RequestContext) throws -> Response {
        let object = try req.jsonObject()
        _ = try JSONFields(object, allowed: ["tokens", "model"])
        guard case .array(let items)? = object["tokens"] else { throw Problem(kind: .validation, detail: "'tokens' must be an array of token ids") }
        let tokens = try items.map { item -> Int32 in
            guard case .integer(let i) = item, i >= 0, i <= Int64(Int32.max) else {
                throw Problem(kind: .validation, detail: "'tokens' must be an array of token ids")
            }
            return Int32(i)
        }
        let backend = try tokenLevel(object)
        do {
            return try .json(["prompt": .string(try backend.detokenize(tokens))])
        } catch let error as InferenceError {
            throw Problem(kind: .validation, detail: "'tokens': \(error.description)")
        }
    }

    /// vLLM's tokenizer description (what lm-eval's remote tokenizer reads).
    func tokenizerInfo(_ req: Request, _: RequestContext) throws -> Response {
        let query = try Query(req, allowed: ["model"])
        let backend = try tokenLevel(query.raw("model").map { ["model": .string($0)] } ?? [:])
        let info = backend.tokenizerInfo
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return try .json(["tokenizer_class": .string(info.tokenizerModel == "llama" ? "LlamaTokenizer" : "GPT2Tokenizer"),
                          "bos_token": text(info.bosToken), "eos_token": text(info.eosToken), "pad_token": text(info.padToken),
                          "add_bos_token": .bool(info.addsBOS), "add_eos_token": .bool(info.addsEOS),
                          "chat_template": text(info.chatTemplate), "chat_format": .string(info.chatFormat),
                          "model_max_length": .integer(Int64(info.contextLength)),
                          "vocab_size": .integer(Int64(info.vocabularySize))])
    }
}
