/// The 512-bit operations the K-quant wide kernels use besides `WideIntegerOps.dot`.
public protocol WideSuperBlockOps: WideIntegerOps {
    /// Lane k = `acc[k]` + Σ over the 16-bit pairs 2k, 2k+1 of (w·x summed over two bytes) ×
    /// `scales`: `vpmaddubsw` then `vpdpwssd`. No intermediate saturates for the K-quant ranges
    /// (unsigned w ≤ 63, |x| ≤ 128, |scale| ≤ 128).
    static func dotScaled(
        _ acc: SIMD16<Int32>, unsigned w: SIMD64<UInt8>, _ x: SIMD64<Int8>, scales: SIMD32<Int16>
    ) -> SIMD16<Int32>
    /// Lane k = `acc[k]` + a[2k]·b[2k] + a[2k+1]·b[2k+1] (`vpdpwssd`).
    static func dotPairs(_ acc: SIMD16<Int32>, _ a: SIMD32<Int16>, _ b: SIMD32<Int16>) -> SIMD16<Int32>
    /// Lane k = lane `index[k]` of `a` followed by `b` (0–15 from `a`, 16–31 from `b`).
    static func permute(_ a: SIMD16<Int32>, _ b: SIMD16<Int32>, _ index: SIMD16<Int32>) -> SIMD16<Int32>
}

/// Eight activation columns' superblock data side by side (see `PackedColumns`): the Int8
/// values, the scales twice (`[d_0…d_7, d_0…d_7]`, one copy per weight row of a vector) and
/// the block sums each kernel needs.
@usableFromInline
enum PackedSuperBlockColumns {
    @inlinable static var columns: Int { 8 }
    @inlinable static var scales: Int { 8 * 256 }
    /// Q4_K: per step pair p, `Float(bsum[4p] + bsum[4p+1])` then `Float(bsum[4p+2] + bsum[4p+3])`,
    /// each as 16 lanes (`[k0…k7, k0…k7]`). Q6_K: per column the 16 sums as Int16, twice.
    @inlinable static var sums: Int { 8 * 256 + 64 }
    @inlinable static var stride: Int { 8 * 256 + 64 + 512 }
}

/// K-quant products on 64-byte vectors for the two summations ggml uses for prompt batches:
/// its repacked Q4_K GEMM (`dotRepackedGemmSuperBlocks`: one integer per pair of 32-value
/// steps, `acc = fma(Float(Σ), d·d_x, acc)`, `accMin = fma(Float(Σ m·bsum), dmin·d_x, accMin)`)
/// and its tiled Q6_K GEMM (`dotTiledSuperBlocks`: one integer per superblock,
/// `acc = fma(d·Float(Σ), d_x, acc)`). Two weight rows share a vector (lanes 0–7 and 8–15),
/// eight packed activation columns are swept per pair of rows. The integers are summed in
/// another order than the 256-bit kernels (exactly the same values); the float operations per
/// (row, column) are the same, in the same order, sixteen (row, column) results per vector.
@inlinable @inline(__always)
public func matmulTileSuperBlocksWide<F: SuperBlockFormat, Ops: BlockIntegerOps & WideSuperBlockOps>(
    _ format: F.Type, _ ops: Ops.Type, _ w: WeightView, _ x: ActivationView, rows: Range<Int>,
    columns: Range<Int>, out: UnsafeMutablePointer<Float>, outStride: Int
) {
    let blocks = w.cols / 256
    let zero = runtimeZero(w.data)
    sweepWide(
        w, rows: rows, columns: columns, scratchBytes: blocks * PackedSuperBlockColumns.stride, groupLimit: 8,
        pack: { first, count, packed in
            packSuperBlockColumns(F.self, x, first: first, count: count, blocks: blocks, into: packed)
        },
        group: { pair, first, count, packed in
            let results = superBlockWideGroup(F.self, Ops.self, w, packed, rows: pair, blocks: blocks, zero: zero)
            storeRowPair(results, rows: pair, columns: count, out: out + first * outStride, outStride: outStride)
        })
}

/// Copies columns `first..<first+count` into the `PackedSuperBlockColumns` layout (missing
/// columns zero).
@inlinable @inline(__always)
func packSuperBlockColumns<F: SuperBlockFormat>(
    _ format: F.Type, _ x: ActivationView, first: Int, count: Int, blocks: Int,
    into packed: UnsafeMutableRawPointer
) {
    for b in 0..<blocks {
        let block = packed + b * PackedSuperBlockColumns.stride
        var scales = SIMD8<Float>()
        var pairA = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
        var pairB = pairA
        for k in 0..<PackedSuperBlockColumns.columns {
            let live = k < count
            let col = first + k
            for s in 0..<8 {
                let values =
                    live
                    ? UnsafeRawPointer(x.q8 + col * x.cols).loadUnaligned(
                        fromByteOffset: b * 256 + s * 32, as: SIMD32<Int8>.self) : SIMD32<Int8>()
                block.storeBytes(of: values, toByteOffset: k * 256 + s * 32, as: SIMD32<Int8>.self)
            }
            guard live else {
                if !F.hasMinimum {
                    block.storeBytes(
                        of: SIMD32<Int16>(), toByteOffset: PackedSuperBlockColumns.sums + k * 64,
                        as: SIMD32<Int16>.self)
                }
                continue
            }
            scales[k] = x.scales[col * blocks + b]
            let bsums = x.bsums + col * (x.cols / 16) + b * 16
            if F.hasMinimum {
                pairA.0[k] = Float(bsums[0] &+ bsums[1])
                pairB.0[k] = Float(bsums[2] &+ bsums[3])
                pairA.1[k] = Float(bsums[4] &+ bsums[5])
                pairB.1[k] = Float(bsums[6] &+ bsums[7])
                pairA.2[k] = Float(bsums[8] &+ bsums[9])
                pairB.2[k] = Float(bsums[10] &+ bsums[11])
                pairA.3[k] = Float(bsums[12] &+ bsums[13])
                pairB.3[k] = Float(bsums[14] &+ bsums[15])
            } else {
                var sums = SIMD16<Int16>()
                for j in 0..<16 { sums[j] = Int16(truncatingIfNeeded: bsums[j]) }
                block.storeBytes(
                    of: SIMD32<Int16>(lowHalf: sums, highHalf: sums),
                    toByteOffset: PackedSuperBlockColumns.sums + k * 64, as: SIMD32<Int16>.self)
            }
        }
        @inline(__always) func twice(_ v: SIMD8<Float>) -> SIMD16<Float> { SIMD16(lowHalf: v, highHalf: v) }
        block.storeBytes(of: twice(scales), toByteOffset: PackedSuperBlockColumns.scales, as: SIMD16<Float>.self)
        if F.hasMinimum {
            let base = PackedSuperBlockColumns.sums
            block.storeBytes(of: twice(pairA.0), toByteOffset: base, as: SIMD16<Float>.self)
            block.storeBytes(of: twice(pairB.0), toByteOffset: base + 64, as: SIMD16<Float>.self)
            block.storeBytes(of: twice(pairA.1), toByteOffset: base + 128, as: SIMD16<Float>.self)
            block.storeBytes(of: twice(pairB.1), toByteOffset: base + 192, as: SIMD16<Float>.self)
            block.storeBytes(of: twice(pairA.2), toByteOffset: base + 256, as: SIMD16<Float>.self)
            block.storeBytes(of: twice(pairB.2), toByteOffset: base + 320, as: SIMD16<Float>.self)
            block.storeBytes(of: twice(pairA.3), toByteOffset: base + 384, as: SIMD16<Float>.self)
            block.storeBytes(of: twice(pairB.3), toByteOffset: base + 448, as: SIMD16<Float>.self)
        }
    }
}

/// Two weight rows × the eight packed columns: result lane `h·8 + k` is row `rows.h` · column k.
@inlinable @inline(__always)
func superBlockWideGroup<F: SuperBlockFormat, Ops: WideSuperBlockOps>(
    _ format: F.Type, _ ops: Ops.Type, _ w: WeightView, _ packed: UnsafeRawPointer, rows: (Int, Int),
    blocks: Int, zero: Int32
) -> SIMD16<Float> {
    let w0 = w.data + rows.0 * w.rowBytes
    let w1 = w.data + rows.1 * w.rowBytes
    var acc = SIMD16<Float>()
    var accMin = SIMD16<Float>()
    typealias Lanes = EightVectors<Int32>
    for b in 0..<blocks {
        let b0 = w0 + b * F.blockBytes
        let b1 = w1 + b * F.blockBytes
        let block = packed + b * PackedSuperBlockColumns.stride
        let xd = block.load(fromByteOffset: PackedSuperBlockColumns.scales, as: SIMD16<Float>.self)
        let (d0, dmin0) = F.scales(b0)
        let (d1, dmin1) = F.scales(b1)
        let dw = SIMD16<Float>(lowHalf: SIMD8(repeating: d0), highHalf: SIMD8(repeating: d1))
        var sums: Lanes = (.zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero)
        @inline(__always) func step(_ s: Int, _ scales: SIMD32<Int16>, into sums: inout Lanes) {
            let values = SIMD64<UInt8>(lowHalf: F.step(b0, s).values, highHalf: F.step(b1, s).values)
            @inline(__always) func column(_ k: Int, _ lanes: inout SIMD16<Int32>) {
                let xv = block.load(fromByteOffset: k * 256 + s * 32, as: SIMD32<Int8>.self)
                lanes = Ops.dotScaled(lanes, unsigned: values, SIMD64(lowHalf: xv, highHalf: xv), scales: scales)
            }
            column(0, &sums.0)
            column(1, &sums.1)
            column(2, &sums.2)
            column(3, &sums.3)
            column(4, &sums.4)
            column(5, &sums.5)
            column(6, &sums.6)
            column(7, &sums.7)
        }
        if F.hasMinimum {
            // Q4_K, ggml's repacked GEMM: one integer per pair of steps.
            let dMin = SIMD16<Float>(lowHalf: SIMD8(repeating: dmin0), highHalf: SIMD8(repeating: dmin1))
            let d = dw * xd
            let dminx = dMin * xd
            for pair in 0..<4 {
                sums = (.zero, .zero, .zero, .zero, .zero, .zero, .zero, .zero)
                var mins = (SIMD16<Float>(), SIMD16<Float>())
                for s in (2 * pair)..<(2 * pair + 2) {
                    let (sc0, m0) = q4KScaleMin(b0 + 4, s)
                    let (sc1, m1) = q4KScaleMin(b1 + 4, s)
                    let scales = SIMD32<Int16>(
                        lowHalf: SIMD16(repeating: Int16(sc0)), highHalf: SIMD16(repeating: Int16(sc1)))
                    step(s, scales, into: &sums)
                    let m = SIMD16<Float>(lowHalf: SIMD8(repeating: Float(m0)), highHalf: SIMD8(repeating: Float(m1)))
                    if s == 2 * pair { mins.0 = m } else { mins.1 = m }
                }
                let base = PackedSuperBlockColumns.sums + pair * 128
                let sumA = block.load(fromByteOffset: base, as: SIMD16<Float>.self)
                let sumB = block.load(fromByteOffset: base + 64, as: SIMD16<Float>.self)
                // m0·bsA + m1·bsB on integers below 2²⁴: exact in F32, equal to Float(Int32 sum).
                let minSum = (mins.1 * sumB).addingProduct(mins.0, sumA)
                acc = acc.addingProduct(toFloat(foldHalves(sums, permute: Ops.permute, add: &+, zero: zero)), d)
                accMin = accMin.addingProduct(minSum, dminx)
            }
        } else {
            // Q6_K, ggml's tiled GEMM: one integer per superblock, minus 32·Σ sc·bsum.
            for s in 0..<8 {
                @inline(__always) func halves(_ block: UnsafeRawPointer) -> SIMD16<Int16> {
                    SIMD16(
                        lowHalf: SIMD8(repeating: scale16(block, 2 * s)),
                        highHalf: SIMD8(repeating: scale16(block, 2 * s + 1)))
                }
                step(s, SIMD32(lowHalf: halves(b0), highHalf: halves(b1)), into: &sums)
            }
            let all = SIMD32<Int16>(
                lowHalf: widen(b0.loadUnaligned(fromByteOffset: 192, as: SIMD16<Int8>.self)),
                highHalf: widen(b1.loadUnaligned(fromByteOffset: 192, as: SIMD16<Int8>.self)))
            @inline(__always) func offset(_ k: Int, _ lanes: inout SIMD16<Int32>) {
                let bsums = block.load(fromByteOffset: PackedSuperBlockColumns.sums + k * 64, as: SIMD32<Int16>.self)
                lanes &-= Ops.dotPairs(.zero, all, bsums) &<< 5
            }
            offset(0, &sums.0)
            offset(1, &sums.1)
            offset(2, &sums.2)
            offset(3, &sums.3)
            offset(4, &sums.4)
            offset(5, &sums.5)
            offset(6, &sums.6)
            offset(7, &sums.7)
            acc = acc.addingProduct(dw * toFloat(foldHalves(sums, permute: Ops.permute, add: &+, zero: zero)), xd)
        }
    }
    return F.hasMinimum ? acc - accMin : acc
}

/// Q6_K's 16 Int8 scales (bytes 192–207 of a block) as Int16.
@inlinable @inline(__always)
func scale16(_ block: UnsafeRawPointer, _ j: Int) -> Int16 {
    Int16(block.load(fromByteOffset: 192 + j, as: Int8.self))
}
