#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Element-wise operations some architectures add to the llama block (see TransformerConfig).

/// ggml's `gelu_f32` (tanh approximation) evaluated at every F16 value, rounded to F16: the
/// table `ggml_vec_gelu_f32`/`ggml_vec_geglu_f32` read when built with `GGML_GELU_FP16` (the
/// default), so GELU rounds exactly as llama.cpp's.
let geluHalfTable: [Float16] = (0...UInt16.max).map { bits in
    let x = Float(Float16(bitPattern: bits))
    let sqrt2OverPi: Float = 0.79788456080286535587989211986876
    let coefA: Float = 0.044715
    // C compilers contract `1 + a·x·x` into one FMA under ggml's build flags; do the same.
    let inner = Float(1).addingProduct(coefA * x, x)
    return Float16(0.5 * x * (1 + tanhf(sqrt2OverPi * x * inner)))
}

/// `gate[i] = gelu(gate[i]) · up[i]` as `ggml_vec_geglu_f32`: 0 at or below −10, the identity at
/// or above 10, else the F16 table at the input rounded to F16.
@inline(__always)
func geglu(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
    geluHalfTable.withUnsafeBufferPointer { table in
        for i in 0..<count {
            let x = gate[i]
            if x <= -10 {
                gate[i] = 0
            } else if x >= 10 {
                gate[i] = x * up[i]
            } else {
                gate[i] = Float(table[Int(Float16(x).bitPattern)]) * up[i]
            }
        }
    }
}

/// `x *= factor` (ggml_scale).
@inline(__always)
func scaleInPlace(_ x: UnsafeMutablePointer<Float>, by factor: Float, count: Int) {
    for i in 0..<count { x[i] *= factor }
}

/// `x = cap · tanh(x / cap)` as ggml computes it (scale by 1/cap, tanh, scale by cap).
func softcap(_ x: UnsafeMutablePointer<Float>, count: Int, cap: Float) {
    let inverse = 1 / cap
    for i in 0..<count { x[i] = tanhf(x[i] * inverse) * cap }
}
