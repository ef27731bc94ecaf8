import Builtin

/// ggml formats made of 32-value blocks. Each unpacks to 32 bytes in natural value order
/// (unsigned nibbles for Q4_1, signed values for the others), multiplied with the Int8
/// activations by the set's `BlockIntegerOps`. One generic kernel serves them all, for one
/// activation column (`dotBlocks`) or four at once (`dotBlocks4`, which unpacks each weight
/// block once for the four columns). Both run the same operations per column in the same
/// order, so a value never depends on how columns were grouped.
public protocol Block32Format {
    /// Bytes per 32-value block.
    static var blockBytes: Int { get }
    /// Whether the block has an additive minimum (`value = d·q + m`, Q4_1): `m` is the F16 at
    /// byte 2 and the activation side supplies its block sums.
    static var hasMinimum: Bool { get }
    /// Whether `unpack` gives signed values (bit patterns of Int8).
    static var signedValues: Bool { get }
    /// The 32 quantized values of the block in order.
    static func unpack(_ block: UnsafeRawPointer) -> SIMD32<UInt8>
    /// What `unpackUnsigned` adds to the signed values (0 for unsigned formats).
    static var valueOffset: Int32 { get }
    /// The 32 values plus `valueOffset`, as unsigned bytes.
    static func unpackUnsigned(_ block: UnsafeRawPointer) -> SIMD32<UInt8>
}

/// Low nibbles (values 0–15) then high nibbles (values 16–31) of 16 packed bytes.
@inlinable @inline(__always)
public func unpackNibbles(_ block: UnsafeRawPointer, at offset: Int) -> SIMD32<UInt8> {
    // The 16 bytes in both halves (a tuple of two vectors has the layout of one of 32 bytes: no
    // call into the standard library's generic `lowHalf`/`highHalf`), the upper half shifted
    // right by 4 in 32-bit lanes: the bits that move in from the next byte are masked off.
    let raw = block.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
    let both = unsafeBitCast((raw, raw), to: SIMD8<UInt32>.self)
    var shifted = SIMD8<UInt32>()
    shifted._storage._value = Builtin.lshr_Vec8xInt32(
        both._storage._value, SIMD8<UInt32>(0, 0, 0, 0, 4, 4, 4, 4)._storage._value)
    return bytes(unsafeBitCast(shifted, to: SIMD32<UInt8>.self), and: SIMD32<UInt8>(repeating: 0x0F))
}

/// Q4_1: d, m (F16), 16 nibble bytes; value = d·q + m.
public enum Q4_1Format: Block32Format {
    @inlinable public static var blockBytes: Int { 20 }
    @inlinable public static var hasMinimum: Bool { true }
    @inlinable public static var signedValues: Bool { false }
    @inlinable @inline(__always)
    public static func unpack(_ block: UnsafeRawPointer) -> SIMD32<UInt8> {
        unpackNibbles(block, at: 4)
    }
    @inlinable public static var valueOffset: Int32 { 0 }
    @inlinable @inline(__always)
    public static func unpackUnsigned(_ block: UnsafeRawPointer) -> SIMD32<UInt8> { unpack(block) }
}

/// Q4_0: d (F16), 16 nibble bytes; value = d·(q − 8).
public enum Q4_0Format: Block32Format {
    @inlinable public static var blockBytes: Int { 18 }
    @inlinable public static var hasMinimum: Bool { false }
    @inlinable public static var signedValues: Bool { true }
    @inlinable @inline(__always)
    public static func unpack(_ block: UnsafeRawPointer) -> SIMD32<UInt8> {
        bytes(unpackUnsigned(block), minus: 8)
    }
    @inlinable public static var valueOffset: Int32 { 8 }
    @inlinable @inline(__always)
    public static func unpackUnsigned(_ block: UnsafeRawPointer) -> SIMD32<UInt8> { unpackNibbles(block, at: 2) }
}

/// Q5_0: d (F16), 32 high bits, 16 nibble bytes; value = d·(q − 16).
public enum Q5_0Format: Block32Format {
    @inlinable public static var blockBytes: Int { 22 }
    @inlinable public static var hasMinimum: Bool { false }
    @inlinable public static var signedValues: Bool { true }
    @inlinable @inline(__always)
    public static func unpack(_ block: UnsafeRawPointer) -> SIMD32<UInt8> {
        bytes(unpackUnsigned(block), minus: 16)
    }
    @inlinable public static var valueOffset: Int32 { 16 }
    @inlinable @inline(__always)
    public static func unpackUnsigned(_ block: UnsafeRawPointer) -> SIMD32<UInt8> {
        // Bit k of qh is value k's fifth bit: the 32 bits as a lane mask, each set lane 0xFF,
        // masked to 0x10 (one `vpmovm2b` with AVX-512BW, a short compare sequence elsewhere).
        let qh = block.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
        var high = SIMD32<UInt8>()
        high._storage._value = Builtin.sext_Vec32xInt1_Vec32xInt8(Builtin.bitcast_Int32_Vec32xInt1(qh._value))
        return bytes(unpackNibbles(block, at: 6), or: bytes(high, and: SIMD32<UInt8>(repeating: 0x10)))
    }
}

/// Q8_0: d (F16), 32 int8.
public enum Q8_0Format: Block32Format {
    @inlinable public static var blockBytes: Int { 34 }
    @inlinable public static var hasMinimum: Bool { false }
    @inlinable public static var signedValues: Bool { true }
    @inlinable @inline(__always)
    public static func unpack(_ block: UnsafeRawPointer) -> SIMD32<UInt8> {
        block.loadUnaligned(fromByteOffset: 2, as: SIMD32<UInt8>.self)
    }
    /// `w + 128` is `w xor 0x80`: the byte's bit pattern read as unsigned, top bit flipped.
    @inlinable public static var valueOffset: Int32 { 128 }
    @inlinable @inline(__always)
    public static func unpackUnsigned(_ block: UnsafeRawPointer) -> SIMD32<UInt8> { bytes(unpack(block), minus: 128) }
}

/// One activation column's pointers for a row of 32-value blocks.
public struct Block32Column {
    /// Int8 values, 32 bytes per block.
    public let q8: UnsafeRawPointer
    /// F16-rounded block scales.
    public let scales: UnsafePointer<Float>
    /// F16-rounded `d·Σq` per block (Q8_1), or any valid pointer when unused.
    public let sums: UnsafePointer<Float>

    @inlinable @inline(__always)
    public init(_ x: ActivationView, column b: Int) {
        let blocks = x.cols / 32
        q8 = UnsafeRawPointer(x.q8 + b * x.cols)
        scales = x.scales + b * blocks
        sums = x.sums + b * blocks
    }
}

/// Row · column: `acc = fma(Float(lanes), d_w·d_x, acc)` per block, then `hsum(acc) + Σ m·s`.
@inlinable @inline(__always)
public func dotBlocks<F: Block32Format, Ops: BlockIntegerOps>(
    _ format: F.Type, _ ops: Ops.Type, _ w: UnsafeRawPointer,
    _ x: Block32Column, blocks: Int
) -> Float {
    var acc = SIMD8<Float>()
    var mins: Float = 0
    for b in 0..<blocks {
        let wb = w + b * F.blockBytes
        prefetch(wb + prefetchDistance)
        let (d, m) = loadScaleAndMinimum(wb)
        if F.hasMinimum { mins = mins.addingProduct(m, x.sums[b]) }
        let values = F.unpack(wb)
        acc = acc.addingProduct(toFloat(Ops.dot(values, signed: F.signedValues, x.q8, b * 32)), d * x.scales[b])
    }
    return F.hasMinimum ? horizontalSum(acc) + mins : horizontalSum(acc)
}

/// `dotBlocks` for four columns at once: each weight block is unpacked once.
@inlinable @inline(__always)
public func dotBlocks4<F: Block32Format, Ops: BlockIntegerOps>(
    _ format: F.Type, _ ops: Ops.Type, _ w: UnsafeRawPointer,
    _ x0: Block32Column, _ x1: Block32Column,
    _ x2: Block32Column, _ x3: Block32Column,
    blocks: Int
) -> SIMD4<Float> {
    var a0 = SIMD8<Float>()
    var a1 = SIMD8<Float>()
    var a2 = SIMD8<Float>()
    var a3 = SIMD8<Float>()
    var m0: Float = 0
    var m1: Float = 0
    var m2: Float = 0
    var m3: Float = 0
    for b in 0..<blocks {
        let wb = w + b * F.blockBytes
        let (d, m) = loadScaleAndMinimum(wb)
        if F.hasMinimum {
            m0 = m0.addingProduct(m, x0.sums[b])
            m1 = m1.addingProduct(m, x1.sums[b])
            m2 = m2.addingProduct(m, x2.sums[b])
            m3 = m3.addingProduct(m, x3.sums[b])
        }
        let values = F.unpack(wb)
        let o = b * 32
        a0 = a0.addingProduct(toFloat(Ops.dot(values, signed: F.signedValues, x0.q8, o)), d * x0.scales[b])
        a1 = a1.addingProduct(toFloat(Ops.dot(values, signed: F.signedValues, x1.q8, o)), d * x1.scales[b])
        a2 = a2.addingProduct(toFloat(Ops.dot(values, signed: F.signedValues, x2.q8, o)), d * x2.scales[b])
        a3 = a3.addingProduct(toFloat(Ops.dot(values, signed: F.signedValues, x3.q8, o)), d * x3.scales[b])
    }
    if F.hasMinimum {
        return SIMD4(horizontalSum(a0) + m0, horizontalSum(a1) + m1, horizontalSum(a2) + m2, horizontalSum(a3) + m3)
    }
    return SIMD4(horizontalSum(a0), horizontalSum(a1), horizontalSum(a2), horizontalSum(a3))
}

/// One tile of rows × the given columns for a 32-value block format. Rows go in L1-sized
/// panels; within a panel every group of four columns sweeps the panel, so each weight block
/// is read from memory once per tile and reused across all its columns.
@inlinable @inline(__always)
public func matmulTileBlock32<F: Block32Format, Ops: BlockIntegerOps>(
    _ format: F.Type, _ ops: Ops.Type, _ w: WeightView, _ x: ActivationView, rows: Range<Int>, columns: Range<Int>,
    out: UnsafeMutablePointer<Float>, outStride: Int
) {
    let batch = columns.upperBound
    let blocks = w.cols / 32
    let panel = min(max(4, 32_768 / max(1, w.rowBytes)), max(1, rows.count))
    var r0 = rows.lowerBound
    while r0 < rows.upperBound {
        let panelRows = r0..<min(rows.upperBound, r0 + panel)
        var sweep = ColumnSweep(rows: panelRows, from: columns.lowerBound, out: out, outStride: outStride)
        @inline(__always) func row(_ r: Int) -> UnsafeRawPointer { w.data + r * w.rowBytes }
        sweep.columns(
            to: batch, { Block32Column(x, column: $0) },
            four: { r, c in dotBlocks4(F.self, Ops.self, row(r), c.0, c.1, c.2, c.3, blocks: blocks) },
            one: { r, c in dotBlocks(F.self, Ops.self, row(r), c, blocks: blocks) })
        r0 = panelRows.upperBound
    }
}
