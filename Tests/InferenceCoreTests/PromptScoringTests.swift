import Foundation
import TestSupport
import Testing

@testable import InferenceCore

/// `NativeEngine.scorePrompt` (OpenAI echo + logprobs) agrees with `loglikelihood`.
struct PromptScoringTests {
    static let requests =
        ["A", "B", "C", "D"].map { LoglikelihoodRequest(context: EngineTests.mmlu, continuation: " \($0)") }
        + [
            LoglikelihoodRequest(context: "The capital of France is", continuation: " Paris"),
            LoglikelihoodRequest(context: "Ünïcödé — ça va? 日本", continuation: "語 the end")
        ]

    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI))
    func promptScoresSumToTheLoglikelihoodOfTheContinuation() async throws {
        let engine = try EngineTests.engine()
        let expected = try await EngineTests.engine().loglikelihood(Self.requests)
        for (request, reference) in zip(Self.requests, expected) {
            let scored = try await engine.scorePrompt(request.context + request.continuation, addSpecial: true)
            let (context, continuation) = engine.splitTokens(request)
            #expect(scored.map(\.token) == context + continuation)
            #expect(scored.first?.logprob == nil)
            let tail = scored.suffix(continuation.count)
            let sum = tail.reduce(0.0) { $0 + ($1.logprob ?? .nan) }
            #expect(sum == reference.logLikelihood, "\(request.continuation): \(sum) vs \(reference.logLikelihood)")
            #expect(tail.allSatisfy(\.isGreedy) == reference.isGreedy)
            // The texts rebuild the prompt and the offsets point into it.
            // (Tokens holding part of a UTF-8 character have lossy texts.)
            if !scored.contains(where: { $0.text.contains("\u{FFFD}") }) {
                #expect(scored.map(\.text).joined() == request.context + request.continuation)
            }
            let scalars = Array((request.context + request.continuation).unicodeScalars)
            for token in scored where !token.text.isEmpty && !token.text.contains("\u{FFFD}") {
                let piece = Array(token.text.unicodeScalars)
                #expect(Array(scalars[token.offset..<min(scalars.count, token.offset + piece.count)]) == piece)
            }
            for token in scored.dropFirst() {
                let alternatives = token.alternatives
                try #require(alternatives.count == NativeEngine.promptAlternatives)
                #expect(zip(alternatives, alternatives.dropFirst()).allSatisfy { $0.logprob >= $1.logprob })
                #expect((token.logprob ?? 0) <= alternatives[0].logprob)
                #expect(token.isGreedy == (alternatives[0].token == token.token))
                if let own = alternatives.first(where: { $0.token == token.token }) {
                    #expect(own.logprob == token.logprob)
                }
            }
        }
    }

    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI))
    func reusedPositionsEqualAFreshEngine() async throws {
        let engine = try EngineTests.engine(threads: 1)
        // Interleave scoring, generation and log-likelihood so the cache holds other sequences.
        let first = try await engine.scorePrompt(Self.requests[0].context + " A", addSpecial: true)
        _ = try await engine.generate(GenerationRequest(prompt: "Hello", maxTokens: 3), onToken: { _ in })
        let second = try await engine.scorePrompt(Self.requests[0].context + " B is my answer", addSpecial: true)
        let fresh = try await EngineTests.engine(threads: 2).scorePrompt(
            Self.requests[0].context + " B is my answer", addSpecial: true)
        #expect(second == fresh)
        #expect(Array(first.dropLast()) == Array(second.prefix(first.count - 1)))
        // Longer than one chunk of positions.
        let long = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 40)
        let a = try await engine.scorePrompt(long, addSpecial: true)
        #expect(a.count > EngineState.scoringChunk)
        let b = try await EngineTests.engine(threads: 2).scorePrompt(long, addSpecial: true)
        #expect(a.map(\.logprob) == b.map(\.logprob))
    }
}
