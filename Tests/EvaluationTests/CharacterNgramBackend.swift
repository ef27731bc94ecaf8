import Foundation

@testable import InferenceCore

/// A test-only backend computing real numbers: a character trigram language model with
/// add-α smoothing, trained on text given by the test. Tokens are Unicode scalars. It follows
/// the Backend contract (lm-eval context/continuation split, greedy flags, stop strings), so
/// the runner, scoring and statistics are exercised with non-trivial, deterministic values.
struct CharacterNgramBackend: Backend {
    let order: Int
    let counts: [String: [Unicode.Scalar: Int]]
    let totals: [String: Int]
    let alphabet: [Unicode.Scalar]
    let alpha = 0.5
    let vocabularySize = 256.0
    let info: BackendInfo

    init(corpus: String, order: Int = 3, threads: Int = 1) {
        self.order = order
        var counts: [String: [Unicode.Scalar: Int]] = [:]
        var totals: [String: Int] = [:]
        let scalars = Array(corpus.unicodeScalars)
        for i in scalars.indices {
            let context = Self.context(scalars, before: i, order: order)
            counts[context, default: [:]][scalars[i], default: 0] += 1
            totals[context, default: 0] += 1
        }
        self.counts = counts
        self.totals = totals
        alphabet = Array(Set(scalars)).sorted { $0.value < $1.value }
        info = BackendInfo(
            backend: "test", engineVersion: "char-ngram 1", modelIdentity: "test-corpus", threads: threads)
    }

    static func context(_ scalars: [Unicode.Scalar], before index: Int, order: Int) -> String {
        var s = String.UnicodeScalarView()
        for j in max(0, index - (order - 1))..<index { s.append(scalars[j]) }
        return String(s)
    }

    func logProbability(_ scalar: Unicode.Scalar, after context: String) -> Double {
        let count = Double(counts[context]?[scalar] ?? 0)
        let total = Double(totals[context] ?? 0)
        return log((count + alpha) / (total + alpha * vocabularySize))
    }

    func argmax(after context: String) -> Unicode.Scalar? {
        guard let table = counts[context] else { return alphabet.first }
        return table.max { a, b in a.value != b.value ? a.value < b.value : a.key.value > b.key.value }?.key
    }

    func tokenize(_ text: String, addSpecial: Bool) async throws -> [Int32] {
        text.unicodeScalars.map { Int32(bitPattern: $0.value) }
    }

    func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult] {
        requests.map { request in
            let start = Date()
            // lm-eval: whitespace at the end of the context moves to the continuation.
            var context = Array(request.context.unicodeScalars)
            var continuation = Array(request.continuation.unicodeScalars)
            while let last = context.last, last.properties.isWhitespace {
                continuation.insert(context.removeLast(), at: 0)
            }
            let full = context + continuation
            var total = 0.0
            var greedy = true
            for i in context.count..<full.count {
                let ctx = Self.context(full, before: i, order: order)
                total += logProbability(full[i], after: ctx)
                if argmax(after: ctx) != full[i] { greedy = false }
            }
            let elapsed = Date().timeIntervalSince(start)
            return LoglikelihoodResult(
                logLikelihood: total, isGreedy: greedy, contextTokenCount: context.count,
                continuationTokenCount: continuation.count,
                timing: RequestTiming(
                    prefillTokens: full.count, prefillSeconds: elapsed,
                    timeToFirstTokenSeconds: elapsed, totalSeconds: elapsed))
        }
    }

    func generate(_ request: GenerationRequest, onToken: @Sendable (String) -> Void) async throws -> GenerationResult {
        let start = Date()
        var text = Array(request.prompt.unicodeScalars)
        var generated = String.UnicodeScalarView()
        var tokens: [Int32] = []
        var reason = GenerationResult.FinishReason.length
        outer: while tokens.count < request.maxTokens {
            guard let next = argmax(after: Self.context(text, before: text.count, order: order)) else { break }
            text.append(next)
            generated.append(next)
            tokens.append(Int32(bitPattern: next.value))
            let current = String(generated)
            for stop in request.stop where current.hasSuffix(stop) {
                generated = String(current.dropLast(stop.count)).unicodeScalars
                reason = .stop
                break outer
            }
        }
        let elapsed = Date().timeIntervalSince(start)
        return GenerationResult(
            text: String(generated), tokens: tokens, promptTokenCount: request.prompt.unicodeScalars.count,
            finishReason: reason,
            timing: RequestTiming(
                prefillTokens: request.prompt.unicodeScalars.count,
                prefillSeconds: elapsed / 2, decodeTokens: tokens.count,
                decodeSeconds: elapsed / 2, timeToFirstTokenSeconds: elapsed / 2,
                totalSeconds: elapsed))
    }
}
