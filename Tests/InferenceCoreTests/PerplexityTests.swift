import Foundation
import Testing
import TestSupport
@testable import InferenceCore

struct PerplexityTests {
    /// llama-perplexity -m SmolLM2-135M-Instruct.Q4_1.gguf -f GPL-3 -c 512 -t 2 → 356.9444 ± 20.91.
    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI && (Fixtures.isCI || FileManager.default.fileExists(atPath: "/usr/share/common-licenses/GPL-3"))))
    func gpl3PerplexityMatchesLlamaPerplexity() throws {
        let text = try String(contentsOf: try Fixtures.require(URL(fileURLWithPath: "/usr/share/common-licenses/GPL-3")),
                              encoding: .utf8)
        let engine = try NativeEngine(modelURL: try Fixtures.requireSmolLM(), threads: 2, contextLength: 512)
        let result = try engine.perplexity(text: text, contextLength: 512)
        print(String(format: "GPL-3 perplexity: %.4f ± %.4f over %d chunks (%d tokens) in %.1f s",
                     result.perplexity, result.uncertainty, result.chunks, result.totalTokens, result.seconds))
        #expect(result.chunks == 14)
        #expect(abs(result.perplexity - 356.9444) / 356.9444 < 0.01)
    }
}
