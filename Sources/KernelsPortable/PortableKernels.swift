import KernelSource

/// The kernels for any x86-64 CPU (compiled with `-target-cpu x86-64`): plain Swift SIMD, no
/// instruction-set-specific code. Also the reference the other sets are tested against.
public enum PortableKernels: KernelSet {
    public static var name: String { "portable" }

    public static func matmulTile(
        _ w: WeightView, _ x: ActivationView, rows: Range<Int>, columns: Range<Int>,
        out: UnsafeMutablePointer<Float>, outStride: Int
    ) {
        kernelMatmulTile(PortableIntegerOps.self, w, x, rows: rows, columns: columns, out: out, outStride: outStride)
    }

    public static func integerLaneSums(
        _ w: WeightView, row: Int, _ x: ActivationView, column: Int,
        out: UnsafeMutablePointer<Int32>
    ) {
        kernelIntegerLaneSums(PortableIntegerOps.self, w, row: row, x, column: column, out: out)
    }
}
