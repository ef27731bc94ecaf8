/// K-quant formats: 256-value superblocks of eight 32-value steps, each step's values
/// unpacked to 32 bytes in order together with the per-lane integer scales. One generic kernel serves Q4_K and Q6_K for one activation column
/// (`dotSuperBlocks`) or four (`dotSuperBlocks4`, which unpacks each weight block once); both
/// do the same operations per column in the same order as ggml's `vec_dot_qX_K_q8_K`.
public protocol SuperBlockFormat {
    static var blockBytes: Int { get }
    /// Whether the block subtracts `dmin·Σ m_j·bsum_j` (Q4_K).
    static var hasMinimum: Bool { get }
    /// Whether `step` gives signed values (bit patterns of Int8).
    static var signedValues: Bool { get }
    /// The F16 block scale `d` (and `dmin`, zero when unused).
    static func scales(_ block: UnsafeRawPointer) -> (d: Float, dmin: Float)
    /// Step `s` (0..<8): values 32s…32s+31 and the integer scale of each of the 8 result lanes.
    static func step(_ block: UnsafeRawPointer, _ s: Int) -> (values: SIMD32<UInt8>, scale: SIMD8<Int32>)
    /// Σ_j m_j·(bsum_{2j} + bsum_{2j+1}) for the activation block sums (Q4_K only).
    static func minimumSum(_ block: UnsafeRawPointer, _ bsums: UnsafePointer<Int32>) -> Int32
}

public enum Q4_KFormat: SuperBlockFormat {
    @inlinable public static var blockBytes: Int { 144 }
    @inlinable public static var hasMinimum: Bool { true }
    @inlinable public static var signedValues: Bool { false }
    @inlinable @inline(__always)
    public static func scales(_ block: UnsafeRawPointer) -> (d: Float, dmin: Float) {
        let (d, m) = loadScaleAndMinimum(block)
        return (d, m)
    }
    @inlinable @inline(__always)
    public static func step(_ block: UnsafeRawPointer, _ j: Int) -> (values: SIMD32<UInt8>, scale: SIMD8<Int32>) {
        let (sc, _) = q4KScaleMin(block + 4, j)
        let raw = block.loadUnaligned(fromByteOffset: 16 + (j / 2) * 32, as: SIMD32<UInt8>.self)
        let nibbles = (j & 1) == 0 ? raw : bytes(raw, shiftedRightBy: 4)
        return (bytes(nibbles, and: SIMD32<UInt8>(repeating: 0x0F)), SIMD8<Int32>(repeating: sc))
    }
    @inlinable @inline(__always)
    public static func minimumSum(_ block: UnsafeRawPointer, _ bsums: UnsafePointer<Int32>) -> Int32 {
        var mins: Int32 = 0
        for j in 0..<8 {
            let (_, m) = q4KScaleMin(block + 4, j)
            mins &+= m &* (bsums[2 * j] &+ bsums[2 * j + 1])
        }
        return mins
    }
}

public enum Q6_KFormat: SuperBlockFormat {
    @inlinable public static var blockBytes: Int { 210 }
    @inlinable public static var hasMinimum: Bool { false }
    @inlinable public static var signedValues: Bool { true }
    @inlinable @inline(__always)
    public static func scales(_ block: UnsafeRawPointer) -> (d: Float, dmin: Float) {
        (loadHalf(block, 208), 0)
    }
    @inlinable @inline(__always)
    public static func step(_ wb: UnsafeRawPointer, _ s: Int) -> (values: SIMD32<UInt8>, scale: SIMD8<Int32>) {
        let half = s / 4, part = s % 4
        let low = wb.loadUnaligned(fromByteOffset: half * 64 + (part & 1) * 32, as: SIMD32<UInt8>.self)
        let nibbles = bytes(part < 2 ? low : bytes(low, shiftedRightBy: 4), and: SIMD32<UInt8>(repeating: 0x0F))
        let high = wb.loadUnaligned(fromByteOffset: 128 + half * 32, as: SIMD32<UInt8>.self)
        let top = bytes(bytes(bytes(high, shiftedRightBy: UInt8(2 * part)), and: SIMD32<UInt8>(repeating: 3)),
                        shiftedLeftBy: 4)
        let sc0 = Int32(wb.load(fromByteOffset: 192 + 2 * s, as: Int8.self))
        let sc1 = Int32(wb.load(fromByteOffset: 192 + 2 * s + 1, as: Int8.self))
        return (bytes(bytes(nibbles, or: top), minus: 32), SIMD8<Int32>(sc0, sc0, sc0, sc0, sc1, sc1, sc1, sc1))
    }
    @inlinable @inline(__always)
    public static func minimumSum(_ block: UnsafeRawPointer, _ bsums: UnsafePointer<Int32>) -> Int32 { 0 }
}

/// One activation column's pointers for a row of superblocks (Q8_K).
public struct SuperBlockColumn {
    public let q8: UnsafeRawPointer
    public let scales: UnsafePointer<Float>
    public let bsums: UnsafePointer<Int32>

    @inlinable @inline(__always)
    public init(_ x: ActivationView, column b: Int) {
        q8 = UnsafeRawPointer(x.q8 + b * x.cols)
        scales = x.scales + b * (x.cols / 256)
        bsums = x.bsums + b * (x.cols / 16)
    }
}

/// Row · column, per superblock `acc = fma(Float(Σ_s sc·lanes_s), d_x·d, acc)` and
/// `mins += (−d_x·dmin)·Float(Σ m·bsum)`; result `hsum(acc) + mins`.
@inlinable @inline(__always)
public func dotSuperBlocks<F: SuperBlockFormat, Ops: BlockIntegerOps>(_ format: F.Type, _ ops: Ops.Type, _ w: UnsafeRawPointer, _ x: SuperBlockColumn,
                                         blocks: Int) -> Float {
    var acc = SIMD8<Float>()
    var accMins: Float = 0
    for b in 0..<blocks {
        let wb = w + b * F.blockBytes
        let (dw, dminw) = F.scales(wb)
        let d = x.scales[b] * dw
        if F.hasMinimum {
            let dmin = -x.scales[b] * dminw
            accMins += dmin * Float(F.minimumSum(wb, x.bsums + b * 16))
        }
        var sumi = SIMD8<Int32>()
        for s in 0..<8 {
            let (values, scale) = F.step(wb, s)
            sumi &+= Ops.dot(values, signed: F.signedValues, x.q8, b * 256 + s * 32) &* scale
        }
        acc = acc.addingProduct(toFloat(sumi), d)
    }
    return F.hasMinimum ? horizontalSum(acc) + accMins : horizontalSum(acc)
}

/// `dotSuperBlocks` for four columns at once: each weight step is unpacked once.
@inlinable @inline(__always)
public func dotSuperBlocks4<F: SuperBlockFormat, Ops: BlockIntegerOps>(_ format: F.Type, _ ops: Ops.Type, _ w: UnsafeRawPointer, _ x0: SuperBlockColumn,
                                          _ x1: SuperBlockColumn, _ x2: SuperBlockColumn,
                                          _ x3: SuperBlockColumn, blocks: Int) -> SIMD4<Float> {
    var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
    var m0: Float = 0, m1: Float = 0, m2: Float = 0, m3: Float = 0
    for b in 0..<blocks {
        let wb = w + b * F.blockBytes
        let (dw, dminw) = F.scales(wb)
        if F.hasMinimum {
            m0 += (-x0.scales[b] * dminw) * Float(F.minimumSum(wb, x0.bsums + b * 16))
            m1 += (-x1.scales[b] * dminw) * Float(F.minimumSum(wb, x1.bsums + b * 16))
            m2 += (-x2.scales[b] * dminw) * Float(F.minimumSum(wb, x2.bsums + b * 16))
            m3 += (-x3.scales[b] * dminw) * Float(F.minimumSum(wb, x3.bsums + b * 16))
        }
        var s0 = SIMD8<Int32>(), s1 = SIMD8<Int32>(), s2 = SIMD8<Int32>(), s3 = SIMD8<Int32>()
        for s in 0..<8 {
            let (values, scale) = F.step(wb, s)
            let o = b * 256 + s * 32
            s0 &+= Ops.dot(values, signed: F.signedValues, x0.q8, o) &* scale
            s1 &+= Ops.dot(values, signed: F.signedValues, x1.q8, o) &* scale
            s2 &+= Ops.dot(values, signed: F.signedValues, x2.q8, o) &* scale
            s3 &+= Ops.dot(values, signed: F.signedValues, x3.q8, o) &* scale
        }
        a0 = a0.addingProduct(toFloat(s0), x0.scales[b] * dw)
        a1 = a1.addingProduct(toFloat(s1), x1.scales[b] * dw)
        a2 = a2.addingProduct(toFloat(s2), x2.scales[b] * dw)
        a3 = a3.addingProduct(toFloat(s3), x3.scales[b] * dw)
    }
    if F.hasMinimum {
        return SIMD4(horizontalSum(a0) + m0, horizontalSum(a1) + m1, horizontalSum(a2) + m2, horizontalSum(a3) + m3)
    }
    return SIMD4(horizontalSum(a0), horizontalSum(a1), horizontalSum(a2), horizontalSum(a3))
}

/// One tile of rows × the given columns for a K-quant: columns in groups of four, each group
/// swept over the tile's rows.
@inlinable @inline(__always)
public func matmulTileSuperBlocks<F: SuperBlockFormat, Ops: BlockIntegerOps>(_ format: F.Type, _ ops: Ops.Type, _ w: WeightView, _ x: ActivationView,
                                                rows: Range<Int>, columns: Range<Int>,
                                                out: UnsafeMutablePointer<Float>, outStride: Int) {
    let batch = columns.upperBound
    let blocks = w.cols / 256
    // Rows in L1-sized panels; within a panel every group of four columns sweeps the panel,
    // so each weight block is read from memory once per task and reused across its columns.
    let panel = min(max(4, 32_768 / max(1, w.rowBytes)), max(1, rows.count))
    var r0 = rows.lowerBound
    while r0 < rows.upperBound {
        let panelRows = r0..<min(rows.upperBound, r0 + panel)
        var b = columns.lowerBound
        while b + 4 <= batch {
            let c0 = SuperBlockColumn(x, column: b), c1 = SuperBlockColumn(x, column: b + 1)
            let c2 = SuperBlockColumn(x, column: b + 2), c3 = SuperBlockColumn(x, column: b + 3)
            for r in panelRows {
                let v = dotSuperBlocks4(F.self, Ops.self, w.data + r * w.rowBytes, c0, c1, c2, c3, blocks: blocks)
                out[b * outStride + r] = v[0]
                out[(b + 1) * outStride + r] = v[1]
                out[(b + 2) * outStride + r] = v[2]
                out[(b + 3) * outStride + r] = v[3]
            }
            b += 4
        }
        while b < batch {
            let c = SuperBlockColumn(x, column: b)
            for r in panelRows { out[b * outStride + r] = dotSuperBlocks(F.self, Ops.self, w.data + r * w.rowBytes, c, blocks: blocks) }
            b += 1
        }
        r0 = panelRows.upperBound
    }
}

