import ModelFormat

/// ggml formats made of 32-value blocks whose values unpack to Int16 lanes in the order the
/// activations use (`QuantizedActivations`: evens, then odds). One generic kernel serves them
/// all, for one activation column (`dotBlocks`) or four at once (`dotBlocks4`, which unpacks
/// each weight block once for the four columns). Both run the same operations per column in
/// the same order, so a value never depends on how columns were grouped.
protocol Block32Format {
    /// Bytes per 32-value block.
    static var blockBytes: Int { get }
    /// Whether the block has an additive minimum (`value = d·q + m`, Q4_1): `m` is the F16 at
    /// byte 2 and the activation side supplies its block sums.
    static var hasMinimum: Bool { get }
    /// The quantized values of the block: even-indexed and odd-indexed, 16 each.
    static func unpack(_ block: UnsafeRawPointer) -> (even: SIMD16<Int16>, odd: SIMD16<Int16>)
}

/// Q4_1: d, m (F16), 16 nibble bytes; value = d·q + m.
enum Q4_1Format: Block32Format {
    static var blockBytes: Int { 20 }
    static var hasMinimum: Bool { true }
    @inline(__always)
    static func unpack(_ block: UnsafeRawPointer) -> (even: SIMD16<Int16>, odd: SIMD16<Int16>) {
        let raw = block.loadUnaligned(fromByteOffset: 4, as: SIMD8<Int16>.self)
        let w16 = SIMD16<Int16>(lowHalf: raw, highHalf: raw &>> 4)
        return (w16 & 0x000F, (w16 &>> 8) & 0x000F)
    }
}

/// Q4_0: d (F16), 16 nibble bytes; value = d·(q − 8).
enum Q4_0Format: Block32Format {
    static var blockBytes: Int { 18 }
    static var hasMinimum: Bool { false }
    @inline(__always)
    static func unpack(_ block: UnsafeRawPointer) -> (even: SIMD16<Int16>, odd: SIMD16<Int16>) {
        let raw = block.loadUnaligned(fromByteOffset: 2, as: SIMD8<Int16>.self)
        let w16 = SIMD16<Int16>(lowHalf: raw, highHalf: raw &>> 4)
        return ((w16 & 0x000F) &- 8, ((w16 &>> 8) & 0x000F) &- 8)
    }
}

/// Q5_0: d (F16), 32 high bits, 16 nibble bytes; value = d·(q − 16).
enum Q5_0Format: Block32Format {
    static var blockBytes: Int { 22 }
    static var hasMinimum: Bool { false }
    @inline(__always)
    static func unpack(_ block: UnsafeRawPointer) -> (even: SIMD16<Int16>, odd: SIMD16<Int16>) {
        // Per lane k: bit 2k (evens) / 2k+1 (odds) of a 16-bit half of `qh`. The masks are
        // literals here (a global would go through lazy initialization on every call), and the
        // bit test is arithmetic: `0 − 2^k` has its sign bit set for every k < 16, so
        // `(0 − (bits & mask)) >> 15` is −1 where the bit is set. Lane comparisons (`.!=`) and
        // `replacing(with:where:)` are generic in the standard library and compile to one
        // scalar test per lane (that made Q5_0 matrices about 30× slower than Q4_1).
        let evenBitMasks = SIMD16<Int16>(
            1 << 0, 1 << 2, 1 << 4, 1 << 6, 1 << 8, 1 << 10, 1 << 12, 1 << 14,
            1 << 0, 1 << 2, 1 << 4, 1 << 6, 1 << 8, 1 << 10, 1 << 12, 1 << 14)
        let oddBitMasks = SIMD16<Int16>(
            1 << 1, 1 << 3, 1 << 5, 1 << 7, 1 << 9, 1 << 11, 1 << 13, Int16(bitPattern: 1 << 15),
            1 << 1, 1 << 3, 1 << 5, 1 << 7, 1 << 9, 1 << 11, 1 << 13, Int16(bitPattern: 1 << 15))
        let qh = block.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
        let bits = SIMD16<Int16>(
            lowHalf: SIMD8<Int16>(repeating: Int16(truncatingIfNeeded: qh)),
            highHalf: SIMD8<Int16>(repeating: Int16(truncatingIfNeeded: qh >> 16)))
        let zero = SIMD16<Int16>()
        let highEven = ((zero &- (bits & evenBitMasks)) &>> 15) & 16
        let highOdd = ((zero &- (bits & oddBitMasks)) &>> 15) & 16
        let raw = block.loadUnaligned(fromByteOffset: 6, as: SIMD8<Int16>.self)
        let w16 = SIMD16<Int16>(lowHalf: raw, highHalf: raw &>> 4)
        return (((w16 & 0x000F) | highEven) &- 16, (((w16 &>> 8) & 0x000F) | highOdd) &- 16)
    }
}

/// Q8_0: d (F16), 32 int8.
enum Q8_0Format: Block32Format {
    static var blockBytes: Int { 34 }
    static var hasMinimum: Bool { false }
    @inline(__always)
    static func unpack(_ block: UnsafeRawPointer) -> (even: SIMD16<Int16>, odd: SIMD16<Int16>) {
        let raw = block.loadUnaligned(fromByteOffset: 2, as: SIMD16<Int16>.self)
        return ((raw &<< 8) &>> 8, raw &>> 8)
    }
}

/// One activation column's pointers for a row of blocks.
struct Block32Column {
    /// Int16 values, 64 bytes per block.
    let qs: UnsafeRawPointer
    /// F16-rounded block scales.
    let scales: UnsafePointer<Float>
    /// F16-rounded `d·Σq` per block (Q8_1), or any valid pointer when unused.
    let sums: UnsafePointer<Float>

    init(_ x: QuantizedActivations, column b: Int) {
        let blocks = x.cols / 32
        qs = UnsafeRawPointer(x.qs + b * x.cols)
        scales = UnsafePointer(x.scales + b * blocks)
        sums = UnsafePointer(x.sums + b * blocks)
    }
}

/// Integer dot product of one block with one activation block, as 8 Int32 lane sums
/// (lane k: values 4k…4k+3 of each half, like ggml's maddubs/madd pairs).
@inline(__always)
func blockLanes(_ we: SIMD16<Int16>, _ wo: SIMD16<Int16>, _ x: UnsafeRawPointer, _ offset: Int) -> SIMD8<Int32> {
    let xe = x.loadUnaligned(fromByteOffset: offset, as: SIMD16<Int16>.self)
    let xo = x.loadUnaligned(fromByteOffset: offset + 32, as: SIMD16<Int16>.self)
    return pairwiseWiden(we &* xe &+ wo &* xo)
}

/// `Float(v)` for integers of magnitude below 2²², exactly (the 1.5·2²³ bias trick). Block
/// lane sums are at most 4·128·127 in magnitude. Written out because the standard library's
/// conversion is not always inlined into the kernels.
@inline(__always)
func exactFloat(_ v: SIMD8<Int32>) -> SIMD8<Float> {
    let biased = unsafeBitCast(v &+ 0x4B40_0000, to: SIMD8<Float>.self)
    return biased - SIMD8<Float>(repeating: 12_582_912.0)
}

/// The F16 scale (bytes 0–1) and the F16 at bytes 2–3 (Q4_1's minimum) of a block, read with
/// one zero-extending 4-byte load: a 2-byte insert would merge into whatever register the
/// compiler picks, often a loop accumulator, and chain every block behind the previous one.
/// Every 32-value block format is at least 18 bytes long, so the read stays inside the block.
@inline(__always)
func loadScaleAndMinimum(_ block: UnsafeRawPointer) -> (d: Float, m: Float) {
    let bits = block.loadUnaligned(as: UInt32.self)
    let halves = unsafeBitCast(SIMD4<UInt32>(bits, 0, 0, 0), to: SIMD8<Float16>.self).lowHalf
    let floats = SIMD4<Float>(halves)
    return (floats[0], floats[1])
}

/// Row · column: `acc = fma(Float(lanes), d_w·d_x, acc)` per block, then `hsum(acc) + Σ m·s`.
@inline(__always)
func dotBlocks<F: Block32Format>(_ format: F.Type, _ w: UnsafeRawPointer, _ x: Block32Column,
                                 blocks: Int) -> Float {
    var acc = SIMD8<Float>()
    var mins: Float = 0
    for b in 0..<blocks {
        let wb = w + b * F.blockBytes
        let (d, m) = loadScaleAndMinimum(wb)
        if F.hasMinimum { mins = mins.addingProduct(m, x.sums[b]) }
        let (we, wo) = F.unpack(wb)
        acc = acc.addingProduct(exactFloat(blockLanes(we, wo, x.qs, b * 64)), d * x.scales[b])
    }
    return F.hasMinimum ? horizontalSum(acc) + mins : horizontalSum(acc)
}

/// `dotBlocks` for four columns at once: each weight block is unpacked once.
@inline(__always)
func dotBlocks4<F: Block32Format>(_ format: F.Type, _ w: UnsafeRawPointer, _ x0: Block32Column,
                                  _ x1: Block32Column, _ x2: Block32Column, _ x3: Block32Column,
                                  blocks: Int) -> SIMD4<Float> {
    var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
    var m0: Float = 0, m1: Float = 0, m2: Float = 0, m3: Float = 0
    for b in 0..<blocks {
        let wb = w + b * F.blockBytes
        let d = loadHalf(wb, 0)
        if F.hasMinimum {
            let m = loadHalf(wb, 2)
            m0 = m0.addingProduct(m, x0.sums[b])
            m1 = m1.addingProduct(m, x1.sums[b])
            m2 = m2.addingProduct(m, x2.sums[b])
            m3 = m3.addingProduct(m, x3.sums[b])
        }
        let (we, wo) = F.unpack(wb)
        let o = b * 64
        a0 = a0.addingProduct(exactFloat(blockLanes(we, wo, x0.qs, o)), d * x0.scales[b])
        a1 = a1.addingProduct(exactFloat(blockLanes(we, wo, x1.qs, o)), d * x1.scales[b])
        a2 = a2.addingProduct(exactFloat(blockLanes(we, wo, x2.qs, o)), d * x2.scales[b])
        a3 = a3.addingProduct(exactFloat(blockLanes(we, wo, x3.qs, o)), d * x3.scales[b])
    }
    if F.hasMinimum {
        return SIMD4(horizontalSum(a0) + m0, horizontalSum(a1) + m1, horizontalSum(a2) + m2, horizontalSum(a3) + m3)
    }
    return SIMD4(horizontalSum(a0), horizontalSum(a1), horizontalSum(a2), horizontalSum(a3))
}

/// One tile of rows × every column for a 32-block format: columns in groups of four, each
/// group swept over the tile's rows (the tile's weights stay in L1 across groups).
@inline(__always)
func matmulTileBlock32<F: Block32Format>(_ format: F.Type, _ w: WeightMatrix, _ x: QuantizedActivations,
                                         rows: Range<Int>, columns: Range<Int>,
                                         out: UnsafeMutablePointer<Float>, outStride: Int) {
    let batch = columns.upperBound
    let blocks = w.cols / 32
    // Rows in L1-sized panels; within a panel every group of four columns sweeps the panel,
    // so each weight block is read from memory once per task and reused across its columns.
    let panel = min(max(4, 32_768 / max(1, w.rowBytes)), max(1, rows.count))
    var r0 = rows.lowerBound
    while r0 < rows.upperBound {
        let panelRows = r0..<min(rows.upperBound, r0 + panel)
        var b = columns.lowerBound
        while b + 4 <= batch {
            let c0 = Block32Column(x, column: b), c1 = Block32Column(x, column: b + 1)
            let c2 = Block32Column(x, column: b + 2), c3 = Block32Column(x, column: b + 3)
            for r in panelRows {
                let v = dotBlocks4(F.self, w.data + r * w.rowBytes, c0, c1, c2, c3, blocks: blocks)
                out[b * outStride + r] = v[0]
                out[(b + 1) * outStride + r] = v[1]
                out[(b + 2) * outStride + r] = v[2]
                out[(b + 3) * outStride + r] = v[3]
            }
            b += 4
        }
        while b < batch {
            let c = Block32Column(x, column: b)
            for r in panelRows { out[b * outStride + r] = dotBlocks(F.self, w.data + r * w.rowBytes, c, blocks: blocks) }
            b += 1
        }
        r0 = panelRows.upperBound
    }
}

/// `matmulTileBlock32` for `w.type` (Q4_1, Q8_0, Q4_0 or Q5_0), specialized in this file so
/// that builds without whole-module optimization still inline the kernels.
func matmulTileBlock32(_ w: WeightMatrix, _ x: QuantizedActivations, rows: Range<Int>, columns: Range<Int>,
                       out: UnsafeMutablePointer<Float>, outStride: Int) {
    switch w.type {
    case .q4_1: matmulTileBlock32(Q4_1Format.self, w, x, rows: rows, columns: columns, out: out, outStride: outStride)
    case .q8_0: matmulTileBlock32(Q8_0Format.self, w, x, rows: rows, columns: columns, out: out, outStride: outStride)
    case .q4_0: matmulTileBlock32(Q4_0Format.self, w, x, rows: rows, columns: columns, out: out, outStride: outStride)
    case .q5_0: matmulTileBlock32(Q5_0Format.self, w, x, rows: rows, columns: columns, out: out, outStride: outStride)
    default: preconditionFailure("\(w.name): \(w.type.name) is not a 32-value block format")
    }
}
