/// Why a block codec call was rejected.
public enum GGMLCodecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The type has no decoder (or encoder) here.
    case unsupported(GGMLType, operation: String)
    /// `count` is not a whole number of the type's blocks.
    case partialBlock(GGMLType, count: Int)

    public var description: String {
        switch self {
        case .unsupported(let type, let operation):
            return "\(operation) is not supported for ggml type \(type.name)"
        case .partialBlock(let type, let count):
            return "\(count) elements are not a whole number of \(type.name) blocks of \(type.blockSize)"
        }
    }
}

/// ggml block codecs: decoding to Float for the types real small-model files use, and encoding
/// for the types `assay quantize` writes. Encoders reproduce ggml's reference quantizers
/// (`quantize_row_*_ref`) bit for bit, so files match what llama.cpp's quantizer produces.
///
/// Buffers are raw pointers so callers can decode straight out of a memory-mapped file; the
/// caller guarantees `from` holds `byteCount(type:elements:)` bytes and `into` holds `count`
/// floats (or bytes for `quantize`).
public enum GGMLCodec {
    /// Types `dequantize` accepts.
    public static let decodable: Set<GGMLType> = [
        .f32, .f16, .bf16, .f64, .i8, .i16, .i32, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1, .q4_K, .q6_K
    ]
    /// Types `quantize` produces.
    public static let encodable: Set<GGMLType> = [.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1]

    public static func canDequantize(_ type: GGMLType) -> Bool { decodable.contains(type) }
    public static func canQuantize(_ type: GGMLType) -> Bool { encodable.contains(type) }

    /// Bytes taken by `elements` values of `type`, or nil when not a whole number of blocks.
    public static func byteCount(type: GGMLType, elements: Int) -> Int? {
        type.byteCount(elements: elements)
    }

    /// Decodes `count` values of `type` at `source` into `destination`.
    public static func dequantize(
        type: GGMLType, from source: UnsafeRawPointer, count: Int,
        into destination: UnsafeMutablePointer<Float>
    ) throws(GGMLCodecError) {
        guard count >= 0, count % type.blockSize == 0 else { throw .partialBlock(type, count: count) }
        let blocks = count / type.blockSize
        switch type {
        case .f32: destination.update(from: source.assumingMemoryBound(to: Float.self), count: count)
        case .f16: decodeF16(source, count, destination)
        case .bf16: decodeBF16(source, count, destination)
        case .f64:
            for i in 0..<count {
                destination[i] = Float(source.loadUnaligned(fromByteOffset: 8 * i, as: Double.self))
            }
        case .i8:
            for i in 0..<count { destination[i] = Float(source.load(fromByteOffset: i, as: Int8.self)) }
        case .i16:
            for i in 0..<count { destination[i] = Float(source.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)) }
        case .i32:
            for i in 0..<count { destination[i] = Float(source.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)) }
        case .q4_0: decodeQ4_0(source, blocks, destination)
        case .q4_1: decodeQ4_1(source, blocks, destination)
        case .q5_0: decodeQ5_0(source, blocks, destination)
        case .q5_1: decodeQ5_1(source, blocks, destination)
        case .q8_0: decodeQ8_0(source, blocks, destination, blockBytes: 34)
        case .q8_1: decodeQ8_0(source, blocks, destination, blockBytes: 36)
        case .q4_K: decodeQ4_K(source, blocks, destination)
        case .q6_K: decodeQ6_K(source, blocks, destination)
        default: throw .unsupported(type, operation: "dequantize")
        }
    }

    /// Encodes `count` floats at `source` as `type` into `destination`
    /// (`byteCount(type:elements:)` bytes).
    public static func quantize(
        type: GGMLType, from source: UnsafePointer<Float>, count: Int,
        into destination: UnsafeMutableRawPointer
    ) throws(GGMLCodecError) {
        guard count >= 0, count % type.blockSize == 0 else { throw .partialBlock(type, count: count) }
        let blocks = count / type.blockSize
        switch type {
        case .f32: destination.copyMemory(from: source, byteCount: 4 * count)
        case .f16:
            for i in 0..<count {
                destination.storeBytes(of: Float16(source[i]).bitPattern, toByteOffset: 2 * i, as: UInt16.self)
            }
        case .bf16:
            for i in 0..<count {
                destination.storeBytes(of: bfloat16Bits(source[i]), toByteOffset: 2 * i, as: UInt16.self)
            }
        case .q8_0: encodeQ8_0(source, blocks, destination)
        case .q8_1: encodeQ8_1(source, blocks, destination)
        case .q4_0: encodeQ4_0(source, blocks, destination)
        case .q4_1: encodeQ4_1(source, blocks, destination)
        case .q5_0: encodeQ5_0(source, blocks, destination)
        case .q5_1: encodeQ5_1(source, blocks, destination)
        default: throw .unsupported(type, operation: "quantize")
        }
    }

    /// Convenience: decodes a whole buffer into a new array.
    public static func dequantize(type: GGMLType, bytes: UnsafeRawBufferPointer, count: Int) throws(GGMLCodecError)
        -> [Float]
    {
        guard let needed = type.byteCount(elements: count) else { throw .partialBlock(type, count: count) }
        precondition(bytes.count >= needed, "buffer holds \(bytes.count) bytes, \(needed) needed")
        guard count > 0, let base = bytes.baseAddress else { return [] }
        guard canDequantize(type) else { throw .unsupported(type, operation: "dequantize") }
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let dst = buffer.baseAddress, (try? dequantize(type: type, from: base, count: count, into: dst)) != nil {
                initialized = count
            } else {
                initialized = 0
            }
        }
    }

    /// Convenience: encodes `values` into a new byte array.
    public static func quantize(type: GGMLType, values: [Float]) throws(GGMLCodecError) -> [UInt8] {
        guard let size = type.byteCount(elements: values.count) else {
            throw .partialBlock(type, count: values.count)
        }
        guard canQuantize(type) else { throw .unsupported(type, operation: "quantize") }
        guard size > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            values.withUnsafeBufferPointer { src in
                if let s = src.baseAddress, let d = buffer.baseAddress,
                    (try? quantize(type: type, from: s, count: values.count, into: UnsafeMutableRawPointer(d))) != nil
                {
                    initialized = size
                } else {
                    initialized = 0
                }
            }
        }
    }

    // MARK: Scalars

    /// Float → bfloat16 bits, rounding to nearest even; NaNs stay (quiet) NaNs.
    public static func bfloat16Bits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x40 }
        let rounded = bits &+ (0x7FFF &+ ((bits >> 16) & 1))
        return UInt16(truncatingIfNeeded: rounded >> 16)
    }

    /// bfloat16 bits → Float (exact).
    @inline(__always)
    public static func floatFromBFloat16(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }

    @inline(__always)
    static func half(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
        Float(Float16(bitPattern: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }

    @inline(__always)
    static func storeHalf(_ value: Float, _ p: UnsafeMutableRawPointer, _ offset: Int) {
        p.storeBytes(of: Float16(value).bitPattern, toByteOffset: offset, as: UInt16.self)
    }

    // MARK: Decoders

    static func decodeF16(_ src: UnsafeRawPointer, _ count: Int, _ dst: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 8 <= count {
            let h = src.loadUnaligned(fromByteOffset: 2 * i, as: SIMD8<Float16>.self)
            let f = SIMD8<Float>(h)
            UnsafeMutableRawPointer(dst + i).storeBytes(of: f, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            dst[i] = half(src, 2 * i)
            i += 1
        }
    }

    static func decodeBF16(_ src: UnsafeRawPointer, _ count: Int, _ dst: UnsafeMutablePointer<Float>) {
        var i = 0
        while i + 8 <= count {
            let h = SIMD8<UInt32>(truncatingIfNeeded: src.loadUnaligned(fromByteOffset: 2 * i, as: SIMD8<UInt16>.self))
            UnsafeMutableRawPointer(dst + i).storeBytes(
                of: unsafeBitCast(h &<< 16, to: SIMD8<Float>.self),
                as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            dst[i] = floatFromBFloat16(src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
            i += 1
        }
    }

    /// Low nibbles of the 16 quant bytes are elements 0..<16, high nibbles 16..<32.
    @inline(__always)
    static func nibbles(_ p: UnsafeRawPointer) -> (low: SIMD16<Int32>, high: SIMD16<Int32>) {
        let bytes = SIMD16<Int32>(truncatingIfNeeded: p.loadUnaligned(as: SIMD16<UInt8>.self))
        return (bytes & 0x0F, bytes &>> 4)
    }

    @inline(__always)
    static func store16(_ v: SIMD16<Float>, _ dst: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(dst).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    static func decodeQ4_0(_ src: UnsafeRawPointer, _ blocks: Int, _ dst: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = src + 18 * b
            let d = half(block, 0)
            let (lo, hi) = nibbles(block + 2)
            let out = dst + 32 * b
            store16(SIMD16<Float>(lo &- 8) * d, out)
            store16(SIMD16<Float>(hi &- 8) * d, out + 16)
        }
    }

    static func decodeQ4_1(_ src: UnsafeRawPointer, _ blocks: Int, _ dst: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = src + 20 * b
            let d = half(block, 0)
            let m = half(block, 2)
            let (lo, hi) = nibbles(block + 4)
            let out = dst + 32 * b
            store16(SIMD16<Float>(lo) * d + m, out)
            store16(SIMD16<Float>(hi) * d + m, out + 16)
        }
    }

    /// The fifth bits of a Q5 block: bit j of `qh` belongs to element j.
    @inline(__always)
    static func highBits(_ qh: UInt32) -> (low: SIMD16<Int32>, high: SIMD16<Int32>) {
        let shifts = SIMD16<UInt32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        let lo = (SIMD16<UInt32>(repeating: qh) &>> shifts) & 1
        let hi = (SIMD16<UInt32>(repeating: qh >> 16) &>> shifts) & 1
        return (SIMD16<Int32>(truncatingIfNeeded: lo &<< 4), SIMD16<Int32>(truncatingIfNeeded: hi &<< 4))
    }

    static func decodeQ5_0(_ src: UnsafeRawPointer, _ blocks: Int, _ dst: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = src + 22 * b
            let d = half(block, 0)
            let qh = block.loadUnaligned(fromByteOffset: 2, as: UInt32.self)
            let (hLo, hHi) = highBits(qh)
            let (lo, hi) = nibbles(block + 6)
            let out = dst + 32 * b
            store16(SIMD16<Float>((lo | hLo) &- 16) * d, out)
            store16(SIMD16<Float>((hi | hHi) &- 16) * d, out + 16)
        }
    }

    static func decodeQ5_1(_ src: UnsafeRawPointer, _ blocks: Int, _ dst: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = src + 24 * b
            let d = half(block, 0)
            let m = half(block, 2)
            let qh = block.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
            let (hLo, hHi) = highBits(qh)
            let (lo, hi) = nibbles(block + 8)
            let out = dst + 32 * b
            store16(SIMD16<Float>(lo | hLo) * d + m, out)
            store16(SIMD16<Float>(hi | hHi) * d + m, out + 16)
        }
    }

    /// Q8_0 (34-byte blocks) and Q8_1 (36-byte blocks: d, s, quants) share the decoder.
    static func decodeQ8_0(_ src: UnsafeRawPointer, _ blocks: Int, _ dst: UnsafeMutablePointer<Float>, blockBytes: Int)
    {
        let quantOffset = blockBytes - 32
        for b in 0..<blocks {
            let block = src + blockBytes * b
            let d = half(block, 0)
            let q = block + quantOffset
            let out = dst + 32 * b
            let q0 = SIMD16<Int32>(truncatingIfNeeded: q.loadUnaligned(as: SIMD16<Int8>.self))
            let q1 = SIMD16<Int32>(truncatingIfNeeded: q.loadUnaligned(fromByteOffset: 16, as: SIMD16<Int8>.self))
            store16(SIMD16<Float>(q0) * d, out)
            store16(SIMD16<Float>(q1) * d, out + 16)
        }
    }

    /// Scale and min of sub-block `j` (0..<8) from the 12 packed 6-bit values of a Q4_K/Q5_K block.
    @inline(__always)
    static func scaleMinK4(_ j: Int, _ q: UnsafeRawPointer) -> (scale: UInt8, min: UInt8) {
        func byte(_ i: Int) -> UInt8 { q.load(fromByteOffset: i, as: UInt8.self) }
        if j < 4 {
            return (byte(j) & 63, byte(j + 4) & 63)
        }
        let scale = (byte(j + 4) & 0x0F) | ((byte(j - 4) >> 6) << 4)
        let min = (byte(j + 4) >> 4) | ((byte(j) >> 6) << 4)
        return (scale, min)
    }

    static func decodeQ4_K(_ src: UnsafeRawPointer, _ blocks: Int, _ dst: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = src + 144 * b
            let d = half(block, 0)
            let dmin = half(block, 2)
            let scales = block + 4
            var q = block + 16
            var out = dst + 256 * b
            for pair in 0..<4 {
                let (s1, m1) = scaleMinK4(2 * pair, scales)
                let (s2, m2) = scaleMinK4(2 * pair + 1, scales)
                let d1 = d * Float(s1)
                let min1 = dmin * Float(m1)
                let d2 = d * Float(s2)
                let min2 = dmin * Float(m2)
                for half in 0..<2 {
                    let (lo, hi) = nibbles(q + 16 * half)
                    store16(d1 * SIMD16<Float>(lo) - min1, out + 16 * half)
                    store16(d2 * SIMD16<Float>(hi) - min2, out + 32 + 16 * half)
                }
                q += 32
                out += 64
            }
        }
    }

    static func decodeQ6_K(_ src: UnsafeRawPointer, _ blocks: Int, _ dst: UnsafeMutablePointer<Float>) {
        for b in 0..<blocks {
            let block = src + 210 * b
            let d = half(block, 208)
            var ql = block
            var qh = block + 128
            var sc = block + 192
            var out = dst + 256 * b
            for _ in 0..<2 {
                for l in 0..<32 {
                    let s = l / 16
                    let low0 = ql.load(fromByteOffset: l, as: UInt8.self)
                    let low32 = ql.load(fromByteOffset: l + 32, as: UInt8.self)
                    let high = qh.load(fromByteOffset: l, as: UInt8.self)
                    let q1 = Int32((low0 & 0x0F) | ((high & 3) << 4)) - 32
                    let q2 = Int32((low32 & 0x0F) | (((high >> 2) & 3) << 4)) - 32
                    let q3 = Int32((low0 >> 4) | (((high >> 4) & 3) << 4)) - 32
                    let q4 = Int32((low32 >> 4) | (((high >> 6) & 3) << 4)) - 32
                    out[l] = d * Float(sc.load(fromByteOffset: s, as: Int8.self)) * Float(q1)
                    out[l + 32] = d * Float(sc.load(fromByteOffset: s + 2, as: Int8.self)) * Float(q2)
                    out[l + 64] = d * Float(sc.load(fromByteOffset: s + 4, as: Int8.self)) * Float(q3)
                    out[l + 96] = d * Float(sc.load(fromByteOffset: s + 6, as: Int8.self)) * Float(q4)
                }
                out += 128
                ql += 64
                qh += 32
                sc += 8
            }
        }
    }

    // MARK: Encoders (ggml's reference quantizers)

    /// Q8_0: d = max|x| / 127, q = round-half-away-from-zero(x / d) (C `roundf`).
    static func encodeQ8_0(_ src: UnsafePointer<Float>, _ blocks: Int, _ dst: UnsafeMutableRawPointer) {
        for b in 0..<blocks {
            let x = src + 32 * b
            let block = dst + 34 * b
            let (_, id) = storeAbsMaxScale(x, block)
            for j in 0..<32 {
                let q = (x[j] * id).rounded(.toNearestOrAwayFromZero)
                block.storeBytes(of: Int8(q), toByteOffset: 2 + j, as: Int8.self)
            }
        }
    }

    /// Q8_1: as Q8_0, plus s = d × Σq.
    static func encodeQ8_1(_ src: UnsafePointer<Float>, _ blocks: Int, _ dst: UnsafeMutableRawPointer) {
        for b in 0..<blocks {
            let x = src + 32 * b
            let block = dst + 36 * b
            let (d, id) = storeAbsMaxScale(x, block)
            var sum: Int32 = 0
            for j in 0..<32 {
                let q = Int8((x[j] * id).rounded(.toNearestOrAwayFromZero))
                sum += Int32(q)
                block.storeBytes(of: q, toByteOffset: 4 + j, as: Int8.self)
            }
            storeHalf(Float(sum) * d, block, 2)
        }
    }

    /// The value with the largest magnitude (the first one on ties), keeping its sign.
    @inline(__always)
    static func signedAbsMax(_ x: UnsafePointer<Float>) -> Float {
        var amax: Float = 0
        var maxValue: Float = 0
        for j in 0..<32 where amax < abs(x[j]) {
            amax = abs(x[j])
            maxValue = x[j]
        }
        return maxValue
    }

    /// Q4_0/Q5_0 block header: stores d = m / `divisor` (m the signed value of largest
    /// magnitude) as a half at offset 0; returns 1 / d (0 when d is 0).
    @inline(__always)
    static func storeSignedScale(_ x: UnsafePointer<Float>, divisor: Float, _ block: UnsafeMutableRawPointer) -> Float {
        let d = signedAbsMax(x) / divisor
        storeHalf(d, block, 0)
        return d != 0 ? 1 / d : 0
    }

    /// Q8_0/Q8_1 block header: stores d = max|x| / 127 as a half at offset 0; returns d and
    /// 1 / d (0 when d is 0).
    @inline(__always)
    static func storeAbsMaxScale(_ x: UnsafePointer<Float>, _ block: UnsafeMutableRawPointer) -> (Float, Float) {
        var amax: Float = 0
        for j in 0..<32 { amax = max(amax, abs(x[j])) }
        let d = amax / 127
        storeHalf(d, block, 0)
        return (d, d != 0 ? 1 / d : 0)
    }

    /// Q4_1/Q5_1 block header: stores d = (max − min) / `levels` (offset 0) and m = min
    /// (offset 2) as halves; returns the minimum and 1 / d (0 when d is 0).
    @inline(__always)
    static func storeMinAndScale(
        _ x: UnsafePointer<Float>, levels: Float, _ block: UnsafeMutableRawPointer
    ) -> (Float, Float) {
        var lo = Float.greatestFiniteMagnitude
        var hi = -Float.greatestFiniteMagnitude
        for j in 0..<32 {
            if x[j] < lo { lo = x[j] }
            if x[j] > hi { hi = x[j] }
        }
        let d = (hi - lo) / levels
        storeHalf(d, block, 0)
        storeHalf(lo, block, 2)
        return (lo, d != 0 ? 1 / d : 0)
    }

    /// Q5_0/Q5_1: the low nibbles of quants `j` and `j + 16` into byte `offset + j`, their
    /// fifth bits into `qh`.
    @inline(__always)
    static func packFiveBit(
        _ q0: UInt32, _ q1: UInt32, _ j: Int, _ block: UnsafeMutableRawPointer, _ offset: Int, _ qh: inout UInt32
    ) {
        block.storeBytes(of: UInt8((q0 & 0x0F) | ((q1 & 0x0F) << 4)), toByteOffset: offset + j, as: UInt8.self)
        qh |= ((q0 & 0x10) >> 4) << UInt32(j)
        qh |= ((q1 & 0x10) >> 4) << UInt32(j + 16)
    }

    /// C's `(int8_t)(v)` for the small non-negative or slightly negative values the 4/5-bit
    /// quantizers produce: truncation toward zero.
    @inline(__always)
    static func truncatedInt8(_ v: Float) -> Int32 {
        Int32(Int8(clamping: Int32(v.isFinite ? v.rounded(.towardZero) : 0)))
    }

    /// Q4_0: d = m / -8 where m is the signed value of largest magnitude;
    /// q = min(15, trunc(x / d + 8.5)).
    static func encodeQ4_0(_ src: UnsafePointer<Float>, _ blocks: Int, _ dst: UnsafeMutableRawPointer) {
        for b in 0..<blocks {
            let x = src + 32 * b
            let block = dst + 18 * b
            let id = storeSignedScale(x, divisor: -8, block)
            for j in 0..<16 {
                let q0 = min(15, truncatedInt8(x[j] * id + 8.5))
                let q1 = min(15, truncatedInt8(x[j + 16] * id + 8.5))
                block.storeBytes(of: UInt8(truncatingIfNeeded: q0 | (q1 << 4)), toByteOffset: 2 + j, as: UInt8.self)
            }
        }
    }

    /// Q4_1: d = (max − min) / 15, m = min, q = min(15, trunc((x − min) / d + 0.5)).
    static func encodeQ4_1(_ src: UnsafePointer<Float>, _ blocks: Int, _ dst: UnsafeMutableRawPointer) {
        for b in 0..<blocks {
            let x = src + 32 * b
            let block = dst + 20 * b
            let (lo, id) = storeMinAndScale(x, levels: 15, block)
            for j in 0..<16 {
                let q0 = min(15, truncatedInt8((x[j] - lo) * id + 0.5))
                let q1 = min(15, truncatedInt8((x[j + 16] - lo) * id + 0.5))
                block.storeBytes(of: UInt8(truncatingIfNeeded: q0 | (q1 << 4)), toByteOffset: 4 + j, as: UInt8.self)
            }
        }
    }

    /// Q5_0: d = m / -16, q = min(31, trunc(x / d + 16.5)); fifth bits packed into `qh`.
    static func encodeQ5_0(_ src: UnsafePointer<Float>, _ blocks: Int, _ dst: UnsafeMutableRawPointer) {
        for b in 0..<blocks {
            let x = src + 32 * b
            let block = dst + 22 * b
            let id = storeSignedScale(x, divisor: -16, block)
            var qh: UInt32 = 0
            for j in 0..<16 {
                let q0 = UInt32(min(31, truncatedInt8(x[j] * id + 16.5)))
                let q1 = UInt32(min(31, truncatedInt8(x[j + 16] * id + 16.5)))
                packFiveBit(q0, q1, j, block, 6, &qh)
            }
            block.storeBytes(of: qh.littleEndian, toByteOffset: 2, as: UInt32.self)
        }
    }

    /// Q5_1: d = (max − min) / 31, m = min, q = trunc((x − min) / d + 0.5); fifth bits in `qh`.
    static func encodeQ5_1(_ src: UnsafePointer<Float>, _ blocks: Int, _ dst: UnsafeMutableRawPointer) {
        for b in 0..<blocks {
            let x = src + 32 * b
            let block = dst + 24 * b
            let (lo, id) = storeMinAndScale(x, levels: 31, block)
            var qh: UInt32 = 0
            for j in 0..<16 {
                // ggml converts to uint8_t here (no clamp); values stay within 0...31.
                let q0 = UInt32(UInt8(truncatingIfNeeded: truncatedInt8((x[j] - lo) * id + 0.5)))
                let q1 = UInt32(UInt8(truncatingIfNeeded: truncatedInt8((x[j + 16] - lo) * id + 0.5)))
                packFiveBit(q0, q1, j, block, 8, &qh)
            }
            block.storeBytes(of: qh.littleEndian, toByteOffset: 4, as: UInt32.self)
        }
    }
}
