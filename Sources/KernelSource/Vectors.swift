import Builtin

/// Vector operations spelled as LLVM IR instructions (target-independent), because the
/// standard library's generic SIMD code compiles several of them (byte shifts, narrowing and
/// widening conversions, lane comparisons) to one scalar operation per lane.

/// An LLVM vector value (`Builtin.Vec…`) as the Swift SIMD type of the same size (a no-op).
@inlinable @inline(__always)
public func simd<Raw, Vector: SIMD>(_ raw: Raw) -> Vector {
    unsafeBitCast(raw, to: Vector.self)
}

@inlinable @inline(__always)
public func bytes(_ v: SIMD32<UInt8>, shiftedRightBy n: UInt8) -> SIMD32<UInt8> {
    simd(Builtin.lshr_Vec32xInt8(v._storage._value, SIMD32<UInt8>(repeating: n)._storage._value))
}

@inlinable @inline(__always)
public func bytes(_ v: SIMD32<UInt8>, shiftedLeftBy n: UInt8) -> SIMD32<UInt8> {
    simd(Builtin.shl_Vec32xInt8(v._storage._value, SIMD32<UInt8>(repeating: n)._storage._value))
}

@inlinable @inline(__always)
public func bytes(_ a: SIMD32<UInt8>, and b: SIMD32<UInt8>) -> SIMD32<UInt8> {
    simd(Builtin.and_Vec32xInt8(a._storage._value, b._storage._value))
}

@inlinable @inline(__always)
public func bytes(_ a: SIMD32<UInt8>, or b: SIMD32<UInt8>) -> SIMD32<UInt8> {
    simd(Builtin.or_Vec32xInt8(a._storage._value, b._storage._value))
}

/// Lane-wise wrapping `a − b` on bytes.
@inlinable @inline(__always)
public func bytes(_ a: SIMD32<UInt8>, minus b: UInt8) -> SIMD32<UInt8> {
    simd(Builtin.sub_Vec32xInt8(a._storage._value, SIMD32<UInt8>(repeating: b)._storage._value))
}

/// The low byte of each of 32 Int32 lanes (values in Int8 range), in order.
@inlinable @inline(__always)
public func narrowToBytes(_ a: SIMD8<Int32>, _ b: SIMD8<Int32>, _ c: SIMD8<Int32>, _ d: SIMD8<Int32>) -> SIMD32<Int8> {
    let all = SIMD32<Int32>(lowHalf: SIMD16(lowHalf: a, highHalf: b), highHalf: SIMD16(lowHalf: c, highHalf: d))
    return simd(Builtin.trunc_Vec32xInt32_Vec32xInt8(all._storage._value))
}

/// Sign-extends 16 bytes to Int16 lanes.
@inlinable @inline(__always)
public func widen(_ v: SIMD16<Int8>) -> SIMD16<Int16> {
    simd(Builtin.sext_Vec16xInt8_Vec16xInt16(v._storage._value))
}

/// Truncates 8 Int64 lanes to Int32.
@inlinable @inline(__always)
public func narrow(_ v: SIMD8<Int64>) -> SIMD8<Int32> {
    simd(Builtin.trunc_Vec8xInt64_Vec8xInt32(v._storage._value))
}

/// `Float(v)` lane-wise (exact for |v| < 2²⁴; every lane sum here is far smaller).
@inlinable @inline(__always)
public func toFloat(_ v: SIMD8<Int32>) -> SIMD8<Float> {
    simd(Builtin.sitofp_Vec8xInt32_Vec8xFPIEEE32(v._storage._value))
}
