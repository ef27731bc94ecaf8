import KernelSource

/// The kernels for any x86-64 CPU (compiled with `-target-cpu x86-64`): plain Swift SIMD, no
/// instruction-set-specific code. Also the reference the other sets are tested against.
public enum PortableKernels: KernelSet {
    public typealias IntegerOps = PortableIntegerOps
    public static var name: String { "portable" }
}
