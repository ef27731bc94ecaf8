import Foundation
import ModelFormat
import TestSupport
import Testing
import Tokenizers

/// llama.cpp's tokenizer conformance vectors: every string must tokenize to exactly the
/// reference ids (add_special = false, parse_special = false).
struct GoldenTokenizationTests {
    @Test(
        "fixture vocabulary matches llama.cpp", .enabled(if: Fixtures.referenceAvailableOrCI),
        arguments: TokenizerFixtures.vocabularies)
    func vocabulary(name: String) throws {
        let tokenizer = try TokenizerFixtures.vocabularyTokenizer(name)
        let cases = try TokenizerFixtures.vocabularyCases(name)
        #expect(cases.count > 30)
        let (passed, failures) = TokenizerFixtures.check(tokenizer, cases)
        print("\(name) \(passed)/\(cases.count)")
        #expect(failures.isEmpty, "\(name): \(passed)/\(cases.count)\n\(failures.joined(separator: "\n"))")
    }

    @Test(
        "SmolLM2 GGUF matches llama.cpp", .enabled(if: Fixtures.referenceAvailableOrCI && Fixtures.smolLMAvailableOrCI))
    func smolLM2() throws {
        let tokenizer = try TokenizerFixtures.tokenizer(gguf: Fixtures.requireSmolLM())
        #expect(tokenizer.preTokenizer == .starcoder)
        let cases = try TokenizerFixtures.cases(
            input: Fixtures.reference("tokenizer/smollm2.inp"),
            output: Fixtures.reference("tokenizer/smollm2.out"))
        #expect(cases.count > 30)
        let (passed, failures) = TokenizerFixtures.check(tokenizer, cases)
        print("smollm2 \(passed)/\(cases.count)")
        #expect(failures.isEmpty, "smollm2: \(passed)/\(cases.count)\n\(failures.joined(separator: "\n"))")
    }

    @Test(
        "SmolLM2 reference prompts tokenize as llama.cpp did",
        .enabled(if: Fixtures.referenceAvailableOrCI && Fixtures.smolLMAvailableOrCI))
    func referencePrompts() throws {
        struct Reference: Decodable {
            struct Prompt: Decodable {
                var text: String
                var tokens: [Int32]
            }
            var prompts: [Prompt]
        }
        let url = try Fixtures.require(Fixtures.reference("reference/smollm2-135m-instruct-q4_1.logits.json"))
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
        let tokenizer = try TokenizerFixtures.tokenizer(gguf: Fixtures.requireSmolLM())
        #expect(!reference.prompts.isEmpty)
        for prompt in reference.prompts {
            let actual = tokenizer.encode(prompt.text, addSpecial: true, parseSpecial: false)
            #expect(actual == prompt.tokens, "prompt \(prompt.text.debugDescription)")
        }
    }

    @Test(
        "tiny reference models' prompts tokenize as llama.cpp did", .enabled(if: Fixtures.referenceAvailableOrCI),
        arguments: ["tiny-random-qwen2", "llama-2-tiny-random"])
    func tinyReferencePrompts(name: String) throws {
        struct Reference: Decodable {
            struct Prompt: Decodable {
                var text: String
                var tokens: [Int32]
            }
            var prompts: [Prompt]
        }
        let json = try Fixtures.require(Fixtures.reference("reference/\(name).logits.json"))
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: json))
        let tokenizer = try TokenizerFixtures.tokenizer(
            gguf: Fixtures.require(Fixtures.reference("reference/\(name).gguf")))
        #expect(!reference.prompts.isEmpty)
        for prompt in reference.prompts {
            let actual = tokenizer.encode(prompt.text, addSpecial: true, parseSpecial: false)
            #expect(actual == prompt.tokens, "\(name): \(prompt.text.debugDescription)")
        }
    }

    /// The real Gemma 3 (SPM, 262,144 tokens) and Qwen2.5 (BPE `qwen2`) vocabularies against
    /// llama.cpp's ids: the fixture strings, llama.cpp's own `ggml-vocab-qwen2` vectors, and the
    /// reference prompts (with BOS as the GGUF says).
    @Test(
        "real Gemma 3 / Qwen2.5 vocabularies match llama.cpp",
        .enabled(
            if: Fixtures.referenceAvailableOrCI
                && Fixtures.modelAvailableOrCI(Fixtures.gemma3Path) && Fixtures.modelAvailableOrCI(Fixtures.qwen25Path)),
        arguments: [
            ("gemma3", ["gemma3-270m"], "gemma3-270m-q4_k_m.logits.json"),
            ("qwen2.5", ["qwen2.5-coder-0.5b", "ggml-vocab-qwen2.gguf"], "qwen2.5-0.5b-q4.logits.json")
        ])
    func realVocabularies(model: String, vectors: [String], referenceFile: String) throws {
        let path = model == "gemma3" ? Fixtures.gemma3Path : Fixtures.qwen25Path
        let tokenizer = try TokenizerFixtures.tokenizer(gguf: Fixtures.requireModel(path))
        for vector in vectors {
            let cases = try TokenizerFixtures.cases(
                input: Fixtures.reference("tokenizer/\(vector).inp"),
                output: Fixtures.reference("tokenizer/\(vector).out"))
            #expect(cases.count > 30)
            let (passed, failures) = TokenizerFixtures.check(tokenizer, cases)
            print("\(model) \(vector) \(passed)/\(cases.count)")
            #expect(failures.isEmpty, "\(vector): \(passed)/\(cases.count)\n\(failures.joined(separator: "\n"))")
        }
        struct Reference: Decodable {
            struct Prompt: Decodable {
                var text: String
                var tokens: [Int32]
            }
            var prompts: [Prompt]
        }
        let json = try Fixtures.require(Fixtures.reference("reference/\(referenceFile)"))
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: json))
        #expect(reference.prompts.count == 6)
        for prompt in reference.prompts {
            let actual = tokenizer.encode(prompt.text, addSpecial: true, parseSpecial: false)
            #expect(actual == prompt.tokens, "\(model): \(prompt.text.debugDescription)")
        }
    }
}
