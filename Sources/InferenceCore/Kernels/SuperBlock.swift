import ModelFormat

/// K-quant formats: 256-value superblocks of eight 32-value steps, each step's values
/// unpacked to Int16 lanes in the activation order (evens, then odds) together with the
/// per-lane integer scales. One generic kernel serves Q4_K and Q6_K for one activation column
/// (`dotSuperBlocks`) or four (`dotSuperBlocks4`, which unpacks each weight block once); both
/// do the same operations per column in the same order as ggml's `vec_dot_qX_K_q8_K`.
protocol SuperBlockFormat {
    static var blockBytes: Int { get }
    /// Whether the block subtracts `dmin·Σ m_j·bsum_j` (Q4_K).
    static var hasMinimum: Bool { get }
    /// The F16 block scale `d` (and `dmin`, zero when unused).
    static func scales(_ block: UnsafeRawPointer) -> (d: Float, dmin: Float)
    /// Step `s` (0..<8): evens, odds and the integer scale of each of the 8 result lanes.
    static func step(_ block: UnsafeRawPointer, _ s: Int) -> (even: SIMD16<Int16>, odd: SIMD16<Int16>, scale: SIMD8<Int32>)
    /// Σ_j m_j·(bsum_{2j} + bsum_{2j+1}) for the activation block sums (Q4_K only).
    static func minimumSum(_ block: UnsafeRawPointer, _ bsums: UnsafePointer<Int32>) -> Int32
}

enum Q4_KFormat: SuperBlockFormat {
    static var blockBytes: Int { 144 }
    static var hasMinimum: Bool { true }
    @inline(__always)
    static func scales(_ block: UnsafeRawPointer) -> (d: Float, dmin: Float) {
        let (d, m) = loadScaleAndMinimum(block)
        return (d, m)
    }
    @inline(__always)
    static func step(_ block: UnsafeRawPointer, _ j: Int) -> (even: SIMD16<Int16>, odd: SIMD16<Int16>, scale: SIMD8<Int32>) {
        let (sc, _) = q4KScaleMin(block + 4, j)
        let raw = block.loadUnaligned(fromByteOffset: 16 + (j / 2) * 32, as: SIMD16<Int16>.self)
        let shifted = (j & 1) == 0 ? raw : raw &>> 4
        return (shifted & 0x000F, (shifted &>> 8) & 0x000F, SIMD8<Int32>(repeating: sc))
    }
    @inline(__always)
    static func minimumSum(_ block: UnsafeRawPointer, _ bsums: UnsafePointer<Int32>) -> Int32 {
        var mins: Int32 = 0
        for j in 0..<8 {
            let (_, m) = q4KScaleMin(block + 4, j)
            mins &+= m &* (bsums[2 * j] &+ bsums[2 * j + 1])
        }
        return mins
    }
}

enum Q6_KFormat: SuperBlockFormat {
    static var blockBytes: Int { 210 }
    static var hasMinimum: Bool { false }
    @inline(__always)
    static func scales(_ block: UnsafeRawPointer) -> (d: Float, dmin: Float) {
        (loadHalf(block, 208), 0)
    }
    @inline(__always)
    static func step(_ wb: UnsafeRawPointer, _ s: Int) -> (even: SIMD16<Int16>, odd: SIMD16<Int16>, scale: SIMD8<Int32>) {
        let half = s / 4, part = s % 4
        let low = wb.loadUnaligned(fromByteOffset: half * 64 + (part & 1) * 32, as: SIMD16<Int16>.self)
        let nibbles = part < 2 ? low : low &>> 4
        let high = wb.loadUnaligned(fromByteOffset: 128 + half * 32, as: SIMD16<Int16>.self)
        let shift = Int16(2 * part)
        let we = ((nibbles & 0x000F) | (((high &>> shift) & 3) &<< 4)) &- 32
        let wo = (((nibbles &>> 8) & 0x000F) | (((high &>> (shift + 8)) & 3) &<< 4)) &- 32
        let sc0 = Int32(wb.load(fromByteOffset: 192 + 2 * s, as: Int8.self))
        let sc1 = Int32(wb.load(fromByteOffset: 192 + 2 * s + 1, as: Int8.self))
        return (we, wo, SIMD8<Int32>(sc0, sc0, sc0, sc0, sc1, sc1, sc1, sc1))
    }
    @inline(__always)
    static func minimumSum(_ block: UnsafeRawPointer, _ bsums: UnsafePointer<Int32>) -> Int32 { 0 }
}

/// One activation column's pointers for a row of superblocks (Q8_K).
struct SuperBlockColumn {
    let qs: UnsafeRawPointer
    let scales: UnsafePointer<Float>
    let bsums: UnsafePointer<Int32>

    init(_ x: QuantizedActivations, column b: Int) {
        qs = UnsafeRawPointer(x.qs + b * x.cols)
        scales = UnsafePointer(x.scales + b * (x.cols / 256))
        bsums = UnsafePointer(x.bsums + b * (x.cols / 16))
    }
}

/// Row · column, per superblock `acc = fma(Float(Σ_s sc·lanes_s), d_x·d, acc)` and
/// `mins += (−d_x·dmin)·Float(Σ m·bsum)`; result `hsum(acc) + mins`.
@inline(__always)
func dotSuperBlocks<F: SuperBlockFormat>(_ format: F.Type, _ w: UnsafeRawPointer, _ x: SuperBlockColumn,
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
            let (we, wo, scale) = F.step(wb, s)
            sumi &+= blockLanes(we, wo, x.qs, b * 512 + s * 64) &* scale
        }
        acc = acc.addingProduct(SIMD8<Float>(sumi), d)
    }
    return F.hasMinimum ? horizontalSum(acc) + accMins : horizontalSum(acc)
}

/// `dotSuperBlocks` for four columns at once: each weight step is unpacked once.
@inline(__always)
func dotSuperBlocks4<F: SuperBlockFormat>(_ format: F.Type, _ w: UnsafeRawPointer, _ x0: SuperBlockColumn,
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
            let (we, wo, scale) = F.step(wb, s)
            let o = b * 512 + s * 64
            s0 &+= blockLanes(we, wo, x0.qs, o) &* scale
            s1 &+= blockLanes(we, wo, x1.qs, o) &* scale
            s2 &+= blockLanes(we, wo, x2.qs, o) &* scale
            s3 &+= blockLanes(we, wo, x3.qs, o) &* scale
        }
        a0 = a0.addingProduct(SIMD8<Float>(s0), x0.scales[b] * dw)
        a1 = a1.addingProduct(SIMD8<Float>(s1), x1.scales[b] * dw)
        a2 = a2.addingProduct(SIMD8<Float>(s2), x2.scales[b] * dw)
        a3 = a3.addingProduct(SIMD8<Float>(s3), x3.scales[b] * dw)
    }
    if F.hasMinimum {
        return SIMD4(horizontalSum(a0) + m0, horizontalSum(a1) + m1, horizontalSum(a2) + m2, horizontalSum(a3) + m3)
    }
    return SIMD4(horizontalSum(a0), horizontalSum(a1), horizontalSum(a2), horizontalSum(a3))
}

/// One tile of rows × the given columns for a K-quant: columns in groups of four, each group
/// swept over the tile's rows.
@inline(__always)
func matmulTileSuperBlocks<F: SuperBlockFormat>(_ format: F.Type, _ w: WeightMatrix, _ x: QuantizedActivations,
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
                let v = dotSuperBlocks4(F.self, w.data + r * w.rowBytes, c0, c1, c2, c3, blocks: blocks)
                out[b * outStride + r] = v[0]
                out[(b + 1) * outStride + r] = v[1]
                out[(b + 2) * outStride + r] = v[2]
                out[(b + 3) * outStride + r] = v[3]
            }
            b += 4
        }
        while b < batch {
            let c = SuperBlockColumn(x, column: b)
            for r in panelRows { out[b * outStride + r] = dotSuperBlocks(F.self, w.data + r * w.rowBytes, c, blocks: blocks) }
            b += 1
        }
        r0 = panelRows.upperBound
    }
}

/// `matmulTileSuperBlocks` for `w.type` (Q4_K or Q6_K), specialized here.
func matmulTileSuperBlocks(_ w: WeightMatrix, _ x: QuantizedActivations, rows: Range<Int>, columns: Range<Int>,
                           out: UnsafeMutablePointer<Float>, outStride: Int) {
    switch w.type {
    case .q4_K: matmulTileSuperBlocks(Q4_KFormat.self, w, x, rows: rows, columns: columns, out: out, outStride: outStride)
    case .q6_K: matmulTileSuperBlocks(Q6_KFormat.self, w, x, rows: rows, columns: columns, out: out, outStride: outStride)
    default: preconditionFailure("\(w.name): \(w.type.name) is not a K-quant format")
    }
}
