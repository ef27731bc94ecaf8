import KernelSource

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
    queryHalf: UnsafeMutablePointer<Float16>, out: UnsafeMutablePointer<Float>,
    widened: (keys: UnsafePointer<Float>, values: UnsafePointer<Float>)? = nil
) {
    let single = order == .generation
    // Eight keys' or values' elements from element `i` of a row: the F16 cache converted here, or
    // the layer's F32 copy (`KVCache.widen`; the same values, F16 → F32 is exact).
    let wide = widened != nil
    @inline(__always) func eight(_ row: UnsafeRawPointer, _ i: Int) -> SIMD8<Float> {
        wide
            ? row.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            : SIMD8<Float>(row.loadUnaligned(fromByteOffset: i * 2, as: SIMD8<Float16>.self))
    }
    @inline(__always) func keyRow(_ j: Int) -> UnsafeRawPointer {
        widened.map { UnsafeRawPointer($0.keys + j * keyStride) } ?? UnsafeRawPointer(keys + j * keyStride)
    }
    @inline(__always) func valueRow(_ d: Int) -> UnsafeRawPointer {
        widened.map { UnsafeRawPointer($0.values + d * valueStride) } ?? UnsafeRawPointer(values + d * valueStride)
    }
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
                let rows = (keyRow(j), keyRow(j + 1), keyRow(j + 2), keyRow(j + 3))
                let s = fourDots(rows, count: hd, eight: eight, other: { q[$0 / 8] }) * scale
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
        let rows = (valueRow(d), valueRow(d + 1), valueRow(d + 2), valueRow(d + 3))
        let sums = fourDots(rows, count: padded, eight: eight) {
            raw.loadUnaligned(fromByteOffset: $0 * 4, as: SIMD8<Float>.self)
        }
        for k in 0..<4 { out[d + k] = sums[k] }
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

/// Four rows each dotted with the same `count` values, eight at a time (`eight(row, i)`: the
/// row's elements i…i+7, `other(i)`: the shared values i…i+7), each with its own 8-lane FMA
/// accumulator (independent, so the four chains overlap) and `horizontalSum` at the end: per
/// row exactly `dotF16`'s order.
@inline(__always)
private func fourDots(
    _ rows: (UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer, UnsafeRawPointer), count: Int,
    eight: (UnsafeRawPointer, Int) -> SIMD8<Float>, other: (Int) -> SIMD8<Float>
) -> SIMD4<Float> {
    var a0 = SIMD8<Float>()
    var a1 = SIMD8<Float>()
    var a2 = SIMD8<Float>()
    var a3 = SIMD8<Float>()
    var i = 0
    while i < count {
        let x = other(i)
        a0 = a0.addingProduct(eight(rows.0, i), x)
        a1 = a1.addingProduct(eight(rows.1, i), x)
        a2 = a2.addingProduct(eight(rows.2, i), x)
        a3 = a3.addingProduct(eight(rows.3, i), x)
        i += 8
    }
    return SIMD4(horizontalSum(a0), horizontalSum(a1), horizontalSum(a2), horizontalSum(a3))
}
