import Builtin

/// 512-bit integer products for CPUs with 64-byte vectors (AVX-512 VNNI): 16 Int32 lanes, lane k
/// = `acc[k]` + Σ over bytes 4k…4k+3 of `w·x` (unsigned `w`, signed `x`), no saturation.
public protocol WideIntegerOps {
    static func dot(_ acc: SIMD16<Int32>, unsigned w: SIMD64<UInt8>, _ x: SIMD64<Int8>) -> SIMD16<Int32>
    /// Lane k = lane `index[k]` of `a` followed by `b` (0–15 from `a`, 16–31 from `b`).
    static func permute(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ index: SIMD16<Int32>) -> SIMD16<Float>
}

/// The indices that fold eight vectors' halves into one vector (see `foldHalves`): each
/// step adds lane i to lane i + 4, then i + 2, then i + 1 of every 8-lane half.
@usableFromInline
enum HalfFold {
    @inlinable static var quarters: SIMD16<Int32> { SIMD16(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27) }
    @inlinable static var pairs: SIMD16<Int32> { SIMD16(0, 1, 4, 5, 16, 17, 20, 21, 8, 9, 12, 13, 24, 25, 28, 29) }
    @inlinable static var singles: SIMD16<Int32> { SIMD16(0, 2, 4, 6, 16, 18, 20, 22, 8, 10, 12, 14, 24, 26, 28, 30) }
}

/// Eight 16-lane vectors.
public typealias EightVectors<T: SIMDScalar> = (
    SIMD16<T>, SIMD16<T>, SIMD16<T>, SIMD16<T>, SIMD16<T>, SIMD16<T>, SIMD16<T>, SIMD16<T>
)

/// Sums each 8-lane half of eight vectors at once: result lane `h·8 + k` is
/// `((v0+v4)+(v2+v6)) + ((v1+v5)+(v3+v7))` of half h of `v[k]` — for floats exactly
/// `horizontalSum`'s additions (each step adds lane i and lane i + 4, i + 2, i + 1; addition
/// commutes), for integers simply their sum. `permute` is the set's two-vector permute, `add`
/// the lane-wise sum.
@inlinable @inline(__always)
func foldHalves<T: SIMDScalar>(
    _ v: EightVectors<T>, permute: (SIMD16<T>, SIMD16<T>, SIMD16<Int32>) -> SIMD16<T>,
    add: (SIMD16<T>, SIMD16<T>) -> SIMD16<T>, zero: Int32
) -> SIMD16<T> {
    @inline(__always) func fold(_ a: SIMD16<T>, _ b: SIMD16<T>, _ index: SIMD16<Int32>, _ step: Int32) -> SIMD16<T> {
        let index = index &+ zero
        return add(permute(a, b, index), permute(a, b, index &+ step))
    }
    let v01 = fold(v.0, v.1, HalfFold.quarters, 4)
    let v23 = fold(v.2, v.3, HalfFold.quarters, 4)
    let v45 = fold(v.4, v.5, HalfFold.quarters, 4)
    let v67 = fold(v.6, v.7, HalfFold.quarters, 4)
    return fold(fold(v01, v23, HalfFold.pairs, 2), fold(v45, v67, HalfFold.pairs, 2), HalfFold.singles, 1)
}

/// Zero, read from the top bit of a user-space address (always clear on x86-64), for the
/// permute indices of `foldHalves`. Indices the compiler sees as constants it rewrites, with the
/// additions between the permutes, into 128-bit extracts, inserts and shuffles: about five
/// times the instructions of the 21-instruction permute tree (seen in the release build's
/// disassembly). An index it cannot know keeps one `vpermt2ps`/`vpermt2d` per permute.
@inlinable @inline(__always)
func runtimeZero(_ pointer: UnsafeRawPointer) -> Int32 {
    Int32(truncatingIfNeeded: UInt(bitPattern: pointer) >> 63)
}

/// `Float(v)` lane-wise for 16 lanes (exact: every lane sum here is far below 2²⁴).
@inlinable @inline(__always)
public func toFloat(_ v: SIMD16<Int32>) -> SIMD16<Float> {
    var r = SIMD16<Float>()
    r._storage._value = Builtin.sitofp_Vec16xInt32_Vec16xFPIEEE32(v._storage._value)
    return r
}

/// Eight activation columns' data for one block, packed side by side so that the kernel reaches
/// every column from one pointer: the Int8 values, `−offset·Σx` per lane of four values, the
/// scales and (Q8_1) the block sums.
@usableFromInline
struct PackedColumns {
    @inlinable static var columns: Int { 8 }
    @inlinable static var valueBytes: Int { 0 }
    @inlinable static var biasBytes: Int { 8 * 32 }
    /// The eight block sums twice (`[s_0…s_7, s_0…s_7]`: lane `h·8 + k` for row h, column k).
    @inlinable static var sumBytes: Int { 16 * 32 }
    @inlinable static var scaleBytes: Int { 16 * 32 + 64 }
    /// Bytes per block (a multiple of 64).
    @inlinable static var stride: Int { 16 * 32 + 128 }
}

/// The 32-value block kernel on 64-byte vectors: two weight rows share one vector (row r in
/// lanes 0–7, row r+1 in lanes 8–15), each activation block is broadcast to both halves, so
/// one 512-bit product serves two (row, column) dot products; eight columns at a time reuse
/// each unpacked pair of weight blocks.
///
/// Per lane the float work is exactly `dotBlocks`' (ggml's `vec_dot` / tinyBLAS order):
/// `acc = fma(Float(lane sum), d_w·d_x, acc)` block after block, `mins = fma(m, s, mins)`, and at
/// the end `hsum(acc) + mins`. Only the integer part is computed differently, with the same
/// result: signed values (Q4_0, Q5_0, Q8_0) are fed as unsigned `q + offset` (what the file
/// stores, or `w xor 0x80` for Q8_0) and the accumulator starts at `−offset·Σx` of the lane's
/// four activations, so the unsigned-by-signed instruction needs no sign tricks.
@inlinable @inline(__always)
public func matmulTileBlock32Wide<F: Block32Format, Ops: BlockIntegerOps & WideIntegerOps>(
    _ format: F.Type, _ ops: Ops.Type, _ w: WeightView, _ x: ActivationView, rows: Range<Int>,
    columns: Range<Int>, out: UnsafeMutablePointer<Float>, outStride: Int
) {
    let blocks = w.cols / 32
    let zero = runtimeZero(w.data)
    sweepWide(
        w, rows: rows, columns: columns, scratchBytes: blocks * PackedColumns.stride, groupLimit: 16,
        pack: { first, count, packed in
            packColumns(F.self, Ops.self, x, first: first, count: count, blocks: blocks, into: packed)
        },
        group: { pair, first, count, packed in
            let out = out + first * outStride
            if count > 8 {
                block32WideGroup(
                    F.self, Ops.self, w, packed, rows: pair, blocks: blocks, out: out, outStride: outStride,
                    width: 16, columns: count, zero: zero)
            } else if count > 4 {
                block32WideGroup(
                    F.self, Ops.self, w, packed, rows: pair, blocks: blocks, out: out, outStride: outStride,
                    width: 8, columns: count, zero: zero)
            } else if count > 1 {
                block32WideGroup(
                    F.self, Ops.self, w, packed, rows: pair, blocks: blocks, out: out, outStride: outStride,
                    width: 4, columns: count, zero: zero)
            } else {
                block32WideGroup(
                    F.self, Ops.self, w, packed, rows: pair, blocks: blocks, out: out, outStride: outStride,
                    width: 1, columns: count, zero: zero)
            }
        })
}

/// The loop both wide kernels share: rows in panels that stay in L2; per panel, activation
/// columns in groups of `groupLimit` (8 or 16) while that many are left, then of at most eight,
/// each eight packed into `scratchBytes` of scratch (`pack`; a group's second eight follow its
/// first), each group swept over the panel's rows two at a time (`group`; an odd last row is
/// paired with itself, and its second result must not be stored).
@inlinable @inline(__always)
func sweepWide(
    _ w: WeightView, rows: Range<Int>, columns: Range<Int>, scratchBytes: Int, groupLimit: Int,
    pack: (_ first: Int, _ count: Int, _ into: UnsafeMutableRawPointer) -> Void,
    group: (_ rows: (Int, Int), _ first: Int, _ count: Int, _ packed: UnsafeRawPointer) -> Void
) {
    withUnsafeTemporaryAllocation(byteCount: scratchBytes * (groupLimit / 8), alignment: 64) { scratch in
        let packed = UnsafeMutableRawPointer(scratch.baseAddress!)
        let panel = max(2, (262_144 / max(1, w.rowBytes)) & ~1)
        var r0 = rows.lowerBound
        while r0 < rows.upperBound {
            let panelEnd = min(rows.upperBound, r0 + panel)
            var c = columns.lowerBound
            while c < columns.upperBound {
                let left = columns.upperBound - c
                let count = left >= groupLimit ? groupLimit : min(8, left)
                var part = 0
                while part < count {
                    pack(c + part, min(8, count - part), packed + (part / 8) * scratchBytes)
                    part += 8
                }
                var r = r0
                while r < panelEnd {
                    group((r, r + 1 < panelEnd ? r + 1 : r), c, count, UnsafeRawPointer(packed))
                    r += 2
                }
                c += count
            }
            r0 = panelEnd
        }
    }
}

/// Copies columns `first..<first+count` of `x` into the `PackedColumns` layout; missing columns
/// (count < 8) are zero, their results are never stored.
@inlinable @inline(__always)
func packColumns<F: Block32Format, Ops: BlockIntegerOps>(
    _ format: F.Type, _ ops: Ops.Type, _ x: ActivationView, first: Int, count: Int, blocks: Int,
    into packed: UnsafeMutableRawPointer
) {
    for b in 0..<blocks {
        let block = packed + b * PackedColumns.stride
        for k in 0..<PackedColumns.columns {
            var values = SIMD32<Int8>()
            var scale: Float = 0
            var sum: Float = 0
            if k < count {
                let col = first + k
                values = UnsafeRawPointer(x.q8 + col * x.cols).loadUnaligned(
                    fromByteOffset: b * 32, as: SIMD32<Int8>.self)
                scale = x.scales[col * blocks + b]
                if F.hasMinimum { sum = x.sums[col * blocks + b] }
            }
            block.storeBytes(of: values, toByteOffset: PackedColumns.valueBytes + k * 32, as: SIMD32<Int8>.self)
            block.storeBytes(of: scale, toByteOffset: PackedColumns.scaleBytes + k * 4, as: Float.self)
            // Only signed formats read the bias, only Q4_1 the sums (`block32WideGroup`).
            if F.valueOffset != 0 {
                let bias = Ops.dot(unsigned: SIMD32(repeating: 1), values) &* -F.valueOffset
                block.storeBytes(of: bias, toByteOffset: PackedColumns.biasBytes + k * 32, as: SIMD8<Int32>.self)
            }
            if F.hasMinimum {
                block.storeBytes(of: sum, toByteOffset: PackedColumns.sumBytes + k * 4, as: Float.self)
                block.storeBytes(of: sum, toByteOffset: PackedColumns.sumBytes + 32 + k * 4, as: Float.self)
            }
        }
    }
}

/// Two weight rows × `width` (1, 4, 8 or 16, a literal at each call) packed activation columns,
/// of which the first `columns` are stored (see `matmulTileBlock32Wide`); `out` points at the
/// first column's output row. Sixteen columns (two packed eights, one after the other) share each
/// unpacked pair of weight blocks and its scales.
@inlinable @inline(__always)
func block32WideGroup<F: Block32Format, Ops: WideIntegerOps>(
    _ format: F.Type, _ ops: Ops.Type, _ w: WeightView, _ packed: UnsafeRawPointer, rows: (Int, Int),
    blocks: Int, out: UnsafeMutablePointer<Float>, outStride: Int, width: Int, columns: Int, zero: Int32
) {
    let w0 = w.data + rows.0 * w.rowBytes
    let w1 = w.data + rows.1 * w.rowBytes
    var acc = (
        SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>(),
        SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>(), SIMD16<Float>()
    )
    var acc2 = acc
    // The minimum terms of all sixteen (row, column) pairs of each eight in one vector: lane h·8 + k.
    var mins = SIMD16<Float>()
    var mins2 = SIMD16<Float>()
    let second = packed + blocks * PackedColumns.stride
    for b in 0..<blocks {
        let b0 = w0 + b * F.blockBytes
        let b1 = w1 + b * F.blockBytes
        let block = packed + b * PackedColumns.stride
        let block2 = second + b * PackedColumns.stride
        if width == 1 {
            prefetch(b0 + prefetchDistance)
            prefetch(b1 + prefetchDistance)
        }
        let values = SIMD64<UInt8>(lowHalf: F.unpackUnsigned(b0), highHalf: F.unpackUnsigned(b1))
        let (d0, m0) = loadScaleAndMinimum(b0)
        let (d1, m1) = loadScaleAndMinimum(b1)
        let d = SIMD16<Float>(lowHalf: SIMD8(repeating: d0), highHalf: SIMD8(repeating: d1))
        let m = SIMD16<Float>(lowHalf: SIMD8(repeating: m0), highHalf: SIMD8(repeating: m1))
        if F.hasMinimum {
            mins = mins.addingProduct(m, block.load(fromByteOffset: PackedColumns.sumBytes, as: SIMD16<Float>.self))
            if width > 8 {
                mins2 = mins2.addingProduct(
                    m, block2.load(fromByteOffset: PackedColumns.sumBytes, as: SIMD16<Float>.self))
            }
        }
        @inline(__always) func column(_ index: Int, _ acc: inout SIMD16<Float>) {
            guard index < width else { return }
            let block = index < 8 ? block : block2
            let k = index & 7
            let xv = block.load(fromByteOffset: PackedColumns.valueBytes + k * 32, as: SIMD32<Int8>.self)
            var start = SIMD16<Int32>()
            if F.valueOffset != 0 {
                let lanes = block.load(fromByteOffset: PackedColumns.biasBytes + k * 32, as: SIMD8<Int32>.self)
                start = SIMD16(lowHalf: lanes, highHalf: lanes)
            }
            let ints = Ops.dot(start, unsigned: values, SIMD64(lowHalf: xv, highHalf: xv))
            let scale = block.load(fromByteOffset: PackedColumns.scaleBytes + k * 4, as: Float.self)
            acc = acc.addingProduct(toFloat(ints), d * scale)
        }
        column(0, &acc.0)
        column(1, &acc.1)
        column(2, &acc.2)
        column(3, &acc.3)
        column(4, &acc.4)
        column(5, &acc.5)
        column(6, &acc.6)
        column(7, &acc.7)
        column(8, &acc2.0)
        column(9, &acc2.1)
        column(10, &acc2.2)
        column(11, &acc2.3)
        column(12, &acc2.4)
        column(13, &acc2.5)
        column(14, &acc2.6)
        column(15, &acc2.7)
    }
    @inline(__always) func store(
        _ acc: EightVectors<Float>, _ mins: SIMD16<Float>, columns: Int, out: UnsafeMutablePointer<Float>
    ) {
        var sums = foldHalves(acc, permute: Ops.permute, add: +, zero: zero)
        if F.hasMinimum { sums += mins }
        storeRowPair(sums, rows: rows, columns: columns, out: out, outStride: outStride)
    }
    store(acc, mins, columns: min(8, columns), out: out)
    if width > 8 { store(acc2, mins2, columns: columns - 8, out: out + 8 * outStride) }
}

/// Stores a row pair's results (lane h·8 + k: row h, column k) at `out[k·outStride + row]`
/// for the first `columns` columns; an odd last row (paired with itself) stores one row.
/// Adjacent rows go out as one 8-byte store per column.
@inlinable @inline(__always)
func storeRowPair(
    _ sums: SIMD16<Float>, rows: (Int, Int), columns: Int, out: UnsafeMutablePointer<Float>, outStride: Int
) {
    let raw = UnsafeMutableRawPointer(out + rows.0)
    let step = outStride * MemoryLayout<Float>.stride
    guard rows.1 == rows.0 + 1 else {
        for k in 0..<columns { out[k * outStride + rows.0] = sums[k] }
        return
    }
    for k in 0..<columns {
        raw.storeBytes(of: SIMD2(sums[k], sums[8 + k]), toByteOffset: k * step, as: SIMD2<Float>.self)
    }
}
