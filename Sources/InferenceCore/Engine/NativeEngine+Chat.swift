import Tokenizers

extension NativeEngine {
    /// The chat format named or recognised in the file's `tokenizer.chat_template` (see
    /// `ChatTemplate.forModel` for files without one).
    public var chatTemplate: ChatTemplate {
        ChatTemplate.forModel(chatTemplate: model.file["tokenizer.chat_template"]?.string, tokenizer: tokenizer)
    }
}

/// Per-request bookkeeping of generation: OpenAI presence/frequency penalties over the
/// tokens generated so far, and the log-probabilities reported for generated tokens.
struct GeneratedLogprobs {
    let presence: Float
    let frequency: Float
    let alternatives: Int?
    var counts: [Int32: Int] = [:]
    var tokens: [GeneratedTokenLogprob] = []
    /// Log-probabilities are read from the logits before penalties.
    private var unpenalized: [Float]?

    init(request: GenerationRequest) {
        presence = request.presencePenalty
        frequency = request.frequencyPenalty
        alternatives = request.logprobs
    }

    /// Lowers the logits of tokens already generated (no-op without penalties).
    mutating func penalize(_ logits: inout [Float]) {
        unpenalized = nil
        guard presence != 0 || frequency != 0, !counts.isEmpty else { return }
        if alternatives != nil { unpenalized = logits }
        for (token, count) in counts where Int(token) < logits.count {
            logits[Int(token)] -= presence + frequency * Float(count)
        }
    }

    /// Records the sampled `token` (its count, and its log-probability when requested).
    mutating func record(_ token: Int32, logits: [Float], tokenizer: Tokenizer) {
        counts[token, default: 0] += 1
        guard let alternatives else { return }
        let row = unpenalized ?? logits
        row.withUnsafeBufferPointer { buffer in
            let softmax = LogSoftmaxRow(buffer)
            let top = EngineState.topIndices(buffer, count: alternatives).map {
                TokenAlternative(
                    token: Int32($0), text: tokenizer.piece(for: Int32($0), renderSpecial: true),
                    logprob: softmax.logProbability($0))
            }
            let bytes = tokenizer.pieceBytes(for: token, renderSpecial: true)
            tokens.append(
                GeneratedTokenLogprob(
                    token: token, text: String(decoding: bytes, as: UTF8.self), bytes: bytes,
                    logprob: softmax.logProbability(Int(token)), alternatives: top))
        }
    }
}

/// What a client needs to tokenize on its own (vLLM's `/tokenizer_info`).
public struct TokenizerInfo: Sendable, Hashable, Codable {
    public var bosToken: String?
    public var eosToken: String?
    public var padToken: String?
    public var addsBOS: Bool
    public var addsEOS: Bool
    public var vocabularySize: Int
    /// The file's Jinja chat template, if any, and the format Assay renders.
    public var chatTemplate: String?
    public var chatFormat: String
    public var contextLength: Int
    public var tokenizerModel: String
}

/// Backends that expose their tokenizer and take prompts as token ids (the native engine):
/// what lm-eval's remote tokenizer and token-id prompts need.
public protocol TokenLevelBackend: PromptScoringBackend {
    var tokenizerInfo: TokenizerInfo { get }
    /// Token ids of `text`; `parseSpecial` turns special-token text into those tokens.
    func tokenize(_ text: String, addSpecial: Bool, parseSpecial: Bool) -> [Int32]
    /// The text of `tokens` (special tokens rendered as their text); throws for ids outside
    /// the vocabulary.
    func detokenize(_ tokens: [Int32]) throws -> String
    /// `scorePrompt` for a prompt given as token ids (used as is).
    func scorePrompt(tokens: [Int32]) async throws -> [PromptTokenLogprob]
}

extension NativeEngine: TokenLevelBackend {
    public var tokenizerInfo: TokenizerInfo {
        let text = { (t: Int32?) in t.flatMap { self.tokenizer.text(of: $0) } }
        return TokenizerInfo(
            bosToken: text(tokenizer.bosToken), eosToken: text(tokenizer.eosToken),
            padToken: text(tokenizer.paddingToken), addsBOS: tokenizer.addsBOS, addsEOS: tokenizer.addsEOS,
            vocabularySize: tokenizer.vocabularySize,
            chatTemplate: model.file["tokenizer.chat_template"]?.string,
            chatFormat: chatTemplate.rawValue, contextLength: contextLength,
            tokenizerModel: tokenizer.model == .sentencePiece ? "llama" : "gpt2")
    }

    public func tokenize(_ text: String, addSpecial: Bool, parseSpecial: Bool) -> [Int32] {
        tokenizer.encode(text, addSpecial: addSpecial, parseSpecial: parseSpecial)
    }

    public func detokenize(_ tokens: [Int32]) throws -> String {
        tokenizer.decode(try checkTokens(tokens), removeSpecial: false, renderSpecial: true)
    }

    /// `tokens` when every id is in the vocabulary.
    func checkTokens(_ tokens: [Int32]) throws(InferenceError) -> [Int32] {
        let size = tokenizer.vocabularySize
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= size }) {
            throw .invalidToken(bad, vocabularySize: size)
        }
        return tokens
    }
}
