import Foundation
import TestSupport
import Testing
import Tokenizers

/// A whole 35 KB document (GPL-3) through each tokenizer: encode → decode restores it byte for
/// byte. The time is printed for information only; speed targets live in Benchmarks/, not in
/// unit tests (a loaded CI machine must not turn a timing into a failure).
struct PerformanceTests {
    static let gpl3 = URL(fileURLWithPath: "/usr/share/common-licenses/GPL-3")

    static func time(_ body: () -> Void) -> Duration {
        let clock = ContinuousClock()
        return clock.measure(body)
    }

    @Test(
        "GPL-3 round-trips through SmolLM2's tokenizer",
        .enabled(if: Fixtures.smolLMAvailableOrCI && FileManager.default.fileExists(atPath: gpl3.path)))
    func smolLM() throws {
        let text = try String(contentsOf: Self.gpl3, encoding: .utf8)
        let tokenizer = try TokenizerFixtures.tokenizer(gguf: Fixtures.requireSmolLM())
        var tokens: [Int32] = []
        let elapsed = Self.time { tokens = tokenizer.encode(text) }
        print("smollm2: GPL-3 (\(text.utf8.count) bytes) → \(tokens.count) tokens in \(elapsed)")
        #expect(tokens.count > 5_000)
        #expect(tokenizer.decode(tokens) == text)
    }

    @Test(
        "GPL-3 round-trips through the SentencePiece and DeepSeek vocabularies",
        .enabled(if: Fixtures.referenceAvailableOrCI && FileManager.default.fileExists(atPath: gpl3.path)),
        arguments: ["llama-spm", "deepseek-llm"])
    func fixtureVocabulary(name: String) throws {
        let text = try String(contentsOf: Self.gpl3, encoding: .utf8)
        let tokenizer = try TokenizerFixtures.vocabularyTokenizer(name)
        var tokens: [Int32] = []
        let elapsed = Self.time { tokens = tokenizer.encode(text, addSpecial: false) }
        print("\(name): GPL-3 → \(tokens.count) tokens in \(elapsed)")
        #expect(tokens.count > 5_000)
        #expect(tokenizer.decode(tokens) == text)
    }
}
