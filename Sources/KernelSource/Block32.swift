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
    /// byte 2 and the activation side supplies its block sums. False unless a format says so.
    static var hasMinimum: Bool { get }
    /// What `unpackUnsigned` adds to the values (0 for unsigned formats).
    static var valueOffset: Int32 { get }
    /// The 32 values plus `valueOffset`, as unsigned bytes.
    static func unpackUnsigned(_ block: UnsafeRawPointer) -> SIMD32<UInt8>
}

extension Block32Format {
    @inlinable public static var hasMinimum: Bool { false }

    /// Whether `unpack` gives signed values (bit patterns of Int8): those of formats with an offset.
    @inlinable public static var signedValues: Bool { valueOffset != 0 }

    /// The 32 quantized values of the block in order (`unpackUnsigned` less `valueOffset`, wrapping).
    @inlinable @inline(__always)
    public static func unpack(_ block: UnsafeRawPointer) -> SIMD32<UInt8> {
        bytes(unpackUnsigned(block), minus: UInt8(truncatingIfNeeded: valueOffset))
    }
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
    @inlinable public static var valueOffset: Int32 { 0 }
    @inlinable @inline(__always)
    public static func unpackUnsigned(_ block: UnsafeRawPointer) -> SIMD32<UInt8> { unpackNibbles(block, at: 4) }
}

/// Q4_0: d (F16), 16 nibble bytes; value = d·(q − 8).
public enum Q4_0Format: Block32Format {
    @inlinable public static var blockBytes: Int { 18 }
    @inlinable public static var valueOffset: Int32 { 8 }
    @inlinable @inline(__always)
    public static func unpackUnsigned(_ block: UnsafeRawPointer) -> SIMD32<UInt8> { unpackNibbles(block, at: 2) }
}

/// Q5_0: d (F16), 32 high bits, 16 nibble bytes; value = d·(q − 16).
public enum Q5_0Format: Block32Format {
    @inlinable public static var blockBytes: Int { 22 }
    @inlinable public static var valueOffset: Int32 { 16 }
    @inlinable @inline(__always)
    public static func unpackUnsigned(_ block: UnsafeRawPointer) -> SIMD32<UInt8> {
        // Bit k of qh is value k's fifth bit: the 32 bits as a lane mask, each set lane 0xFF,
        // masked to 0x10 (one `vpmovm2b` with AVX-512BW, a short compare sequence elsewhere).
        let qh = block.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
        let high: SIMD32<UInt8> = simd(Builtin.sext_Vec32xInt1_Vec32xInt8(Builtin.bitcast_Int32_Vec32xInt1(qh._value)))
        return bytes(unpackNibbles(block, at: 6), or: bytes(high, and: SIMD32<UInt8>(repeating: 0x10)))
    }
}

/// Q8_0: d (F16), 32 int8.
public enum Q8_0Format: Block32Format {
    @inlinable public static var blockBytes: Int { 34 }
    /// `w + 128` is `w xor 0x80`: the byte's bit pattern read as unsigned, top bit flipped
    /// (`unpack` subtracts it again: the compiler folds the two away).
    @inlinable public static var valueOffset: Int32 { 128 }
    @inlinable @inline(__always)
    public static func unpackUnsigned(_ block: UnsafeRawPointer) -> SIMD32<UInt8> {
        bytes(block.loadUnaligned(fromByteOffset: 2, as: SIMD32<UInt8>.self), minus: 128)
    }
}

/// Row · column: `acc = fma(Float(lanes), d_w·d_x, acc)` per block, then `hsum(acc) + Σ m·s`.
@inlinable @inline(__always)
public func dotBlocks<F: Block32Format, Ops: BlockIntegerOps>(
    _ format: F.Type, _ ops: Ops.Type, _ w: UnsafeRawPointer, _ x: ActivationColumn, blocks: Int
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
    _ x0: ActivationColumn, _ x1: ActivationColumn,
    _ x2: ActivationColumn, _ x3: ActivationColumn,
    blocks: Int
) -> SIMD4<Float> {
    var acc = FourColumnSums()
    for b in 0..<blocks {
        let wb = w + b * F.blockBytes
        let (d, m) = loadScaleAndMinimum(wb)
        if F.hasMinimum {
            acc.m0 = acc.m0.addingProduct(m, x0.sums[b])
            acc.m1 = acc.m1.addingProduct(m, x1.sums[b])
            acc.m2 = acc.m2.addingProduct(m, x2.sums[b])
            acc.m3 = acc.m3.addingProduct(m, x3.sums[b])
        }
        let values = F.unpack(wb)
        let o = b * 32
        acc.a0 = acc.a0.addingProduct(toFloat(Ops.dot(values, signed: F.signedValues, x0.q8, o)), d * x0.scales[b])
        acc.a1 = acc.a1.addingProduct(toFloat(Ops.dot(values, signed: F.signedValues, x1.q8, o)), d * x1.scales[b])
        acc.a2 = acc.a2.addingProduct(toFloat(Ops.dot(values, signed: F.signedValues, x2.q8, o)), d * x2.scales[b])
        acc.a3 = acc.a3.addingProduct(toFloat(Ops.dot(values, signed: F.signedValues, x3.q8, o)), d * x3.scales[b])
    }
    return acc.results(withMinimum: F.hasMinimum)
}

/// One tile of rows × the given columns for a 32-value block format (`sweepPanels`).
@inlinable @inline(__always)
public func matmulTileBlock32<F: Block32Format, Ops: BlockIntegerOps>(
    _ format: F.Type, _ ops: Ops.Type, _ w: WeightView, _ x: ActivationView, rows: Range<Int>, columns: Range<Int>,
    out: UnsafeMutablePointer<Float>, outStride: Int
) {
    let blocks = w.cols / 32
    sweepPanels(w, rows: rows, columns: columns, out: out, outStride: outStride) { sweep in
        sweep.columns(
            to: columns.upperBound, { ActivationColumn(x, column: $0, blockSize: 32) },
            four: { r, c in dotBlocks4(F.self, Ops.self, w.row(r), c.0, c.1, c.2, c.3, blocks: blocks) },
            one: { r, c in dotBlocks(F.self, Ops.self, w.row(r), c, blocks: blocks) })
    }
}
