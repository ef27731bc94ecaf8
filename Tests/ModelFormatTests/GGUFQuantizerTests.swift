import Foundation
import ModelFormat
import TestSupport
import Testing

struct GGUFQuantizerTests {
    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI))
    func summarisesSmolLM2() throws {
        let file = try GGUFFile(contentsOf: try Fixtures.requireSmolLM())
        let summary = file.summary
        #expect(summary.architecture == "llama")
        #expect(summary.parameterCount == file.tensors.reduce(0) { $0 + $1.elementCount })
        #expect((134_000_000...136_000_000).contains(summary.parameterCount))
        #expect(summary.fileTypeRaw == 3)
        #expect(summary.fileType == "Q4_1")
        #expect(summary.dominantTensorType == "Q4_1")
        #expect(summary.quantization == "Q4_1")
        #expect(summary.contextLength == 8192)
        #expect(summary.embeddingLength == 576)
        #expect(summary.blockCount == 30)
        #expect(summary.vocabularySize == 49152)
        #expect(summary.tokenizerModel == "gpt2")
        #expect(summary.tensorsPerType == ["Q4_1": 210, "F32": 61, "Q8_0": 1])
        #expect(summary.bytesPerType.values.reduce(0, +) <= file.fileSize - file.dataOffset)
        // Per-type totals (`assay inspect`'s "By type"): largest share of bytes first, adding up
        // to the file's tensors.
        let totals = GGUFTypeTotal.totals(of: file.tensors)
        #expect(totals.map(\.type) == ["Q4_1", "Q8_0", "F32"])
        #expect(totals.map(\.tensors) == [210, 1, 61])
        #expect(totals.reduce(0) { $0 + $1.elements } == summary.parameterCount)
        #expect(totals.reduce(0) { $0 + $1.bytes } == file.tensors.reduce(0) { $0 + $1.byteCount })
        #expect(zip(totals, totals.dropFirst()).allSatisfy { $0.bytes >= $1.bytes })
    }

    @Test func plansMatricesOnly() throws {
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("llama"))
        writer.set("general.file_type", .uint32(0))
        try writer.addTensor(name: "w", dimensions: [64, 2], type: .f32, bytes: [UInt8](repeating: 0, count: 512))
        try writer.addTensor(name: "odd", dimensions: [48, 2], type: .f32, bytes: [UInt8](repeating: 0, count: 384))
        try writer.addTensor(name: "norm", dimensions: [64], type: .f16, bytes: [UInt8](repeating: 0, count: 128))
        let file = try GGUFFile(bytes: try writer.encode())
        let plan = GGUFQuantizer.plan(file, target: .q4_0).map(\.to)
        #expect(plan == [.q4_0, .f16, .f32])
    }

    @Test func quantizesSmallModelAtomically() throws {
        var rng = SplitMix64(seed: 3)
        let weights = (0..<(64 * 4)).map { _ in rng.nextGaussian() }
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("llama"))
        writer.set("general.file_type", .uint32(0))
        try writer.addTensor(name: "w", dimensions: [64, 4], type: .f32, bytes: weights.flatMap { le($0.bitPattern) })
        try writer.addTensor(name: "norm", dimensions: [4], type: .f32, bytes: [UInt8](repeating: 0, count: 16))
        let dir = TemporaryDirectory()
        let input = try GGUFFile(bytes: try writer.encode())
        let out = dir.path("q4.gguf")
        var seen: [String] = []
        let result = try GGUFQuantizer.quantize(input, to: out, target: .q4_0) { _, _, name in seen.append(name) }
        #expect(seen == ["w", "norm"])
        #expect(result.decisions.map(\.to) == [.q4_0, .f32])
        let q = try GGUFFile(contentsOf: out)
        #expect(q["general.file_type"] == .uint32(2))
        #expect(q["general.quantization_version"] == .uint32(2))
        let w = try q.requireTensor(named: "w")
        #expect(w.type == .q4_0)
        #expect(q.withTensorBytes(w) { Array($0) } == (try GGMLCodec.quantize(type: .q4_0, values: weights)))
        // Only the output file is left in the directory (the temporary was renamed).
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path) == ["q4.gguf"])
        #expect(throws: GGUFQuantizer.Failure.self) {
            try GGUFQuantizer.quantize(input, to: dir.path("x.gguf"), target: .q6_K)
        }
    }

    /// Issue 3, acceptance 5: SmolLM2 → F16 → Q8_0; every Q8_0 block equals ggml's reference
    /// quantizer applied to the F16 weights, checked against an independent scalar
    /// implementation written here from the published formula.
    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI))
    func smolLM2ToF16ToQ8_0() throws {
        let original = try GGUFFile(contentsOf: try Fixtures.requireSmolLM())
        let dir = TemporaryDirectory()
        let f16URL = dir.path("smollm2-f16.gguf")
        let q8URL = dir.path("smollm2-q8_0.gguf")
        _ = try GGUFQuantizer.quantize(original, to: f16URL, target: .f16)
        let f16 = try GGUFFile(contentsOf: f16URL)
        #expect(f16.summary.quantization == "F16")
        #expect(f16.tensors.count == original.tensors.count)
        for tensor in f16.tensors {
            #expect(tensor.type == (tensor.dimensions.count >= 2 ? .f16 : .f32), "\(tensor.name)")
        }
        // F16 weights are the Q4_1 weights rounded to half precision.
        let down = try original.requireTensor(named: "blk.3.ffn_down.weight")
        let q41 = try original.withTensorBytes(down) {
            try GGMLCodec.dequantize(type: .q4_1, bytes: $0, count: down.elementCount)
        }
        let downF16 = try f16.requireTensor(named: "blk.3.ffn_down.weight")
        let halves = f16.withTensorBytes(downF16) { Array($0.bindMemory(to: UInt16.self)) }
        #expect(halves.count == q41.count)
        #expect(zip(halves, q41).allSatisfy { $0 == Float16($1).bitPattern })

        _ = try GGUFQuantizer.quantize(f16, to: q8URL, target: .q8_0)
        let q8 = try GGUFFile(contentsOf: q8URL)
        #expect(q8["general.file_type"] == .uint32(7))
        #expect(q8.summary.quantization == "Q8_0")
        #expect(q8["tokenizer.ggml.tokens"] == original["tokenizer.ggml.tokens"])

        var checkedBlocks = 0
        for tensor in q8.tensors where tensor.dimensions.count >= 2 {
            #expect(tensor.type == .q8_0)
            let source = try f16.requireTensor(named: tensor.name)
            let values = try f16.withTensorBytes(source) {
                try GGMLCodec.dequantize(type: .f16, bytes: $0, count: source.elementCount)
            }
            // Every block equals the codec's reference quantizer …
            let expected = try GGMLCodec.quantize(type: .q8_0, values: values)
            let same = q8.withTensorBytes(tensor) { bytes in
                expected.withUnsafeBytes { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
            }
            #expect(same, "\(tensor.name)")
            // … and a sample of blocks equals the formula computed by hand here.
            q8.withTensorBytes(tensor) { bytes in
                for block in stride(from: tensor.name.count % 7, to: tensor.elementCount / 32, by: 211) {
                    let x = Array(values[(32 * block)..<(32 * block + 32)])
                    let blockBytes = Array(bytes[(34 * block)..<(34 * block + 34)])
                    #expect(blockBytes == Self.handQ8_0(x), "\(tensor.name) block \(block)")
                    checkedBlocks += 1
                }
            }
        }
        #expect(checkedBlocks > 10_000)
    }

    /// ggml's quantize_row_q8_0_ref, restated: d = max|x|/127 stored as F16, id = 1/d (0 when
    /// d = 0), q = roundf(x·id) with halves away from zero.
    static func handQ8_0(_ x: [Float]) -> [UInt8] {
        var amax: Float = 0
        for v in x where abs(v) > amax { amax = abs(v) }
        let d = amax / 127
        let id: Float = d == 0 ? 0 : 1 / d
        var out = le(Float16(d).bitPattern)
        for v in x {
            out.append(UInt8(bitPattern: Int8(roundf(v * id)))) // C's roundf, as ggml
        }
        return out
    }
}
