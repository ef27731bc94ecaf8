import Foundation
import ModelFormat
import Synchronization
import Tokenizers

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The native GGUF backend: runs the architectures in `Architectures` in-process with
/// llama.cpp's numerics.
///
/// One engine owns one model, one tokenizer, one worker pool and one KV cache (an
/// `InferenceSession`) reached only through a lock, so the engine is `Sendable` and requests
/// are served one at a time. The cache is kept between requests: a request whose tokens start
/// like the cached sequence only computes the tokens after the common prefix.
public final class NativeEngine: Backend {
    public static let engineName = "assay-native"
    /// Part of every request-cache key: bump when any number the engine produces can change.
    /// 0.2.0: K-quant products sum as ggml's x86 kernels (repacked Q4_K, tiled Q6_K); one
    /// context evaluation per multiple-choice question. 0.2.1: on such models a scored context
    /// never reuses a cached prefix.
    public static let engineVersion = "0.2.1"

    public let info: BackendInfo
    public let model: TransformerModel
    public let tokenizer: Tokenizer
    let state: Mutex<EngineState>
    /// Single-threaded sessions that score a batch's independent questions side by side, one
    /// per compute thread (made on first use; see `NativeEngine+Lanes.swift`).
    let lanes = Mutex<[ScoringLane]>([])

    /// Loads a GGUF model.
    /// - Parameters:
    ///   - threads: compute threads (default: all cores).
    ///   - contextLength: KV cache positions (default: min(model context, 4096)).
    ///   - modelIdentity: recorded in `info` (e.g. the file's SHA-256); default: the file name.
    ///   - adapters: LoRA adapters applied to the model (base + adapter), in order.
    public init(
        modelURL: URL, threads: Int? = nil, contextLength: Int? = nil,
        modelIdentity: String? = nil, adapters: [LoRAAdapter] = []
    ) throws(InferenceError) {
        let model = try TransformerModel.load(contentsOf: modelURL).applying(adapters)
        let tokenizer: Tokenizer
        do {
            tokenizer = try Tokenizer(gguf: model.file)
        } catch {
            throw .tokenizer("\(error)")
        }
        let threadCount = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let context = max(16, contextLength ?? min(model.config.contextLength, 4096))
        self.model = model
        self.tokenizer = tokenizer
        self.info = BackendInfo(
            backend: "native", engineVersion: "\(Self.engineName) \(Self.engineVersion)",
            modelIdentity: modelIdentity ?? modelURL.lastPathComponent,
            threads: threadCount)
        let pool = ComputePool(threads: threadCount)
        state = Mutex(EngineState(session: InferenceSession(model: model, pool: pool, contextLength: context)))
    }

    /// Context capacity in tokens.
    public var contextLength: Int { state.withLock { $0.session.capacity } }

    public func tokenize(_ text: String, addSpecial: Bool) async throws -> [Int32] {
        tokenizer.encode(text, addSpecial: addSpecial, parseSpecial: false)
    }

    // MARK: Log-likelihood

    /// lm-evaluation-harness's token boundary: trailing whitespace of the context moves to the
    /// continuation; `whole = encode(context + continuation)`, `context = encode(context)`,
    /// `continuation = whole[context.count...]`. An empty context scores after BOS (or EOS).
    public func splitTokens(_ request: LoglikelihoodRequest) -> (context: [Int32], continuation: [Int32]) {
        var context = request.context
        var continuation = request.continuation
        var trailing = Substring(context)
        while let last = trailing.last, last.isWhitespace { trailing = trailing.dropLast() }
        let moved = context.count - trailing.count
        if moved > 0 {
            continuation = String(context.suffix(moved)) + continuation
            context = String(trailing)
        }
        if context.isEmpty {
            let start = tokenizer.bosToken ?? tokenizer.eosToken ?? 0
            return ([start], tokenizer.encode(continuation, addSpecial: false, parseSpecial: false))
        }
        let whole = tokenizer.encode(context + continuation, addSpecial: true, parseSpecial: false)
        let contextTokens = tokenizer.encode(context, addSpecial: true, parseSpecial: false)
        let boundary = min(contextTokens.count, whole.count)
        return (Array(whole[..<boundary]), Array(whole[boundary...]))
    }

    public func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult] {
        let split = requests.map(splitTokens)
        // Score requests in token order so those sharing a prefix run back to back.
        let order = split.indices.sorted { a, b in
            let x = split[a].context + split[a].continuation
            let y = split[b].context + split[b].continuation
            return x.lexicographicallyPrecedes(y) || (x == y && a < b)
        }
        if let laneResults = try scoreOnLanes(split, order: order) { return laneResults }
        var results = [LoglikelihoodResult?](repeating: nil, count: requests.count)
        for index in order {
            let (context, continuation) = split[index]
            results[index] = try state.withLock { state throws(InferenceError) in
                try state.score(context: context, continuation: continuation)
            }
        }
        return results.map { $0! }
    }

    // MARK: Generation

    public func generate(
        _ request: GenerationRequest,
        onToken: @Sendable (String) -> Void
    ) async throws -> GenerationResult {
        let prompt =
            try request.promptTokens.map { tokens throws(InferenceError) in try checkTokens(tokens) }
            ?? request.segments.map { self.tokenizer.encode($0, addSpecial: request.addSpecial) }
            ?? tokenizer.encode(request.prompt, addSpecial: request.addSpecial, parseSpecial: false)
        guard !prompt.isEmpty else { throw InferenceError.invalidRequest("the prompt has no tokens") }
        guard request.maxTokens >= 0 else { throw InferenceError.invalidRequest("maxTokens must be ≥ 0") }
        let tokenizer = self.tokenizer
        return try state.withLock { state throws(InferenceError) in
            try state.generate(prompt: prompt, request: request, tokenizer: tokenizer, onToken: onToken)
        }
    }

    // MARK: Perplexity

    /// llama-perplexity over `text` with windows of `contextLength` tokens (see `Perplexity`).
    public func perplexity(
        text: String, contextLength: Int,
        progress: @Sendable (PerplexityProgress) -> Void = { _ in }
    ) throws(InferenceError) -> PerplexityResult {
        let tokens = tokenizer.encode(text, addSpecial: true, parseSpecial: false)
        let bos = tokenizer.addsBOS ? tokenizer.bosToken : nil
        return try state.withLock { state throws(InferenceError) in
            try Perplexity.run(
                session: state.session, tokens: tokens, contextLength: contextLength,
                replaceFirstWith: bos, progress: progress)
        }
    }
}

/// The engine's mutable state, only touched under its lock.
struct EngineState: ~Copyable {
    let session: InferenceSession
    /// The last prompt scored by `scorePrompt` and its per-position scores: a prompt sharing a
    /// prefix with it only computes the positions after the common prefix.
    var lastScored: ScoredPrompt?
    /// The last single-row evaluation: the four choices of a multiple-choice question share
    /// their context, so the logits after it are computed once (as llama.cpp scorers do with one
    /// pass per question) instead of re-running the last context token per choice.
    var lastRow: (input: [Int32], position: Int, logits: [Float])?
    /// `TransformerModel.sumsDependOnBatch`, read once.
    let sumsDependOnBatch: Bool

    init(session: InferenceSession) {
        self.session = session
        self.sumsDependOnBatch = session.model.sumsDependOnBatch
    }

    /// Evaluates `tokens` reusing the cached prefix; returns logits at `scored` (indices into
    /// `tokens`, all ≥ the reuse point is guaranteed by recomputing from the first one).
    /// With `reusePrefix` false the whole sequence is evaluated in one batch (except the
    /// `lastRow` case, which is that same batch's result).
    mutating func evaluate(_ tokens: [Int32], scored: [Int], order: SummationOrder, reusePrefix: Bool = true)
        throws(InferenceError) -> (logits: [Float], reused: Int, computed: Int)
    {
        if scored.count == 1, let last = lastRow, last.position == scored[0], last.input == tokens,
            session.commonPrefixLength(with: tokens) == tokens.count
        {
            session.truncate(to: tokens.count)
            return (last.logits, tokens.count, 0)
        }
        var keep = reusePrefix ? session.commonPrefixLength(with: tokens) : 0
        if let first = scored.min() { keep = min(keep, first) }
        session.truncate(to: keep)
        let logits = try session.evaluate(Array(tokens[keep...]), logitsAt: scored.map { $0 - keep }, order: order)
        lastRow = scored.count == 1 ? (tokens, scored[0], logits) : nil
        return (logits, keep, tokens.count - keep)
    }

    mutating func score(context: [Int32], continuation: [Int32]) throws(InferenceError) -> LoglikelihoodResult {
        let start = DispatchTime.now().uptimeNanoseconds
        guard !continuation.isEmpty else {
            return LoglikelihoodResult(
                logLikelihood: 0, isGreedy: true, contextTokenCount: context.count,
                continuationTokenCount: 0, timing: RequestTiming())
        }
        let all = context + continuation
        let input = Array(all.dropLast())
        let scored = Array((context.count - 1)..<(all.count - 1))
        // Scores must not depend on what was evaluated before: on models whose sums depend on
        // the batch, every context is evaluated whole, as an lm-eval-style scorer does.
        let (logits, reused, computed) = try evaluate(
            input, scored: scored, order: .prompt,
            reusePrefix: !sumsDependOnBatch)
        let vocab = session.model.config.vocabularySize
        var total: Double = 0
        var greedy = true
        logits.withUnsafeBufferPointer { buffer in
            for (i, target) in continuation.enumerated() {
                let row = UnsafeBufferPointer(rebasing: buffer[(i * vocab)..<((i + 1) * vocab)])
                total += logProbability(row, Int(target))
                if TokenSampler.argmax(row) != Int(target) { greedy = false }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return LoglikelihoodResult(
            logLikelihood: total, isGreedy: greedy, contextTokenCount: context.count,
            continuationTokenCount: continuation.count,
            timing: RequestTiming(
                prefillTokens: computed, reusedTokens: reused, prefillSeconds: seconds,
                timeToFirstTokenSeconds: seconds, totalSeconds: seconds))
    }

    mutating func generate(
        prompt: [Int32], request: GenerationRequest, tokenizer: Tokenizer,
        onToken: @Sendable (String) -> Void
    ) throws(InferenceError) -> GenerationResult {
        let clock = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
        let start = clock()
        let capacity = session.capacity
        guard prompt.count < capacity else { throw .contextOverflow(requested: prompt.count + 1, capacity: capacity) }
        let (promptLogits, reused, computed) = try evaluate(prompt, scored: [prompt.count - 1], order: .prompt)
        let prefillEnd = clock()
        var logits = promptLogits
        var sampler = TokenSampler(temperature: request.temperature, topP: request.topP, seed: request.seed)
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        var generated: [Int32] = []
        var text = ""
        var emitted = 0 // characters of `text` already handed to onToken
        var finish = GenerationResult.FinishReason.length
        var firstTokenTime = prefillEnd
        let longestStop = request.stop.map(\.count).max() ?? 0
        var reported = GeneratedLogprobs(request: request)
        while generated.count < request.maxTokens {
            reported.penalize(&logits)
            let token = logits.withUnsafeBufferPointer { sampler.sample($0) }
            reported.record(token, logits: logits, tokenizer: tokenizer)
            if generated.isEmpty { firstTokenTime = clock() }
            if tokenizer.isEndOfGeneration(token) {
                finish = .endOfGeneration
                break
            }
            generated.append(token)
            text += decoder.append(token)
            if let stopRange = request.stop.compactMap({ text.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }
            ) {
                text = String(text[..<stopRange.lowerBound])
                finish = .stop
                break
            }
            // Hold back a tail that could still become a stop string.
            let safe = max(emitted, text.count - max(0, longestStop - 1))
            if safe > emitted {
                let startIndex = text.index(text.startIndex, offsetBy: emitted)
                let endIndex = text.index(text.startIndex, offsetBy: safe)
                onToken(String(text[startIndex..<endIndex]))
                emitted = safe
            }
            if generated.count >= request.maxTokens { break }
            guard session.tokens.count + 1 <= capacity else { break }
            logits = try session.evaluate([token], logitsAt: [0], order: .generation)
        }
        if finish != .stop { text += decoder.flush() }
        if text.count > emitted {
            onToken(String(text[text.index(text.startIndex, offsetBy: emitted)...]))
        }
        let end = clock()
        return GenerationResult(
            text: text, tokens: generated, promptTokenCount: prompt.count, finishReason: finish,
            timing: RequestTiming(
                prefillTokens: computed, reusedTokens: reused, prefillSeconds: prefillEnd - start,
                decodeTokens: generated.count, decodeSeconds: end - prefillEnd,
                timeToFirstTokenSeconds: firstTokenTime - start, totalSeconds: end - start),
            logprobs: reported.tokens)
    }
}

/// `log softmax(row)[target]` with the sum of exponentials in double.
func logProbability(_ row: UnsafeBufferPointer<Float>, _ target: Int) -> Double {
    LogSoftmaxRow(row).logProbability(target)
}

/// The normalizer of one logits row, so several entries of it can be read with exactly the
/// arithmetic of `logProbability`.
struct LogSoftmaxRow {
    let row: UnsafeBufferPointer<Float>
    let maxLogit: Float
    let logSum: Double

    init(_ row: UnsafeBufferPointer<Float>) {
        var maxLogit = -Float.infinity
        for v in row { maxLogit = max(maxLogit, v) }
        var sum: Double = 0
        for v in row { sum += Double(expf(v - maxLogit)) }
        self.row = row
        self.maxLogit = maxLogit
        self.logSum = log(sum)
    }

    func logProbability(_ index: Int) -> Double { Double(row[index] - maxLogit) - logSum }
}
