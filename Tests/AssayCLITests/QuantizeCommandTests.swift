import Foundation
import ModelFormat
import TestSupport
import Testing

@testable import AssayCLI

struct QuantizeCommandTests {
    @Test(arguments: [("q8_0", GGMLType.q8_0, UInt32(7)), ("q4_0", .q4_0, 2), ("f16", .f16, 1)])
    func quantizesTinyModel(name: String, type: GGMLType, fileType: UInt32) async throws {
        let dir = TemporaryDirectory()
        let input = dir.path("tiny.gguf")
        let weights = try writeTinyModel(to: input)
        let out = dir.path("tiny-\(name).gguf")
        let output = OutputSink.capturing()
        let code = await AssayCommandLine.run(["quantize", input.path, out.path, "--type", name], output: output)
        #expect(code == ExitCode.success, "\(output.stderr)")
        #expect(output.stdout.contains("Wrote \(out.path): \(type.name), 2 tensors"))
        #expect(output.stderr.contains("quantize: 2/2 tensors (100%)"))

        let file = try GGUFFile(contentsOf: out)
        #expect(file["general.file_type"] == .uint32(fileType))
        #expect(file["tokenizer.ggml.tokens"]?.stringArray?.count == 100)
        let matrix = try file.requireTensor(named: "blk.0.ffn_up.weight")
        #expect(matrix.type == type)
        let expected = try GGMLCodec.quantize(type: type, values: weights)
        #expect(file.withTensorBytes(matrix) { Array($0) } == expected)
        #expect(try file.requireTensor(named: "output_norm.weight").type == .f32)
    }

    @Test func q8_0BlocksMatchHandComputedValues() async throws {
        // One 32-wide row: amax 127 → d = 1 (F16 0x3C00), quants round half away from zero.
        var row = [Float](repeating: 0, count: 32)
        row[0] = 127
        row[1] = 0.5
        row[2] = -0.5
        row[3] = 2.5
        row[4] = -3.49
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("llama"))
        try writer.addTensor(
            name: "w", dimensions: [32, 1], type: .f32,
            bytes: row.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } })
        let dir = TemporaryDirectory()
        let input = dir.path("row.gguf")
        try writer.write(to: input)
        let out = dir.path("row-q8.gguf")
        let sink = OutputSink.capturing()
        #expect(
            await AssayCommandLine.run(
                ["quantize", input.path, out.path, "--type", "q8_0", "--quiet"],
                output: sink) == ExitCode.success)
        #expect(sink.stderr.isEmpty)
        let file = try GGUFFile(contentsOf: out)
        let w = try file.requireTensor(named: "w")
        var expected: [UInt8] = [0x00, 0x3C, 127, 1, 0xFF, 3, 0xFD] // 127, 1, -1, 3, -3
        expected += [UInt8](repeating: 0, count: 27)
        #expect(file.withTensorBytes(w) { Array($0) } == expected)
    }

    @Test func rejectsBadArguments() async throws {
        let dir = TemporaryDirectory()
        let input = dir.path("tiny.gguf")
        _ = try writeTinyModel(to: input)
        let missingType = OutputSink.capturing()
        #expect(
            await AssayCommandLine.run(["quantize", input.path, dir.path("o.gguf").path], output: missingType)
                == ExitCode.usage)
        #expect(missingType.stderr.contains("missing --type"))
        let badType = OutputSink.capturing()
        #expect(
            await AssayCommandLine.run(
                ["quantize", input.path, dir.path("o.gguf").path, "--type", "q2_k"],
                output: badType) == ExitCode.usage)
        #expect(badType.stderr.contains("unsupported --type 'q2_k' (one of: q8_0, q4_0, f16)"))
        let missingOut = OutputSink.capturing()
        #expect(
            await AssayCommandLine.run(["quantize", input.path, "--type", "f16"], output: missingOut) == ExitCode.usage)
        let unreadable = OutputSink.capturing()
        #expect(
            await AssayCommandLine.run(
                [
                    "quantize", dir.path("nope.gguf").path, dir.path("o.gguf").path,
                    "--type", "f16"
                ], output: unreadable) == ExitCode.failure)
        #expect(!FileManager.default.fileExists(atPath: dir.path("o.gguf").path))
    }
}
