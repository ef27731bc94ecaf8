import Foundation
import ModelFormat
import TestSupport
import Testing

/// Little-endian bytes of a Float16 (test helper).
func halfBytes(_ value: Float) -> [UInt8] { le(Float16(value).bitPattern) }

struct GGMLCodecTests {
    // MARK: Quantizers, against blocks computed by hand from ggml's reference formulas.

    @Test func q8_0HandComputedBlocks() throws {
        // Block 1: amax 127 → d = 1, id = 1, q = roundf(x): halves round away from zero.
        var a = [Float](repeating: 0, count: 32)
        a[0] = 127
        a[1] = -126.6
        a[2] = 0.5
        a[3] = -0.5
        a[4] = 1.5
        a[5] = -1.5
        a[6] = 2.5
        a[7] = 2.4999
        a[8] = -2.5
        a[9] = 0.49
        a[10] = 100.2
        // Block 2: all zero → d = 0, id = 0, all quants 0.
        let b = [Float](repeating: 0, count: 32)
        // Block 3: amax 254 (negative) → d = 2, id = 0.5.
        var c = [Float](repeating: 1, count: 32) // 1 × 0.5 = 0.5 → 1
        c[0] = -254
        c[1] = 3
        c[2] = -3
        c[3] = 253
        c[4] = -1
        let bytes = try GGMLCodec.quantize(type: .q8_0, values: a + b + c)

        var qa = [Int8](repeating: 0, count: 32)
        qa[0] = 127
        qa[1] = -127
        qa[2] = 1
        qa[3] = -1
        qa[4] = 2
        qa[5] = -2
        qa[6] = 3
        qa[7] = 2
        qa[8] = -3
        qa[9] = 0
        qa[10] = 100
        var qc = [Int8](repeating: 1, count: 32)
        qc[0] = -127
        qc[1] = 2
        qc[2] = -2
        qc[3] = 127
        qc[4] = -1 // 126.5 → 127, -0.5 → -1
        let expected =
            [0x00, 0x3C] + qa.map { UInt8(bitPattern: $0) }
            + [UInt8](repeating: 0, count: 34)
            + [0x00, 0x40] + qc.map { UInt8(bitPattern: $0) }
        #expect(bytes == expected)
    }

    @Test func q4_0HandComputedBlocks() throws {
        // Largest magnitude is negative (-16): d = -16 / -8 = 2, id = 0.5,
        // q = min(15, trunc(x·0.5 + 8.5)).
        var a = [Float](repeating: 0, count: 32) // 0 → 8
        a[0] = -16 // 0.5 → 0
        a[1] = 1 // 9.0 → 9
        a[2] = -1 // 8.0 → 8
        a[3] = 14 // 15.5 → 15
        a[4] = 3 // 10.0 → 10
        a[5] = -3 // 7.0 → 7
        a[6] = -15 // 1.0 → 1
        a[16] = 15.9 // 16.45 → 16 → clamped 15
        a[17] = 0.9 // 8.95 → 8
        a[18] = -0.99 // 8.005 → 8
        var qa = [UInt8](repeating: 8, count: 32)
        qa[0] = 0
        qa[1] = 9
        qa[2] = 8
        qa[3] = 15
        qa[4] = 10
        qa[5] = 7
        qa[6] = 1
        qa[16] = 15
        qa[17] = 8
        qa[18] = 8

        // Largest magnitude is positive, first of a tie wins: x[0] = 8, x[1] = -8 → d = -1, id = -1.
        var b = [Float](repeating: 0, count: 32)
        b[0] = 8 // -8 + 8.5 = 0.5 → 0
        b[1] = -8 // 16.5 → 16 → 15
        b[2] = 2 // 6.5 → 6
        b[3] = -2.6 // 11.1 → 11
        var qb = [UInt8](repeating: 8, count: 32)
        qb[0] = 0
        qb[1] = 15
        qb[2] = 6
        qb[3] = 11

        let bytes = try GGMLCodec.quantize(type: .q4_0, values: a + b)
        func pack(_ q: [UInt8]) -> [UInt8] { (0..<16).map { q[$0] | (q[$0 + 16] << 4) } }
        let expected = [0x00, 0x40] + pack(qa) + [0x00, 0xBC] + pack(qb)
        #expect(bytes == expected)
    }

    @Test func f16AndBF16Encoding() throws {
        let values: [Float] = [1, -2, 0.5, 65504, 1e-8, 1.00048828125] // 1.00048828125: a tie, rounds to even
        let f16 = try GGMLCodec.quantize(type: .f16, values: values)
        #expect(f16 == [0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38, 0xFF, 0x7B, 0x00, 0x00, 0x00, 0x3C])
        // 1.00390625: a tie, rounds to even
        let bf16 = try GGMLCodec.quantize(type: .bf16, values: [1, -2, 1.00390625, 1.01171875])
        #expect(bf16 == [0x80, 0x3F, 0x00, 0xC0, 0x80, 0x3F, 0x82, 0x3F])
        #expect(GGMLCodec.bfloat16Bits(.nan) & 0x7FC0 == 0x7FC0)
    }

    // MARK: Decoders, against blocks built by hand.

    @Test func decodesHandBuiltBlocks() throws {
        // Q4_0: d = 0.5, nibbles j | (15 - j) << 4.
        let nibblePairs: [UInt8] = (0..<16).map { (j: Int) -> UInt8 in UInt8(j) | UInt8(15 - j) << 4 }
        let q4_0: [UInt8] = halfBytes(0.5) + nibblePairs
        let expected4_0: [Float] = (0..<32).map { (i: Int) -> Float in Float((i < 16 ? i : 31 - i) - 8) * 0.5 }
        #expect(try decode(.q4_0, q4_0, 32) == expected4_0)

        // Q4_1: d = 2, m = -1.
        let q4_1: [UInt8] = halfBytes(2) + halfBytes(-1) + nibblePairs
        let expected4_1: [Float] = (0..<32).map { (i: Int) -> Float in Float(i < 16 ? i : 31 - i) * 2 - 1 }
        #expect(try decode(.q4_1, q4_1, 32) == expected4_1)

        // Q5_0: d = 1, fifth bit set for odd elements: qh = 0xAAAAAAAA.
        let sameNibbles: [UInt8] = (0..<16).map { (j: Int) -> UInt8 in UInt8(j) | UInt8(j) << 4 }
        let q5_0: [UInt8] = halfBytes(1) + le(UInt32(0xAAAA_AAAA)) + sameNibbles
        let expected5_0: [Float] = (0..<32).map { (i: Int) -> Float in Float((i % 16) | (i % 2 == 1 ? 16 : 0)) - 16 }
        #expect(try decode(.q5_0, q5_0, 32) == expected5_0)

        // Q5_1: d = 0.25, m = 3, fifth bit set for the second half only.
        let highNibbles: [UInt8] = (0..<16).map { (j: Int) -> UInt8 in UInt8(j) << 4 | 1 }
        let q5_1: [UInt8] = halfBytes(0.25) + halfBytes(3) + le(UInt32(0xFFFF_0000)) + highNibbles
        let expected5_1: [Float] = (0..<32).map { (i: Int) -> Float in
            i < 16 ? 0.25 + 3 : Float((i - 16) | 16) * 0.25 + 3
        }
        #expect(try decode(.q5_1, q5_1, 32) == expected5_1)

        // Q8_0: d = 0.125, quants -16...15.
        let q8_0: [UInt8] = halfBytes(0.125) + (0..<32).map { (i: Int) -> UInt8 in UInt8(bitPattern: Int8(i - 16)) }
        #expect(try decode(.q8_0, q8_0, 32) == (0..<32).map { (i: Int) -> Float in Float(i - 16) * 0.125 })

        // Q8_1: d = 0.5, s ignored by the decoder.
        let q8_1: [UInt8] =
            halfBytes(0.5) + halfBytes(99) + (0..<32).map { (i: Int) -> UInt8 in UInt8(bitPattern: Int8(-i)) }
        #expect(try decode(.q8_1, q8_1, 32) == (0..<32).map { (i: Int) -> Float in Float(-i) * 0.5 })

        // F16 / BF16 / F32.
        #expect(try decode(.f16, halfBytes(1.5) + halfBytes(-0.25), 2) == [1.5, -0.25])
        #expect(try decode(.bf16, [0x80, 0x3F, 0x40, 0xC0], 2) == [1, -3])
        #expect(try decode(.f32, le(Float(2.5).bitPattern) + le(Float(-7).bitPattern), 2) == [2.5, -7])
    }

    @Test func decodesHandBuiltQ4_K() throws {
        // Eight sub-blocks of 32 with 6-bit scales and mins, packed as ggml packs them.
        let scales: [UInt8] = [1, 2, 3, 4, 17, 33, 5, 63]
        let mins: [UInt8] = [0, 1, 2, 3, 20, 7, 40, 9]
        var packed = [UInt8](repeating: 0, count: 12)
        for j in 0..<4 {
            packed[j] = scales[j] | (scales[j + 4] >> 4) << 6
            packed[j + 4] = mins[j] | (mins[j + 4] >> 4) << 6
            packed[j + 8] = (scales[j + 4] & 0x0F) | (mins[j + 4] & 0x0F) << 4
        }
        // 128 quant bytes: byte l of chunk c holds sub-block 2c (low nibble) and 2c+1 (high).
        var qs = [UInt8](repeating: 0, count: 128)
        var quant = [UInt8](repeating: 0, count: 256)
        for c in 0..<4 {
            for l in 0..<32 {
                let low = UInt8((l + c) % 16)
                let high = UInt8((3 * l + c) % 16)
                qs[32 * c + l] = low | high << 4
                quant[64 * c + l] = low
                quant[64 * c + 32 + l] = high
            }
        }
        let d: Float = 0.5
        let dmin: Float = 0.25
        let block = halfBytes(d) + halfBytes(dmin) + packed + qs
        #expect(block.count == 144)
        let expected = (0..<256).map { i -> Float in
            let sub = i / 32
            return d * Float(scales[sub]) * Float(quant[i]) - dmin * Float(mins[sub])
        }
        #expect(try decode(.q4_K, block, 256) == expected)
    }

    @Test func decodesHandBuiltQ6_K() throws {
        // 256 six-bit quants q[i] = i % 64, scale of group g (16 elements) = g - 8, d = 0.5.
        let q = (0..<256).map { UInt8($0 % 64) }
        var ql = [UInt8](repeating: 0, count: 128)
        var qh = [UInt8](repeating: 0, count: 64)
        for half in 0..<2 {
            for l in 0..<32 {
                let base = 128 * half
                let q1 = q[base + l]
                let q2 = q[base + l + 32]
                let q3 = q[base + l + 64]
                let q4 = q[base + l + 96]
                ql[64 * half + l] = (q1 & 0xF) | (q3 & 0xF) << 4
                ql[64 * half + l + 32] = (q2 & 0xF) | (q4 & 0xF) << 4
                qh[32 * half + l] = (q1 >> 4) | (q2 >> 4) << 2 | (q3 >> 4) << 4 | (q4 >> 4) << 6
            }
        }
        let groupScales = (0..<16).map { Int8($0 - 8) }
        let block = ql + qh + groupScales.map { UInt8(bitPattern: $0) } + halfBytes(0.5)
        #expect(block.count == 210)
        let expected = (0..<256).map { i in 0.5 * Float(groupScales[i / 16]) * Float(Int(q[i]) - 32) }
        #expect(try decode(.q6_K, block, 256) == expected)
    }

    @Test func rejectsUnsupportedAndPartialBlocks() {
        #expect(throws: GGMLCodecError.partialBlock(.q8_0, count: 31)) {
            try GGMLCodec.quantize(type: .q8_0, values: [Float](repeating: 0, count: 31))
        }
        #expect(throws: GGMLCodecError.unsupported(.q2_K, operation: "quantize")) {
            try GGMLCodec.quantize(type: .q2_K, values: [Float](repeating: 0, count: 256))
        }
        let bytes = [UInt8](repeating: 0, count: 84)
        #expect(throws: GGMLCodecError.unsupported(.q2_K, operation: "dequantize")) {
            try bytes.withUnsafeBytes { try GGMLCodec.dequantize(type: .q2_K, bytes: $0, count: 256) }
        }
    }

    // MARK: Round trips and properties on seeded random data.

    @Test(arguments: [GGMLType.q8_0, .q8_1, .q4_0, .q4_1, .q5_0, .q5_1, .f16, .bf16, .f32])
    func roundTripErrorIsBounded(type: GGMLType) throws {
        var rng = SplitMix64(seed: 0xA55A_0000 + UInt64(type.rawValue))
        for trial in 0..<50 {
            let scale = Float(trial % 5 == 0 ? 1e-3 : (trial % 5 == 1 ? 30 : 1))
            let values = (0..<1024).map { _ in rng.nextGaussian() * scale }
            let bytes = try GGMLCodec.quantize(type: type, values: values)
            #expect(bytes.count == GGMLCodec.byteCount(type: type, elements: 1024))
            let decoded = try bytes.withUnsafeBytes { try GGMLCodec.dequantize(type: type, bytes: $0, count: 1024) }
            for block in stride(from: 0, to: 1024, by: 32) {
                let slice = values[block..<(block + 32)]
                let amax = slice.map { abs($0) }.max() ?? 0
                let range = (slice.max() ?? 0) - (slice.min() ?? 0)
                // Half a quantization step, plus the error of storing the scale as F16.
                let bound: Float
                switch type {
                case .q8_0, .q8_1: bound = amax / 127 * 0.5 + amax * 1e-3
                case .q4_0: bound = amax / 8 * 1.0 + amax * 1e-3
                case .q5_0: bound = amax / 16 * 1.0 + amax * 1e-3
                case .q4_1: bound = range / 15 * 0.5 + range * 2e-3 + amax * 1e-3
                case .q5_1: bound = range / 31 * 0.5 + range * 2e-3 + amax * 1e-3
                case .f16: bound = amax * 1e-3
                case .bf16: bound = amax * 4e-3
                default: bound = 0
                }
                // Tiny blocks have subnormal F16 scales (absolute step 2^-24).
                let subnormal: Float = type.isQuantized ? 32 * 0x1p-24 : 0
                for i in block..<(block + 32) {
                    #expect(abs(decoded[i] - values[i]) <= bound + subnormal, "\(type) element \(i)")
                }
            }
        }
    }

    @Test func q8_0RequantizesItsOwnOutputExactly() throws {
        // Every Q8_0 block holds a ±127 quant, so decoding and re-encoding reproduces it.
        var rng = SplitMix64(seed: 7)
        let values = (0..<(32 * 256)).map { _ in rng.nextGaussian() }
        let first = try GGMLCodec.quantize(type: .q8_0, values: values)
        let decoded = try first.withUnsafeBytes {
            try GGMLCodec.dequantize(type: .q8_0, bytes: $0, count: values.count)
        }
        #expect(try GGMLCodec.quantize(type: .q8_0, values: decoded) == first)
    }

    @Test func q4_0PropertiesOnRandomData() throws {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<200 {
            let values = (0..<32).map { _ in rng.nextGaussian() * 3 }
            let block = try GGMLCodec.quantize(type: .q4_0, values: values)
            // The element of largest magnitude always maps to quant 0 (it is exactly -8·d).
            let index = values.indices.max { abs(values[$0]) < abs(values[$1]) }!
            let byte = block[2 + index % 16]
            #expect((index < 16 ? byte & 0x0F : byte >> 4) == 0)
            let d = Float(Float16(bitPattern: UInt16(block[0]) | UInt16(block[1]) << 8))
            #expect(abs(d - values[index] / -8) <= abs(values[index]) * 1e-3)
        }
    }

    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI))
    func realQ8_0EmbeddingRequantizesBitIdentically() throws {
        let file = try GGUFFile(contentsOf: try Fixtures.requireSmolLM())
        let embedding = try file.requireTensor(named: "token_embd.weight")
        let original = file.withTensorBytes(embedding) { Array($0) }
        let decoded = try file.withTensorBytes(embedding) {
            try GGMLCodec.dequantize(type: .q8_0, bytes: $0, count: embedding.elementCount)
        }
        let requantized = try GGMLCodec.quantize(type: .q8_0, values: decoded)
        #expect(requantized == original)
    }

    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI))
    func realQ4_1TensorsDecodeToFiniteValues() throws {
        let file = try GGUFFile(contentsOf: try Fixtures.requireSmolLM())
        let tensor = try file.requireTensor(named: "blk.0.ffn_down.weight")
        #expect(tensor.type == .q4_1)
        let values = try file.withTensorBytes(tensor) {
            try GGMLCodec.dequantize(type: .q4_1, bytes: $0, count: tensor.elementCount)
        }
        #expect(values.allSatisfy { $0.isFinite })
        let meanAbs = values.reduce(Float(0)) { $0 + abs($1) } / Float(values.count)
        #expect(meanAbs > 1e-3 && meanAbs < 1)
        // Re-encoding the decoded weights as Q4_1 stays within half a step of each block.
        let again = try GGMLCodec.quantize(type: .q4_1, values: values)
        let twice = try again.withUnsafeBytes { try GGMLCodec.dequantize(type: .q4_1, bytes: $0, count: values.count) }
        var worst: Float = 0
        for i in values.indices { worst = max(worst, abs(twice[i] - values[i])) }
        #expect(worst < 0.05)
    }

    private func decode(_ type: GGMLType, _ bytes: [UInt8], _ count: Int) throws -> [Float] {
        try bytes.withUnsafeBytes { try GGMLCodec.dequantize(type: type, bytes: $0, count: count) }
    }
}
