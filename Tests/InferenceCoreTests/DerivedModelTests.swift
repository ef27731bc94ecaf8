import Foundation
import ModelFormat
import Testing
import TestSupport
@testable import InferenceCore

/// Issue 3, acceptance 5: a Q8_0 file made by `GGUFQuantizer` from the F16 conversion of
/// SmolLM2, run by this engine, against the F16 file it was made from, on the reference
/// prompts. The quantized model is a different model, so the reference tolerances for the
/// *same* model (|Δ top-8| ≤ 0.15, mean |Δ nll| ≤ 0.02) do not apply: measured here,
/// max |Δ top-8| = 3.5, mean |Δ top-8| = 0.25, mean |Δ nll| = 0.09, top-1 agreement 96%.
/// llama.cpp shows the same size of effect on these files (llama-perplexity, GPL-3, ctx 512,
/// 4 chunks: F16 18.2017, Q8_0 18.1998; this engine: F16 18.2039, Q8_0 18.2211). The bounds
/// below are the brief's (top-1 ≥ 95%) plus ceilings about 2× the measured means, so a broken
/// quantizer or Q8_0 kernel (Δ of whole logits) fails.
struct DerivedModelTests {
    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI && Fixtures.referenceAvailableOrCI))
    func q8_0OfF16ConversionTracksTheF16Model() throws {
        let directory = TemporaryDirectory("assay-derived")
        let source = try GGUFFile(contentsOf: try Fixtures.requireSmolLM())
        let f16URL = directory.path("smollm2-f16.gguf"), q8URL = directory.path("smollm2-q8_0.gguf")
        _ = try GGUFQuantizer.quantize(source, to: f16URL, target: .f16)
        _ = try GGUFQuantizer.quantize(try GGUFFile(contentsOf: f16URL), to: q8URL, target: .q8_0)

        let original = try TransformerModel.load(contentsOf: f16URL)
        let derived = try TransformerModel.load(contentsOf: q8URL)
        let reference = try ReferenceLogits.load("smollm2-135m-instruct-q4_1.logits.json")
        let vocab = original.config.vocabularySize
        let pool = ComputePool(threads: 2)

        var maxTop8 = 0.0, sumTop8 = 0.0, countTop8 = 0
        var maxTop8AfterFirst = 0.0
        var sumNLL = 0.0, countNLL = 0
        var top1Agree = 0, positions = 0
        for prompt in reference.prompts {
            let indices = Array(prompt.tokens.indices)
            let a = try InferenceSession(model: original, pool: pool, contextLength: 512)
                .evaluate(prompt.tokens, logitsAt: indices)
            let b = try InferenceSession(model: derived, pool: pool, contextLength: 512)
                .evaluate(prompt.tokens, logitsAt: indices)
            for i in indices {
                let rowA = Array(a[(i * vocab)..<((i + 1) * vocab)])
                let rowB = Array(b[(i * vocab)..<((i + 1) * vocab)])
                let top8 = rowA.indices.sorted { rowA[$0] > rowA[$1] }.prefix(8)
                for t in top8 {
                    let delta = abs(Double(rowA[t]) - Double(rowB[t]))
                    maxTop8 = max(maxTop8, delta)
                    if i > 0 { maxTop8AfterFirst = max(maxTop8AfterFirst, delta) }
                    sumTop8 += delta
                    countTop8 += 1
                }
                let argA = rowA.withUnsafeBufferPointer { TokenSampler.argmax($0) }
                let argB = rowB.withUnsafeBufferPointer { TokenSampler.argmax($0) }
                if argA == argB { top1Agree += 1 }
                positions += 1
                if i + 1 < prompt.tokens.count {
                    let next = Int(prompt.tokens[i + 1])
                    let nllA = rowA.withUnsafeBufferPointer { -logProbability($0, next) }
                    let nllB = rowB.withUnsafeBufferPointer { -logProbability($0, next) }
                    sumNLL += abs(nllA - nllB)
                    countNLL += 1
                }
            }
        }
        let agreement = Double(top1Agree) / Double(max(positions, 1))
        let meanTop8 = sumTop8 / Double(max(countTop8, 1)), meanNLL = sumNLL / Double(max(countNLL, 1))
        print(String(format: "SmolLM2 Q8_0 (from F16) vs F16: max|Δtop8|=%.4f mean|Δtop8|=%.4f mean|Δnll|=%.4f top-1 agreement %d/%d (%.1f%%); max|Δtop8| after each prompt's first token %.4f",
                     maxTop8, meanTop8, meanNLL, top1Agree, positions, 100 * agreement, maxTop8AfterFirst))
        #expect(positions > 0)
        #expect(agreement >= 0.95)
        #expect(meanTop8 <= 0.5)
        #expect(meanNLL <= 0.2)
    }
}
