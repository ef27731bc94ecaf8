import KernelSource
import KernelsX86

/// One `vpdpbusd` per 32-value block and column (signed weights through `vpsignb` first,
/// `UnsignedWeightIntegerOps`).
public enum AVXVNNIIntegerOps: UnsignedWeightIntegerOps {
    @inline(__always)
    public static func dot(unsigned w: SIMD32<UInt8>, _ x: SIMD32<Int8>) -> SIMD8<Int32> {
        dotBytes(SIMD8<Int32>(), w, x)
    }
}

/// The kernels for CPUs with AVX-VNNI but not AVX-512 (Alder Lake and later client cores;
/// compiled with `-target-cpu alderlake`).
public enum AVXVNNIKernels: KernelSet {
    public typealias IntegerOps = AVXVNNIIntegerOps
    public static var name: String { "avxvnni" }
}
