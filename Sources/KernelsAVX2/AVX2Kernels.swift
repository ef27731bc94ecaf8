import Builtin
import KernelSource

/// `vpmaddubsw` (AVX2): unsigned bytes × signed bytes, adjacent pairs summed to Int16
/// (saturating; the formats' ranges never reach it).
@inline(__always)
func multiplyAddBytes(_ a: SIMD32<UInt8>, _ b: SIMD32<Int8>) -> SIMD16<Int16> {
    var result = SIMD16<Int16>()
    result._storage._value = Builtin.int_x86_avx2_pmadd_ub_sw(a._storage._value, b._storage._value)
    return result
}

/// `vpsignb`: `a` negated where `b` < 0, zeroed where `b` = 0.
@inline(__always)
func applySign(_ a: SIMD32<Int8>, of b: SIMD32<Int8>) -> SIMD32<Int8> {
    var result = SIMD32<Int8>()
    result._storage._value = Builtin.int_x86_avx2_psign_b(a._storage._value, b._storage._value)
    return result
}

/// `vpmaddwd` (AVX2): lane k = a[2k]·b[2k] + a[2k+1]·b[2k+1] in 32 bits.
@inline(__always)
func multiplyAddPairs(_ a: SIMD16<Int16>, _ b: SIMD16<Int16>) -> SIMD8<Int32> {
    var result = SIMD8<Int32>()
    result._storage._value = Builtin.int_x86_avx2_pmadd_wd(a._storage._value, b._storage._value)
    return result
}

/// ggml's AVX2 sequence: `vpmaddubsw` then `vpmaddwd` with ones; signed weights go through
/// `vpsignb` first (|w| × x·sign(w)).
enum AVX2IntegerOps: BlockIntegerOps {
    @inline(__always)
    static func dot(unsigned w: SIMD32<UInt8>, _ x: SIMD32<Int8>) -> SIMD8<Int32> {
        multiplyAddPairs(multiplyAddBytes(w, x), SIMD16<Int16>(repeating: 1))
    }

    @inline(__always)
    static func dot(signed w: SIMD32<Int8>, _ x: SIMD32<Int8>) -> SIMD8<Int32> {
        dot(unsigned: unsafeBitCast(applySign(w, of: w), to: SIMD32<UInt8>.self), applySign(x, of: w))
    }
}

/// The kernels for AVX2 + FMA + F16C CPUs (compiled with `-target-cpu haswell`).
public enum AVX2Kernels: KernelSet {
    public static var name: String { "avx2" }

    public static func matmulTile(
        _ w: WeightView, _ x: ActivationView, rows: Range<Int>, columns: Range<Int>,
        out: UnsafeMutablePointer<Float>, outStride: Int
    ) {
        kernelMatmulTile(AVX2IntegerOps.self, w, x, rows: rows, columns: columns, out: out, outStride: outStride)
    }

    public static func integerLaneSums(
        _ w: WeightView, row: Int, _ x: ActivationView, column: Int,
        out: UnsafeMutablePointer<Int32>
    ) {
        kernelIntegerLaneSums(AVX2IntegerOps.self, w, row: row, x, column: column, out: out)
    }
}
