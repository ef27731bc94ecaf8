/// Integer block kernels written once, instantiated per instruction set.
///
/// This module holds the kernel source as `@inlinable` generic code over two things: the
/// weight format (how a block unpacks into Int16 lanes) and `BlockIntegerOps` (how 16-bit
/// products are summed into 32-bit lanes). Thin modules (KernelsPortable, KernelsAVX2,
/// KernelsAVXVNNI, KernelsAVX512VNNI) are each compiled with a different `-target-cpu`, supply
/// their `BlockIntegerOps` (LLVM intrinsics through the Builtin module where the generic SIMD
/// code does not lower to the instruction we want) and expose a `KernelSet`. InferenceCore
/// picks one at run time from the CPU's features.
///
/// Every set computes exactly the same integers (sums of products of small integers, no
/// overflow, no saturation) and then the same float operations in the same order, so results
/// are bit-identical whichever set runs.

/// The weight formats with integer kernels.
public enum BlockWeightFormat: Sendable, Hashable, CaseIterable {
    case q4_0, q4_1, q5_0, q8_0, q4_K, q6_K

    /// Values per block.
    public var blockSize: Int {
        switch self {
        case .q4_0, .q4_1, .q5_0, .q8_0: return 32
        case .q4_K, .q6_K: return 256
        }
    }
}

/// A read-only pointer into a memory-mapped model file. The one Sendable carrier of a weight
/// pointer: the mapping is never written and outlives every view (its owner, the `GGUFFile`,
/// is kept next to the pointers), so sharing the address across threads is safe. Weight
/// matrices, embedding tables and LoRA factors in InferenceCore hold one of these.
public struct MappedPointer: @unchecked Sendable {
    public let raw: UnsafeRawPointer

    @inlinable
    public init(_ raw: UnsafeRawPointer) { self.raw = raw }
}

/// A weight matrix in the mapped model file: `rows` rows of `cols` values.
public struct WeightView: Sendable {
    public let format: BlockWeightFormat
    public let rows: Int
    public let cols: Int
    public let mapped: MappedPointer
    public let rowBytes: Int

    /// The first byte of row 0.
    @inlinable
    public var data: UnsafeRawPointer { mapped.raw }

    /// The first byte of row `r`.
    @inlinable @inline(__always)
    public func row(_ r: Int) -> UnsafeRawPointer { mapped.raw + r * rowBytes }

    @inlinable
    public init(format: BlockWeightFormat, rows: Int, cols: Int, data: UnsafeRawPointer, rowBytes: Int) {
        self.format = format
        self.rows = rows
        self.cols = cols
        self.mapped = MappedPointer(data)
        self.rowBytes = rowBytes
    }
}

/// Quantized activation rows (Q8_0 / Q8_1 / Q8_K) as InferenceCore's `QuantizedActivations`
/// lays them out: `cols` Int8 values per row in natural order (`q8`), one scale per block, Q8_1
/// block sums, Q8_K sums per 16 values.
public struct ActivationView: @unchecked Sendable {
    public let cols: Int
    public let q8: UnsafePointer<Int8>
    public let scales: UnsafePointer<Float>
    public let sums: UnsafePointer<Float>
    public let bsums: UnsafePointer<Int32>
    /// Activation rows (batch columns) below this index take ggml's repacked-GEMM summation
    /// for Q4_K, the rest its GEMV summation: ggml multiplies whole groups of four rows with
    /// its GEMM and the remaining `rows % 4` one at a time (see `SuperBlock.swift`).
    public var gemmColumns: Int { rows - rows % 4 }
    /// Activation rows in this batch (ggml picks its K-quant kernels by this count).
    public let rows: Int

    @inlinable
    public init(
        cols: Int, q8: UnsafePointer<Int8>, scales: UnsafePointer<Float>, sums: UnsafePointer<Float>,
        bsums: UnsafePointer<Int32>, rows: Int
    ) {
        self.rows = rows
        self.cols = cols
        self.q8 = q8
        self.scales = scales
        self.sums = sums
        self.bsums = bsums
    }
}

/// One instantiation of the kernels for an instruction set.
public protocol KernelSet: Sendable {
    /// How the set multiplies bytes; the shared kernels below are instantiated with it.
    associatedtype IntegerOps: BlockIntegerOps
    /// Short name (`portable`, `avx2`, `avxvnni`, `avx512vnni`), also accepted by `ASSAY_KERNELS`.
    static var name: String { get }
    /// `out[b·outStride + r] = W[r] · x[b]` for `r` in `rows`, `b` in `columns`.
    static func matmulTile(
        _ w: WeightView, _ x: ActivationView, rows: Range<Int>, columns: Range<Int>,
        out: UnsafeMutablePointer<Float>, outStride: Int)
    /// The integer part of one row · one activation row, for cross-checking sets: per block
    /// the 8 Int32 lane sums (32-value formats) or the 8 scaled lane sums of a superblock
    /// (K-quants), written to `out` (8 per block).
    static func integerLaneSums(
        _ w: WeightView, row: Int, _ x: ActivationView, column: Int,
        out: UnsafeMutablePointer<Int32>)
}

/// The kernels every set shares, instantiated for its `IntegerOps` in the module that declares
/// the set (so compiled for that module's CPU); a set overrides what it does differently.
extension KernelSet {
    @inlinable
    public static func matmulTile(
        _ w: WeightView, _ x: ActivationView, rows: Range<Int>, columns: Range<Int>,
        out: UnsafeMutablePointer<Float>, outStride: Int
    ) {
        kernelMatmulTile(IntegerOps.self, w, x, rows: rows, columns: columns, out: out, outStride: outStride)
    }

    @inlinable
    public static func integerLaneSums(
        _ w: WeightView, row: Int, _ x: ActivationView, column: Int,
        out: UnsafeMutablePointer<Int32>
    ) {
        kernelIntegerLaneSums(IntegerOps.self, w, row: row, x, column: column, out: out)
    }
}

/// How a set multiplies 32 weight bytes with 32 activation bytes (Int8, natural order) into
/// 8 Int32 lanes: lane k = Σ over values 4k…4k+3 of `w·x` (ggml's lane grouping: what
/// `maddubs` + `madd`, or `vpdpbusd`, produce). No intermediate saturates for the value ranges
/// of the formats (|w| ≤ 128, |x| ≤ 127, unsigned w ≤ 63), so every set gives the same
/// integers.
public protocol BlockIntegerOps {
    /// Weights 0…63 (Q4_1, Q4_K nibbles).
    static func dot(unsigned w: SIMD32<UInt8>, _ x: SIMD32<Int8>) -> SIMD8<Int32>
    /// Signed weights −128…127 (Q4_0, Q5_0, Q8_0, Q6_K after their offsets).
    static func dot(signed w: SIMD32<Int8>, _ x: SIMD32<Int8>) -> SIMD8<Int32>
}

extension BlockIntegerOps {
    /// `dot` for a format's unpacked bytes.
    @inlinable @inline(__always)
    public static func dot(_ w: SIMD32<UInt8>, signed: Bool, _ x: UnsafeRawPointer, _ offset: Int) -> SIMD8<Int32> {
        let xv = x.loadUnaligned(fromByteOffset: offset, as: SIMD32<Int8>.self)
        return signed ? dot(signed: unsafeBitCast(w, to: SIMD32<Int8>.self), xv) : dot(unsigned: w, xv)
    }
}

/// Plain Swift SIMD (any x86-64): bytes widened to Int16, 16-bit products, pairs summed in
/// 32 and then 64 bits.
public enum PortableIntegerOps: BlockIntegerOps {
    @inlinable @inline(__always)
    public static func lanes(_ w: SIMD32<Int8>, _ x: SIMD32<Int8>) -> SIMD8<Int32> {
        let low = widen(w.lowHalf) &* widen(x.lowHalf)
        let high = widen(w.highHalf) &* widen(x.highHalf)
        let pairs = SIMD16<Int32>(lowHalf: pairwiseWiden(low), highHalf: pairwiseWiden(high))
        let words = unsafeBitCast(pairs, to: SIMD8<Int64>.self)
        return narrow(((words &<< 32) &>> 32) &+ (words &>> 32))
    }

    @inlinable @inline(__always)
    public static func dot(unsigned w: SIMD32<UInt8>, _ x: SIMD32<Int8>) -> SIMD8<Int32> {
        lanes(unsafeBitCast(w, to: SIMD32<Int8>.self), x)
    }

    @inlinable @inline(__always)
    public static func dot(signed w: SIMD32<Int8>, _ x: SIMD32<Int8>) -> SIMD8<Int32> {
        lanes(w, x)
    }
}

/// The body every `KernelSet` shares, specialized for its `Ops`.
@inlinable @inline(__always)
public func kernelMatmulTile<Ops: BlockIntegerOps>(
    _ ops: Ops.Type, _ w: WeightView, _ x: ActivationView,
    rows: Range<Int>, columns: Range<Int>,
    out: UnsafeMutablePointer<Float>, outStride: Int
) {
    switch w.format {
    case .q4_1:
        matmulTileBlock32(Q4_1Format.self, Ops.self, w, x, rows: rows, columns: columns, out: out, outStride: outStride)
    case .q8_0:
        matmulTileBlock32(Q8_0Format.self, Ops.self, w, x, rows: rows, columns: columns, out: out, outStride: outStride)
    case .q4_0:
        matmulTileBlock32(Q4_0Format.self, Ops.self, w, x, rows: rows, columns: columns, out: out, outStride: outStride)
    case .q5_0:
        matmulTileBlock32(Q5_0Format.self, Ops.self, w, x, rows: rows, columns: columns, out: out, outStride: outStride)
    case .q4_K:
        matmulTileSuperBlocks(
            Q4_KFormat.self, Ops.self, w, x, rows: rows, columns: columns, out: out, outStride: outStride)
    case .q6_K:
        matmulTileSuperBlocks(
            Q6_KFormat.self, Ops.self, w, x, rows: rows, columns: columns, out: out, outStride: outStride)
    }
}

/// The shared body of `KernelSet.integerLaneSums`.
@inlinable
public func kernelIntegerLaneSums<Ops: BlockIntegerOps>(
    _ ops: Ops.Type, _ w: WeightView, row: Int, _ x: ActivationView,
    column: Int, out: UnsafeMutablePointer<Int32>
) {
    let wr = w.data + row * w.rowBytes
    let xq = UnsafeRawPointer(x.q8 + column * x.cols)
    @inline(__always) func store(_ v: SIMD8<Int32>, _ block: Int) {
        for k in 0..<8 { out[block * 8 + k] = v[k] }
    }
    @inline(__always) func block32<F: Block32Format>(_ f: F.Type) {
        for b in 0..<(w.cols / 32) {
            store(Ops.dot(F.unpack(wr + b * F.blockBytes), signed: F.signedValues, xq, b * 32), b)
        }
    }
    @inline(__always) func superBlock<F: SuperBlockFormat>(_ f: F.Type) {
        for b in 0..<(w.cols / 256) {
            store(stepLanes(F.self, Ops.self, wr + b * F.blockBytes, xq, block: b, steps: 0..<8), b)
        }
    }
    switch w.format {
    case .q4_1: block32(Q4_1Format.self)
    case .q8_0: block32(Q8_0Format.self)
    case .q4_0: block32(Q4_0Format.self)
    case .q5_0: block32(Q5_0Format.self)
    case .q4_K: superBlock(Q4_KFormat.self)
    case .q6_K: superBlock(Q6_KFormat.self)
    }
}
