import Builtin
import KernelSource
import KernelsX86

/// `vpmaddubsw` (AVX2): unsigned bytes × signed bytes, adjacent pairs summed to Int16
/// (saturating; the formats' ranges never reach it).
@inline(__always)
func multiplyAddBytes(_ a: SIMD32<UInt8>, _ b: SIMD32<Int8>) -> SIMD16<Int16> {
    simd(Builtin.int_x86_avx2_pmadd_ub_sw(a._storage._value, b._storage._value))
}

/// `vpmaddwd` (AVX2): lane k = a[2k]·b[2k] + a[2k+1]·b[2k+1] in 32 bits.
@inline(__always)
func multiplyAddPairs(_ a: SIMD16<Int16>, _ b: SIMD16<Int16>) -> SIMD8<Int32> {
    simd(Builtin.int_x86_avx2_pmadd_wd(a._storage._value, b._storage._value))
}

/// ggml's AVX2 sequence: `vpmaddubsw` then `vpmaddwd` with ones (signed weights through
/// `vpsignb` first, `UnsignedWeightIntegerOps`).
public enum AVX2IntegerOps: UnsignedWeightIntegerOps {
    @inline(__always)
    public static func dot(unsigned w: SIMD32<UInt8>, _ x: SIMD32<Int8>) -> SIMD8<Int32> {
        multiplyAddPairs(multiplyAddBytes(w, x), SIMD16<Int16>(repeating: 1))
    }
}

/// The kernels for AVX2 + FMA + F16C CPUs (compiled with `-target-cpu haswell`).
public enum AVX2Kernels: KernelSet {
    public typealias IntegerOps = AVX2IntegerOps
    public static var name: String { "avx2" }
}
