import KernelSource
import ModelFormat

/// How ggml feeds activations into a matrix product, chosen by the weight type
/// (ggml's `vec_dot_type`): quantized weights see quantized activations.
enum ActivationFormat: Sendable, Equatable {
    /// Plain F32 (F32 weights).
    case f32
    /// Rounded to F16 (F16 weights).
    case f16
    /// 32-element blocks, F16 scale, int8 values (Q4_0, Q5_0, Q8_0 weights).
    case q8_0
    /// Like Q8_0 plus the block's `d * Σq` as F16 (Q4_1, Q5_1 weights).
    case q8_1
    /// 256-element superblocks with an F32 scale and sums per 16 values (K-quants).
    case q8_K

    init?(weightType: GGMLType) {
        switch weightType {
        case .f32: self = .f32
        case .f16: self = .f16
        case .q4_0, .q5_0, .q8_0: self = .q8_0
        case .q4_1, .q5_1: self = .q8_1
        case .q4_K, .q6_K: self = .q8_K
        default: return nil
        }
    }
}

/// A batch of activation rows converted for one `ActivationFormat`. Buffers are reused across
/// calls (grown on demand), so one instance per format lives in the engine's scratch space.
final class QuantizedActivations {
    private(set) var format: ActivationFormat
    private(set) var rows = 0
    private(set) var cols = 0

    /// Quantized values as Int8 in natural order, `cols` per row (Q8 formats; what the
    /// integer kernels read).
    private(set) var q8 = UnsafeMutablePointer<Int8>.allocate(capacity: 1)
    /// Per-block scales (`cols / blockSize` per row); F16-rounded for Q8_0/Q8_1, F32 for Q8_K.
    private(set) var scales = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    /// Q8_1: F16-rounded `d * Σq` per block.
    private(set) var sums = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    /// Q8_K: Σq per 16 values.
    private(set) var bsums = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    /// F16 rows.
    private(set) var halves = UnsafeMutablePointer<Float16>.allocate(capacity: 1)
    /// F32 rows (pointer to caller's data, valid during one product).
    private(set) var floats: UnsafePointer<Float>?
    private(set) var floatStride = 0

    private var q8Capacity = 1, scaleCapacity = 1, bsumCapacity = 1, halfCapacity = 1

    init(format: ActivationFormat) { self.format = format }

    deinit {
        q8.deallocate()
        scales.deallocate()
        sums.deallocate()
        bsums.deallocate()
        halves.deallocate()
    }

    var blockSize: Int {
        switch format {
        case .q8_K: return 256
        case .q8_0, .q8_1: return 32
        case .f16, .f32: return 1
        }
    }

    /// Replaces `buffer` (of `capacity` elements) with one of `count` when it is smaller; the
    /// contents are not kept.
    private func grow<T>(_ buffer: inout UnsafeMutablePointer<T>, to count: Int, from capacity: Int) {
        guard capacity < count else { return }
        buffer.deallocate()
        buffer = .allocate(capacity: count)
    }

    private func reserve(rows: Int, cols: Int) {
        let count = rows * cols
        switch format {
        case .q8_0, .q8_1, .q8_K:
            grow(&q8, to: count, from: q8Capacity)
            q8Capacity = max(q8Capacity, count)
            let blocks = count / blockSize
            grow(&scales, to: blocks, from: scaleCapacity)
            grow(&sums, to: blocks, from: scaleCapacity)
            scaleCapacity = max(scaleCapacity, blocks)
            if format == .q8_K {
                grow(&bsums, to: count / 16, from: bsumCapacity)
                bsumCapacity = max(bsumCapacity, count / 16)
            }
        case .f16:
            grow(&halves, to: count, from: halfCapacity)
            halfCapacity = max(halfCapacity, count)
        case .f32:
            break
        }
    }

    /// Converts `rows` rows of `cols` floats (row `r` at `input + r * stride`).
    func load(_ input: UnsafePointer<Float>, rows: Int, cols: Int, stride: Int, pool: ComputePool?) {
        precondition(cols % blockSize == 0, "row length \(cols) is not a multiple of \(blockSize)")
        self.rows = rows
        self.cols = cols
        reserve(rows: rows, cols: cols)
        // The buffers the quantizing formats write, captured by the row jobs.
        let q8 = self.q8
        let scales = self.scales
        switch format {
        case .f32:
            floats = input
            floatStride = stride
        case .f16:
            let out = halves
            let work = { (r: Int) in
                convertToHalf(input + r * stride, out + r * cols, count: cols)
            }
            if let pool, rows > 8 { pool.parallelFor(count: rows, work) } else { for r in 0..<rows { work(r) } }
        case .q8_0, .q8_1:
            let withSums = format == .q8_1
            let sums = self.sums
            let blocks = cols / 32
            let work = { (r: Int) in
                quantizeRowQ8(
                    input + r * stride, q8 + r * cols, scales + r * blocks,
                    withSums ? sums + r * blocks : nil, blocks: blocks)
            }
            if let pool, rows > 8 { pool.parallelFor(count: rows, work) } else { for r in 0..<rows { work(r) } }
        case .q8_K:
            let bsums = self.bsums
            let blocks = cols / 256
            let work = { (r: Int) in
                quantizeRowQ8K(
                    input + r * stride, q8 + r * cols, scales + r * blocks,
                    bsums + r * (cols / 16), blocks: blocks)
            }
            if let pool, rows > 8 { pool.parallelFor(count: rows, work) } else { for r in 0..<rows { work(r) } }
        }
    }
}

/// x → F16 with round-to-nearest-even (what F16C and ggml's FP32_TO_FP16 do).
@inline(__always)
func convertToHalf(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float16>, count: Int) {
    var i = 0
    let raw = UnsafeMutableRawPointer(y)
    while i + 8 <= count {
        let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
        raw.storeBytes(of: SIMD8<Float16>(v), toByteOffset: i * 2, as: SIMD8<Float16>.self)
        i += 8
    }
    while i < count {
        y[i] = Float16(x[i])
        i += 1
    }
}

/// Round-half-to-even of values with |v| < 2^22 via the 1.5·2^23 trick (ggml's `nearest_int`,
/// and the same result as `_mm256_round_ps(_, _MM_ROUND_NEAREST)`).
@inline(__always)
func roundToNearestEvenInt(_ v: SIMD8<Float>) -> SIMD8<Int32> {
    let magic: Float = 12_582_912.0
    let biased = v + magic
    return unsafeBitCast(biased, to: SIMD8<Int32>.self) &- 0x4B40_0000
}

@inline(__always)
func roundToNearestEvenInt(_ v: Float) -> Int32 {
    let biased = v + 12_582_912.0
    return Int32(bitPattern: biased.bitPattern) &- 0x4B40_0000
}

@inline(__always)
private func maxAbs(_ v: SIMD8<Float>) -> SIMD8<Float> {
    unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: SIMD8<Float>.self)
}

/// Lane-wise maximum of non-negative, non-NaN values, on their bit patterns (which order like
/// the values). The standard library's `pointwiseMax` and `replacing(with:where:)` are generic
/// and compile to one scalar compare per lane.
@inline(__always)
private func lanewiseMax(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    let x = unsafeBitCast(a, to: SIMD8<Int32>.self)
    let y = unsafeBitCast(b, to: SIMD8<Int32>.self)
    let difference = x &- y
    return unsafeBitCast(x &- (difference & (difference &>> 31)), to: SIMD8<Float>.self)
}

/// The largest lane of non-negative values, on their bit patterns (which order like the values):
/// the 8 → 4 → 2 → 1 reduction of ggml's amax, exact in any order.
@inline(__always)
private func horizontalMax(_ m: SIMD8<Float>) -> Float {
    Float(bitPattern: unsafeBitCast(m, to: SIMD8<UInt32>.self).max())
}

/// ggml's x86 `quantize_row_q8_0` / `quantize_row_q8_1`: per 32 values `d = amax / 127`,
/// stored as F16; `q = round_even(x * (127 / amax))`; Q8_1 also stores F16(`d * Σq`)
/// computed with the unrounded `d`.
@inline(__always)
func quantizeRowQ8(
    _ x: UnsafePointer<Float>, _ q8: UnsafeMutablePointer<Int8>,
    _ scales: UnsafeMutablePointer<Float>, _ sums: UnsafeMutablePointer<Float>?,
    blocks: Int
) {
    let raw = UnsafeRawPointer(x)
    for b in 0..<blocks {
        let base = b * 32
        let v0 = raw.loadUnaligned(fromByteOffset: (base + 0) * 4, as: SIMD8<Float>.self)
        let v1 = raw.loadUnaligned(fromByteOffset: (base + 8) * 4, as: SIMD8<Float>.self)
        let v2 = raw.loadUnaligned(fromByteOffset: (base + 16) * 4, as: SIMD8<Float>.self)
        let v3 = raw.loadUnaligned(fromByteOffset: (base + 24) * 4, as: SIMD8<Float>.self)
        let m = lanewiseMax(lanewiseMax(maxAbs(v0), maxAbs(v1)), lanewiseMax(maxAbs(v2), maxAbs(v3)))
        let amax = horizontalMax(m)
        let d = amax / 127
        scales[b] = Float(Float16(d))
        let id: Float = amax != 0 ? 127 / amax : 0
        let i0 = roundToNearestEvenInt(v0 * id)
        let i1 = roundToNearestEvenInt(v1 * id)
        let i2 = roundToNearestEvenInt(v2 * id)
        let i3 = roundToNearestEvenInt(v3 * id)
        UnsafeMutableRawPointer(q8 + base).storeBytes(of: narrowToBytes(i0, i1, i2, i3), as: SIMD32<Int8>.self)
        if let sums {
            let total = ((i0 &+ i1) &+ (i2 &+ i3)).wrappedSum()
            sums[b] = Float(Float16(d * Float(total)))
        }
    }
}

/// ggml's `quantize_row_q8_K_ref`: per 256 values, `iscale = -127 / max` where `max` is the
/// signed value of largest magnitude (its first occurrence), `q = min(127, nearest_int(iscale * x))`,
/// `d = 1 / iscale` (F32), and Σq per 16 values. Vectorized; every lane does the scalar
/// reference's arithmetic, so the values are the same.
@inline(__always)
func quantizeRowQ8K(
    _ x: UnsafePointer<Float>, _ q8: UnsafeMutablePointer<Int8>,
    _ scales: UnsafeMutablePointer<Float>, _ bsums: UnsafeMutablePointer<Int32>,
    blocks: Int
) {
    for b in 0..<blocks {
        let xb = UnsafeRawPointer(x + b * 256)
        @inline(__always) func load(_ i: Int) -> SIMD8<Float> {
            xb.loadUnaligned(fromByteOffset: i * 32, as: SIMD8<Float>.self)
        }
        var m = maxAbs(load(0))
        for i in 1..<32 { m = lanewiseMax(m, maxAbs(load(i))) }
        let amax = horizontalMax(m)
        if amax == 0 {
            scales[b] = 0
            for j in 0..<256 { q8[b * 256 + j] = 0 }
            for j in 0..<16 { bsums[b * 16 + j] = 0 }
            continue
        }
        // The scalar reference keeps the first value whose magnitude is the maximum.
        var maxValue: Float = 0
        for j in 0..<256 where abs(x[b * 256 + j]) == amax {
            maxValue = x[b * 256 + j]
            break
        }
        let iscale = -127 / maxValue
        @inline(__always) func quantized(_ i: Int) -> SIMD8<Int32> {
            let v = roundToNearestEvenInt(load(i) * iscale)
            let over = (127 &- v) &>> 31 // −1 where v > 127 (lane comparisons are not inlined)
            return v &- ((v &- 127) & over)
        }
        for sub in 0..<8 {
            let i0 = quantized(sub * 4)
            let i1 = quantized(sub * 4 + 1)
            let i2 = quantized(sub * 4 + 2)
            let i3 = quantized(sub * 4 + 3)
            UnsafeMutableRawPointer(q8 + b * 256 + sub * 32).storeBytes(
                of: narrowToBytes(i0, i1, i2, i3),
                as: SIMD32<Int8>.self)
            bsums[b * 16 + sub * 2] = (i0 &+ i1).wrappedSum()
            bsums[b * 16 + sub * 2 + 1] = (i2 &+ i3).wrappedSum()
        }
        scales[b] = 1 / iscale
    }
}
