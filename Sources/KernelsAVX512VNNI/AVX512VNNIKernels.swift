import Builtin
import KernelSource
import KernelsX86

/// `vpdpbusd` on 512-bit vectors: 16 lanes.
@inline(__always)
func dotBytes(_ acc: SIMD16<Int32>, _ a: SIMD64<UInt8>, _ b: SIMD64<Int8>) -> SIMD16<Int32> {
    simd(
        Builtin.int_x86_avx512_vpdpbusd_512(
            acc._storage._value, unsafeBitCast(a, to: SIMD16<Int32>.self)._storage._value,
            unsafeBitCast(b, to: SIMD16<Int32>.self)._storage._value))
}

/// One `vpdpbusd` per 32-value block and column (`VNNIIntegerOps`); the 512-bit operations of
/// the wide kernels.
public enum AVX512VNNIIntegerOps: VNNIIntegerOps, WideSuperBlockOps {
    @inline(__always)
    public static func dotScaled(
        _ acc: SIMD16<Int32>, unsigned w: SIMD64<UInt8>, _ x: SIMD64<Int8>, scales: SIMD32<Int16>
    ) -> SIMD16<Int32> {
        dotPairs(acc, simd(Builtin.int_x86_avx512_pmaddubs_w_512(w._storage._value, x._storage._value)), scales)
    }

    @inline(__always)
    public static func dotPairs(_ acc: SIMD16<Int32>, _ a: SIMD32<Int16>, _ b: SIMD32<Int16>) -> SIMD16<Int32> {
        simd(
            Builtin.int_x86_avx512_vpdpwssd_512(
                acc._storage._value, unsafeBitCast(a, to: SIMD16<Int32>.self)._storage._value,
                unsafeBitCast(b, to: SIMD16<Int32>.self)._storage._value))
    }

    @inline(__always)
    public static func permute(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ index: SIMD16<Int32>) -> SIMD16<Float> {
        simd(
            Builtin.int_x86_avx512_vpermi2var_ps_512(
                a._storage._value, index._storage._value, b._storage._value))
    }

    @inline(__always)
    public static func permute(_ a: SIMD16<Int32>, _ b: SIMD16<Int32>, _ index: SIMD16<Int32>) -> SIMD16<Int32> {
        simd(
            Builtin.int_x86_avx512_vpermi2var_d_512(
                a._storage._value, index._storage._value, b._storage._value))
    }

    @inline(__always)
    public static func dot(_ acc: SIMD16<Int32>, unsigned w: SIMD64<UInt8>, _ x: SIMD64<Int8>) -> SIMD16<Int32> {
        dotBytes(acc, w, x)
    }
}

/// The kernels for AVX-512 VNNI CPUs (Cascade Lake and later servers; compiled with
/// `-target-cpu cascadelake`, 256-bit vectors).
public enum AVX512VNNIKernels: KernelSet {
    public typealias IntegerOps = AVX512VNNIIntegerOps
    public static var name: String { "avx512vnni" }

    public static func matmulTile(
        _ w: WeightView, _ x: ActivationView, rows: Range<Int>, columns: Range<Int>,
        out: UnsafeMutablePointer<Float>, outStride: Int
    ) {
        typealias Ops = AVX512VNNIIntegerOps
        @inline(__always) func block32<F: Block32Format>(_ format: F.Type) {
            matmulTileBlock32Wide(F.self, Ops.self, w, x, rows: rows, columns: columns, out: out, outStride: outStride)
        }
        switch w.format {
        case .q4_1: block32(Q4_1Format.self)
        case .q8_0: block32(Q8_0Format.self)
        case .q4_0: block32(Q4_0Format.self)
        case .q5_0: block32(Q5_0Format.self)
        case .q4_K where w.rows % 8 == 0:
            // ggml's repacked GEMM for whole groups of four activation rows, its GEMV for the rest.
            let gemm = columns.lowerBound..<max(columns.lowerBound, min(columns.upperBound, x.gemmColumns))
            if gemm.count >= 4 { // fewer columns: the 256-bit kernel
                matmulTileSuperBlocksWide(
                    Q4_KFormat.self, Ops.self, w, x, rows: rows, columns: gemm, out: out, outStride: outStride)
            }
            let rest = (gemm.count >= 4 ? gemm.upperBound : columns.lowerBound)..<columns.upperBound
            if !rest.isEmpty {
                kernelMatmulTile(Ops.self, w, x, rows: rows, columns: rest, out: out, outStride: outStride)
            }
        case .q6_K where x.rows >= 8 && columns.count >= 4:
            matmulTileSuperBlocksWide(
                Q6_KFormat.self, Ops.self, w, x, rows: rows, columns: columns, out: out, outStride: outStride)
        case .q4_K, .q6_K:
            // Single-token steps and batches ggml does not send through its GEMMs.
            kernelMatmulTile(Ops.self, w, x, rows: rows, columns: columns, out: out, outStride: outStride)
        }
    }
}
