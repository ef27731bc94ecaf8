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
        while b < end {
            let c = column(b)
            for r in rows { out[b * outStride + r] = one(r, c) }
            b += 1
        }
        next = b
    }
}
