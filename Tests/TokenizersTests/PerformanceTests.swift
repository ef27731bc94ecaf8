import Foundation
import TestSupport
import Testing
import Tokenizers

/// Encoding a 35 KB text must take well under a second even in debug builds.
struct PerformanceTests {
    static let gpl3 = URL(fileURLWithPath: "/usr/share/common-licenses/GPL-3")

    static func time(_ body: () -> Void) -> Duration {
        let clock = ContinuousClock()
        return clock.measure(body)
    }

    @Test("GPL-3 encodes quickly with SmolLM2's tokenizer",
          .enabled(if: Fixtures.smolLMAvailableOrCI && FileManager.default.fileExists(atPath: gpl3.path)))
    func smolLM() throws {
        let text = try String(contentsOf: Self.gpl3, encoding: .utf8)
        let tokenizer = try TokenizerFixtures.tokenizer(gguf: Fixtures.requireSmolLM())
        var tokens: [Int32] = []
        let elapsed = Self.time { tokens = tokenizer.encode(text) }
        print("smollm2: GPL-3 (\(text.utf8.count) bytes) → \(tokens.count) tokens in \(elapsed)")
        #expect(elapsed < .seconds(1))
        #expect(tokenizer.decode(tokens) == text)
    }

    @Test("GPL-3 encodes quickly with the SentencePiece and DeepSeek vocabularies",
          .enabled(if: Fixtures.referenceAvailableOrCI && FileManager.default.fileExists(atPath: gpl3.path)),
          arguments: ["llama-spm", "deepseek-llm"])
    func fixtureVocabulary(name: String) throws {
        let text = try String(contentsOf: Self.gpl3, encoding: .utf8)
        let tokenizer = try TokenizerFixtures.vocabularyTokenizer(name)
        var tokens: [Int32] = []
        let elapsed = Self.time { tokens = tokenizer.encode(text, addSpecial: false) }
        print("\(name): GPL-3 → \(tokens.count) tokens in \(elapsed)")
        #expect(elapsed < .seconds(1))
        #expect(tokenizer.decode(tokens) == text)
    }
}
