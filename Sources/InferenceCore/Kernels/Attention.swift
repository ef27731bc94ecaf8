#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Causal attention for one query head at one position, in the arithmetic of llama.cpp's CPU
/// prompt path without flash attention:
/// - scores: the query rounded to F16, dotted with each F16 key with one 8-lane F32 FMA
///   accumulator (tinyBLAS), times `1/√d`;
/// - soft-max: `ggml_v_expf` eight scores at a time (masked lanes are −∞), group sums added in
///   double, probabilities scaled by `Float(1/sum)` and rounded to F16;
/// - output: per dimension, the F16 probabilities dotted with that dimension's F16 values
///   (the cache keeps V transposed, like llama.cpp) with one 8-lane accumulator.
/// Prompt evaluation uses this order for every micro-batch size.
///
/// - Parameters:
///   - keys: position 0 of this head's keys; position `j` at `+ j * keyStride`.
///   - values: dimension 0 of this head's transposed values; dimension `d` at
///     `+ d * valueStride`, positions contiguous (readable up to `length` rounded up to 32).
///   - scores: scratch of at least `length` rounded up to 32 floats.
///   - firstKey: positions before it are masked (sliding-window attention), as ggml's −∞ mask.
///   - order: `.generation` uses `ggml_vec_dot_f16`'s order for both products, as llama.cpp
///     does for single-token steps.
@inline(__always)
func attendHead(
    query: UnsafePointer<Float>, keys: UnsafePointer<Float16>, keyStride: Int,
    values: UnsafePointer<Float16>, valueStride: Int, length: Int, firstKey: Int = 0,
    headDimension hd: Int,
    scale: Float, order: SummationOrder, scores: UnsafeMutablePointer<Float>,
    queryHalf: UnsafeMutablePointer<Float16>, out: UnsafeMutablePointer<Float>
) {
    let single = order == .generation
    convertToHalf(query, queryHalf, count: hd)
    var maxScore = -Float.infinity
    for j in 0..<firstKey { scores[j] = -Float.infinity }
    var j = firstKey
    if !single && hd % 8 == 0 {
        // dotF16's order per key, four keys at a time (independent accumulators), the query
        // converted back to F32 once.
        withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: hd / 8) { q in
            for i in 0..<(hd / 8) {
                q[i] = SIMD8<Float>(
                    UnsafeRawPointer(queryHalf).loadUnaligned(fromByteOffset: i * 16, as: SIMD8<Float16>.self))
            }
            while j + 4 <= length {
                let k0 = UnsafeRawPointer(keys + j * keyStride)
                let k1 = UnsafeRawPointer(keys + (j + 1) * keyStride)
                let k2 = UnsafeRawPointer(keys + (j + 2) * keyStride)
                let k3 = UnsafeRawPointer(keys + (j + 3) * keyStride)
                var a0 = SIMD8<Float>()
                var a1 = SIMD8<Float>()
                var a2 = SIMD8<Float>()
                var a3 = SIMD8<Float>()
                for i in 0..<(hd / 8) {
                    let qi = q[i]
                    a0 = a0.addingProduct(
                        SIMD8<Float>(k0.loadUnaligned(fromByteOffset: i * 16, as: SIMD8<Float16>.self)), qi)
                    a1 = a1.addingProduct(
                        SIMD8<Float>(k1.loadUnaligned(fromByteOffset: i * 16, as: SIMD8<Float16>.self)), qi)
                    a2 = a2.addingProduct(
                        SIMD8<Float>(k2.loadUnaligned(fromByteOffset: i * 16, as: SIMD8<Float16>.self)), qi)
                    a3 = a3.addingProduct(
                        SIMD8<Float>(k3.loadUnaligned(fromByteOffset: i * 16, as: SIMD8<Float16>.self)), qi)
                }
                let s = SIMD4<Float>(horizontalSum(a0), horizontalSum(a1), horizontalSum(a2), horizontalSum(a3)) * scale
                for k in 0..<4 {
                    scores[j + k] = s[k]
                    maxScore = max(maxScore, s[k])
                }
                j += 4
            }
        }
    }
    while j < length {
        let key = UnsafeRawPointer(keys + j * keyStride)
        let s =
            (single
                ? dotF16Single(key, UnsafePointer(queryHalf), count: hd)
                : dotF16(key, UnsafePointer(queryHalf), count: hd)) * scale
        scores[j] = s
        maxScore = max(maxScore, s)
        j += 1
    }
    let padded = (length + 7) & ~7
    for j in length..<padded { scores[j] = -Float.infinity }
    let raw = UnsafeMutableRawPointer(scores)
    let maxVector = SIMD8<Float>(repeating: maxScore)
    var sum: Double = 0
    var g = 0
    while g < padded {
        let e = vectorExp(raw.loadUnaligned(fromByteOffset: g * 4, as: SIMD8<Float>.self) - maxVector)
        raw.storeBytes(of: e, toByteOffset: g * 4, as: SIMD8<Float>.self)
        sum += Double(horizontalSum(e))
        g += 8
    }
    let inverse = SIMD8<Float>(repeating: Float(1.0 / sum))
    g = 0
    while g < padded {
        let p = raw.loadUnaligned(fromByteOffset: g * 4, as: SIMD8<Float>.self) * inverse
        raw.storeBytes(of: SIMD8<Float>(SIMD8<Float16>(p)), toByteOffset: g * 4, as: SIMD8<Float>.self)
        g += 8
    }
    if single {
        // ggml_vec_dot_f16 over positions (padded to 32 with zero probabilities).
        let padded32 = (length + 31) & ~31
        for j in padded..<padded32 { scores[j] = 0 }
        withUnsafeTemporaryAllocation(of: Float16.self, capacity: padded32) { halves in
            for j in 0..<padded32 { halves[j] = Float16(scores[j]) }
            for d in 0..<hd {
                out[d] = dotF16Single(
                    UnsafeRawPointer(values + d * valueStride), halves.baseAddress!,
                    count: padded32)
            }
        }
        return
    }
    // Per dimension one 8-lane accumulator over the positions; four dimensions at a time.
    var d = 0
    while d + 4 <= hd {
        let r0 = UnsafeRawPointer(values + d * valueStride)
        let r1 = UnsafeRawPointer(values + (d + 1) * valueStride)
        let r2 = UnsafeRawPointer(values + (d + 2) * valueStride)
        let r3 = UnsafeRawPointer(values + (d + 3) * valueStride)
        var a0 = SIMD8<Float>()
        var a1 = SIMD8<Float>()
        var a2 = SIMD8<Float>()
        var a3 = SIMD8<Float>()
        var j = 0
        while j < padded {
            let p = raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
            a0 = a0.addingProduct(SIMD8<Float>(r0.loadUnaligned(fromByteOffset: j * 2, as: SIMD8<Float16>.self)), p)
            a1 = a1.addingProduct(SIMD8<Float>(r1.loadUnaligned(fromByteOffset: j * 2, as: SIMD8<Float16>.self)), p)
            a2 = a2.addingProduct(SIMD8<Float>(r2.loadUnaligned(fromByteOffset: j * 2, as: SIMD8<Float16>.self)), p)
            a3 = a3.addingProduct(SIMD8<Float>(r3.loadUnaligned(fromByteOffset: j * 2, as: SIMD8<Float16>.self)), p)
            j += 8
        }
        out[d] = horizontalSum(a0)
        out[d + 1] = horizontalSum(a1)
        out[d + 2] = horizontalSum(a2)
        out[d + 3] = horizontalSum(a3)
        d += 4
    }
    while d < hd {
        let row = UnsafeRawPointer(values + d * valueStride)
        var acc = SIMD8<Float>()
        var j = 0
        while j < padded {
            acc = acc.addingProduct(
                SIMD8<Float>(row.loadUnaligned(fromByteOffset: j * 2, as: SIMD8<Float16>.self)),
                raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self))
            j += 8
        }
        out[d] = horizontalSum(acc)
        d += 1
    }
}
