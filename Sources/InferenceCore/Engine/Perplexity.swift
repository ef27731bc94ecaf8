import Foundation

/// Running state reported after each perplexity chunk.
public struct PerplexityProgress: Sendable, Hashable {
    public var chunk: Int
    public var chunkCount: Int
    /// exp(mean NLL) over all tokens scored so far.
    public var estimate: Double
    public var seconds: Double
}

/// Outcome of a perplexity run.
public struct PerplexityResult: Sendable, Hashable, Codable {
    public var perplexity: Double
    /// llama-perplexity's "±": ppl · sqrt(var(NLL) / (n − 1)).
    public var uncertainty: Double
    public var chunks: Int
    public var scoredTokens: Int
    public var totalTokens: Int
    public var seconds: Double
    /// Running estimate after each chunk.
    public var runningEstimates: [Double]
}

/// llama-perplexity's protocol: split the tokenized text into chunks of `n_ctx` tokens (the
/// tail that does not fill a chunk is dropped), replace each chunk's first token with BOS when
/// the vocabulary adds one, evaluate each chunk from an empty cache and score only its second
/// half (the predictions of tokens `n_ctx/2 + 1 … n_ctx − 1`). PPL = exp(mean NLL).
public enum Perplexity {
    public static func run(
        session: InferenceSession, tokens: [Int32], contextLength: Int,
        replaceFirstWith bos: Int32?,
        progress: @Sendable (PerplexityProgress) -> Void = { _ in }
    ) throws(InferenceError) -> PerplexityResult {
        guard contextLength >= 4 else { throw .invalidRequest("context length must be at least 4") }
        guard contextLength <= session.capacity else {
            throw .contextOverflow(requested: contextLength, capacity: session.capacity)
        }
        let chunks = tokens.count / contextLength
        guard chunks > 0 else {
            throw .invalidRequest("text has \(tokens.count) tokens, fewer than one chunk of \(contextLength)")
        }
        let first = contextLength / 2
        let vocab = session.model.config.vocabularySize
        var nll: Double = 0
        var nll2: Double = 0
        var count = 0
        var estimates: [Double] = []
        let start = Date()
        for chunk in 0..<chunks {
            var window = Array(tokens[(chunk * contextLength)..<((chunk + 1) * contextLength)])
            if let bos { window[0] = bos }
            session.truncate(to: 0)
            let scored = Array(first..<(contextLength - 1))
            let logits = try session.evaluate(window, logitsAt: scored, order: .prompt)
            logits.withUnsafeBufferPointer { buffer in
                for (i, position) in scored.enumerated() {
                    let row = UnsafeBufferPointer(rebasing: buffer[(i * vocab)..<((i + 1) * vocab)])
                    let v = -logProbability(row, Int(window[position + 1]))
                    nll += v
                    nll2 += v * v
                }
            }
            count += scored.count
            let estimate = exp(nll / Double(count))
            estimates.append(estimate)
            progress(
                PerplexityProgress(
                    chunk: chunk + 1, chunkCount: chunks, estimate: estimate,
                    seconds: Date().timeIntervalSince(start)))
        }
        session.truncate(to: 0)
        let mean = nll / Double(count)
        let ppl = exp(mean)
        var variance = nll2 / Double(count) - mean * mean
        var uncertainty = 0.0
        if variance > 0, count > 1 {
            variance = (variance / Double(count - 1)).squareRoot()
            uncertainty = variance * ppl
        }
        return PerplexityResult(
            perplexity: ppl, uncertainty: uncertainty, chunks: chunks, scoredTokens: count,
            totalTokens: tokens.count, seconds: Date().timeIntervalSince(start),
            runningEstimates: estimates)
    }
}
