import Foundation
import TestSupport
import Testing

@testable import InferenceCore

/// Gemma 3 270M Q4_K_M against llama.cpp: the six reference prompts (all under the 512-token
/// sliding window) and a golden made with llama.cpp on a prompt that crosses the window.
struct Gemma3ConformanceTests {
    /// The fixtures' rule. Measured: every top-8 logit within 5e-5 of llama.cpp's (the reference's
    /// rounding), greedy continuations identical — which needs ggml's own K-quant summations
    /// (repacked Q4_K GEMM/GEMV, tiled Q6_K GEMM; see KernelSource/SuperBlock.swift).
    @Test(.enabled(if: Fixtures.modelAvailableOrCI(Fixtures.gemma3Path) && Fixtures.referenceAvailableOrCI))
    func gemma3MatchesLlamaCpp() throws {
        let model = try TransformerModel.load(contentsOf: try Fixtures.requireModel(Fixtures.gemma3Path))
        #expect(model.config.architecture == "gemma3")
        let report = try ConformanceTests.measure(
            model: model, reference: try ReferenceLogits.load("gemma3-270m-q4_k_m.logits.json"))
        print("gemma-3-270m-q4_k_m.gguf vs llama.cpp: \(report)")
        #expect(report.top1Mismatches == 0)
        #expect(report.maxTop8 <= 0.15)
        #expect(report.meanNLL <= 0.02)
        #expect(report.greedyFailures.isEmpty, "greedy diverged: \(report.greedyFailures)")
    }

    /// Golden/gemma3-window.json: llama.cpp (llama-cpp-python 0.3.36's tree, AVX2 build, n_ctx
    /// 2048, flash attention off, one batched evaluation) on the first 760 tokens of the GPL-3
    /// text; top-8 logits and log-sum-exp at positions past the window. Local layers must mask
    /// keys older than 512 positions there.
    @Test(.enabled(if: Fixtures.modelAvailableOrCI(Fixtures.gemma3Path)))
    func slidingWindowMatchesLlamaCppPastTheWindow() throws {
        struct Golden: Decodable {
            var tokens: [Int32]
            var positions: [Int]
            var top: [[[Double]]]
            var logsumexp: [Double]
        }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Golden/gemma3-window.json")
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
        #expect(golden.tokens.count > 600)
        #expect(golden.positions.allSatisfy { $0 >= 512 })
        let model = try TransformerModel.load(contentsOf: try Fixtures.requireModel(Fixtures.gemma3Path))
        #expect(model.config.layers.filter { $0.slidingWindow == 512 }.count == 15)
        let session = InferenceSession(model: model, pool: ComputePool(threads: 2), contextLength: 1024)
        let logits = try session.evaluate(golden.tokens, logitsAt: golden.positions)
        let vocab = model.config.vocabularySize
        var maxDelta = 0.0
        var maxLSE = 0.0
        for (i, _) in golden.positions.enumerated() {
            let row = Array(logits[(i * vocab)..<((i + 1) * vocab)])
            for pair in golden.top[i] { maxDelta = max(maxDelta, abs(Double(row[Int(pair[0])]) - pair[1])) }
            let lse = row.withUnsafeBufferPointer { -logProbability($0, 0) + Double(row[0]) }
            maxLSE = max(maxLSE, abs(lse - golden.logsumexp[i]))
        }
        print(
            "gemma3 past the sliding window: max|Δtop8|=\(maxDelta) max|Δlse|=\(maxLSE) over \(golden.positions.count) positions"
        )
        // Measured 5e-6 / 6e-6 (the golden's rounding): the masking and the local rope base are
        // llama.cpp's; a key kept or dropped by mistake moves these by far more.
        #expect(maxDelta <= 1e-3)
        #expect(maxLSE <= 1e-3)
    }
}
