import KernelSource
import KernelsX86

/// One `vpdpbusd` per 32-value block and column.
public enum AVXVNNIIntegerOps: VNNIIntegerOps {}

/// The kernels for CPUs with AVX-VNNI but not AVX-512 (Alder Lake and later client cores;
/// compiled with `-target-cpu alderlake`).
public enum AVXVNNIKernels: KernelSet {
    public typealias IntegerOps = AVXVNNIIntegerOps
    public static var name: String { "avxvnni" }
}
