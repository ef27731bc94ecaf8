import KernelSource

/// Row · activation dot products in ggml's arithmetic: integer products per 32-value block,
/// scaled per block in F32 (`acc = fma(d_w * d_x, Σ q_w q_x, acc)`), as ggml's x86 `vec_dot`
/// kernels do. Activation rows come from `QuantizedActivations` (Int16 values, evens then odds
/// inside each block), so the summation order depends only on the row, never on batching or
/// threads.

/// tinyBLAS's F32 accumulation (llama.cpp's prompt path for F16 and F32 weights): one 8-lane
/// FMA accumulator over whole groups of eight values (`products(i)` gives weights and
/// activations i…i+7), then `horizontalSum`. Returns the sum and how many values it covered.
@inline(__always)
func tinyBLASSum(count: Int, _ products: (Int) -> (SIMD8<Float>, SIMD8<Float>)) -> (sum: Float, done: Int) {
    var acc = SIMD8<Float>()
    var i = 0
    while i + 8 <= count {
        let (w, x) = products(i)
        acc = acc.addingProduct(w, x)
        i += 8
    }
    return (horizontalSum(acc), i)
}

/// F16 row against F16 activations, products summed in F32 with one 8-lane FMA accumulator
/// and `horizontalSum` (the order of llama.cpp's tinyBLAS F16 kernel used for prompts).
@inline(__always)
func dotF16(_ w: UnsafeRawPointer, _ x: UnsafePointer<Float16>, count: Int) -> Float {
    let xr = UnsafeRawPointer(x)
    var (sum, i) = tinyBLASSum(count: count) { i in
        (
            SIMD8<Float>(w.loadUnaligned(fromByteOffset: i * 2, as: SIMD8<Float16>.self)),
            SIMD8<Float>(xr.loadUnaligned(fromByteOffset: i * 2, as: SIMD8<Float16>.self))
        )
    }
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
    var a0 = SIMD8<Float>()
    var a1 = SIMD8<Float>()
    var a2 = SIMD8<Float>()
    var a3 = SIMD8<Float>()
    var i = 0
    @inline(__always) func pair(_ offset: Int) -> (SIMD8<Float>, SIMD8<Float>) {
        (
            SIMD8<Float>(w.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float16>.self)),
            SIMD8<Float>(xr.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float16>.self))
        )
    }
    while i + 32 <= count {
        let o = i * 2
        let (w0, x0) = pair(o)
        let (w1, x1) = pair(o + 16)
        let (w2, x2) = pair(o + 32)
        let (w3, x3) = pair(o + 48)
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
    // llama.cpp runs F32 × F32 products (LoRA adapters) through tinyBLAS when the row length is a
    // multiple of 8: one 8-lane FMA accumulator, then the 8→4→2→1 horizontal sum.
    let xr = UnsafeRawPointer(x)
    var (sum, i) = tinyBLASSum(count: count) { i in
        (
            w.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self),
            xr.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
        )
    }
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
