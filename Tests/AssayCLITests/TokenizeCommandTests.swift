import Foundation
import ModelFormat
import TestSupport
import Testing

@testable import AssayCLI

/// A vocabulary-only GGUF: five byte-level tokens and two merges.
private func writeTinyVocabulary(to url: URL) throws {
    var writer = GGUFWriter()
    writer.set("general.architecture", .string("gpt2"))
    writer.set("tokenizer.ggml.model", .string("gpt2"))
    writer.set("tokenizer.ggml.pre", .string("gpt-2"))
    writer.set("tokenizer.ggml.tokens", .array(.string(["a", "b", "c", "Ġ", "ab", "<|end|>"])))
    writer.set("tokenizer.ggml.token_type", .array(.int32([1, 1, 1, 1, 1, 3])))
    writer.set("tokenizer.ggml.merges", .array(.string(["a b", "Ġ c"])))
    writer.set("tokenizer.ggml.eos_token_id", .uint32(5))
    writer.set("tokenizer.ggml.add_eos_token", .bool(true))
    try writer.write(to: url)
}

struct TokenizeCommandTests {
    @Test func printsIdsAndPieces() async throws {
        let dir = TemporaryDirectory()
        let url = dir.path("vocab.gguf")
        try writeTinyVocabulary(to: url)
        let output = OutputSink.capturing()
        let code = await AssayCommandLine.run(["tokenize", "--model", url.path, "ab c"], output: output)
        #expect(code == ExitCode.success)
        #expect(output.stdout == "     4 -> 'ab'\n     3 -> ' '\n     2 -> 'c'\n     5 -> '<|end|>'\n4 tokens\n")
    }

    @Test func jsonWithoutSpecialTokens() async throws {
        let dir = TemporaryDirectory()
        let url = dir.path("vocab.gguf")
        try writeTinyVocabulary(to: url)
        let output = OutputSink.capturing()
        let code = await AssayCommandLine.run(
            [
                "tokenize", "--model", url.path, "--no-special", "--json",
                "ab<|end|>"
            ], output: output)
        #expect(code == ExitCode.success)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        // Without --parse-special the control token's text is tokenized as text (bytes the tiny
        // vocabulary lacks are dropped, as llama.cpp does).
        #expect(json["tokens"] as? [Int] == [4])
        let parsed = OutputSink.capturing()
        _ = await AssayCommandLine.run(
            [
                "tokenize", "--model", url.path, "--no-special", "--parse-special", "--json",
                "ab<|end|>"
            ], output: parsed)
        let parsedJSON = try #require(
            try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [String: Any])
        #expect(parsedJSON["tokens"] as? [Int] == [4, 5])
        #expect(parsedJSON["pieces"] as? [String] == ["ab", "<|end|>"])
    }

    @Test func usageAndFileErrors() async throws {
        let output = OutputSink.capturing()
        #expect(await AssayCommandLine.run(["tokenize", "hello"], output: output) == ExitCode.usage)
        let dir = TemporaryDirectory()
        let missing = OutputSink.capturing()
        let code = await AssayCommandLine.run(["tokenize", "--model", dir.path("none.gguf").path, "x"], output: missing)
        #expect(code == ExitCode.failure)
        #expect(missing.stderr.contains("none.gguf"))
    }

    @Test("SmolLM2 prompt through the command", .enabled(if: Fixtures.smolLMAvailableOrCI))
    func smolLM() async throws {
        let model = try Fixtures.requireSmolLM()
        let output = OutputSink.capturing()
        let code = await AssayCommandLine.run(
            ["tokenize", "--model", model.path, "--json", "The capital of France is"],
            output: output)
        #expect(code == ExitCode.success)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(json["tokens"] as? [Int] == [504, 3575, 282, 4649, 314])
    }
}

extension TokenizeCommandTests {
    /// `--chat` renders the model's chat format (Qwen2.5: ChatML) with its markers as special
    /// tokens: the ids llama.cpp gives for "Name a color." with the file's template.
    @Test(.enabled(if: Fixtures.modelAvailableOrCI(Fixtures.qwen25Path)))
    func chatRendersTheModelsTemplate() async throws {
        let model = try Fixtures.requireModel(Fixtures.qwen25Path)
        let output = OutputSink.capturing()
        let code = await AssayCommandLine.run(
            ["tokenize", "--model", model.path, "--chat", "--json", "Name a color."], output: output)
        #expect(code == ExitCode.success)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(json["tokens"] as? [Int] == [151644, 872, 198, 675, 264, 1894, 13, 151645, 198, 151644, 77091, 198])
        let usage = OutputSink.capturing()
        #expect(
            await AssayCommandLine.run(["tokenize", "--model", model.path, "--system", "x", "hi"], output: usage)
                == ExitCode.usage)
    }
}
