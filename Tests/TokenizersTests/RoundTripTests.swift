import Foundation
import TestSupport
import Testing
import Tokenizers

/// A seeded generator so property tests are reproducible (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum RandomText {
    private static let pools: [[Unicode.Scalar]] = [
        Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".unicodeScalars),
        Array("0123456789٠١٢٣½".unicodeScalars),
        Array(" \n\t\r  \u{A0}\u{3000}".unicodeScalars),
        Array("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".unicodeScalars),
        Array("éèüößñçÀÖøÿ".unicodeScalars),
        Array("αβγδДЖЯщ".unicodeScalars),
        Array("日本語中文한국어".unicodeScalars),
        Array("😀🦙👍🏽🇫🇷".unicodeScalars),
        Array("\u{301}\u{308}\u{200D}\u{FE0F}".unicodeScalars)
    ]

    /// A random string mixing scripts, digits, white space, marks and random code points up to
    /// U+3FFFF (UTF-8 lead bytes F1–F4 are missing from some byte-level vocabularies, SmolLM2's
    /// among them; llama.cpp drops such bytes, so no tokenizer can round-trip them).
    static func make(_ rng: inout SplitMix64, maxLength: Int = 40) -> String {
        var scalars = String.UnicodeScalarView()
        let length = Int.random(in: 0...maxLength, using: &rng)
        for _ in 0..<length {
            if Int.random(in: 0..<10, using: &rng) == 0 {
                // Any scalar value, avoiding surrogates.
                var value = UInt32.random(in: 1...0x3FFFF, using: &rng)
                if (0xD800...0xDFFF).contains(value) { value = 0xFFFD }
                if let s = Unicode.Scalar(value) { scalars.append(s) }
            } else {
                let pool = pools[Int.random(in: 0..<pools.count, using: &rng)]
                scalars.append(pool[Int.random(in: 0..<pool.count, using: &rng)])
            }
        }
        return String(scalars)
    }
}

/// decode(encode(s)) == s for random Unicode text, and streaming decoding agrees with decoding.
struct RoundTripTests {
    @Test("byte-level BPE round-trips random text", .enabled(if: Fixtures.smolLMAvailableOrCI))
    func smolLMRoundTrip() throws {
        let tokenizer = try TokenizerFixtures.tokenizer(gguf: Fixtures.requireSmolLM())
        var rng = SplitMix64(seed: 42)
        for _ in 0..<500 {
            let text = RandomText.make(&rng)
            let tokens = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
            #expect(tokenizer.decode(tokens) == text, "\(text.debugDescription) → \(tokens)")
        }
    }

    @Test("DeepSeek vocabulary round-trips random text", .enabled(if: Fixtures.referenceAvailableOrCI))
    func deepSeekRoundTrip() throws {
        let tokenizer = try TokenizerFixtures.vocabularyTokenizer("deepseek-llm")
        var rng = SplitMix64(seed: 7)
        for _ in 0..<300 {
            let text = RandomText.make(&rng)
            let tokens = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
            #expect(tokenizer.decode(tokens) == text, "\(text.debugDescription) → \(tokens)")
        }
    }

    @Test(
        "SentencePiece round-trips random text", .enabled(if: Fixtures.referenceAvailableOrCI),
        arguments: ["llama-spm", "phi-3"])
    func sentencePieceRoundTrip(name: String) throws {
        let tokenizer = try TokenizerFixtures.vocabularyTokenizer(name)
        var rng = SplitMix64(seed: 99)
        for _ in 0..<300 {
            let text = RandomText.make(&rng)
            let tokens = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
            #expect(tokenizer.decode(tokens) == text, "\(text.debugDescription) → \(tokens)")
            // llama.cpp keeps the prefix space when it removes a leading BOS.
            let withBOS = tokenizer.encode(text, addSpecial: true, parseSpecial: false)
            #expect(withBOS.first == tokenizer.bosToken)
            #expect(tokenizer.decode(withBOS, removeSpecial: true) == (text.isEmpty ? "" : " " + text))
        }
    }

    @Test("streaming decoder emits whole characters only", .enabled(if: Fixtures.smolLMAvailableOrCI))
    func streaming() throws {
        let tokenizer = try TokenizerFixtures.tokenizer(gguf: Fixtures.requireSmolLM())
        var rng = SplitMix64(seed: 3)
        for _ in 0..<200 {
            let text = RandomText.make(&rng)
            let tokens = tokenizer.encode(text, addSpecial: false, parseSpecial: false)
            var decoder = StreamingDecoder(tokenizer: tokenizer)
            var streamed = ""
            for token in tokens {
                let piece = decoder.append(token)
                #expect(!piece.unicodeScalars.contains("\u{FFFD}") || text.unicodeScalars.contains("\u{FFFD}"))
                streamed += piece
            }
            #expect(decoder.pendingByteCount == 0)
            streamed += decoder.flush()
            #expect(streamed == text)
        }
        // An emoji is four bytes that BPE may deliver in several tokens.
        let emoji = "🦙"
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        let tokens = tokenizer.encode(emoji, addSpecial: false)
        var outputs: [String] = []
        for t in tokens { outputs.append(decoder.append(t)) }
        #expect(outputs.joined() == emoji)
        #expect(outputs.filter { !$0.isEmpty } == [emoji])
    }

    @Test("a byte the vocabulary lacks is dropped, as llama.cpp does", .enabled(if: Fixtures.smolLMAvailableOrCI))
    func missingByte() throws {
        let tokenizer = try TokenizerFixtures.tokenizer(gguf: Fixtures.requireSmolLM())
        // U+6D135 is F1 AD 84 B5; SmolLM2 has no token for the byte F1 ("ñ" in GPT-2's alphabet).
        #expect(tokenizer.token(forText: "ñ") == nil)
        let tokens = tokenizer.encode("\u{6D135}", addSpecial: false)
        #expect(tokenizer.decodeBytes(tokens) == [0xAD, 0x84, 0xB5])
    }

    @Test func completePrefixLength() {
        #expect(StreamingDecoderProbe.complete([]) == 0)
        #expect(StreamingDecoderProbe.complete([0x41]) == 1)
        #expect(StreamingDecoderProbe.complete([0x41, 0xF0, 0x9F]) == 1)
        #expect(StreamingDecoderProbe.complete([0xF0, 0x9F, 0xA6, 0x99]) == 4)
        #expect(StreamingDecoderProbe.complete([0xC3]) == 0)
        #expect(StreamingDecoderProbe.complete([0xFF]) == 1)
    }
}

/// Reaches the streaming decoder's boundary rule through a tiny fake tokenizer.
enum StreamingDecoderProbe {
    struct Bytes: TextTokenizer {
        var bytes: [UInt8]
        var vocabularySize: Int { 1 }
        var bosToken: Int32? { nil }
        var eosToken: Int32? { nil }
        func encode(_ text: String, addSpecial: Bool, parseSpecial: Bool) -> [Int32] { [] }
        func decode(_ tokens: [Int32], removeSpecial: Bool, renderSpecial: Bool) -> String { "" }
        func pieceBytes(for token: Int32, renderSpecial: Bool) -> [UInt8] { bytes }
        func isEndOfGeneration(_ token: Int32) -> Bool { false }
    }

    /// Number of bytes the decoder releases after receiving `bytes` as one piece.
    static func complete(_ bytes: [UInt8]) -> Int {
        var decoder = StreamingDecoder(tokenizer: Bytes(bytes: bytes))
        let text = decoder.append(0)
        _ = text
        return bytes.count - decoder.pendingByteCount
    }
}
