import Builtin

/// Small helpers shared by the kernels (all inlined into the instantiating module).

/// Asks the CPU to bring the cache line at `address` closer (`prefetcht0`); a hint, never a fault.
@inlinable @inline(__always)
public func prefetch(_ address: UnsafeRawPointer) {
    Builtin.int_prefetch_RawPointer(
        address._rawValue, (0 as Int32)._value, (3 as Int32)._value, (1 as Int32)._value)
}

/// How far ahead of the block being read single-token kernels prefetch a weight row, in bytes:
/// the out-of-order window alone keeps too few cache misses in flight to use the memory bandwidth.
@inlinable public var prefetchDistance: Int { 768 }

/// Horizontal sum in the order of ggml's `hsum_float_8` (and tinyBLAS's `hsum`):
/// `((v0+v4)+(v2+v6)) + ((v1+v5)+(v3+v7))`.
@inlinable @inline(__always)
public func horizontalSum(_ v: SIMD8<Float>) -> Float {
    let quad = v.lowHalf + v.highHalf
    let pair = quad.lowHalf + quad.highHalf
    return pair[0] + pair[1]
}

/// Widens 16 Int16 products-of-pairs to 8 Int32 lanes: lane k = p[2k] + p[2k+1].
@inlinable @inline(__always)
public func pairwiseWiden(_ p: SIMD16<Int16>) -> SIMD8<Int32> {
    let words = unsafeBitCast(p, to: SIMD8<Int32>.self)
    return ((words &<< 16) &>> 16) &+ (words &>> 16)
}

@inlinable @inline(__always)
public func loadHalf(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
    Float(p.loadUnaligned(fromByteOffset: offset, as: Float16.self))
}

/// `Float(v)` for integers of magnitude below 2²², exactly (the 1.5·2²³ bias trick). Block
/// lane sums are at most 4·128·127 in magnitude. Written out because the standard library's
/// conversion is not always inlined into the kernels.
@inlinable @inline(__always)
public func exactFloat(_ v: SIMD8<Int32>) -> SIMD8<Float> {
    let biased = unsafeBitCast(v &+ 0x4B40_0000, to: SIMD8<Float>.self)
    return biased - SIMD8<Float>(repeating: 12_582_912.0)
}

/// The F16 scale (bytes 0–1) and the F16 at bytes 2–3 (Q4_1's minimum, Q4_K's dmin) of a
/// block, read with one zero-extending 4-byte load: a 2-byte insert would merge into whatever
/// register the compiler picks, often a loop accumulator, and chain every block behind the
/// previous one. Every block format is at least 18 bytes long, so the read stays inside.
@inlinable @inline(__always)
public func loadScaleAndMinimum(_ block: UnsafeRawPointer) -> (d: Float, m: Float) {
    let bits = block.loadUnaligned(as: UInt32.self)
    let halves = unsafeBitCast(SIMD4<UInt32>(bits, 0, 0, 0), to: SIMD8<Float16>.self).lowHalf
    let floats = SIMD4<Float>(halves)
    return (floats[0], floats[1])
}

/// The 6-bit scale and min of sub-block `j` of a Q4_K block (ggml's `get_scale_min_k4`).
@inlinable @inline(__always)
public func q4KScaleMin(_ scales: UnsafeRawPointer, _ j: Int) -> (Int32, Int32) {
    @inline(__always) func byte(_ i: Int) -> Int32 { Int32(scales.load(fromByteOffset: i, as: UInt8.self)) }
    if j < 4 {
        return (byte(j) & 63, byte(j + 4) & 63)
    }
    let sc = (byte(j + 4) & 0xF) | ((byte(j - 4) >> 6) << 4)
    let m = (byte(j + 4) >> 4) | ((byte(j) >> 6) << 4)
    return (sc, m)
}
