import Foundation
import TestSupport
import Testing

@testable import Tokenizers

/// Special tokens, add_bos/add_eos, end-of-generation detection and decoding rules.
struct SpecialTokenTests {
    @Test("SmolLM2 special tokens as llama.cpp reads them", .enabled(if: Fixtures.smolLMAvailableOrCI))
    func smolLM() throws {
        let tokenizer = try TokenizerFixtures.tokenizer(gguf: Fixtures.requireSmolLM())
        #expect(tokenizer.model == .bytePairEncoding)
        #expect(tokenizer.vocabularySize == 49152)
        #expect(tokenizer.bosToken == 1)
        #expect(tokenizer.eosToken == 2)
        #expect(!tokenizer.addsBOS)
        #expect(!tokenizer.addsEOS)
        #expect(tokenizer.isEndOfGeneration(2)) // <|im_end|>
        #expect(tokenizer.isEndOfGeneration(0)) // <|endoftext|>
        #expect(!tokenizer.isEndOfGeneration(1)) // <|im_start|>
        #expect(tokenizer.eotToken != nil)

        let chat = "<|im_start|>user\nHi<|im_end|>\n"
        let parsed = tokenizer.encode(chat, addSpecial: true, parseSpecial: true)
        #expect(parsed.first == 1)
        #expect(parsed.contains(2))
        #expect(
            parsed == [1] + tokenizer.encode("user\nHi", addSpecial: false) + [2]
                + tokenizer.encode("\n", addSpecial: false))
        let literal = tokenizer.encode(chat, addSpecial: true, parseSpecial: false)
        #expect(!literal.contains(1) && !literal.contains(2))
        // Control tokens are hidden unless asked for.
        #expect(tokenizer.decode(parsed) == "user\nHi\n")
        #expect(tokenizer.decode(parsed, renderSpecial: true) == chat)
        #expect(tokenizer.piece(for: 2) == "<|im_end|>")
        #expect(tokenizer.pieceBytes(for: 2, renderSpecial: false).isEmpty)
        #expect(tokenizer.pieceBytes(for: -1).isEmpty)
        #expect(tokenizer.pieceBytes(for: 1_000_000).isEmpty)
    }

    @Test("SentencePiece adds BOS and a space prefix", .enabled(if: Fixtures.referenceAvailableOrCI))
    func sentencePiece() throws {
        let tokenizer = try TokenizerFixtures.vocabularyTokenizer("llama-spm")
        #expect(tokenizer.addsBOS && !tokenizer.addsEOS && tokenizer.addsSpacePrefix)
        let plain = tokenizer.encode("Hello world", addSpecial: false)
        #expect(tokenizer.encode("Hello world") == [1] + plain)
        #expect(tokenizer.text(of: plain[0]) == "▁Hello")
        #expect(tokenizer.decode(plain) == "Hello world")
        #expect(tokenizer.decode([1] + plain) == " Hello world") // llama.cpp strips only the first piece
        #expect(tokenizer.decode([1] + plain, renderSpecial: true) == "<s> Hello world")
        // After a special token the next text gets a space prefix again.
        let withSpecial = tokenizer.encode("a</s>b", addSpecial: false, parseSpecial: true)
        #expect(
            withSpecial == tokenizer.encode("a", addSpecial: false) + [2] + tokenizer.encode("b", addSpecial: false))
        #expect(tokenizer.isEndOfGeneration(2))
        // Bytes without a token of their own fall back to <0xXX>.
        let emoji = tokenizer.encode("🦙", addSpecial: false)
        #expect(emoji.allSatisfy { tokenizer.text(of: $0)?.hasPrefix("<0x") == true || tokenizer.text(of: $0) == "▁" })
        #expect(tokenizer.decode(emoji) == "🦙")
    }

    @Test("Phi-3 strips white space after special tokens", .enabled(if: Fixtures.referenceAvailableOrCI))
    func phi3() throws {
        let tokenizer = try TokenizerFixtures.vocabularyTokenizer("phi-3")
        #expect(tokenizer.eosToken == 32000)
        #expect(tokenizer.isEndOfGeneration(32007)) // <|end|>
        let encoded = tokenizer.encode("<|user|> hi", addSpecial: false, parseSpecial: true)
        #expect(encoded == [32010] + tokenizer.encode("hi", addSpecial: false))
    }

    @Test("user-defined tokens are split out even without parse_special", .enabled(if: Fixtures.referenceAvailableOrCI))
    func userDefined() throws {
        let tokenizer = try TokenizerFixtures.vocabularyTokenizer("deepseek-llm")
        let umlaut = try #require(tokenizer.token(forText: "ü"))
        #expect(tokenizer.encode("Führer", addSpecial: false).contains(umlaut))
        #expect(tokenizer.addsBOS)
        #expect(tokenizer.encode("x").first == 100000)
    }

    @Test("GPT-2 decoding cleans up tokenization spaces", .enabled(if: Fixtures.referenceAvailableOrCI))
    func gpt2Decoding() throws {
        let tokenizer = try TokenizerFixtures.vocabularyTokenizer("gpt-2")
        #expect(tokenizer.preTokenizer == .gpt2)
        #expect(tokenizer.decode(tokenizer.encode("Hello , world ! It 's", addSpecial: false)) == "Hello, world! It's")
        #expect(tokenizer.decode(tokenizer.encode("Hello world", addSpecial: false)) == "Hello world")
    }

    @Test func cleanUpSpaces() {
        var text = Array("Hello , world ! It 's a ' quote ' .".utf8)
        Tokenizer.cleanUpSpaces(&text)
        #expect(String(decoding: text, as: UTF8.self) == "Hello, world! It's a'quote '.")
        var empty: [UInt8] = []
        Tokenizer.cleanUpSpaces(&empty)
        #expect(empty.isEmpty)
    }

    @Test func invalidVocabulariesThrow() {
        #expect(throws: TokenizerError.emptyVocabulary) {
            try Tokenizer(vocabulary: TokenizerVocabulary(model: .sentencePiece, tokens: []))
        }
        #expect(throws: TokenizerError.duplicateToken(text: "a", firstID: 0, secondID: 1)) {
            try Tokenizer(
                vocabulary: TokenizerVocabulary(model: .bytePairEncoding, preTokenizerName: "gpt-2", tokens: ["a", "a"])
            )
        }
        #expect(throws: TokenizerError.unknownPreTokenizer("martian")) {
            try Tokenizer(
                vocabulary: TokenizerVocabulary(model: .bytePairEncoding, preTokenizerName: "martian", tokens: ["a"]))
        }
        #expect(throws: TokenizerError.missingSpecialToken("tokenizer.ggml.add_bos_token")) {
            try Tokenizer(vocabulary: TokenizerVocabulary(model: .sentencePiece, tokens: ["<unk>"], addBOS: true))
        }
    }

    @Test func tinyByteLevelVocabulary() throws {
        // Bytes of "ab c" plus two merges; "ab" is a token, "Ġc" is not (falls back to bytes).
        let tokens = ["a", "b", "c", "Ġ", "ab"]
        let vocabulary = TokenizerVocabulary(
            model: .bytePairEncoding, preTokenizerName: "gpt-2", tokens: tokens,
            merges: ["a b", "Ġ c"])
        let tokenizer = try Tokenizer(vocabulary: vocabulary)
        #expect(tokenizer.encode("ab c", addSpecial: false) == [4, 3, 2])
        #expect(tokenizer.decode([4, 3, 2]) == "ab c")
        #expect(tokenizer.encode("", addSpecial: true) == [])
    }

    @Test func tinySentencePieceVocabulary() throws {
        let tokens = ["<unk>", "<s>", "</s>", "▁", "a", "b", "▁a", "ab", "▁ab", "<0x41>"]
        let scores: [Float] = [0, 0, 0, -1, -2, -2, -1, -3, -0.5, 0]
        let types: [Int32] = [2, 3, 3, 1, 1, 1, 1, 1, 1, 6]
        let tokenizer = try Tokenizer(
            vocabulary: TokenizerVocabulary(
                model: .sentencePiece, tokens: tokens, scores: scores, tokenTypes: types))
        // "▁ab": "▁a" (-1) merges before "ab" (-3), then "▁ab" (-0.5).
        #expect(tokenizer.encode("ab", addSpecial: false) == [8])
        #expect(tokenizer.encode("ab") == [1, 8])
        // "A" has no token: byte fallback to <0x41>; "c" has neither token nor byte token: <unk>.
        #expect(tokenizer.encode("A", addSpecial: false) == [3, 9])
        #expect(tokenizer.encode("c", addSpecial: false) == [3, 0])
        #expect(tokenizer.decode([8, 9]) == "abA")
    }
}
