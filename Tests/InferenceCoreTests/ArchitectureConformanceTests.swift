import Foundation
import TestSupport
import Testing

@testable import InferenceCore

/// Phi-3 (fused Q/K/V and gate/up, LongRoPE), Llama 3 rope scaling (`rope_freqs`) and a LoRA
/// adapter on SmolLM2, each against llama.cpp references made from small random-weight files
/// (fixtures/reference, made with gguf-py and the same llama.cpp build).
struct ArchitectureConformanceTests {
    /// llama.cpp picks Phi-3's long factors when n_ctx (2048) exceeds the original context
    /// (1024), the short ones at n_ctx 1024; the session's context decides the same way here.
    @Test(
        .enabled(if: Fixtures.referenceAvailableOrCI),
        arguments: [
            ("tiny-random-phi3.logits.json", 2048), ("tiny-random-phi3.nctx1024-short-factors.logits.json", 1024)
        ])
    func phi3MatchesLlamaCpp(reference: String, contextLength: Int) throws {
        let model = try TransformerModel.load(
            contentsOf: try Fixtures.require(Fixtures.reference("reference/tiny-random-phi3.gguf")))
        #expect(model.config.architecture == "phi3")
        let report = try ConformanceTests.measure(
            model: model, reference: try ReferenceLogits.load(reference),
            contextLength: contextLength)
        print("tiny-random-phi3 (n_ctx \(contextLength)) vs llama.cpp: \(report)")
        #expect(report.maxTop8 <= 1e-3)
        #expect(report.maxLogSumExp <= 1e-3)
        #expect(report.meanNLL <= 1e-3)
        #expect(report.greedyFailures.isEmpty)
    }

    @Test(.enabled(if: Fixtures.referenceAvailableOrCI))
    func llama3RopeScalingMatchesLlamaCpp() throws {
        let model = try TransformerModel.load(
            contentsOf: try Fixtures.require(Fixtures.reference("reference/tiny-random-llama3.gguf")))
        #expect(model.weights.ropeFrequencyFactors?.count == 8)
        let report = try ConformanceTests.measure(
            model: model, reference: try ReferenceLogits.load("tiny-random-llama3.logits.json"),
            contextLength: 2048)
        print("tiny-random-llama3 vs llama.cpp: \(report)")
        #expect(report.maxTop8 <= 1e-3)
        #expect(report.maxLogSumExp <= 1e-3)
        #expect(report.meanNLL <= 1e-3)
        #expect(report.greedyFailures.isEmpty)
    }

    /// SmolLM2 Q4_1 + `smollm2-lora-r8.gguf` (alpha 16, rank 8, user scale 1) against llama.cpp
    /// with the same adapter, and the base alone against the same prompts without it: the
    /// adapter must move the logits (top-1 changes at many positions) and land where llama.cpp's do.
    @Test(.enabled(if: Fixtures.referenceAvailableOrCI && Fixtures.smolLMAvailableOrCI))
    func loraAdapterMatchesLlamaCpp() throws {
        let adapterURL = try Fixtures.require(Fixtures.reference("reference/smollm2-lora-r8.gguf"))
        let base = try TransformerModel.load(contentsOf: try Fixtures.requireSmolLM())
        let adapted = try base.applying([try LoRAAdapter(contentsOf: adapterURL, scale: 1)])
        #expect(
            adapted.weights.layers.allSatisfy { $0.adapters[.query]?.first?.scale == 2 && $0.adapters[.ffnUp] != nil })
        let withAdapter = try ConformanceTests.measure(
            model: adapted, reference: try ReferenceLogits.load("smollm2-lora-r8.logits.json"),
            contextLength: 2048)
        print("SmolLM2 + LoRA r8 vs llama.cpp: \(withAdapter)")
        #expect(withAdapter.top1Mismatches == 0)
        #expect(withAdapter.maxTop8 <= 0.15)
        #expect(withAdapter.meanNLL <= 0.02)
        #expect(withAdapter.greedyFailures.isEmpty)
        let baseReport = try ConformanceTests.measure(
            model: base, reference: try ReferenceLogits.load("smollm2-base-samePrompts.logits.json"),
            contextLength: 2048)
        #expect(baseReport.maxTop8 <= 0.15)
        // Without the adapter the model must not match the adapted reference.
        let mismatch = try ConformanceTests.measure(
            model: base, reference: try ReferenceLogits.load("smollm2-lora-r8.logits.json"),
            contextLength: 2048)
        #expect(mismatch.maxTop8 > 1)
    }

    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI && Fixtures.referenceAvailableOrCI))
    func adapterErrorsAreTyped() throws {
        // A model file is not an adapter; an adapter for another architecture is refused.
        let smol = try Fixtures.requireSmolLM()
        #expect(throws: InferenceError.self) { _ = try LoRAAdapter(contentsOf: smol) }
        let phi3 = try TransformerModel.load(
            contentsOf: try Fixtures.require(Fixtures.reference("reference/tiny-random-phi3.gguf")))
        let adapter = try LoRAAdapter(
            contentsOf: try Fixtures.require(Fixtures.reference("reference/smollm2-lora-r8.gguf")))
        #expect(throws: InferenceError.self) { _ = try phi3.applying([adapter]) }
    }
}
