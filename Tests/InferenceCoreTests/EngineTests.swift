import Foundation
import TestSupport
import Testing

@testable import InferenceCore

struct EngineTests {
    static func engine(threads: Int = 2) throws -> NativeEngine {
        try NativeEngine(modelURL: try Fixtures.requireSmolLM(), threads: threads, contextLength: 1024)
    }

    static let mmlu = """
        The following are multiple choice questions (with answers) about astronomy.

        Which planet is known as the Red Planet?
        A. Venus
        B. Mars
        C. Jupiter
        D. Saturn
        Answer:
        """

    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI))
    func prefixReuseMatchesScoringFromScratch() async throws {
        let requests =
            ["A", "B", "C", "D"].map { LoglikelihoodRequest(context: Self.mmlu, continuation: " \($0)") }
            + [LoglikelihoodRequest(context: "The capital of France is", continuation: " Paris")]
        let shared = try Self.engine()
        let batched = try await shared.loglikelihood(requests)
        // Reused prefix: the later choices computed only their last tokens.
        #expect(batched.dropFirst().prefix(3).allSatisfy { $0.timing.reusedTokens > 0 })
        for (i, request) in requests.enumerated() {
            let fresh = try await Self.engine().loglikelihood([request])[0]
            #expect(fresh.logLikelihood == batched[i].logLikelihood, "request \(i)")
            #expect(fresh.isGreedy == batched[i].isGreedy)
            #expect(fresh.timing.reusedTokens == 0)
        }
        #expect(batched.allSatisfy { $0.logLikelihood < 0 && $0.continuationTokenCount >= 1 })
    }

    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI))
    func contextWhitespaceMovesToContinuation() throws {
        let engine = try Self.engine(threads: 1)
        let a = engine.splitTokens(LoglikelihoodRequest(context: "The capital of France is ", continuation: "Paris"))
        let b = engine.splitTokens(LoglikelihoodRequest(context: "The capital of France is", continuation: " Paris"))
        #expect(a.context == b.context)
        #expect(a.continuation == b.continuation)
        #expect(a.context == engine.tokenizer.encode("The capital of France is", addSpecial: true, parseSpecial: false))
    }

    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI && Fixtures.referenceAvailableOrCI))
    func greedyGenerationMatchesReferenceAndStops() async throws {
        let engine = try Self.engine()
        let reference = try ReferenceLogits.load("smollm2-135m-instruct-q4_1.logits.json").prompts[0]
        let result = try await engine.generate(GenerationRequest(prompt: reference.text, maxTokens: 16)) { _ in }
        #expect(Array(result.tokens.prefix(16)) == Array(reference.greedy.tokens.prefix(16)))
        #expect(result.finishReason == .length)
        let stopped = try await engine.generate(GenerationRequest(prompt: reference.text, maxTokens: 32, stop: ["."])) {
            _ in
        }
        #expect(stopped.finishReason == .stop)
        #expect(stopped.text == " Paris")
        #expect(stopped.timing.reusedTokens > 0)
    }

    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI))
    func seededSamplingIsReproducible() async throws {
        let engine = try Self.engine()
        let request = GenerationRequest(
            prompt: "Once upon a time", maxTokens: 12, temperature: 0.8, topP: 0.9, seed: 42)
        let first = try await engine.generate(request) { _ in }
        let second = try await engine.generate(request) { _ in }
        #expect(first.tokens == second.tokens)
        var other = request
        other.seed = 43
        let third = try await engine.generate(other) { _ in }
        #expect(third.tokens.count > 0)
    }
}

extension EngineTests {
    /// K-quant models sum by batch size as llama.cpp does, so the choices of a question must come
    /// from one evaluation of the context (as a llama.cpp scorer's one pass per question), not
    /// from the last context token re-run alone per choice: each equals scoring it on a fresh
    /// engine, where the whole context is one batch.
    @Test(.enabled(if: Fixtures.modelAvailableOrCI(Fixtures.qwen25Path)))
    func choicesShareOneEvaluationOfTheContextOnKQuants() async throws {
        let url = try Fixtures.requireModel(Fixtures.qwen25Path)
        let requests = ["A", "B", "C", "D"].map { LoglikelihoodRequest(context: Self.mmlu, continuation: " \($0)") }
        let shared = try NativeEngine(modelURL: url, threads: 2, contextLength: 512)
        let batched = try await shared.loglikelihood(requests)
        // One choice computes the context; the other three reuse its logits.
        #expect(batched.filter { $0.timing.prefillTokens > 0 }.count == 1, "\(batched.map(\.timing))")
        for (i, request) in requests.enumerated() {
            let fresh = try await NativeEngine(modelURL: url, threads: 2, contextLength: 512).loglikelihood([request])[
                0]
            #expect(fresh.logLikelihood == batched[i].logLikelihood, "choice \(i)")
        }
    }
}

extension EngineTests {
    /// On K-quant models a question's score must not depend on the question before it: a
    /// context sharing a prefix (the subject header) with the previous one is still evaluated
    /// whole, as an lm-eval-style llama.cpp scorer does after clearing its cache, so it equals
    /// scoring it on a fresh engine. Q4_1 sums do not depend on the batch, so SmolLM2 keeps
    /// reusing prefixes (`prefixReuseMatchesScoringFromScratch`).
    @Test(.enabled(if: Fixtures.modelAvailableOrCI(Fixtures.qwen25Path)))
    func kQuantContextsNeverReuseAnotherQuestionsPrefix() async throws {
        let url = try Fixtures.requireModel(Fixtures.qwen25Path)
        let second = Self.mmlu.replacingOccurrences(of: "Red Planet", with: "Blue Planet")
        let requests = [
            LoglikelihoodRequest(context: Self.mmlu, continuation: " B"),
            LoglikelihoodRequest(context: second, continuation: " B")
        ]
        let shared = try NativeEngine(modelURL: url, threads: 2, contextLength: 512)
        #expect(shared.model.sumsDependOnBatch)
        let results = try await shared.loglikelihood(requests)
        #expect(results.allSatisfy { $0.timing.reusedTokens == 0 }, "\(results.map(\.timing))")
        for (i, request) in requests.enumerated() {
            let fresh = try await NativeEngine(modelURL: url, threads: 2, contextLength: 512).loglikelihood([request])[
                0]
            #expect(fresh.logLikelihood == results[i].logLikelihood, "question \(i)")
        }
        #expect(try !Self.engine().model.sumsDependOnBatch)
    }
}
