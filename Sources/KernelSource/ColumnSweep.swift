/// One activation column's pointers for a row of weight blocks: its Int8 values, its block
/// scales (one per `blockSize` values: 32 for Q8_0/Q8_1, 256 for Q8_K), its Q8_1 block sums and
/// its Q8_K sums per 16 values. A kernel reads the ones its format needs.
public struct ActivationColumn {
    public let q8: UnsafeRawPointer
    /// F16-rounded block scales (Q8_0, Q8_1) or F32 superblock scales (Q8_K).
    public let scales: UnsafePointer<Float>
    /// F16-rounded `d·Σq` per 32-value block (Q8_1).
    public let sums: UnsafePointer<Float>
    /// Σq per 16 values (Q8_K).
    public let bsums: UnsafePointer<Int32>

    @inlinable @inline(__always)
    public init(_ x: ActivationView, column b: Int, blockSize: Int) {
        q8 = UnsafeRawPointer(x.q8 + b * x.cols)
        scales = x.scales + b * (x.cols / blockSize)
        // Wrapping offsets for the two sums pointers: no overflow check to keep, so a kernel
        // that does not read one costs nothing (the sizes are far from overflowing).
        sums = x.sums + b &* (x.cols / 32)
        bsums = x.bsums + b &* (x.cols / 16)
    }
}

/// The accumulators of the four-column kernels: per column eight float lanes and the minimum
/// term, reduced as the one-column kernels reduce theirs.
@frozen
public struct FourColumnSums {
    public var a0 = SIMD8<Float>()
    public var a1 = SIMD8<Float>()
    public var a2 = SIMD8<Float>()
    public var a3 = SIMD8<Float>()
    public var m0: Float = 0
    public var m1: Float = 0
    public var m2: Float = 0
    public var m3: Float = 0

    @inlinable @inline(__always)
    public init() {}

    /// `horizontalSum(a_k)`, plus `m_k` for formats with a minimum.
    @inlinable @inline(__always)
    public func results(withMinimum: Bool) -> SIMD4<Float> {
        if withMinimum {
            return SIMD4(horizontalSum(a0) + m0, horizontalSum(a1) + m1, horizontalSum(a2) + m2, horizontalSum(a3) + m3)
        }
        return SIMD4(horizontalSum(a0), horizontalSum(a1), horizontalSum(a2), horizontalSum(a3))
    }
}

/// The columns of a tile swept over a panel of rows: groups of four first (each weight row read
/// once for the four), then one at a time. Every kernel gives a column the same value either
/// way, so how columns are grouped never changes a result.
public struct ColumnSweep {
    public let rows: Range<Int>
    /// The first column not done yet.
    public var next: Int
    public let out: UnsafeMutablePointer<Float>
    public let outStride: Int

    @inlinable @inline(__always)
    public init(rows: Range<Int>, from first: Int, out: UnsafeMutablePointer<Float>, outStride: Int) {
        self.rows = rows
        self.next = first
        self.out = out
        self.outStride = outStride
    }

    /// Columns `next..<end` into `out[column·outStride + row]`: `column(b)` gives column b's
    /// pointers, `four(r, c)` row r's values for four consecutive columns, `one(r, c)` for one.
    @inlinable @inline(__always)
    public mutating func columns<Column>(
        to end: Int, _ column: (Int) -> Column,
        four: (Int, (Column, Column, Column, Column)) -> SIMD4<Float>,
        one: (Int, Column) -> Float
    ) {
        var b = next
        while b + 4 <= end {
            let c = (column(b), column(b + 1), column(b + 2), column(b + 3))
            for r in rows {
                let v = four(r, c)
                for k in 0..<4 { out[(b + k) * outStride + r] = v[k] }
            }
            b += 4
        }
        next = b
        singles(to: end, column, one: one)
    }

    /// Columns `next..<end` one at a time.
    @inlinable @inline(__always)
    public mutating func singles<Column>(to end: Int, _ column: (Int) -> Column, one: (Int, Column) -> Float) {
        var b = next
        while b < end {
            let c = column(b)
            for r in rows { out[b * outStride + r] = one(r, c) }
            b += 1
        }
        next = b
    }
}

/// `body` for each L1-sized panel of `rows` (at least four rows), with a sweep of `columns` over
/// it: within a panel every group of four columns sweeps the panel, so each weight block is
/// read from memory once per tile and reused across its columns.
@inlinable @inline(__always)
public func sweepPanels(
    _ w: WeightView, rows: Range<Int>, columns: Range<Int>, out: UnsafeMutablePointer<Float>, outStride: Int,
    _ body: (inout ColumnSweep) -> Void
) {
    let panel = min(max(4, 32_768 / max(1, w.rowBytes)), max(1, rows.count))
    var r0 = rows.lowerBound
    while r0 < rows.upperBound {
        let panelRows = r0..<min(rows.upperBound, r0 + panel)
        var sweep = ColumnSweep(rows: panelRows, from: columns.lowerBound, out: out, outStride: outStride)
        body(&sweep)
        r0 = panelRows.upperBound
    }
}
