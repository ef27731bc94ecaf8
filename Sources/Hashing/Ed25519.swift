/// Ed25519 signatures (RFC 8032 §5.1): key generation from a 32-byte seed, signing and
/// verification. Written from the RFC; checked against its §7.1 test vectors and against
/// python `cryptography` in the tests.
///
/// Field elements of GF(2^255 − 19) are 16 signed 64-bit limbs of 16 bits each; points are in
/// extended twisted Edwards coordinates (X:Y:Z:T) with the unified addition law of §5.1.4.
/// Secret-dependent scalar multiplication uses a conditional swap ladder (no secret-dependent
/// branches or indices).
public enum Ed25519 {
    public static let seedSize = 32
    public static let publicKeySize = 32
    public static let signatureSize = 64

    public enum KeyError: Error, Equatable, CustomStringConvertible {
        case wrongSize(what: String, expected: Int, actual: Int)

        public var description: String {
            switch self {
            case .wrongSize(let what, let expected, let actual):
                return "an Ed25519 \(what) is \(expected) bytes, got \(actual)"
            }
        }
    }

    /// The public key of a 32-byte secret seed (RFC 8032 §5.1.5).
    public static func publicKey(seed: [UInt8]) throws(KeyError) -> [UInt8] {
        guard seed.count == seedSize else {
            throw .wrongSize(what: "secret seed", expected: seedSize, actual: seed.count)
        }
        let (scalar, _) = expand(seed)
        return Point.base.multiplied(by: scalar).encoded()
    }

    /// Signs `message` with the secret `seed` (RFC 8032 §5.1.6). Deterministic.
    public static func sign(_ message: [UInt8], seed: [UInt8]) throws(KeyError) -> [UInt8] {
        guard seed.count == seedSize else {
            throw .wrongSize(what: "secret seed", expected: seedSize, actual: seed.count)
        }
        let (scalar, prefix) = expand(seed)
        let publicKey = Point.base.multiplied(by: scalar).encoded()
        let r = Scalar.reduce(SHA512.hash(prefix + message))
        let encodedR = Point.base.multiplied(by: r).encoded()
        let k = Scalar.reduce(SHA512.hash(encodedR + publicKey + message))
        let s = Scalar.mulAdd(k, scalar, r)
        return encodedR + s
    }

    /// True when `signature` is a valid signature of `message` under `publicKey`
    /// (RFC 8032 §5.1.7, cofactorless equation [S]B = R + [k]A, S < L enforced).
    public static func verify(_ signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == signatureSize, publicKey.count == publicKeySize else { return false }
        guard let a = Point.decode(publicKey) else { return false }
        let encodedR = Array(signature[0..<32])
        let s = Array(signature[32..<64])
        guard Scalar.isCanonical(s) else { return false }
        let k = Scalar.reduce(SHA512.hash(encodedR + publicKey + message))
        // [S]B − [k]A must encode to R.
        let check = Point.base.multiplied(by: s).adding(a.negated().multiplied(by: k))
        return check.encoded() == encodedR
    }

    /// RFC 8032 §5.1.5 steps 1-3: the clamped secret scalar and the signing prefix.
    static func expand(_ seed: [UInt8]) -> (scalar: [UInt8], prefix: [UInt8]) {
        let h = SHA512.hash(seed)
        var scalar = Array(h[0..<32])
        scalar[0] &= 248
        scalar[31] &= 127
        scalar[31] |= 64
        return (scalar, Array(h[32..<64]))
    }
}

// MARK: - Field arithmetic mod p = 2^255 - 19

struct FieldElement: Equatable {
    /// 16 limbs, radix 2^16, little-endian; not necessarily reduced.
    var limbs: [Int64]

    init(_ limbs: [Int64]) { self.limbs = limbs }

    init(small value: Int64) {
        limbs = [Int64](repeating: 0, count: 16)
        limbs[0] = value
        carry()
    }

    static let zero = FieldElement(small: 0)
    static let one = FieldElement(small: 1)

    /// Little-endian 32 bytes; the top bit is ignored (RFC 8032 §5.1.3).
    init(bytes: [UInt8]) {
        limbs = (0..<16).map { Int64(bytes[2 * $0]) | (Int64(bytes[2 * $0 + 1]) << 8) }
        limbs[15] &= 0x7fff
    }

    /// Propagates carries so every limb is in [0, 2^16); the overflow of the top limb wraps
    /// around multiplied by 38 (2^256 ≡ 38 mod p).
    mutating func carry() {
        for i in 0..<16 {
            let c = limbs[i] >> 16
            limbs[i] -= c << 16
            if i < 15 { limbs[i + 1] += c } else { limbs[0] += 38 * c }
        }
    }

    static func + (a: FieldElement, b: FieldElement) -> FieldElement {
        FieldElement((0..<16).map { a.limbs[$0] + b.limbs[$0] })
    }

    static func - (a: FieldElement, b: FieldElement) -> FieldElement {
        FieldElement((0..<16).map { a.limbs[$0] - b.limbs[$0] })
    }

    static func * (a: FieldElement, b: FieldElement) -> FieldElement {
        var wide = [Int64](repeating: 0, count: 31)
        for i in 0..<16 {
            let ai = a.limbs[i]
            for j in 0..<16 { wide[i + j] += ai * b.limbs[j] }
        }
        for i in 0..<15 { wide[i] += 38 * wide[i + 16] }
        var out = FieldElement(Array(wide[0..<16]))
        out.carry()
        out.carry()
        return out
    }

    func squared() -> FieldElement { self * self }

    /// self^e for an exponent given as its bits from the most significant one down.
    func power(bitsFromTop bits: [Bool]) -> FieldElement {
        var result = FieldElement.one
        for bit in bits {
            result = result.squared()
            if bit { result = result * self }
        }
        return result
    }

    /// Bits of 2^n − 1 − (sum of 2^z for z in `zeros`), most significant first.
    static func exponentBits(width: Int, zeros: Set<Int>) -> [Bool] {
        (0..<width).reversed().map { !zeros.contains($0) }
    }

    /// Multiplicative inverse: self^(p−2), p − 2 = 2^255 − 21.
    func inverted() -> FieldElement { power(bitsFromTop: Self.exponentBits(width: 255, zeros: [2, 4])) }

    /// self^((p−5)/8), (p − 5)/8 = 2^252 − 3.
    func powerP58() -> FieldElement { power(bitsFromTop: Self.exponentBits(width: 252, zeros: [1])) }

    /// Fully reduced little-endian 32 bytes.
    func encoded() -> [UInt8] {
        var t = self
        t.carry()
        t.carry()
        t.carry()
        // Now 0 ≤ t < 2^256; subtract p while t ≥ p (at most twice).
        let p: [Int64] = [0xffed] + [Int64](repeating: 0xffff, count: 14) + [0x7fff]
        for _ in 0..<2 {
            var m = [Int64](repeating: 0, count: 16)
            var borrow: Int64 = 0
            for i in 0..<16 {
                let v = t.limbs[i] - p[i] - borrow
                borrow = v < 0 ? 1 : 0
                m[i] = v + (borrow << 16)
            }
            if borrow == 0 { t.limbs = m }
        }
        var out = [UInt8](repeating: 0, count: 32)
        for i in 0..<16 {
            out[2 * i] = UInt8(truncatingIfNeeded: t.limbs[i])
            out[2 * i + 1] = UInt8(truncatingIfNeeded: t.limbs[i] >> 8)
        }
        return out
    }

    var isNegative: Bool { encoded()[0] & 1 == 1 }

    static func == (a: FieldElement, b: FieldElement) -> Bool { a.encoded() == b.encoded() }

    /// Replaces `a` with `b` and `b` with `a` when `flag` is 1 (branch-free).
    static func conditionalSwap(_ a: inout FieldElement, _ b: inout FieldElement, _ flag: Int64) {
        let mask = -flag
        for i in 0..<16 {
            let t = mask & (a.limbs[i] ^ b.limbs[i])
            a.limbs[i] ^= t
            b.limbs[i] ^= t
        }
    }

    /// d = −121665/121666.
    static let d: FieldElement = (zero - FieldElement(small: 121665)) * FieldElement(small: 121666).inverted()
    /// √−1 = 2^((p−1)/4), (p − 1)/4 = 2^253 − 5.
    static let sqrtMinusOne: FieldElement = FieldElement(small: 2).power(
        bitsFromTop: exponentBits(width: 253, zeros: [2]))
}

// MARK: - Points

struct Point {
    var x, y, z, t: FieldElement

    static let identity = Point(x: .zero, y: .one, z: .one, t: .zero)

    /// The base point B: y = 4/5, x even (RFC 8032 §5.1).
    static let base: Point = {
        let y = FieldElement(small: 4) * FieldElement(small: 5).inverted()
        // A valid point by construction; the fallback is unreachable.
        return decode(y.encoded()) ?? identity
    }()

    /// Unified addition (RFC 8032 §5.1.4), also correct for doubling.
    func adding(_ q: Point) -> Point {
        let a = (y - x) * (q.y - q.x)
        let b = (y + x) * (q.y + q.x)
        let c = t * (FieldElement.d + FieldElement.d) * q.t
        let d = z * (q.z + q.z)
        let e = b - a
        let f = d - c
        let g = d + c
        let h = b + a
        return Point(x: e * f, y: g * h, z: f * g, t: e * h)
    }

    func negated() -> Point { Point(x: .zero - x, y: y, z: z, t: .zero - t) }

    /// [scalar]self for a 32-byte little-endian scalar, by a ladder of conditional swaps.
    func multiplied(by scalar: [UInt8]) -> Point {
        var r0 = Point.identity
        var r1 = self
        for i in (0..<256).reversed() {
            let bit = Int64((scalar[i >> 3] >> UInt8(i & 7)) & 1)
            Point.conditionalSwap(&r0, &r1, bit)
            r1 = r0.adding(r1)
            r0 = r0.adding(r0)
            Point.conditionalSwap(&r0, &r1, bit)
        }
        return r0
    }

    static func conditionalSwap(_ a: inout Point, _ b: inout Point, _ flag: Int64) {
        FieldElement.conditionalSwap(&a.x, &b.x, flag)
        FieldElement.conditionalSwap(&a.y, &b.y, flag)
        FieldElement.conditionalSwap(&a.z, &b.z, flag)
        FieldElement.conditionalSwap(&a.t, &b.t, flag)
    }

    /// RFC 8032 §5.1.2.
    func encoded() -> [UInt8] {
        let inverse = z.inverted()
        var out = (y * inverse).encoded()
        if (x * inverse).isNegative { out[31] |= 0x80 }
        return out
    }

    /// RFC 8032 §5.1.3; nil when the bytes are not a point (or y ≥ p).
    static func decode(_ bytes: [UInt8]) -> Point? {
        guard bytes.count == 32 else { return nil }
        let sign = bytes[31] >> 7
        let y = FieldElement(bytes: bytes)
        var unsigned = bytes
        unsigned[31] &= 0x7f
        guard y.encoded() == unsigned else { return nil } // y not reduced
        let yy = y.squared()
        let u = yy - .one
        let v = FieldElement.d * yy + .one
        let v3 = v.squared() * v
        var x = u * v3 * (u * v3 * v3 * v).powerP58()
        let vxx = v * x.squared()
        if vxx == u {
            // x is a square root.
        } else if vxx == FieldElement.zero - u {
            x = x * FieldElement.sqrtMinusOne
        } else {
            return nil
        }
        if x == .zero && sign == 1 { return nil }
        if (x.isNegative ? 1 : 0) != sign { x = FieldElement.zero - x }
        return Point(x: x, y: y, z: .one, t: x * y)
    }
}

// MARK: - Scalars mod L = 2^252 + 27742317777372353535851937790883648493

enum Scalar {
    /// L, little-endian bytes.
    static let order: [UInt8] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10
    ]

    /// Little-endian bytes as 32-bit limbs.
    static func limbs(_ bytes: [UInt8], count: Int) -> [UInt64] {
        (0..<count).map { i in
            (0..<4).reduce(UInt64(0)) { acc, j in
                let index = 4 * i + j
                return acc | (index < bytes.count ? UInt64(bytes[index]) << (8 * UInt64(j)) : 0)
            }
        }
    }

    /// `value` (32-bit limbs, little-endian, any length) mod L as 32 little-endian bytes, by
    /// binary long division (shift in one bit at a time, subtract L when it fits).
    static func reduce(limbs value: [UInt64]) -> [UInt8] {
        let l = limbs(order, count: 9)
        var remainder = [UInt64](repeating: 0, count: 9)
        for bitIndex in (0..<(value.count * 32)).reversed() {
            // remainder = remainder * 2 + bit
            var carry = (value[bitIndex / 32] >> UInt64(bitIndex % 32)) & 1
            for i in 0..<9 {
                let shifted = (remainder[i] << 1) | carry
                carry = shifted >> 32
                remainder[i] = shifted & 0xffff_ffff
            }
            // if remainder >= L: remainder -= L
            var difference = [UInt64](repeating: 0, count: 9)
            var borrow: UInt64 = 0
            for i in 0..<9 {
                let subtrahend = l[i] + borrow
                if remainder[i] >= subtrahend {
                    difference[i] = remainder[i] - subtrahend
                    borrow = 0
                } else {
                    difference[i] = remainder[i] + (1 << 32) - subtrahend
                    borrow = 1
                }
            }
            if borrow == 0 { remainder = difference }
        }
        var out = [UInt8](repeating: 0, count: 32)
        for i in 0..<32 { out[i] = UInt8(truncatingIfNeeded: remainder[i / 4] >> (8 * UInt64(i % 4))) }
        return out
    }

    /// A 64-byte hash, little-endian, mod L.
    static func reduce(_ bytes: [UInt8]) -> [UInt8] { reduce(limbs: limbs(bytes, count: (bytes.count + 3) / 4)) }

    /// (a·b + c) mod L for 32-byte scalars.
    static func mulAdd(_ a: [UInt8], _ b: [UInt8], _ c: [UInt8]) -> [UInt8] {
        let x = limbs(a, count: 8)
        let y = limbs(b, count: 8)
        let z = limbs(c, count: 8)
        var product = [UInt64](repeating: 0, count: 17)
        for i in 0..<8 {
            var carry: UInt64 = 0
            for j in 0..<8 {
                let t = product[i + j] + x[i] * y[j] + carry
                product[i + j] = t & 0xffff_ffff
                carry = t >> 32
            }
            product[i + 8] += carry
        }
        var carry: UInt64 = 0
        for i in 0..<17 {
            let t = product[i] + (i < 8 ? z[i] : 0) + carry
            product[i] = t & 0xffff_ffff
            carry = t >> 32
        }
        return reduce(limbs: product)
    }

    /// True when the 32-byte little-endian `s` is below L.
    static func isCanonical(_ s: [UInt8]) -> Bool {
        for i in (0..<32).reversed() {
            if s[i] < order[i] { return true }
            if s[i] > order[i] { return false }
        }
        return false
    }
}
