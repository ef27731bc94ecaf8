import Foundation
import ModelFormat
import TestSupport
import Testing

@testable import InferenceCore

/// Issue 3, acceptance 5: a Q8_0 file made by `GGUFQuantizer` from the F16 conversion of
/// SmolLM2, run by this engine, against the F16 file it was made from, on the reference
/// prompts.
///
/// Two comparisons:
/// 1. Each derived file against llama.cpp running the *same* file (golden top-8 logits and
///    next-token NLL in Golden/smollm2-derived-llamacpp-top8.json, made with llama-cpp-python
///    0.3.36's vendored llama.cpp, 1 thread, logits_all): the reference tolerances of
///    ../shared/fixtures/README.md apply and are asserted.
/// 2. Q8_0 against F16 in this engine. The quantized model is a different model, so those
///    tolerances do not apply; llama.cpp itself, on these two files, gives max |Δ top-8| 3.502,
///    mean |Δ top-8| 0.251, mean |Δ nll| 0.0909, top-1 agreement 147/153 (96.1%), and this engine
///    gives the same figures. The bounds are the measured values plus a small margin, so a
///    broken quantizer or Q8_0 kernel fails.
struct DerivedModelTests {
    /// Writes the F16 conversion of the cached SmolLM2 Q4_1 file and the Q8_0 made from it.
    static func derivedFiles(in directory: TemporaryDirectory) throws -> (f16: URL, q8_0: URL) {
        let source = try GGUFFile(contentsOf: try Fixtures.requireSmolLM())
        let f16URL = directory.path("smollm2-f16.gguf")
        let q8URL = directory.path("smollm2-q8_0.gguf")
        _ = try GGUFQuantizer.quantize(source, to: f16URL, target: .f16)
        _ = try GGUFQuantizer.quantize(try GGUFFile(contentsOf: f16URL), to: q8URL, target: .q8_0)
        return (f16URL, q8URL)
    }

    struct Golden: Decodable {
        struct Prompt: Decodable {
            struct Position: Decodable {
                var top8: [[Double]]
                var next_nll: Double?
            }
            var tokens: [Int32]
            var positions: [Position]
        }
        var models: [String: [Prompt]]
    }

    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI), arguments: ["f16", "q8_0"])
    func derivedFileMatchesLlamaCppOnTheSameFile(_ name: String) throws {
        let golden = try JSONDecoder().decode(
            Golden.self,
            from: Data(
                contentsOf: Fixtures.packageRoot
                    .appendingPathComponent("Tests/InferenceCoreTests/Golden/smollm2-derived-llamacpp-top8.json")))
        let prompts = try #require(golden.models[name])
        let directory = TemporaryDirectory("assay-derived-golden")
        let files = try Self.derivedFiles(in: directory)
        let model = try TransformerModel.load(contentsOf: name == "f16" ? files.f16 : files.q8_0)
        let vocab = model.config.vocabularySize
        let pool = ComputePool(threads: 2)
        var maxTop8 = 0.0
        var sumNLL = 0.0
        var countNLL = 0
        var checkedTop1 = 0
        var positions = 0
        for prompt in prompts {
            let indices = Array(prompt.tokens.indices)
            let logits = try InferenceSession(model: model, pool: pool, contextLength: 512)
                .evaluate(prompt.tokens, logitsAt: indices)
            for (i, reference) in zip(indices, prompt.positions) {
                let row = Array(logits[(i * vocab)..<((i + 1) * vocab)])
                for pair in reference.top8 {
                    maxTop8 = max(maxTop8, abs(Double(row[Int(pair[0])]) - pair[1]))
                }
                if reference.top8[0][1] - reference.top8[1][1] > 0.1 {
                    let argmax = row.withUnsafeBufferPointer { TokenSampler.argmax($0) }
                    #expect(
                        argmax == Int(reference.top8[0][0]),
                        "\(name): top-1 differs at position \(i) of \(prompt.tokens)")
                    checkedTop1 += 1
                }
                if let nll = reference.next_nll, i + 1 < prompt.tokens.count {
                    sumNLL += abs(row.withUnsafeBufferPointer { -logProbability($0, Int(prompt.tokens[i + 1])) } - nll)
                    countNLL += 1
                }
                positions += 1
            }
        }
        let meanNLL = sumNLL / Double(max(countNLL, 1))
        print(
            String(
                format:
                    "SmolLM2 %@ (derived) vs llama.cpp on the same file: max|Δtop8|=%.5f mean|Δnll|=%.6f over %d positions (%d top-1 checks)",
                name, maxTop8, meanNLL, positions, checkedTop1))
        #expect(positions == 153)
        #expect(checkedTop1 > 100)
        #expect(maxTop8 <= 0.15)
        #expect(meanNLL <= 0.02)
    }

    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI && Fixtures.referenceAvailableOrCI))
    func q8_0OfF16ConversionTracksTheF16Model() throws {
        let directory = TemporaryDirectory("assay-derived")
        let (f16URL, q8URL) = try Self.derivedFiles(in: directory)

        let original = try TransformerModel.load(contentsOf: f16URL)
        let derived = try TransformerModel.load(contentsOf: q8URL)
        let reference = try ReferenceLogits.load("smollm2-135m-instruct-q4_1.logits.json")
        let vocab = original.config.vocabularySize
        let pool = ComputePool(threads: 2)

        var maxTop8 = 0.0
        var sumTop8 = 0.0
        var countTop8 = 0
        var maxTop8AfterFirst = 0.0
        var sumNLL = 0.0
        var countNLL = 0
        var top1Agree = 0
        var positions = 0
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
        let meanTop8 = sumTop8 / Double(max(countTop8, 1))
        let meanNLL = sumNLL / Double(max(countNLL, 1))
        print(
            String(
                format:
                    "SmolLM2 Q8_0 (from F16) vs F16: max|Δtop8|=%.4f mean|Δtop8|=%.4f mean|Δnll|=%.4f top-1 agreement %d/%d (%.1f%%); max|Δtop8| after each prompt's first token %.4f",
                maxTop8, meanTop8, meanNLL, top1Agree, positions, 100 * agreement, maxTop8AfterFirst))
        #expect(positions > 0)
        // llama.cpp on the same pair of files: 0.9608, 0.2512, 0.0909, 3.502.
        #expect(agreement >= 0.95)
        #expect(meanTop8 <= 0.27)
        #expect(meanNLL <= 0.10)
        #expect(maxTop8 <= 3.6)
    }
}
