import Tokenizers

/// Chat types from the tokenizer layer, re-exported for the backend's clients.
public typealias ChatMessage = Tokenizers.ChatMessage
public typealias PromptSegment = Tokenizers.PromptSegment
public typealias ChatTemplate = Tokenizers.ChatTemplate

/// The one way Assay executes a model. The native GGUF engine and the OpenAI-compatible HTTP
/// client both implement it; the evaluation runner, the gate and the service only see this.
public protocol Backend: Sendable {
    /// What produced the numbers: recorded with every evaluation result.
    var info: BackendInfo { get }

    /// Token ids of `text`. `addSpecial` adds BOS/EOS as the model's metadata says.
    func tokenize(_ text: String, addSpecial: Bool) async throws -> [Int32]

    /// lm-evaluation-harness semantics: for each request, the summed log-probability of the
    /// continuation's tokens given the context, and whether greedy decoding would have produced
    /// exactly those tokens. Context and continuation are tokenized as
    /// `tokenize(context + continuation)` split at the boundary lm-eval uses (whitespace at the
    /// end of the context moves to the continuation). Results are in request order.
    func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult]

    /// Generates from `prompt` until `maxTokens`, an end-of-generation token or a stop string.
    /// `onToken` receives each decoded piece as soon as it is final (for streaming).
    func generate(
        _ request: GenerationRequest,
        onToken: @Sendable (String) -> Void
    ) async throws -> GenerationResult

    /// The model's chat format rendered for `messages` (roles already validated), ending with
    /// an open assistant turn. Default: ChatML.
    func chatPrompt(_ messages: [ChatMessage]) -> [PromptSegment]

    /// Which chat format `chatPrompt` renders.
    var chatTemplate: ChatTemplate { get }
}

extension Backend {
    public var chatTemplate: ChatTemplate { .chatml }

    public func chatPrompt(_ messages: [ChatMessage]) -> [PromptSegment] {
        chatTemplate.render(messages)
    }
}

public struct BackendInfo: Sendable, Hashable, Codable {
    /// "native" or "openai".
    public var backend: String
    /// Engine name and version, e.g. "assay-native 0.1.0"; part of every cache key.
    public var engineVersion: String
    /// SHA-256 of the model file when known (native backend), else the server's model id.
    public var modelIdentity: String
    /// Worker threads used for compute (0 when not applicable).
    public var threads: Int

    enum CodingKeys: String, CodingKey {
        case backend, threads
        case engineVersion = "engine_version"
        case modelIdentity = "model_identity"
    }

    /// Spellings of results written before the members were snake_case.
    enum LegacyKeys: String, CodingKey { case engineVersion, modelIdentity }
}

extension BackendInfo {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        backend = try c.decode(String.self, forKey: .backend)
        threads = try c.decode(Int.self, forKey: .threads)
        let legacy = try decoder.container(keyedBy: LegacyKeys.self)
        engineVersion =
            try c.decodeIfPresent(String.self, forKey: .engineVersion)
            ?? legacy.decode(String.self, forKey: .engineVersion)
        modelIdentity =
            try c.decodeIfPresent(String.self, forKey: .modelIdentity)
            ?? legacy.decode(String.self, forKey: .modelIdentity)
    }
}

public struct LoglikelihoodRequest: Sendable, Hashable, Codable {
    public var context: String
    public var continuation: String

    public init(context: String, continuation: String) {
        self.context = context
        self.continuation = continuation
    }
}

public struct LoglikelihoodResult: Sendable, Hashable, Codable {
    /// Sum of natural-log probabilities of the continuation tokens.
    public var logLikelihood: Double
    /// True when every continuation token is the argmax at its position.
    public var isGreedy: Bool
    public var contextTokenCount: Int
    public var continuationTokenCount: Int
    public var timing: RequestTiming
}

public struct GenerationRequest: Sendable, Hashable, Codable {
    public var prompt: String
    public var maxTokens: Int
    public var stop: [String]
    /// 0 means greedy.
    public var temperature: Float
    public var topP: Float
    public var seed: UInt64
    public var addSpecial: Bool
    /// A rendered chat prompt: when set, the native engine tokenizes these segments (template
    /// special tokens recognised, content never) instead of `prompt`, which then holds their
    /// joined text for backends that only take text.
    public var segments: [PromptSegment]?
    /// A prompt given as token ids (OpenAI `prompt: [int]`): used as is, before `segments`.
    public var promptTokens: [Int32]?
    /// OpenAI penalties over the tokens generated so far: a token's logit is lowered by
    /// `presencePenalty` once it occurred and by `frequencyPenalty` per occurrence.
    public var presencePenalty: Float
    public var frequencyPenalty: Float
    /// Report each generated token's log-probability and this many most likely alternatives
    /// (0...20); nil reports nothing.
    public var logprobs: Int?

    public init(
        prompt: String, maxTokens: Int = 128, stop: [String] = [], temperature: Float = 0,
        topP: Float = 1, seed: UInt64 = 0, addSpecial: Bool = true, segments: [PromptSegment]? = nil,
        presencePenalty: Float = 0, frequencyPenalty: Float = 0, logprobs: Int? = nil
    ) {
        self.prompt = prompt
        self.maxTokens = maxTokens
        self.stop = stop
        self.temperature = temperature
        self.topP = topP
        self.seed = seed
        self.addSpecial = addSpecial
        self.segments = segments
        self.presencePenalty = presencePenalty
        self.frequencyPenalty = frequencyPenalty
        self.logprobs = logprobs
    }

    /// A request for a rendered chat prompt.
    public init(
        segments: [PromptSegment], maxTokens: Int = 128, stop: [String] = [], temperature: Float = 0,
        topP: Float = 1, seed: UInt64 = 0
    ) {
        self.init(
            prompt: segments.map(\.text).joined(), maxTokens: maxTokens, stop: stop, temperature: temperature,
            topP: topP, seed: seed, addSpecial: true, segments: segments)
    }
}

/// One generated token with its log-probability under the model (before temperature,
/// penalties or top-p) and the most likely alternatives at its position.
public struct GeneratedTokenLogprob: Sendable, Hashable, Codable {
    public var token: Int32
    /// The token's bytes as text (lossy for a partial UTF-8 character) and the raw bytes.
    public var text: String
    public var bytes: [UInt8]
    public var logprob: Double
    public var alternatives: [TokenAlternative]
}

public struct GenerationResult: Sendable, Hashable, Codable {
    public enum FinishReason: String, Sendable, Codable { case length, stop, endOfGeneration }
    public var text: String
    public var tokens: [Int32]
    public var promptTokenCount: Int
    public var finishReason: FinishReason
    public var timing: RequestTiming
    /// Per sampled token, when the request asked for `logprobs` (else empty): the tokens of
    /// `tokens`, then the end-of-generation token when generation stopped at one (as vLLM
    /// reports it; lm-eval's scoring with `max_tokens: 1` relies on one entry per step).
    public var logprobs: [GeneratedTokenLogprob]

    public init(
        text: String, tokens: [Int32], promptTokenCount: Int, finishReason: FinishReason,
        timing: RequestTiming, logprobs: [GeneratedTokenLogprob] = []
    ) {
        self.text = text
        self.tokens = tokens
        self.promptTokenCount = promptTokenCount
        self.finishReason = finishReason
        self.timing = timing
        self.logprobs = logprobs
    }
}

/// Wall-clock accounting for one request; the evaluation runner derives latency figures from it
/// and records one item's requests summed in the same form (`ItemTiming`, snake_case keys).
public struct RequestTiming: Sendable, Hashable, Codable {
    /// Tokens actually computed in prefill (after prefix reuse) and how many were reused.
    public var prefillTokens: Int = 0
    public var reusedTokens: Int = 0
    public var prefillSeconds: Double = 0
    public var decodeTokens: Int = 0
    public var decodeSeconds: Double = 0
    /// Time from request start to the first generated (or first scored) token.
    public var timeToFirstTokenSeconds: Double = 0
    public var totalSeconds: Double = 0

    enum CodingKeys: String, CodingKey {
        case prefillTokens = "prefill_tokens"
        case reusedTokens = "reused_tokens"
        case prefillSeconds = "prefill_s"
        case decodeTokens = "decode_tokens"
        case decodeSeconds = "decode_s"
        case timeToFirstTokenSeconds = "ttft_s"
        case totalSeconds = "total_s"
    }
}

extension RequestTiming {
    /// No time spent (a cached or imported result). The engines fill in the members through the
    /// memberwise initialiser.
    public static let zero = RequestTiming()
}
