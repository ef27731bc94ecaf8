import Foundation
import ModelFormat
import TestSupport
import Testing

@testable import AssayCLI

/// A small GGUF model for command tests: a 64 × 4 F32 matrix, a norm and a long token array.
func writeTinyModel(to url: URL, seed: Float = 0.37) throws -> [Float] {
    let weights = (0..<256).map { Float(sin(Double($0) * Double(seed))) * 2 }
    var writer = GGUFWriter()
    writer.set("general.architecture", .string("llama"))
    writer.set("general.name", .string("tiny"))
    writer.set("general.file_type", .uint32(0))
    writer.set("llama.context_length", .uint32(128))
    writer.set("llama.rope.freq_base", .float32(10000))
    writer.set("tokenizer.ggml.tokens", .array(.string((0..<100).map { "t\($0)" })))
    try writer.addTensor(
        name: "blk.0.ffn_up.weight", dimensions: [64, 4], type: .f32,
        bytes: weights.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } })
    try writer.addTensor(
        name: "output_norm.weight", dimensions: [4], type: .f32, bytes: [UInt8](repeating: 0, count: 16))
    try writer.write(to: url)
    return weights
}

struct InspectCommandTests {
    @Test func printsTablesForATinyModel() async throws {
        let dir = TemporaryDirectory()
        let url = dir.path("tiny.gguf")
        _ = try writeTinyModel(to: url)
        let output = OutputSink.capturing()
        let code = await AssayCommandLine.run(["inspect", url.path], output: output)
        #expect(code == ExitCode.success)
        let text = output.stdout
        #expect(text.contains("GGUF v3"))
        #expect(text.contains("arch llama, 260 parameters, F32, context 128, vocabulary 100"))
        #expect(text.contains("Metadata (6 keys)"))
        #expect(text.contains("[\"t0\", \"t1\", \"t2\", \"t3\", \"t4\", \"t5\", … 94 more] (string × 100)"))
        #expect(text.contains("Tensors (2)"))
        #expect(text.contains("blk.0.ffn_up.weight  F32   64 × 4"))
        #expect(text.contains("1024"))
        #expect(output.stderr.isEmpty)
    }

    @Test func jsonSummarisesLongArrays() async throws {
        let dir = TemporaryDirectory()
        let url = dir.path("tiny.gguf")
        _ = try writeTinyModel(to: url)
        let output = OutputSink.capturing()
        let code = await AssayCommandLine.run(["inspect", url.path, "--json"], output: output)
        #expect(code == ExitCode.success)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let summary = try #require(json["summary"] as? [String: Any])
        #expect(summary["parameter_count"] as? Int == 260)
        #expect(summary["architecture"] as? String == "llama")
        let tensors = try #require(json["tensors"] as? [[String: Any]])
        #expect(tensors.map { $0["name"] as? String } == ["blk.0.ffn_up.weight", "output_norm.weight"])
        #expect(tensors.first?["shape"] as? [Int] == [64, 4])
        #expect(
            tensors.map { Set($0.keys) }
                == Array(repeating: ["name", "type", "shape", "offset", "elements", "bytes"], count: 2))
        #expect(tensors.map { $0["type"] as? String } == ["F32", "F32"])
        #expect(tensors.map { $0["elements"] as? Int } == [256, 4])
        #expect(tensors.map { $0["bytes"] as? Int } == [1024, 16])
        let types = try #require(json["types"] as? [[String: Any]])
        #expect(types.count == 1)
        #expect(types.first?["type"] as? String == "F32")
        #expect(types.first?["tensors"] as? Int == 2)
        #expect(types.first?["elements"] as? Int == 260)
        #expect(types.first?["bytes"] as? Int == 1040)
        let metadata = try #require(json["metadata"] as? [[String: Any]])
        let tokens = try #require(metadata.first { $0["key"] as? String == "tokenizer.ggml.tokens" })
        let value = try #require(tokens["value"] as? [String: Any])
        #expect(value["count"] as? Int == 100)
        #expect((value["head"] as? [String])?.count == 16)
        let freq = try #require(metadata.first { $0["key"] as? String == "llama.rope.freq_base" })
        #expect(freq["value"] as? Double == 10000)
    }

    @Test func reportsUnreadableFiles() async throws {
        let dir = TemporaryDirectory()
        let bogus = dir.path("bogus.gguf")
        try Data("not a model at all, just text".utf8).write(to: bogus)
        let output = OutputSink.capturing()
        #expect(await AssayCommandLine.run(["inspect", bogus.path], output: output) == ExitCode.failure)
        #expect(output.stderr.contains("not a GGUF file"))
        let missing = OutputSink.capturing()
        #expect(
            await AssayCommandLine.run(["inspect", dir.path("none.gguf").path], output: missing) == ExitCode.failure)
        #expect(missing.stderr.contains("open failed"))
        let usage = OutputSink.capturing()
        #expect(await AssayCommandLine.run(["inspect"], output: usage) == ExitCode.usage)
    }

    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI))
    func inspectsSmolLM2() async throws {
        let path = try Fixtures.requireSmolLM().path
        let output = OutputSink.capturing()
        #expect(await AssayCommandLine.run(["inspect", path], output: output) == ExitCode.success)
        let text = output.stdout
        #expect(text.contains("arch llama, 134.5M parameters, Q4_1, context 8192, vocabulary 49152"))
        #expect(text.contains("Tensors (272)"))
        #expect(text.contains("token_embd.weight"))
        #expect(text.contains("total      272   134515008"))
    }
}
