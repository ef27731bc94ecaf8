/// The activation side of the K-quant kernels: four columns together, and the integer lanes of a
/// superblock (the part every K-quant summation shares).

/// Four activation columns' pointers for a row of superblocks (the four-column kernels, which
/// unpack each weight step once for the four).
public struct SuperBlockColumns4 {
    public let c0: ActivationColumn
    public let c1: ActivationColumn
    public let c2: ActivationColumn
    public let c3: ActivationColumn

    @inlinable @inline(__always)
    public init(_ c: (ActivationColumn, ActivationColumn, ActivationColumn, ActivationColumn)) {
        (c0, c1, c2, c3) = c
    }

    /// The four columns' activation scales of superblock `b`.
    @inlinable @inline(__always)
    public func scales(_ b: Int) -> SIMD4<Float> {
        SIMD4(c0.scales[b], c1.scales[b], c2.scales[b], c3.scales[b])
    }

    /// `F.minimumSum` of superblock `b` for each column.
    @inlinable @inline(__always)
    public func minimumSums<F: SuperBlockFormat>(_ format: F.Type, _ wb: UnsafeRawPointer, block b: Int) -> SIMD4<Float>
    {
        SIMD4(
            Float(F.minimumSum(wb, c0.bsums + b * 16)), Float(F.minimumSum(wb, c1.bsums + b * 16)),
            Float(F.minimumSum(wb, c2.bsums + b * 16)), Float(F.minimumSum(wb, c3.bsums + b * 16)))
    }

    /// `stepLanes` for the four columns, each weight step unpacked once.
    @inlinable @inline(__always)
    public func stepLanes<F: SuperBlockFormat, Ops: BlockIntegerOps>(
        _ format: F.Type, _ ops: Ops.Type, _ wb: UnsafeRawPointer, block b: Int, steps: Range<Int>
    ) -> SuperBlockLanes4 {
        var s0 = SIMD8<Int32>()
        var s1 = SIMD8<Int32>()
        var s2 = SIMD8<Int32>()
        var s3 = SIMD8<Int32>()
        for s in steps {
            let (values, scale) = F.step(wb, s)
            let o = b * 256 + s * 32
            s0 &+= Ops.dot(values, signed: F.signedValues, c0.q8, o) &* scale
            s1 &+= Ops.dot(values, signed: F.signedValues, c1.q8, o) &* scale
            s2 &+= Ops.dot(values, signed: F.signedValues, c2.q8, o) &* scale
            s3 &+= Ops.dot(values, signed: F.signedValues, c3.q8, o) &* scale
        }
        return (s0, s1, s2, s3)
    }

    /// `superBlockLanes` for the four columns.
    @inlinable @inline(__always)
    public func superBlockLanes<F: SuperBlockFormat, Ops: BlockIntegerOps>(
        _ format: F.Type, _ ops: Ops.Type, _ wb: UnsafeRawPointer, block b: Int
    ) -> SuperBlockLanes4 {
        let (s0, s1, s2, s3) = stepLanes(F.self, Ops.self, wb, block: b, steps: 0..<8)
        return (
            s0 &- F.laneOffset(wb, c0.bsums + b * 16), s1 &- F.laneOffset(wb, c1.bsums + b * 16),
            s2 &- F.laneOffset(wb, c2.bsums + b * 16), s3 &- F.laneOffset(wb, c3.bsums + b * 16)
        )
    }
}

/// The eight integer lanes of one superblock for four columns.
public typealias SuperBlockLanes4 = (SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>)

/// Σ over `steps` of superblock `b` of each step's integer lanes × the step's lane scales, for
/// one column's Int8 values `q8`.
@inlinable @inline(__always)
public func stepLanes<F: SuperBlockFormat, Ops: BlockIntegerOps>(
    _ format: F.Type, _ ops: Ops.Type, _ wb: UnsafeRawPointer, _ q8: UnsafeRawPointer, block b: Int, steps: Range<Int>
) -> SIMD8<Int32> {
    var sumi = SIMD8<Int32>()
    for s in steps {
        let (values, scale) = F.step(wb, s)
        sumi &+= Ops.dot(values, signed: F.signedValues, q8, b * 256 + s * 32) &* scale
    }
    return sumi
}

/// The eight integer lanes of superblock `b`: `stepLanes` over its eight steps less the
/// format's `laneOffset`.
@inlinable @inline(__always)
public func superBlockLanes<F: SuperBlockFormat, Ops: BlockIntegerOps>(
    _ format: F.Type, _ ops: Ops.Type, _ wb: UnsafeRawPointer, _ x: ActivationColumn, block b: Int
) -> SIMD8<Int32> {
    stepLanes(F.self, Ops.self, wb, x.q8, block: b, steps: 0..<8) &- F.laneOffset(wb, x.bsums + b * 16)
}

/// Each column's lanes summed (wrapping), as floats.
@inlinable @inline(__always)
public func wrappedSums(_ s: SuperBlockLanes4) -> SIMD4<Float> {
    SIMD4(Float(s.0.wrappedSum()), Float(s.1.wrappedSum()), Float(s.2.wrappedSum()), Float(s.3.wrappedSum()))
}
