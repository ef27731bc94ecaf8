import Foundation
import Testing

@testable import ModelFormat

/// Issue 12 item 3: hyperparameters that would overflow derived sizes are refused at parse time.
struct GGUFModelLimitsTests {
    func file(_ extra: [(String, GGUFValue)]) throws -> [UInt8] {
        var writer = GGUFWriter()
        writer.set("general.architecture", .string("llama"))
        writer.set("llama.embedding_length", .uint32(64))
        writer.set("llama.block_count", .uint32(1))
        writer.set("llama.attention.head_count", .uint32(4))
        for (k, v) in extra { writer.set(k, v) }
        try writer.addTensor(
            name: "token_embd.weight", dimensions: [4, 2], type: .f32, bytes: [UInt8](repeating: 0, count: 32))
        return try writer.encode()
    }

    @Test func saneHeadersParse() throws {
        _ = try GGUFFile(
            bytes: try file([
                ("llama.attention.key_length", .uint32(16)), ("llama.rope.freq_base", .float32(10_000)),
                ("llama.attention.head_count_kv", .array(.int32([4, 4])))
            ]))
    }

    @Test(arguments: [
        ("llama.attention.key_length", GGUFValue.uint64(1 << 60)),
        ("llama.attention.head_count", .int64(-1)),
        ("llama.embedding_length", .uint64(UInt64.max)),
        ("llama.block_count", .uint32(0)),
        ("llama.context_length", .int64(Int64.max)),
        ("llama.feed_forward_length", .uint64(1 << 40)),
        ("llama.attention.head_count_kv", .array(.int32([4, -4]))),
        ("llama.rope.freq_base", .float32(.nan)),
        ("llama.attention.layer_norm_rms_epsilon", .float32(.infinity)),
        ("llama.attention.key_length", .string("sixteen"))
    ])
    func hostileHyperparametersAreRefused(_ key: String, _ value: GGUFValue) throws {
        let bytes = try file([(key, value)])
        #expect {
            try GGUFFile(bytes: bytes)
        } throws: { error in
            guard case GGUFError.invalidMetadata(let k, _) = error else { return false }
            return k == key
        }
    }
}
