import Foundation
import ModelFormat
import TestSupport
import Testing

struct GGUFWriterTests {
    /// Metadata covering all 13 value types, nested and empty arrays, unicode and empty strings.
    static let allValues: [(String, GGUFValue)] = [
        ("general.architecture", .string("llama")),
        ("t.u8", .uint8(200)), ("t.i8", .int8(-100)),
        ("t.u16", .uint16(65000)), ("t.i16", .int16(-32000)),
        ("t.u32", .uint32(4_000_000_000)), ("t.i32", .int32(-2_000_000_000)),
        ("t.u64", .uint64(.max)), ("t.i64", .int64(.min)),
        ("t.f32", .float32(-1.5)), ("t.f64", .float64(.pi)),
        ("t.bool", .bool(true)), ("t.empty", .string("")), ("t.unicode", .string("héllo ✓ 𝄞\n")),
        ("t.strings", .array(.string(["a", "", "Ġthe", "<|im_end|>"]))),
        ("t.floats", .array(.float32([0, -1, .infinity, 3.25]))),
        ("t.ints", .array(.int32([1, -2, 3]))),
        ("t.bools", .array(.bool([true, false, true]))),
        ("t.u8s", .array(.uint8([1, 2, 255]))), ("t.i8s", .array(.int8([-1, 0, 1]))),
        ("t.u16s", .array(.uint16([1, 65535]))), ("t.i16s", .array(.int16([-5]))),
        ("t.u32s", .array(.uint32([7]))), ("t.u64s", .array(.uint64([1 << 40]))),
        ("t.i64s", .array(.int64([-(1 << 40)]))), ("t.f64s", .array(.float64([1e300, -0.0]))),
        ("t.nested", .array(.array([.int32([1, 2]), .string(["x"]), .array([.bool([])]), .float32([])]))),
        ("t.emptyArray", .array(.uint32([])))
    ]

    @Test func roundTripsMetadataAndTensors() throws {
        var writer = GGUFWriter()
        for (key, value) in Self.allValues { writer.set(key, value) }
        let f32: [Float] = [1, -2, 3.5, 0]
        let f32Bytes = f32.flatMap { le($0.bitPattern) }
        try writer.addTensor(name: "a.weight", dimensions: [4], type: .f32, bytes: f32Bytes)
        let q8 = try GGMLCodec.quantize(type: .q8_0, values: (0..<64).map { Float($0) / 10 })
        try writer.addTensor(name: "b.weight", dimensions: [32, 2], type: .q8_0, bytes: q8)
        try writer.addTensor(name: "c.weight", dimensions: [3, 1, 1, 2], type: .f16) { buffer in
            for i in 0..<6 { buffer.storeBytes(of: Float16(Float(i)).bitPattern, toByteOffset: 2 * i, as: UInt16.self) }
        }
        let bytes = try writer.encode()
        let file = try GGUFFile(bytes: bytes)

        #expect(file.version == 3)
        #expect(file.metadata.map(\.key) == Self.allValues.map(\.0))
        for (key, value) in Self.allValues { #expect(file[key] == value, "\(key)") }
        #expect(file.tensors.map(\.name) == ["a.weight", "b.weight", "c.weight"])
        #expect(file.tensors.map(\.offset) == [0, 32, 128]) // 16 B, then 68 B of Q8_0, each padded to 32
        #expect(file.tensor(named: "c.weight")?.dimensions == [3, 1, 1, 2])
        let a = try file.requireTensor(named: "a.weight")
        #expect(file.withTensorBytes(a) { Array($0) } == f32Bytes)
        let b = try file.requireTensor(named: "b.weight")
        #expect(file.withTensorBytes(b) { Array($0) } == q8)
        let c = try file.requireTensor(named: "c.weight")
        let decoded = try file.withTensorBytes(c) { try GGMLCodec.dequantize(type: .f16, bytes: $0, count: 6) }
        #expect(decoded == [0, 1, 2, 3, 4, 5])

        // The same bytes through the file system.
        let dir = TemporaryDirectory()
        let url = dir.path("round.gguf")
        var progress: [Int] = []
        try writer.write(to: url) { done, total in
            progress.append(done)
            #expect(total == 3)
        }
        #expect(progress == [1, 2, 3])
        #expect(try Data(contentsOf: url) == Data(bytes))
        let reread = try GGUFFile(contentsOf: url)
        #expect(reread.metadata.count == Self.allValues.count)
        #expect(reread.tensors == file.tensors)
    }

    @Test func goldenTinyFile() throws {
        var writer = GGUFWriter()
        writer.set("a", .uint8(7))
        try writer.addTensor(
            name: "t", dimensions: [2], type: .f32, bytes: [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
        var expected: [UInt8] = [0x47, 0x47, 0x55, 0x46] // "GGUF"
        expected += [3, 0, 0, 0] // version 3
        expected += [1, 0, 0, 0, 0, 0, 0, 0] // 1 tensor
        expected += [1, 0, 0, 0, 0, 0, 0, 0] // 1 key/value
        expected += [1, 0, 0, 0, 0, 0, 0, 0, 0x61] // key "a"
        expected += [0, 0, 0, 0] // type uint8
        expected += [7] // value
        expected += [1, 0, 0, 0, 0, 0, 0, 0, 0x74] // tensor name "t"
        expected += [1, 0, 0, 0] // 1 dimension
        expected += [2, 0, 0, 0, 0, 0, 0, 0] // ne0 = 2
        expected += [0, 0, 0, 0] // F32
        expected += [0, 0, 0, 0, 0, 0, 0, 0] // offset 0
        #expect(expected.count == 71)
        expected += [UInt8](repeating: 0, count: 96 - 71) // pad header to 32
        expected += [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0] // 1.0, -2.0
        expected += [UInt8](repeating: 0, count: 24) // pad data to 32
        #expect(try writer.encode() == expected)
        let file = try GGUFFile(bytes: expected)
        #expect(file.dataOffset == 96)
        #expect(file["a"] == .uint8(7))
    }

    @Test func customAlignmentIsRecordedAndHonoured() throws {
        var writer = GGUFWriter(alignment: 64)
        try writer.addTensor(name: "x", dimensions: [3], type: .f32, bytes: [UInt8](repeating: 1, count: 12))
        try writer.addTensor(name: "y", dimensions: [1], type: .f32, bytes: [UInt8](repeating: 2, count: 4))
        let file = try GGUFFile(bytes: try writer.encode())
        #expect(file.alignment == 64)
        #expect(file["general.alignment"] == .uint32(64))
        #expect(file.dataOffset % 64 == 0)
        #expect(file.tensor(named: "y")?.offset == 64)
    }

    @Test func rejectsInvalidTensors() throws {
        var writer = GGUFWriter()
        #expect(throws: GGUFError.self) {
            try writer.addTensor(name: "q", dimensions: [16], type: .q8_0, bytes: [])
        }
        #expect(throws: GGUFError.self) {
            try writer.addTensor(name: "z", dimensions: [0], type: .f32, bytes: [])
        }
        #expect(throws: GGUFError.self) {
            try writer.addTensor(name: "w", dimensions: [2], type: .f32, bytes: [1, 2, 3])
        }
        try writer.addTensor(name: "ok", dimensions: [1], type: .f32, bytes: [0, 0, 0, 0])
        #expect(throws: GGUFError.duplicateTensor(name: "ok")) {
            try writer.addTensor(name: "ok", dimensions: [1], type: .f32, bytes: [0, 0, 0, 0])
        }
    }

    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI))
    func rewritesSmolLM2Identically() throws {
        // Copying every key and tensor of the real file gives a file that reads back the same.
        let source = try GGUFFile(contentsOf: try Fixtures.requireSmolLM())
        var writer = GGUFWriter()
        for (key, value) in source.metadata { writer.set(key, value) }
        for tensor in source.tensors {
            try writer.addTensor(name: tensor.name, dimensions: tensor.dimensions, type: tensor.type) { out in
                source.withTensorBytes(tensor) { out.copyMemory(from: $0) }
            }
        }
        let dir = TemporaryDirectory()
        let url = dir.path("copy.gguf")
        try writer.write(to: url)
        let copy = try GGUFFile(contentsOf: url)
        #expect(copy.metadata.count == source.metadata.count)
        for (key, value) in source.metadata { #expect(copy[key] == value, "\(key)") }
        #expect(copy.tensors == source.tensors)
        #expect(copy.dataOffset == source.dataOffset)
        // llama.cpp lays files out the same way, so the copy is byte-identical.
        #expect(copy.fileSize == source.fileSize)
        #expect(memcmp(copy.rawBytes.baseAddress!, source.rawBytes.baseAddress!, source.fileSize) == 0)
    }
}
