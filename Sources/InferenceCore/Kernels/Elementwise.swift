#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ggml's RMSNorm followed by the weight multiply: Σx² accumulated in double from F32
/// squares, `scale = 1 / sqrtf(mean + eps)`, `y = (x · scale) · w`.
@inline(__always)
func rmsNorm(
    _ x: UnsafePointer<Float>, _ weight: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
    count: Int, epsilon: Float
) {
    var sum: Double = 0
    for i in 0..<count {
        let v = x[i]
        sum += Double(v * v)
    }
    let mean = Float(sum / Double(count))
    let scale = 1 / sqrtf(mean + epsilon)
    for i in 0..<count {
        y[i] = (x[i] * scale) * weight[i]
    }
}

/// ggml's AVX2 `ggml_v_expf` (an Arm-derived polynomial, max error ≈1.5 ulp), reproduced
/// operation for operation so soft-max and SiLU round exactly as llama.cpp's x86 build does.
@inline(__always)
func vectorExp(_ x: SIMD8<Float>) -> SIMD8<Float> {
    let r = SIMD8<Float>(repeating: 0x1.8p23)
    let z = r.addingProduct(x, SIMD8<Float>(repeating: 0x1.715476p+0))
    let n = z - r
    let inner = x.addingProduct(-n, SIMD8<Float>(repeating: 0x1.62e4p-1))
    let b = inner.addingProduct(-n, SIMD8<Float>(repeating: 0x1.7f7d1cp-20))
    let zBits = unsafeBitCast(z, to: SIMD8<UInt32>.self)
    let e = zBits &<< 23
    let oneBits = SIMD8<UInt32>(repeating: Float(1).bitPattern)
    let k = unsafeBitCast(e &+ oneBits, to: SIMD8<Float>.self)
    let absN = unsafeBitCast(unsafeBitCast(n, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: SIMD8<Float>.self)
    let c = absN .> 126
    let u = b * b
    let p1 = SIMD8<Float>(repeating: 0x1.573e2ep-5).addingProduct(SIMD8<Float>(repeating: 0x1.0e4020p-7), b)
    let p2 = SIMD8<Float>(repeating: 0x1.fffdb6p-2).addingProduct(SIMD8<Float>(repeating: 0x1.555e66p-3), b)
    let j = (SIMD8<Float>(repeating: 0x1.ffffecp-1) * b).addingProduct(p2.addingProduct(p1, u), u)
    let normal = k.addingProduct(j, k)
    if !any(c) { return normal }
    let g = SIMD8<UInt32>(repeating: 0).replacing(with: 0x8200_0000, where: n .<= 0)
    let s1 = unsafeBitCast(g &+ 0x7F00_0000, to: SIMD8<Float>.self)
    let s2 = unsafeBitCast(e &- g, to: SIMD8<Float>.self)
    let d = absN .> 192
    let scaled = s2.addingProduct(s2, j) * s1
    return normal.replacing(with: scaled, where: c).replacing(with: s1 * s1, where: d)
}

/// `gate[i] = silu(gate[i]) · up[i]`, `silu(x) = x / (1 + e^(−x))`, as ggml_vec_swiglu_f32:
/// eight at a time with `vectorExp`, the tail with `expf`.
@inline(__always)
func swiglu(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
    var i = 0
    let g = UnsafeMutableRawPointer(gate)
    let u = UnsafeRawPointer(up)
    let one = SIMD8<Float>(repeating: 1)
    while i + 8 <= count {
        let x = g.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        let silu = x / (one + vectorExp(SIMD8<Float>() - x))
        g.storeBytes(
            of: silu * u.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self),
            toByteOffset: i * 4, as: SIMD8<Float>.self)
        i += 8
    }
    while i < count {
        let x = gate[i]
        gate[i] = (x / (1 + expf(-x))) * up[i]
        i += 1
    }
}

/// `y += x`.
@inline(__always)
func addInPlace(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
    var i = 0
    let yr = UnsafeMutableRawPointer(y)
    let xr = UnsafeRawPointer(x)
    while i + 8 <= count {
        let sum =
            yr.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            + xr.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        yr.storeBytes(of: sum, toByteOffset: i * 4, as: SIMD8<Float>.self)
        i += 8
    }
    while i < count {
        y[i] += x[i]
        i += 1
    }
}

/// Rotation angles for one position, computed like ggml's rope cache: `θ` starts at the
/// position and is multiplied by `base^(−2/n_dims)` per pair (F32), divided by the optional
/// frequency factor and scaled by `freqScale`; entries are `(cos θ, sin θ)` pairs, times
/// `attentionFactor` (ggml's `mscale`, 1 unless the file sets a rope attention factor).
@inline(__always)
func ropeAngles(
    position: Int, pairs: Int, thetaScale: Float, freqScale: Float,
    factors: UnsafePointer<Float>?, attentionFactor: Float = 1,
    into cache: UnsafeMutablePointer<Float>
) {
    var theta = Float(position)
    for i in 0..<pairs {
        let factor = factors?[i] ?? 1
        let angle = freqScale * (theta / factor)
        cache[2 * i] = cosf(angle) * attentionFactor
        cache[2 * i + 1] = sinf(angle) * attentionFactor
        theta *= thetaScale
    }
}

/// Rotates one head in place with precomputed angles (`ropeDims` leading dimensions).
@inline(__always)
func applyRope(
    _ x: UnsafeMutablePointer<Float>, ropeDims: Int, style: RopeStyle,
    angles: UnsafePointer<Float>
) {
    switch style {
    case .normal:
        var i0 = 0
        while i0 < ropeDims {
            let c = angles[i0]
            let s = angles[i0 + 1]
            let x0 = x[i0]
            let x1 = x[i0 + 1]
            // C compilers contract these into FMAs; do the same.
            x[i0] = (-(x1 * s)).addingProduct(x0, c)
            x[i0 + 1] = (x1 * c).addingProduct(x0, s)
            i0 += 2
        }
    case .neox:
        let half = ropeDims / 2
        for i in 0..<half {
            let c = angles[2 * i]
            let s = angles[2 * i + 1]
            let x0 = x[i]
            let x1 = x[i + half]
            x[i] = (-(x1 * s)).addingProduct(x0, c)
            x[i + half] = (x1 * c).addingProduct(x0, s)
        }
    }
}
