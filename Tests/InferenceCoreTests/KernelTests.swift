import Foundation
import ModelFormat
import Testing

@testable import InferenceCore

/// Kernels against scalar references: every quantized dot product must equal the exact
/// product of the dequantized weights with the dequantized activations (up to float rounding
/// and, for Q4_1, the F16 rounding of the activation block sums ggml stores).
struct KernelTests {
    /// A deterministic generator for test data.
    struct Lcg: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
    }

    static func randomRow(_ type: GGMLType, cols: Int, rng: inout Lcg) -> [UInt8] {
        let bytes = type.byteCount(elements: cols)!
        var row = (0..<bytes).map { _ in UInt8.random(in: 0...255, using: &rng) }
        func setHalf(_ offset: Int, _ value: Float) {
            let bits = Float16(value).bitPattern
            row[offset] = UInt8(bits & 0xFF)
            row[offset + 1] = UInt8(bits >> 8)
        }
        for b in 0..<(cols / type.blockSize) {
            let o = b * type.typeSize
            switch type {
            case .q4_0, .q5_0, .q8_0: setHalf(o, Float.random(in: 0.001...0.05, using: &rng))
            case .q4_1:
                setHalf(o, Float.random(in: 0.001...0.05, using: &rng))
                setHalf(o + 2, Float.random(in: -0.2...0.2, using: &rng))
            case .q4_K:
                setHalf(o, Float.random(in: 0.001...0.01, using: &rng))
                setHalf(o + 2, Float.random(in: 0.001...0.01, using: &rng))
            case .q6_K: setHalf(o + 208, Float.random(in: 0.001...0.01, using: &rng))
            case .f16:
                for i in 0..<cols { setHalf(2 * i, Float.random(in: -1...1, using: &rng)) }
                return row
            default: break
            }
        }
        return row
    }

    @Test(arguments: [GGMLType.q4_0, .q4_1, .q5_0, .q8_0, .q4_K, .q6_K, .f16])
    func dotProductsMatchScalarReference(type: GGMLType) throws {
        var rng = Lcg(state: UInt64(type.rawValue) + 7)
        let cols = 512
        let rows = 6
        let batch = 3
        var weights: [UInt8] = []
        for _ in 0..<rows { weights += Self.randomRow(type, cols: cols, rng: &rng) }
        let x = (0..<(cols * batch)).map { _ in Float.random(in: -3...3, using: &rng) }
        let format = try #require(ActivationFormat(weightType: type))
        let acts = QuantizedActivations(format: format)
        x.withUnsafeBufferPointer { acts.load($0.baseAddress!, rows: batch, cols: cols, stride: cols, pool: nil) }
        // Dequantized activations in natural order.
        var xq = [Float](repeating: 0, count: cols * batch)
        for b in 0..<batch {
            for i in 0..<cols {
                switch format {
                case .f16: xq[b * cols + i] = Float(acts.halves[b * cols + i])
                case .q8_0, .q8_1, .q8_K:
                    let block = i / 32
                    let q = Float(acts.q8[b * cols + i])
                    let scale =
                        format == .q8_K ? acts.scales[b * (cols / 256) + i / 256] : acts.scales[b * (cols / 32) + block]
                    xq[b * cols + i] = q * scale
                case .f32: xq[b * cols + i] = x[b * cols + i]
                }
            }
        }
        var out = [Float](repeating: 0, count: rows * batch)
        try weights.withUnsafeBytes { raw in
            let w = WeightMatrix(
                name: "w", type: type, rows: rows, cols: cols, data: raw.baseAddress!,
                rowBytes: type.byteCount(elements: cols)!)
            out.withUnsafeMutableBufferPointer {
                matmulTile(w, acts, rows: 0..<rows, out: $0.baseAddress!, outStride: rows, order: .prompt)
            }
            var wf = [Float](repeating: 0, count: cols)
            for r in 0..<rows {
                try GGMLCodec.dequantize(type: type, from: raw.baseAddress! + r * w.rowBytes, count: cols, into: &wf)
                for b in 0..<batch {
                    var exact: Double = 0
                    var magnitude: Double = 0
                    for i in 0..<cols {
                        exact += Double(wf[i]) * Double(xq[b * cols + i])
                        magnitude += abs(Double(wf[i]) * Double(xq[b * cols + i]))
                    }
                    let tolerance = (type == .q4_1 ? 2e-3 : 1e-5) * magnitude + 1e-6
                    #expect(
                        abs(Double(out[b * rows + r]) - exact) <= tolerance,
                        "\(type) row \(r) col \(b): \(out[b * rows + r]) vs \(exact)")
                }
            }
        }
    }

    @Test func q8QuantizationRoundsHalfToEvenLikeAVX() {
        // amax 127 → id = 1: values land exactly on .5 and must round to even.
        var x = [Float](repeating: 0, count: 32)
        x[0] = 127
        x[1] = 2.5
        x[2] = -2.5
        x[3] = 3.5
        x[4] = 0.5
        x[5] = -1.5
        let acts = QuantizedActivations(format: .q8_1)
        x.withUnsafeBufferPointer { acts.load($0.baseAddress!, rows: 1, cols: 32, stride: 32, pool: nil) }
        // evens first: x0, x2, x4 …; odds: x1, x3, x5 …
        #expect(acts.q8[0] == 127)
        #expect(acts.q8[1] == 2) // x1 = 2.5 → 2
        #expect(acts.q8[2] == -2) // x2 = -2.5 → -2
        #expect(acts.q8[3] == 4) // x3 = 3.5 → 4
        #expect(acts.q8[4] == 0) // x4 = 0.5 → 0
        #expect(acts.q8[5] == -2) // x5 = -1.5 → -2
        #expect(acts.scales[0] == Float(Float16(Float(127) / 127)))
        let sum: Float = 127 + 2 - 2 + 4 + 0 - 2
        #expect(acts.sums[0] == Float(Float16(sum)))
    }

    @Test func vectorExpIsCloseToExpf() {
        var worst: Float = 0
        var v: Float = -90
        while v < 88 {
            let lanes = SIMD8<Float>((0..<8).map { v + Float($0) * 0.013 })
            let approx = vectorExp(lanes)
            for i in 0..<8 {
                let exact = expf(lanes[i])
                if exact > 1e-30 { worst = max(worst, abs(approx[i] - exact) / exact) }
            }
            v += 0.37
        }
        #expect(worst < 4e-7, "max relative error \(worst)")
        #expect(vectorExp(SIMD8<Float>(repeating: -.infinity)) == SIMD8<Float>(repeating: 0))
    }

    @Test func poolRunsEveryIndexExactlyOnce() {
        let pool = ComputePool(threads: 3)
        for count in [1, 2, 7, 100, 1000] {
            let hits = UnsafeMutablePointer<Int>.allocate(capacity: count)
            hits.initialize(repeating: 0, count: count)
            pool.parallelFor(count: count) { hits[$0] += 1 }
            #expect((0..<count).allSatisfy { hits[$0] == 1 })
            hits.deallocate()
        }
    }
}
