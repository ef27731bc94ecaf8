import Builtin
import KernelSource

/// The x86 byte-product instructions more than one set uses (AVX2, AVX-VNNI, AVX-512 VNNI),
/// written once. Everything here is `@inlinable @inline(__always)`: each set module compiles the
/// bodies for its own CPU. This module is compiled for a CPU that has all of them (KernelSource,
/// built for baseline x86-64, could not hold them); its own copies are never called.

/// `vpsignb`: `a` negated where `b` < 0, zeroed where `b` = 0.
@inlinable @inline(__always)
public func applySign(_ a: SIMD32<Int8>, of b: SIMD32<Int8>) -> SIMD32<Int8> {
    simd(Builtin.int_x86_avx2_psign_b(a._storage._value, b._storage._value))
}

/// `vpdpbusd` on 256-bit vectors (AVX-VNNI, or AVX-512 VNNI with AVX-512VL; LLVM shares the
/// intrinsic and emits the encoding the target has): `acc` + Σ of 4 unsigned-byte × signed-byte
/// products per 32-bit lane.
@inlinable @inline(__always)
public func dotBytes(_ acc: SIMD8<Int32>, _ a: SIMD32<UInt8>, _ b: SIMD32<Int8>) -> SIMD8<Int32> {
    simd(
        Builtin.int_x86_avx512_vpdpbusd_256(
            acc._storage._value, unsafeBitCast(a, to: SIMD8<Int32>.self)._storage._value,
            unsafeBitCast(b, to: SIMD8<Int32>.self)._storage._value))
}

/// A set whose byte product multiplies unsigned weight bytes with signed activation bytes
/// (`vpmaddubsw`, `vpdpbusd`): signed weights go through `vpsignb` first, |w| × x·sign(w), as
/// ggml does (two more instructions).
public protocol UnsignedWeightIntegerOps: BlockIntegerOps {}

extension UnsignedWeightIntegerOps {
    @inlinable @inline(__always)
    public static func dot(signed w: SIMD32<Int8>, _ x: SIMD32<Int8>) -> SIMD8<Int32> {
        dot(unsigned: unsafeBitCast(applySign(w, of: w), to: SIMD32<UInt8>.self), applySign(x, of: w))
    }
}

/// The VNNI sets (AVX-VNNI, AVX-512 VNNI): one `vpdpbusd` per 32 weight bytes.
public protocol VNNIIntegerOps: UnsignedWeightIntegerOps {}

extension VNNIIntegerOps {
    @inlinable @inline(__always)
    public static func dot(unsigned w: SIMD32<UInt8>, _ x: SIMD32<Int8>) -> SIMD8<Int32> {
        dotBytes(SIMD8<Int32>(), w, x)
    }
}
