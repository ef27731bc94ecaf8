import KernelSource
import KernelsAVX2
import KernelsAVX512VNNI
import KernelsAVXVNNI
import KernelsPortable
import ModelFormat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The integer kernel sets this binary carries and the one it uses, chosen once per process
/// from the CPU's features (Linux: the `flags` line of /proc/cpuinfo). `ASSAY_KERNELS=<name>`
/// forces a set (for tests and comparisons); a set the CPU cannot run is never chosen.
/// All sets give bit-identical results.
public enum KernelSets {
    /// Every set, best first, with the CPU flags it needs.
    static let all: [(set: any KernelSet.Type, flags: [String])] = [
        (
            AVX512VNNIKernels.self,
            [
                "avx2", "fma", "f16c", "bmi2", "avx512f", "avx512bw", "avx512cd", "avx512dq",
                "avx512vl", "avx512_vnni"
            ]
        ),
        (AVXVNNIKernels.self, ["avx2", "fma", "f16c", "bmi2", "movbe", "avx_vnni", "gfni", "vaes", "vpclmulqdq"]),
        (AVX2Kernels.self, ["avx2", "fma", "f16c", "bmi2"]),
        (PortableKernels.self, [])
    ]

    /// The CPU's feature flags (empty where they cannot be read: only the portable set runs).
    static let cpuFlags: Set<String> = {
        #if os(Linux)
        guard let file = fopen("/proc/cpuinfo", "r") else { return [] }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0 {
            guard let line else { break }
            let text = String(cString: line)
            if text.hasPrefix("flags") {
                let values = text.split(separator: ":", maxSplits: 1).last ?? ""
                return Set(values.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init))
            }
        }
        return []
        #else
        return []
        #endif
    }()

    /// Sets this CPU can run, best first.
    static let available: [any KernelSet.Type] = all.filter { $0.flags.allSatisfy(cpuFlags.contains) }.map(\.set)

    /// The set in use: `ASSAY_KERNELS` if it names an available set, else the best available.
    static let selected: any KernelSet.Type = {
        if let raw = getenv("ASSAY_KERNELS") {
            let wanted = String(cString: raw).lowercased()
            if let match = available.first(where: { $0.name == wanted }) { return match }
        }
        return available.first ?? PortableKernels.self
    }()

    /// The value of `ASSAY_KERNELS` when it names no set this CPU can run (the best available
    /// set is used instead), so that tools can say so; nil when unset or honoured.
    public static var ignoredRequest: String? {
        guard let raw = getenv("ASSAY_KERNELS") else { return nil }
        let wanted = String(cString: raw).lowercased()
        return available.contains { $0.name == wanted } ? nil : wanted
    }

    /// Name of the set in use (`portable`, `avx2`, `avxvnni`, `avx512vnni`).
    public static var selectedName: String { selected.name }
    /// Names of the sets this CPU can run, best first.
    public static var availableNames: [String] { available.map { $0.name } }
    /// Names of every set in the binary.
    public static var allNames: [String] { all.map { $0.set.name } }
}

extension BlockWeightFormat {
    /// The tensor types the integer kernels compute, with their kernel formats.
    static let ofTensorType: [GGMLType: BlockWeightFormat] = [
        .q4_0: .q4_0, .q4_1: .q4_1, .q5_0: .q5_0, .q8_0: .q8_0, .q4_K: .q4_K, .q6_K: .q6_K
    ]

    /// The kernel format of a tensor type, nil for types the integer kernels do not compute.
    init?(_ type: GGMLType) {
        guard let format = Self.ofTensorType[type] else { return nil }
        self = format
    }
}

extension WeightMatrix {
    /// The kernel-side view, for integer block formats.
    var blockView: WeightView? {
        kernelFormat.map { WeightView(format: $0, rows: rows, cols: cols, data: data, rowBytes: rowBytes) }
    }
}

extension QuantizedActivations {
    /// The kernel-side view of the quantized rows.
    var view: ActivationView {
        ActivationView(
            cols: cols, q8: UnsafePointer(q8), scales: UnsafePointer(scales), sums: UnsafePointer(sums),
            bsums: UnsafePointer(bsums), rows: rows)
    }
}

/// One tile of an integer-block matrix product with the selected kernel set.
func matmulTileBlocks(
    _ w: WeightMatrix, _ x: QuantizedActivations, rows: Range<Int>, columns: Range<Int>,
    out: UnsafeMutablePointer<Float>, outStride: Int, kernels: any KernelSet.Type = KernelSets.selected
) {
    guard let view = w.blockView else {
        preconditionFailure("\(w.name): \(w.type.name) is not an integer block format")
    }
    kernels.matmulTile(view, x.view, rows: rows, columns: columns, out: out, outStride: outStride)
}
