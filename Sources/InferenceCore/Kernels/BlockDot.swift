/// Row · activation dot products in ggml's arithmetic: integer products per 32-value block,
/// scaled per block in F32 (`acc = fma(d_w * d_x, Σ q_w q_x, acc)`), as ggml's x86 `vec_dot`
/// kernels do. Activation rows come from `QuantizedActivations` (Int16 values, evens then odds
/// inside each block), so the summation order depends only on the row, never on batching or
/// threads.

/// Horizontal sum in the order of ggml's `hsum_float_8` (and tinyBLAS's `hsum`):
/// `((v0+v4)+(v2+v6)) + ((v1+v5)+(v3+v7))`.
@inline(__always)
func horizontalSum(_ v: SIMD8<Float>) -> Float {
    let quad = v.lowHalf + v.highHalf
    let pair = quad.lowHalf + quad.highHalf
    return pair[0] + pair[1]
}

/// Widens 16 Int16 products-of-pairs to 8 Int32 lanes: lane k = p[2k] + p[2k+1].
@inline(__always)
func pairwiseWiden(_ p: SIMD16<Int16>) -> SIMD8<Int32> {
    let words = unsafeBitCast(p, to: SIMD8<Int32>.self)
    return ((words &<< 16) &>> 16) &+ (words &>> 16)
}

@inline(__always)
func loadHalf(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
    Float(p.loadUnaligned(fromByteOffset: offset, as: Float16.self))
}

/// F16 row against F16 activations, products summed in F32 with one 8-lane FMA accumulator
/// and `horizontalSum` (the order of llama.cpp's tinyBLAS F16 kernel used for prompts).
@inline(__always)
func dotF16(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float16>, count: Int) -> Float {
    let xr = UnsafeRawPointer(x)
    var acc = SIMD8<Float>()
    var i = 0
    while i + 8 <= count {
        acc = acc.addingProduct(SIMD8<Float>(w.loadUnaligned(fromByteOffset: i * 2, as: SIMD8<Float16>.self)),
                                SIMD8<Float>(xr.loadUnaligned(fromByteOffset: i * 2, as: SIMD8<Float16>.self)))
        i += 8
    }
    var sum = horizontalSum(acc)
    while i < count {
        sum = sum.addingProduct(Float(w.loadUnaligned(fromByteOffset: i * 2, as: Float16.self)), Float(x[i]))
        i += 1
    }
    return sum
}

/// F16 · F16 in the order of `ggml_vec_dot_f16` (llama.cpp's single-token path): four 8-lane
/// accumulators over 32-value steps, reduced as (a0+a2)+(a1+a3) then pairwise within the
/// vector, leftovers added in double.
@inline(__always)
func dotF16Single(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float16>, count: Int) -> Float {
    let xr = UnsafeRawPointer(x)
    var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
    var i = 0
    @inline(__always) func pair(_ offset: Int) -> (SIMD8<Float>, SIMD8<Float>) {
        (SIMD8<Float>(w.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float16>.self)),
         SIMD8<Float>(xr.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float16>.self)))
    }
    while i + 32 <= count {
        let o = i * 2
        let (w0, x0) = pair(o), (w1, x1) = pair(o + 16), (w2, x2) = pair(o + 32), (w3, x3) = pair(o + 48)
        a0 = a0.addingProduct(w0, x0)
        a1 = a1.addingProduct(w1, x1)
        a2 = a2.addingProduct(w2, x2)
        a3 = a3.addingProduct(w3, x3)
        i += 32
    }
    let total = (a0 + a2) + (a1 + a3)
    let quad = total.lowHalf + total.highHalf
    var sum = Double((quad[0] + quad[1]) + (quad[2] + quad[3]))
    while i < count {
        sum += Double(Float(w.loadUnaligned(fromByteOffset: i * 2, as: Float16.self)) * Float(x[i]))
        i += 1
    }
    return Float(sum)
}

/// F32 row against F32 activations.
@inline(__always)
func dotF32(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
    let xr = UnsafeRawPointer(x)
    var a0 = SIMD8<Float>(), a1 = SIMD8<Float>()
    var i = 0
    while i + 16 <= count {
        a0 = a0.addingProduct(w.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self),
                              xr.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self))
        a1 = a1.addingProduct(w.loadUnaligned(fromByteOffset: i * 4 + 32, as: SIMD8<Float>.self),
                              xr.loadUnaligned(fromByteOffset: i * 4 + 32, as: SIMD8<Float>.self))
        i += 16
    }
    var sum = (a0 + a1).sum()
    while i < count {
        sum += w.loadUnaligned(fromByteOffset: i * 4, as: Float.self) * x[i]
        i += 1
    }
    return sum
}

/// F16 · F16 dot of two half vectors (attention: K rows against an F16-rounded query).
@inline(__always)
func dotHalves(_ a: UnsafePointer<Float16>, _ b: UnsafePointer<Float16>, count: Int) -> Float {
    dotF16(UnsafeRawPointer(a), b, count: count)
}

/// The 6-bit scale and min of sub-block `j` of a Q4_K block (ggml's `get_scale_min_k4`).
@inline(__always)
func q4KScaleMin(_ scales: UnsafeRawPointer, _ j: Int) -> (Int32, Int32) {
    @inline(__always) func byte(_ i: Int) -> Int32 { Int32(scales.load(fromByteOffset: i, as: UInt8.self)) }
    if j < 4 {
        return (byte(j) & 63, byte(j + 4) & 63)
    }
    let sc = (byte(j + 4) & 0xF) | ((byte(j - 4) >> 6) << 4)
    let m = (byte(j + 4) >> 4) | ((byte(j) >> 6) << 4)
    return (sc, m)
}

/// Q4_K (256 values: d, dmin, 12 scale bytes, 128 nibble bytes) against Q8_K activations:
/// per superblock `d8·d·Σ_j sc_j·(q·x)_j − d8·dmin·Σ_j m_j·bsum_j`, as ggml_vec_dot_q4_K_q8_K.
@inline(__always)
func dotQ4_K(_ w: UnsafeRawPointer, _ xq: UnsafePointer<Int16>, _ xd: UnsafePointer<Float>,
             _ bsums: UnsafePointer<Int32>, blocks: Int) -> Float {
    var acc = SIMD8<Float>()
    var accMins: Float = 0
    let x = UnsafeRawPointer(xq)
    for b in 0..<blocks {
        let wb = w + b * 144
        let d = xd[b] * loadHalf(wb, 0)
        let dmin = -xd[b] * loadHalf(wb, 2)
        let scales = wb + 4
        var sumi = SIMD8<Int32>()
        var mins: Int32 = 0
        for j in 0..<8 {
            let (sc, m) = q4KScaleMin(scales, j)
            mins &+= m &* (bsums[b * 16 + 2 * j] &+ bsums[b * 16 + 2 * j + 1])
            let raw = wb.loadUnaligned(fromByteOffset: 16 + (j / 2) * 32, as: SIMD16<Int16>.self)
            let shifted = (j & 1) == 0 ? raw : raw &>> 4
            let we = shifted & 0x000F
            let wo = (shifted &>> 8) & 0x000F
            let offset = (b * 256 + j * 32) * 2
            let xe = x.loadUnaligned(fromByteOffset: offset, as: SIMD16<Int16>.self)
            let xo = x.loadUnaligned(fromByteOffset: offset + 32, as: SIMD16<Int16>.self)
            sumi &+= pairwiseWiden(we &* xe &+ wo &* xo) &* sc
        }
        acc = acc.addingProduct(SIMD8<Float>(sumi), d)
        accMins += dmin * Float(mins)
    }
    return horizontalSum(acc) + accMins
}

/// Q6_K (256 values: 128 low-nibble bytes, 64 high-bit bytes, 16 int8 scales, d) against Q8_K
/// activations: per superblock `d8·d·Σ_g sc_g·Σ (q − 32)·x` over 16-value groups.
@inline(__always)
func dotQ6_K(_ w: UnsafeRawPointer, _ xq: UnsafePointer<Int16>, _ xd: UnsafePointer<Float>,
             blocks: Int) -> Float {
    var acc = SIMD8<Float>()
    let x = UnsafeRawPointer(xq)
    for b in 0..<blocks {
        let wb = w + b * 210
        let d = xd[b] * loadHalf(wb, 208)
        var sumi = SIMD8<Int32>()
        for s in 0..<8 {
            let half = s / 4, part = s % 4
            let low = wb.loadUnaligned(fromByteOffset: half * 64 + (part & 1) * 32, as: SIMD16<Int16>.self)
            let nibbles = part < 2 ? low : low &>> 4
            let high = wb.loadUnaligned(fromByteOffset: 128 + half * 32, as: SIMD16<Int16>.self)
            let shift = Int16(2 * part)
            let we = ((nibbles & 0x000F) | (((high &>> shift) & 3) &<< 4)) &- 32
            let wo = (((nibbles &>> 8) & 0x000F) | (((high &>> (shift + 8)) & 3) &<< 4)) &- 32
            let offset = (b * 256 + s * 32) * 2
            let xe = x.loadUnaligned(fromByteOffset: offset, as: SIMD16<Int16>.self)
            let xo = x.loadUnaligned(fromByteOffset: offset + 32, as: SIMD16<Int16>.self)
            let sc0 = Int32(wb.load(fromByteOffset: 192 + 2 * s, as: Int8.self))
            let sc1 = Int32(wb.load(fromByteOffset: 192 + 2 * s + 1, as: Int8.self))
            let scale = SIMD8<Int32>(sc0, sc0, sc0, sc0, sc1, sc1, sc1, sc1)
            sumi &+= pairwiseWiden(we &* xe &+ wo &* xo) &* scale
        }
        acc = acc.addingProduct(SIMD8<Float>(sumi), d)
    }
    return horizontalSum(acc)
}
