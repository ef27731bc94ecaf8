import Foundation
import Tokenizers

/// Per-position scores of a prompt: entry `i` scores token `i + 1` given tokens `0...i`.
struct ScoredPrompt {
    struct Position {
        var logprob: Double
        var isGreedy: Bool
        /// Most likely token ids first, with their log-probabilities.
        var alternatives: [(token: Int32, logprob: Double)]
    }

    var tokens: [Int32]
    var positions: [Position]
}

extension NativeEngine: PromptScoringBackend {
    /// Alternatives reported per scored position (OpenAI allows `logprobs` up to 5).
    public static let promptAlternatives = 5

    /// Scores every token of `text` given the tokens before it (the first token has no score),
    /// with the same kernels and arithmetic as `loglikelihood`: summing the scores of a
    /// continuation's tokens gives exactly what `loglikelihood` returns for it when both split
    /// the text at the same token. Positions shared with the previously scored prompt are reused.
    public func scorePrompt(_ text: String, addSpecial: Bool) async throws -> [PromptTokenLogprob] {
        try await scorePrompt(tokens: tokenizer.encode(text, addSpecial: addSpecial, parseSpecial: false))
    }

    public func scorePrompt(tokens: [Int32]) async throws -> [PromptTokenLogprob] {
        let tokens = try checkTokens(tokens)
        guard !tokens.isEmpty else { return [] }
        let scored = try state.withLock { state throws(InferenceError) in
            try state.scorePrompt(tokens, alternatives: Self.promptAlternatives)
        }
        let offsets = Self.textOffsets(tokens, tokenizer: tokenizer)
        let tokenizer = self.tokenizer
        return tokens.indices.map { i in
            let text = tokenizer.piece(for: tokens[i], renderSpecial: false)
            guard i > 0 else {
                return PromptTokenLogprob(
                    token: tokens[i], text: text, offset: offsets[i], logprob: nil, topText: nil,
                    topLogprob: nil, isGreedy: true)
            }
            let position = scored[i - 1]
            let alternatives = position.alternatives.map {
                TokenAlternative(
                    token: $0.token, text: tokenizer.piece(for: $0.token, renderSpecial: true), logprob: $0.logprob)
            }
            return PromptTokenLogprob(
                token: tokens[i], text: text, offset: offsets[i], logprob: position.logprob,
                topText: alternatives.first?.text, topLogprob: alternatives.first?.logprob,
                isGreedy: position.isGreedy, alternatives: alternatives)
        }
    }

    /// Where each token's text starts in the prompt, in Unicode scalars (a token holding the
    /// tail of a multi-byte character gets that character's offset). Special tokens have no
    /// text; a SentencePiece space prefix is not part of the prompt.
    static func textOffsets(_ tokens: [Int32], tokenizer: Tokenizer) -> [Int] {
        var offsets: [Int] = []
        offsets.reserveCapacity(tokens.count)
        var scalars = 0
        var dropSpace = tokenizer.addsSpacePrefix
        for token in tokens {
            var bytes = tokenizer.pieceBytes(for: token, renderSpecial: false)
            if dropSpace, !bytes.isEmpty {
                if bytes.first == 0x20 { bytes.removeFirst() }
                dropSpace = false
            }
            let startsMidCharacter = bytes.first.map { $0 & 0xC0 == 0x80 } ?? false
            offsets.append(startsMidCharacter ? max(0, scalars - 1) : scalars)
            scalars += bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        }
        return offsets
    }
}

extension EngineState {
    /// Positions computed per evaluation call, bounding the logits buffer (rows × vocabulary).
    static let scoringChunk = 128

    /// Scores tokens `1..<tokens.count`; reuses the positions shared with `lastScored` and the
    /// KV cache's common prefix.
    mutating func scorePrompt(_ tokens: [Int32], alternatives: Int) throws(InferenceError) -> [ScoredPrompt.Position] {
        guard tokens.count > 1 else { return [] }
        let capacity = session.capacity
        guard tokens.count - 1 <= capacity else {
            throw .contextOverflow(requested: tokens.count - 1, capacity: capacity)
        }
        var positions: [ScoredPrompt.Position] = []
        if let last = lastScored {
            var shared = 0
            while shared < min(last.tokens.count, tokens.count), last.tokens[shared] == tokens[shared] { shared += 1 }
            // Position i scores token i + 1: known when tokens 0...i + 1 are shared.
            positions = Array(last.positions.prefix(max(0, shared - 1)))
        }
        let vocab = session.model.config.vocabularySize
        var start = positions.count
        while start < tokens.count - 1 {
            let end = min(start + Self.scoringChunk, tokens.count - 1)
            let (logits, _, _) = try evaluate(Array(tokens[..<end]), scored: Array(start..<end), order: .prompt)
            logits.withUnsafeBufferPointer { buffer in
                for (row, position) in (start..<end).enumerated() {
                    let values = UnsafeBufferPointer(rebasing: buffer[(row * vocab)..<((row + 1) * vocab)])
                    let softmax = LogSoftmaxRow(values)
                    let target = Int(tokens[position + 1])
                    let top = Self.topIndices(values, count: alternatives)
                    positions.append(
                        ScoredPrompt.Position(
                            logprob: softmax.logProbability(target),
                            isGreedy: TokenSampler.argmax(values) == target,
                            alternatives: top.map { (Int32($0), softmax.logProbability($0)) }))
                }
            }
            start = end
        }
        lastScored = ScoredPrompt(tokens: tokens, positions: positions)
        return positions
    }

    /// Indices of the `count` largest values, largest first; ties keep the lower index first
    /// (as `TokenSampler.argmax`).
    static func topIndices(_ values: UnsafeBufferPointer<Float>, count: Int) -> [Int] {
        guard count > 0 else { return [] }
        var best: [(value: Float, index: Int)] = []
        best.reserveCapacity(count + 1)
        for (i, v) in values.enumerated() {
            if best.count == count, let last = best.last, !(v > last.value) { continue }
            var at = best.count
            while at > 0, v > best[at - 1].value { at -= 1 }
            best.insert((v, i), at: at)
            if best.count > count { best.removeLast() }
        }
        return best.map(\.index)
    }
}
