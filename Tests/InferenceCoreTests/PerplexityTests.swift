import Foundation
import TestSupport
import Testing

@testable import InferenceCore

struct PerplexityTests {
    /// `llama-perplexity -m SmolLM2-135M-Instruct.Q4_1.gguf -f GPL-3 -c 512 -t 2`, built from the
    /// llama.cpp vendored in llama-cpp-python 0.3.36 (the version the logit references come from),
    /// prints 14 chunks and `Final estimate: PPL = 18.3459 +/- 0.86234` on this machine type.
    /// The fixtures README quotes 356.9444 for the same command; that figure does not reproduce
    /// with this llama.cpp (see docs/conformance.md), so the test pins the reproduced value.
    static let llamaPerplexity = 18.3459
    @Test(
        .enabled(
            if: Fixtures.smolLMAvailableOrCI
                && (Fixtures.isCI || FileManager.default.fileExists(atPath: "/usr/share/common-licenses/GPL-3"))))
    func gpl3PerplexityMatchesLlamaPerplexity() throws {
        let text = try String(
            contentsOf: try Fixtures.require(URL(fileURLWithPath: "/usr/share/common-licenses/GPL-3")),
            encoding: .utf8)
        let engine = try NativeEngine(modelURL: try Fixtures.requireSmolLM(), threads: 2, contextLength: 512)
        let result = try engine.perplexity(text: text, contextLength: 512)
        print(
            String(
                format: "GPL-3 perplexity: %.4f ± %.4f over %d chunks (%d tokens) in %.1f s",
                result.perplexity, result.uncertainty, result.chunks, result.totalTokens, result.seconds))
        #expect(result.chunks == 14)
        #expect(result.totalTokens == 7639)
        #expect(abs(result.perplexity - Self.llamaPerplexity) / Self.llamaPerplexity < 0.01)
    }
}
