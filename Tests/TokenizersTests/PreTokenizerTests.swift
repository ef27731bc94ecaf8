import Testing

@testable import Tokenizers

/// The hand-written splitters against expectations worked out from the regular expressions.
struct PreTokenizerTests {
    struct Example: Sendable, CustomTestStringConvertible {
        var preTokenizer: PreTokenizer
        var text: String
        var words: [String]
        var testDescription: String { "\(preTokenizer) \(text.debugDescription)" }
    }

    static let examples: [Example] = [
        // GPT-2: contractions are case-sensitive, a space sticks to the following word, the last
        // of several spaces goes to the next word, numbers stay whole.
        Example(preTokenizer: .gpt2, text: "Hello world", words: ["Hello", " world"]),
        Example(preTokenizer: .gpt2, text: "I'm you'LL they've", words: ["I", "'m", " you", "'", "LL", " they", "'ve"]),
        Example(preTokenizer: .gpt2, text: "a   b", words: ["a", "  ", " b"]),
        Example(preTokenizer: .gpt2, text: "a   ", words: ["a", "   "]),
        Example(preTokenizer: .gpt2, text: "x 12345 y", words: ["x", " 12345", " y"]),
        Example(preTokenizer: .gpt2, text: "hi!!! ?", words: ["hi", "!!!", " ?"]),
        Example(preTokenizer: .gpt2, text: "\n\n\tx", words: ["\n\n", "\t", "x"]),
        Example(preTokenizer: .gpt2, text: "naïve café", words: ["naïve", " café"]),
        // Llama 3: case-insensitive contractions, up to three digits, punctuation takes trailing
        // newlines, a non-letter may lead a word, newline runs are their own pieces.
        Example(preTokenizer: .llama3, text: "I'M you'Ll", words: ["I", "'M", " you", "'Ll"]),
        Example(preTokenizer: .llama3, text: "1234567", words: ["123", "456", "7"]),
        Example(preTokenizer: .llama3, text: "x=1234 ", words: ["x", "=", "123", "4", " "]),
        Example(preTokenizer: .llama3, text: "end.\n\nNext", words: ["end", ".\n\n", "Next"]),
        Example(preTokenizer: .llama3, text: "a \n b", words: ["a", " \n", " b"]),
        Example(preTokenizer: .llama3, text: "(hello", words: ["(hello"]),
        Example(preTokenizer: .llama3, text: "a  \tb", words: ["a", "  ", "\tb"]),
        Example(preTokenizer: .llama3, text: "你好世界 ok", words: ["你好世界", " ok"]),
        // Qwen2: the Llama 3 expression with single digits.
        Example(preTokenizer: .qwen2, text: "2024 年", words: ["2", "0", "2", "4", " 年"]),
        Example(preTokenizer: .qwen2, text: "He's 3.14", words: ["He", "'s", " ", "3", ".", "1", "4"]),
        Example(preTokenizer: .qwen2, text: "DON'T", words: ["DON", "'T"]),
        // StarCoder / SmolLM: every digit isolated first, then GPT-2 within the pieces.
        Example(preTokenizer: .starcoder, text: "abc 123def", words: ["abc", " ", "1", "2", "3", "def"]),
        Example(preTokenizer: .starcoder, text: "v2.0", words: ["v", "2", ".", "0"]),
        // DeepSeek LLM: Latin runs with one leading space, punctuation runs, CJK runs, digits.
        Example(preTokenizer: .deepseekLLM, text: "Hello, world!\n", words: ["Hello", ",", " world", "!", "\n"]),
        Example(preTokenizer: .deepseekLLM, text: "3 apples  ", words: ["3", " apples", "  "]),
        Example(preTokenizer: .deepseekLLM, text: "中文abc", words: ["中文", "abc"]),
        // llama.cpp's default: punctuation runs, GPT-2, numbers, then ASCII digit triples.
        Example(preTokenizer: .default, text: "x 12345.", words: ["x", " ", "123", "45", "."])
    ]

    @Test(arguments: examples)
    func split(example: Example) {
        #expect(example.preTokenizer.split(example.text) == example.words)
    }

    @Test func namesResolveAsLlamaCpp() throws {
        #expect(try PreTokenizer(name: "smollm") == .starcoder)
        #expect(try PreTokenizer(name: "llama-bpe") == .llama3)
        #expect(try PreTokenizer(name: "qwen2") == .qwen2)
        #expect(try PreTokenizer(name: "gpt-2") == .gpt2)
        #expect(try PreTokenizer(name: nil) == .default)
        #expect(throws: TokenizerError.unknownPreTokenizer("no-such")) { try PreTokenizer(name: "no-such") }
    }

    @Test func splitPiecesCoverTheText() {
        let text = "Mixed: CamelCase, 12,345.67 €; tab\there  \n\n  done! 'quoted' ДА 日本語 ½ ¾"
        for preTokenizer in PreTokenizer.allCases {
            let words = preTokenizer.split(text)
            #expect(words.joined() == text, "\(preTokenizer)")
            #expect(!words.contains(""), "\(preTokenizer)")
        }
    }
}
