/// K-quant formats: 256-value superblocks of eight 32-value steps, each step's values
/// unpacked to 32 bytes in order together with the per-lane integer scales. One generic kernel serves Q4_K and Q6_K for one activation column
/// (`dotSuperBlocks`) or four (`dotSuperBlocks4`, which unpacks each weight block once); both
/// do the same operations per column in the same order as ggml's `vec_dot_qX_K_q8_K`.
public protocol SuperBlockFormat {
    static var blockBytes: Int { get }
    /// Whether the block subtracts `dmin·Σ m_j·bsum_j` (Q4_K). False unless a format says so.
    static var hasMinimum: Bool { get }
    /// The F16 block scale `d` (and `dmin`, zero when unused).
    static func scales(_ block: UnsafeRawPointer) -> (d: Float, dmin: Float)
    /// Step `s` (0..<8): values 32s…32s+31 and the integer scale of each of the 8 result lanes.
    static func step(_ block: UnsafeRawPointer, _ s: Int) -> (values: SIMD32<UInt8>, scale: SIMD8<Int32>)
    /// Σ_j m_j·(bsum_{2j} + bsum_{2j+1}) for the activation block sums (Q4_K only; 0 by default).
    static func minimumSum(_ block: UnsafeRawPointer, _ bsums: UnsafePointer<Int32>) -> Int32
    /// What to subtract from the eight integer lanes of a superblock before scaling (Q6_K's
    /// `32·Σ sc·bsum` offset, lane k taking the 16-value groups 2k and 2k+1, as ggml's AVX2 kernel;
    /// zero by default).
    static func laneOffset(_ block: UnsafeRawPointer, _ bsums: UnsafePointer<Int32>) -> SIMD8<Int32>
}

extension SuperBlockFormat {
    @inlinable public static var hasMinimum: Bool { false }

    /// `step` values are unsigned in every K-quant (Q6_K's −32 goes through `laneOffset`, as
    /// ggml does).
    @inlinable public static var signedValues: Bool { false }

    @inlinable @inline(__always)
    public static func minimumSum(_ block: UnsafeRawPointer, _ bsums: UnsafePointer<Int32>) -> Int32 { 0 }

    @inlinable @inline(__always)
    public static func laneOffset(_ block: UnsafeRawPointer, _ bsums: UnsafePointer<Int32>) -> SIMD8<Int32> {
        SIMD8()
    }
}

public enum Q4_KFormat: SuperBlockFormat {
    @inlinable public static var blockBytes: Int { 144 }
    @inlinable public static var hasMinimum: Bool { true }
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
    // Values stay unsigned (0…63); the −32 is applied through `laneOffset`, as ggml does.
    @inlinable @inline(__always)
    public static func scales(_ block: UnsafeRawPointer) -> (d: Float, dmin: Float) {
        (loadHalf(block, 208), 0)
    }
    @inlinable @inline(__always)
    public static func step(_ wb: UnsafeRawPointer, _ s: Int) -> (values: SIMD32<UInt8>, scale: SIMD8<Int32>) {
        let half = s / 4
        let part = s % 4
        let low = wb.loadUnaligned(fromByteOffset: half * 64 + (part & 1) * 32, as: SIMD32<UInt8>.self)
        let nibbles = bytes(part < 2 ? low : bytes(low, shiftedRightBy: 4), and: SIMD32<UInt8>(repeating: 0x0F))
        let high = wb.loadUnaligned(fromByteOffset: 128 + half * 32, as: SIMD32<UInt8>.self)
        let top = bytes(
            bytes(bytes(high, shiftedRightBy: UInt8(2 * part)), and: SIMD32<UInt8>(repeating: 3)),
            shiftedLeftBy: 4)
        let sc0 = Int32(wb.load(fromByteOffset: 192 + 2 * s, as: Int8.self))
        let sc1 = Int32(wb.load(fromByteOffset: 192 + 2 * s + 1, as: Int8.self))
        return (bytes(nibbles, or: top), SIMD8<Int32>(sc0, sc0, sc0, sc0, sc1, sc1, sc1, sc1))
    }
    @inlinable @inline(__always)
    public static func laneOffset(_ block: UnsafeRawPointer, _ bsums: UnsafePointer<Int32>) -> SIMD8<Int32> {
        var lanes = SIMD8<Int32>()
        for k in 0..<8 {
            let s0 = Int32(block.load(fromByteOffset: 192 + 2 * k, as: Int8.self))
            let s1 = Int32(block.load(fromByteOffset: 192 + 2 * k + 1, as: Int8.self))
            lanes[k] = 32 &* (bsums[2 * k] &* s0 &+ bsums[2 * k + 1] &* s1)
        }
        return lanes
    }
}

/// Row · column. Which of ggml's x86 (AVX2) kernels — and so which summation — a product gets
/// depends on the format, the matrix and the batch; `matmulTileSuperBlocks` picks as ggml does:
/// - ggml's `vec_dot_qX_K_q8_K` (batches under eight rows, matrices not repacked): per superblock
///   `acc = fma(Float(Σ_s sc·lanes_s − offset), d_x·d, acc)` over eight lanes; result `hsum(acc)`
///   (+ the Q4_K minimum term). This function.
/// - ggml's tiled GEMM (eight rows or more, not repacked): `dotTiledSuperBlocks`.
/// - Q4_K: ggml on every x86 CPU with AVX2 repacks Q4_K matrices whose row count is a multiple of
///   eight into interleaved `q4_K_8x8` blocks and multiplies them with its own kernels. Its GEMV
///   (single activation rows) sums each superblock to one integer:
///   `acc = fma(Float(Σ sc·q·x), d·d_x, acc)`, `accMin = fma(Float(Σ m·bsum), dmin·d_x, accMin)`,
///   result `acc − accMin` (`dotRepackedSuperBlocks`). Its GEMM (whole groups of four activation
///   rows) does the same per pair of 32-value steps, four times per superblock
///   (`dotRepackedGemmSuperBlocks`). That is what llama.cpp users get (and what the reference
///   logits were made with), so those are the formulas here; `ActivationView.gemmColumns` says
///   which activation rows take which.
@inlinable @inline(__always)
public func dotSuperBlocks<F: SuperBlockFormat, Ops: BlockIntegerOps>(
    _ format: F.Type, _ ops: Ops.Type, _ w: UnsafeRawPointer, _ x: ActivationColumn, blocks: Int
) -> Float {
    var acc = SIMD8<Float>()
    var accMins: Float = 0
    for b in 0..<blocks {
        let wb = w + b * F.blockBytes
        prefetch(wb + prefetchDistance)
        let (dw, dminw) = F.scales(wb)
        let d = x.scales[b] * dw
        if F.hasMinimum {
            let dmin = -x.scales[b] * dminw
            accMins += dmin * Float(F.minimumSum(wb, x.bsums + b * 16))
        }
        acc = acc.addingProduct(toFloat(superBlockLanes(F.self, Ops.self, wb, x, block: b)), d)
    }
    return F.hasMinimum ? horizontalSum(acc) + accMins : horizontalSum(acc)
}

/// The repacked-Q4_K formula of `dotSuperBlocks` (one integer per superblock).
@inlinable @inline(__always)
public func dotRepackedSuperBlocks<F: SuperBlockFormat, Ops: BlockIntegerOps>(
    _ format: F.Type, _ ops: Ops.Type, _ w: UnsafeRawPointer, _ x: ActivationColumn, blocks: Int
) -> Float {
    var acc: Float = 0
    var accMin: Float = 0
    for b in 0..<blocks {
        let wb = w + b * F.blockBytes
        prefetch(wb + prefetchDistance)
        let (dw, dminw) = F.scales(wb)
        let sumi = superBlockLanes(F.self, Ops.self, wb, x, block: b)
        acc = acc.addingProduct(Float(sumi.wrappedSum()), dw * x.scales[b])
        accMin = accMin.addingProduct(Float(F.minimumSum(wb, x.bsums + b * 16)), dminw * x.scales[b])
    }
    return acc - accMin
}

/// ggml's tiled K-quant GEMM summation (batches of eight or more activation rows, matrices that
/// are not repacked): per superblock one integer `s`, `r = d·Float(s)` (Q4_K: `r = fma(−dmin,
/// Float(Σ m·bsum), r)`), `acc = fma(r, d_x, acc)`.
@inlinable @inline(__always)
public func dotTiledSuperBlocks<F: SuperBlockFormat, Ops: BlockIntegerOps>(
    _ format: F.Type, _ ops: Ops.Type, _ w: UnsafeRawPointer, _ x: ActivationColumn, blocks: Int
) -> Float {
    var acc: Float = 0
    for b in 0..<blocks {
        let wb = w + b * F.blockBytes
        let (dw, dminw) = F.scales(wb)
        var r = dw * Float(superBlockLanes(F.self, Ops.self, wb, x, block: b).wrappedSum())
        if F.hasMinimum { r = r.addingProduct(-dminw, Float(F.minimumSum(wb, x.bsums + b * 16))) }
        acc = acc.addingProduct(r, x.scales[b])
    }
    return acc
}

/// `dotTiledSuperBlocks` for four columns at once: each weight step is unpacked once.
@inlinable @inline(__always)
public func dotTiledSuperBlocks4<F: SuperBlockFormat, Ops: BlockIntegerOps>(
    _ format: F.Type, _ ops: Ops.Type, _ w: UnsafeRawPointer, _ x: SuperBlockColumns4, blocks: Int
) -> SIMD4<Float> {
    var acc = SIMD4<Float>()
    for b in 0..<blocks {
        let wb = w + b * F.blockBytes
        let (dw, dminw) = F.scales(wb)
        var r = SIMD4<Float>(repeating: dw) * wrappedSums(x.superBlockLanes(F.self, Ops.self, wb, block: b))
        if F.hasMinimum {
            r = r.addingProduct(SIMD4<Float>(repeating: -dminw), x.minimumSums(F.self, wb, block: b))
        }
        acc = acc.addingProduct(r, x.scales(b))
    }
    return acc
}

/// `dotRepackedGemmSuperBlocks` for four columns at once.
@inlinable @inline(__always)
public func dotRepackedGemmSuperBlocks4<Ops: BlockIntegerOps>(
    _ ops: Ops.Type, _ w: UnsafeRawPointer, _ x: SuperBlockColumns4, blocks: Int
) -> SIMD4<Float> {
    var acc = SIMD4<Float>()
    var accMin = SIMD4<Float>()
    for b in 0..<blocks {
        let wb = w + b * Q4_KFormat.blockBytes
        let (dw, dminw) = Q4_KFormat.scales(wb)
        let xd = x.scales(b)
        let d = dw * xd
        let dmin = dminw * xd
        for pair in 0..<4 {
            let lanes = x.stepLanes(Q4_KFormat.self, Ops.self, wb, block: b, steps: (2 * pair)..<(2 * pair + 2))
            let m = q4KPairMinimums(wb, pair)
            @inline(__always) func mins(_ c: ActivationColumn) -> Float {
                Float(q4KPairMinimumSum(m, c.bsums + b * 16, pair))
            }
            acc = acc.addingProduct(wrappedSums(lanes), d)
            accMin = accMin.addingProduct(SIMD4<Float>(mins(x.c0), mins(x.c1), mins(x.c2), mins(x.c3)), dmin)
        }
    }
    return acc - accMin
}

/// The minimums `m` of the two 32-value steps of step pair `pair` of a Q4_K block.
@inlinable @inline(__always)
public func q4KPairMinimums(_ wb: UnsafeRawPointer, _ pair: Int) -> (Int32, Int32) {
    (q4KScaleMin(wb + 4, 2 * pair).1, q4KScaleMin(wb + 4, 2 * pair + 1).1)
}

/// Σ m·bsum of step pair `pair` (ggml's repacked GEMM minimum term), given its minimums.
@inlinable @inline(__always)
public func q4KPairMinimumSum(_ m: (Int32, Int32), _ bsums: UnsafePointer<Int32>, _ pair: Int) -> Int32 {
    m.0 &* (bsums[4 * pair] &+ bsums[4 * pair + 1]) &+ m.1 &* (bsums[4 * pair + 2] &+ bsums[4 * pair + 3])
}

/// ggml's repacked Q4_K GEMM summation: one fused multiply-add per pair of 32-value steps.
@inlinable @inline(__always)
public func dotRepackedGemmSuperBlocks<Ops: BlockIntegerOps>(
    _ ops: Ops.Type, _ w: UnsafeRawPointer, _ x: ActivationColumn, blocks: Int
) -> Float {
    var acc: Float = 0
    var accMin: Float = 0
    for b in 0..<blocks {
        let wb = w + b * Q4_KFormat.blockBytes
        let (dw, dminw) = Q4_KFormat.scales(wb)
        let d = dw * x.scales[b]
        let dmin = dminw * x.scales[b]
        for pair in 0..<4 {
            let sumi = stepLanes(Q4_KFormat.self, Ops.self, wb, x.q8, block: b, steps: (2 * pair)..<(2 * pair + 2))
            acc = acc.addingProduct(Float(sumi.wrappedSum()), d)
            accMin = accMin.addingProduct(
                Float(q4KPairMinimumSum(q4KPairMinimums(wb, pair), x.bsums + b * 16, pair)), dmin)
        }
    }
    return acc - accMin
}

/// `dotSuperBlocks` for four columns at once: each weight step is unpacked once.
@inlinable @inline(__always)
public func dotSuperBlocks4<F: SuperBlockFormat, Ops: BlockIntegerOps>(
    _ format: F.Type, _ ops: Ops.Type, _ w: UnsafeRawPointer, _ x: SuperBlockColumns4, blocks: Int
) -> SIMD4<Float> {
    var acc = FourColumnSums()
    for b in 0..<blocks {
        let wb = w + b * F.blockBytes
        let (dw, dminw) = F.scales(wb)
        if F.hasMinimum {
            acc.m0 += (-x.c0.scales[b] * dminw) * Float(F.minimumSum(wb, x.c0.bsums + b * 16))
            acc.m1 += (-x.c1.scales[b] * dminw) * Float(F.minimumSum(wb, x.c1.bsums + b * 16))
            acc.m2 += (-x.c2.scales[b] * dminw) * Float(F.minimumSum(wb, x.c2.bsums + b * 16))
            acc.m3 += (-x.c3.scales[b] * dminw) * Float(F.minimumSum(wb, x.c3.bsums + b * 16))
        }
        let (s0, s1, s2, s3) = x.superBlockLanes(F.self, Ops.self, wb, block: b)
        acc.a0 = acc.a0.addingProduct(toFloat(s0), x.c0.scales[b] * dw)
        acc.a1 = acc.a1.addingProduct(toFloat(s1), x.c1.scales[b] * dw)
        acc.a2 = acc.a2.addingProduct(toFloat(s2), x.c2.scales[b] * dw)
        acc.a3 = acc.a3.addingProduct(toFloat(s3), x.c3.scales[b] * dw)
    }
    return acc.results(withMinimum: F.hasMinimum)
}

/// One tile of rows × the given columns for a K-quant (`sweepPanels`).
@inlinable @inline(__always)
public func matmulTileSuperBlocks<F: SuperBlockFormat, Ops: BlockIntegerOps>(
    _ format: F.Type, _ ops: Ops.Type, _ w: WeightView, _ x: ActivationView,
    rows: Range<Int>, columns: Range<Int>,
    out: UnsafeMutablePointer<Float>, outStride: Int
) {
    let batch = columns.upperBound
    let blocks = w.cols / 256
    sweepPanels(w, rows: rows, columns: columns, out: out, outStride: outStride) { sweep in
        if F.hasMinimum && w.rows % 8 == 0 {
            // Q4_K, repacked by ggml: its GEMM for whole groups of four activation rows, its GEMV
            // for the rest.
            sweep.columns(
                to: min(batch, x.gemmColumns), { ActivationColumn(x, column: $0, blockSize: 256) },
                four: { r, c in dotRepackedGemmSuperBlocks4(Ops.self, w.row(r), SuperBlockColumns4(c), blocks: blocks)
                },
                one: { r, c in dotRepackedGemmSuperBlocks(Ops.self, w.row(r), c, blocks: blocks) })
            sweep.singles(
                to: batch, { ActivationColumn(x, column: $0, blockSize: 256) },
                one: { r, c in dotRepackedSuperBlocks(F.self, Ops.self, w.row(r), c, blocks: blocks) })
        } else if x.rows >= 8 {
            // ggml's tiled GEMM from eight activation rows on.
            sweep.columns(
                to: batch, { ActivationColumn(x, column: $0, blockSize: 256) },
                four: { r, c in dotTiledSuperBlocks4(F.self, Ops.self, w.row(r), SuperBlockColumns4(c), blocks: blocks)
                },
                one: { r, c in dotTiledSuperBlocks(F.self, Ops.self, w.row(r), c, blocks: blocks) })
        } else {
            sweep.columns(
                to: batch, { ActivationColumn(x, column: $0, blockSize: 256) },
                four: { r, c in dotSuperBlocks4(F.self, Ops.self, w.row(r), SuperBlockColumns4(c), blocks: blocks) },
                one: { r, c in dotSuperBlocks(F.self, Ops.self, w.row(r), c, blocks: blocks) })
        }
    }
}
