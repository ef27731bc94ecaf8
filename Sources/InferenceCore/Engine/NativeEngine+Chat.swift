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
                TokenAlternative(token: Int32($0), text: tokenizer.piece(for: Int32($0), renderSpecial: true),
                                 logprob: softmax.logProbability($0))
            }
            let bytes = tokenizer.pieceBytes(for: token, renderSpecial: true)
            tokens.append(GeneratedTokenLogprob(token: token, text: String(decoding: bytes, as: UTF8.self), bytes: bytes,
                                                logprob: softmax.logProbability(Int(token)), alternatives: top))
        }
    }
}
