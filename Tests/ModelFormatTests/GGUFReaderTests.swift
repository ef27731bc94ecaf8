import Foundation
import ModelFormat
import TestSupport
import Testing

struct GGUFReaderTests {
    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI))
    func readsSmolLM2() throws {
        let file = try GGUFFile(contentsOf: try Fixtures.requireSmolLM())
        #expect(file.version == 3)
        #expect(file.architecture == "llama")
        #expect(file.alignment == 32)
        #expect(file.dataOffset % 32 == 0)
        #expect(file.tensors.count == 272)

        var histogram: [GGMLType: Int] = [:]
        for tensor in file.tensors { histogram[tensor.type, default: 0] += 1 }
        #expect(histogram == [.q4_1: 210, .f32: 61, .q8_0: 1])

        let embedding = try #require(file.tensor(named: "token_embd.weight"))
        #expect(embedding.type == .q8_0)
        #expect(embedding.dimensions == [576, 49152])
        #expect(embedding.elementCount == 576 * 49152)
        #expect(embedding.byteCount == 576 * 49152 / 32 * 34)
        #expect(embedding.rowByteCount == 576 / 32 * 34)

        #expect(file["llama.block_count"]?.int == 30)
        #expect(file["llama.context_length"]?.int == 8192)
        #expect(file["llama.embedding_length"]?.int == 576)
        #expect(file["llama.rope.freq_base"]?.float == 100_000)
        #expect(file["tokenizer.ggml.model"]?.string == "gpt2")
        #expect(file["tokenizer.ggml.pre"]?.string == "smollm")
        #expect(file["tokenizer.ggml.add_bos_token"]?.bool == false)
        let tokens = try #require(file["tokenizer.ggml.tokens"]?.stringArray)
        #expect(tokens.count == 49152)
        #expect(tokens[0] == "<|endoftext|>")
        #expect(tokens[1] == "<|im_start|>")
        #expect(file["tokenizer.ggml.token_type"]?.intArray?.count == 49152)
        #expect(file["tokenizer.ggml.merges"]?.stringArray?.first == "Ġ t")
        #expect(file.metadata.first?.key == "general.architecture")
        #expect(file.metadata.last?.key == "general.quantization_version")

        // Tensors are laid out back to back, inside the file, and readable through the mapping.
        var end = 0
        for tensor in file.tensors {
            #expect(tensor.offset >= end)
            end = tensor.offset + tensor.byteCount
            #expect(file.dataOffset + end <= file.fileSize)
        }
        let norm = try #require(file.tensor(named: "blk.0.attn_norm.weight"))
        let values = file.withTensorBytes(norm) { Array($0.bindMemory(to: Float.self)) }
        #expect(values.count == 576)
        #expect(values.allSatisfy { $0.isFinite && $0 != 0 })
        #expect(
            file.tensorPointer(norm) == UnsafeRawPointer(file.rawBytes.baseAddress! + file.dataOffset + norm.offset))
    }

    @Test(.enabled(if: Fixtures.referenceAvailableOrCI))
    func readsReferenceModels() throws {
        let qwen = try GGUFFile(
            contentsOf: try Fixtures.require(Fixtures.reference("reference/tiny-random-qwen2.gguf")))
        #expect(qwen.architecture == "qwen2")
        #expect(qwen["qwen2.block_count"]?.int == 2)
        #expect(qwen["qwen2.embedding_length"]?.int == 64)
        #expect(qwen.tensor(named: "output.weight")?.type == .f16)
        #expect(qwen.tensor(named: "blk.0.attn_q.bias") != nil)
        #expect(qwen["tokenizer.ggml.tokens"]?.stringArray?.count == 50257)

        let llama = try GGUFFile(
            contentsOf: try Fixtures.require(Fixtures.reference("reference/llama-2-tiny-random.gguf")))
        #expect(llama.architecture == "llama")
        #expect(llama["tokenizer.ggml.model"]?.string == "llama")
        #expect(llama["tokenizer.ggml.scores"]?.floatArray?.count == 32000)
        #expect(llama.tensor(named: "token_embd.weight")?.dimensions == [8, 32000])
    }

    @Test(
        .enabled(if: Fixtures.referenceAvailableOrCI),
        arguments: ["deepseek-llm", "gpt-2", "llama-spm", "phi-3", "starcoder"])
    func readsVocabularyFiles(name: String) throws {
        let url = try Fixtures.require(Fixtures.reference("tokenizer/ggml-vocab-\(name).gguf"))
        let file = try GGUFFile(contentsOf: url)
        #expect(file.tensors.isEmpty)
        let tokens = try #require(file["tokenizer.ggml.tokens"]?.stringArray)
        #expect(tokens.count > 30_000)
        #expect(file["tokenizer.ggml.token_type"]?.intArray?.count == tokens.count)
        #expect(file["tokenizer.ggml.model"]?.string != nil)
        // Decoded metadata stays within a small multiple of the file size.
        #expect(file.header.decodedByteEstimate <= 2 * file.fileSize)
    }

    @Test func rejectsBadMagic() {
        #expect(throws: GGUFError.badMagic(found: 0x4655_4748)) {
            try GGUFFile(bytes: Array("HGUF".utf8) + [3, 0, 0, 0] + [UInt8](repeating: 0, count: 16))
        }
    }

    @Test func rejectsVersionOne() {
        var bytes = Array("GGUF".utf8)
        bytes += [1, 0, 0, 0] + [UInt8](repeating: 0, count: 16)
        #expect(throws: GGUFError.unsupportedVersion(1)) { try GGUFFile(bytes: bytes) }
        #expect(GGUFError.unsupportedVersion(1).description.contains("obsolete"))
    }

    @Test func rejectsEmptyAndShortFiles() throws {
        #expect(throws: GGUFError.truncated(at: 0, reading: "magic")) { try GGUFFile(bytes: [UInt8]()) }
        #expect(throws: GGUFError.truncated(at: 8, reading: "tensor count")) {
            try GGUFFile(bytes: Array("GGUF".utf8) + [3, 0, 0, 0, 1])
        }
        let dir = TemporaryDirectory()
        let empty = dir.path("empty.gguf")
        _ = FileManager.default.createFile(atPath: empty.path, contents: Data())
        #expect(throws: GGUFError.truncated(at: 0, reading: "magic")) { try GGUFFile(contentsOf: empty) }
        #expect(throws: GGUFError.self) { try GGUFFile(contentsOf: dir.path("missing.gguf")) }
    }

    @Test func rejectsHugeCounts() {
        // v3 header claiming 2^60 tensors.
        var bytes = Array("GGUF".utf8) + le(UInt32(3)) + le(UInt64(1) << 60) + le(UInt64(0))
        #expect(throws: GGUFError.countTooLarge(at: 8, reading: "tensor count", count: 1 << 60, remaining: 8)) {
            try GGUFFile(bytes: bytes)
        }
        // One KV whose key claims a length beyond the file.
        bytes = Array("GGUF".utf8) + le(UInt32(3)) + le(UInt64(0)) + le(UInt64(1)) + le(UInt64.max) + [0, 0, 0, 0, 0]
        #expect(
            throws: GGUFError.countTooLarge(
                at: 24, reading: "key of metadata entry 0 length",
                count: .max, remaining: 5)
        ) {
            try GGUFFile(bytes: bytes)
        }
    }

    @Test func rejectsInvalidValueType() {
        let bytes =
            Array("GGUF".utf8) + le(UInt32(3)) + le(UInt64(0)) + le(UInt64(1))
            + le(UInt64(1)) + Array("k".utf8) + le(UInt32(13)) + [0, 0, 0, 0]
        #expect(throws: GGUFError.invalidValueType(key: "k", raw: 13, at: 33)) { try GGUFFile(bytes: bytes) }
    }
}

extension GGUFReaderTests {
    /// One F32 tensor "t" of 8 elements, no metadata. Layout: header 0..<24, name length 24,
    /// name 32, n_dims 33, ne0 37, type 45, offset 49, data at 64 (32 bytes).
    static func oneTensorFile() throws -> [UInt8] {
        var writer = GGUFWriter()
        try writer.addTensor(name: "t", dimensions: [8], type: .f32, bytes: [UInt8](repeating: 0, count: 32))
        let bytes = try writer.encode()
        #expect(bytes.count == 96)
        return bytes
    }

    static func patched(_ bytes: [UInt8], at offset: Int, _ value: [UInt8]) -> [UInt8] {
        var out = bytes
        out.replaceSubrange(offset..<(offset + value.count), with: value)
        return out
    }

    @Test func acceptsVersionTwo() throws {
        let file = try GGUFFile(bytes: Self.patched(try Self.oneTensorFile(), at: 4, le(UInt32(2))))
        #expect(file.version == 2)
        #expect(file.tensor(named: "t")?.elementCount == 8)
    }

    @Test func rejectsInvalidTensorInfos() throws {
        let base = try Self.oneTensorFile()
        #expect(throws: GGUFError.invalidTensorShape(name: "t", reason: "5 dimensions (at most 4)")) {
            try GGUFFile(bytes: Self.patched(base, at: 33, le(UInt32(5))))
        }
        #expect(throws: GGUFError.invalidTensorShape(name: "t", reason: "dimension 0 is 0")) {
            try GGUFFile(bytes: Self.patched(base, at: 37, le(UInt64(0))))
        }
        #expect(throws: GGUFError.unknownTensorType(name: "t", raw: 4)) {
            try GGUFFile(bytes: Self.patched(base, at: 45, le(UInt32(4))))
        }
        #expect(throws: GGUFError.self) { // 8 elements are not a whole Q8_0 block
            try GGUFFile(bytes: Self.patched(base, at: 45, le(UInt32(8))))
        }
        #expect(throws: GGUFError.misalignedTensor(name: "t", offset: 1, alignment: 32)) {
            try GGUFFile(bytes: Self.patched(base, at: 49, le(UInt64(1))))
        }
        #expect(throws: GGUFError.tensorOutOfBounds(name: "t", offset: 32, byteCount: 32, dataSize: 32)) {
            try GGUFFile(bytes: Self.patched(base, at: 49, le(UInt64(32))))
        }
        #expect(throws: GGUFError.tensorOutOfBounds(name: "t", offset: 0, byteCount: 32, dataSize: 31)) {
            try GGUFFile(bytes: Array(base.dropLast(1)))
        }
        #expect(throws: GGUFError.invalidTensorShape(name: "t", reason: "element count overflows")) {
            var big = Self.patched(base, at: 33, le(UInt32(2)))
            big = Self.patched(big, at: 37, le(UInt64(1) << 62))
            big.insert(contentsOf: le(UInt64(1) << 62), at: 45)
            return try GGUFFile(bytes: big)
        }
    }

    @Test func validatesAlignmentAndKeys() throws {
        var writer = GGUFWriter()
        writer.set("general.alignment", .uint32(48))
        #expect(throws: GGUFError.invalidAlignment(48)) { try GGUFFile(bytes: try writer.encode()) }
        writer.set("general.alignment", .string("32"))
        #expect(
            throws: GGUFError.invalidMetadata(
                key: "general.alignment",
                reason: "expected an unsigned integer, found string")
        ) {
            try GGUFFile(bytes: try writer.encode())
        }
        // Two entries with the same key (the writer refuses to make one, so patch bytes).
        var two = GGUFWriter()
        two.set("ab", .uint8(1))
        two.set("ac", .uint8(2))
        var bytes = try two.encode()
        bytes[24 + 8 + 1] = UInt8(ascii: "b") // second key starts after 8 + 2 + 4 + 1 bytes
        let second = 24 + 15
        bytes[second + 8 + 1] = UInt8(ascii: "b")
        #expect(throws: GGUFError.duplicateKey("ab", at: second)) { try GGUFFile(bytes: bytes) }
    }

    @Test func limitsArrayNesting() throws {
        func nested(depth: Int) -> [UInt8] {
            var bytes = Array("GGUF".utf8) + le(UInt32(3)) + le(UInt64(0)) + le(UInt64(1))
            bytes += le(UInt64(1)) + Array("k".utf8) + le(UInt32(9)) // key "k": array
            for _ in 1..<depth { bytes += le(UInt32(9)) + le(UInt64(1)) } // array of one array …
            bytes += le(UInt32(0)) + le(UInt64(0)) // … of no uint8
            return bytes
        }
        let ok = try GGUFFile(bytes: nested(depth: GGUFHeader.maximumArrayNesting))
        #expect(ok["k"]?.array?.elementType == .array)
        #expect(throws: GGUFError.self) { try GGUFFile(bytes: nested(depth: GGUFHeader.maximumArrayNesting + 1)) }
        do {
            _ = try GGUFFile(bytes: nested(depth: GGUFHeader.maximumArrayNesting + 1))
        } catch {
            guard case .arrayNestingTooDeep(let key, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(key == "k")
        }
    }
}

/// Little-endian bytes of an integer (test helper).
func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
}
