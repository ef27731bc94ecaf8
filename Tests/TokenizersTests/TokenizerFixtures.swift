import Foundation
import ModelFormat
import TestSupport
import Tokenizers

/// Loading llama.cpp's tokenizer conformance data (see ../shared/fixtures/README.md).
enum TokenizerFixtures {
    struct Case: Sendable {
        var text: String
        var expected: [Int32]
    }

    /// Vocabulary files in the fixture folder and the case files that go with them.
    static let vocabularies = ["llama-spm", "phi-3", "gpt-2", "starcoder", "deepseek-llm"]

    static func tokenizer(gguf url: URL) throws -> Tokenizer {
        try Tokenizer(gguf: GGUFFile(contentsOf: url))
    }

    static func vocabularyTokenizer(_ name: String) throws -> Tokenizer {
        try tokenizer(gguf: Fixtures.require(Fixtures.reference("tokenizer/ggml-vocab-\(name).gguf")))
    }

    /// Strings separated by "\n__ggml_vocab_test__\n" (the piece after the last separator is
    /// not a test) and one line of ids per string.
    static func cases(input: URL, output: URL) throws -> [Case] {
        let inputBytes = [UInt8](try Data(contentsOf: Fixtures.require(input)))
        let separator = Array("\n__ggml_vocab_test__\n".utf8)
        var strings: [String] = []
        var start = 0
        var i = 0
        while i + separator.count <= inputBytes.count {
            if Array(inputBytes[i..<i + separator.count]) == separator {
                strings.append(String(decoding: inputBytes[start..<i], as: UTF8.self))
                i += separator.count
                start = i
            } else {
                i += 1
            }
        }
        let outputText = String(decoding: try Data(contentsOf: Fixtures.require(output)), as: UTF8.self)
        let lines = outputText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return strings.enumerated().map { index, text in
            let line = index < lines.count ? lines[index] : ""
            let ids = line.split(separator: " ").compactMap { Int32($0) }
            return Case(text: text, expected: ids)
        }
    }

    static func vocabularyCases(_ name: String) throws -> [Case] {
        try cases(
            input: Fixtures.reference("tokenizer/ggml-vocab-\(name).gguf.inp"),
            output: Fixtures.reference("tokenizer/ggml-vocab-\(name).gguf.out"))
    }

    /// Runs every case; returns the number passed and a readable report of the failures.
    static func check(_ tokenizer: Tokenizer, _ cases: [Case]) -> (passed: Int, failures: [String]) {
        var passed = 0
        var failures: [String] = []
        for c in cases {
            let actual = tokenizer.encode(c.text, addSpecial: false, parseSpecial: false)
            if actual == c.expected {
                passed += 1
            } else {
                failures.append("text \(c.text.debugDescription)\n  expected \(c.expected)\n  actual   \(actual)")
            }
        }
        return (passed, failures)
    }
}
