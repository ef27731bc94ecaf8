/// Bounds-checked little-endian reader over a byte buffer. Every read checks the remaining length
/// first, so a corrupted file produces `GGUFError.truncated` instead of an out-of-bounds access.
struct GGUFByteReader {
    let base: UnsafeRawPointer?
    let count: Int
    private(set) var position: Int = 0
    /// Allocation accounting (see `GGUFParseStatistics`).
    private(set) var statistics = GGUFParseStatistics()

    init(_ buffer: UnsafeRawBufferPointer) {
        base = buffer.baseAddress
        count = buffer.count
    }

    var remaining: Int { count - position }

    mutating func require(_ n: Int, _ what: @autoclosure () -> String) throws(GGUFError) {
        guard n >= 0, n <= remaining, base != nil else {
            throw .truncated(at: position, reading: what())
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws(GGUFError) -> T {
        let size = MemoryLayout<T>.size
        guard size <= remaining, let base else { throw .truncated(at: position, reading: what()) }
        let value = base.loadUnaligned(fromByteOffset: position, as: T.self)
        position += size
        return T(littleEndian: value)
    }

    /// Reads a u64 count and checks that `count × minimumElementSize` bytes remain.
    mutating func readCount(_ what: @autoclosure () -> String, minimumElementSize: Int) throws(GGUFError) -> Int {
        let at = position
        let raw = try read(UInt64.self, what())
        let limit = remaining / max(1, minimumElementSize)
        guard raw <= UInt64(limit) else {
            throw .countTooLarge(at: at, reading: what(), count: raw, remaining: remaining)
        }
        return Int(raw)
    }

    mutating func readString(_ what: @autoclosure () -> String) throws(GGUFError) -> String {
        let length = try readCount(what() + " length", minimumElementSize: 1)
        guard let base else { throw .truncated(at: position, reading: what()) }
        let bytes = UnsafeRawBufferPointer(start: base + position, count: length)
        position += length
        // Strings of up to 15 UTF-8 bytes are stored inline; longer ones allocate storage.
        if length > 15 { statistics.decodedBytes += length + 32 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads `count` fixed-width little-endian values in one copy (caller validated `count`).
    /// Values are copied as stored: GGUF is little-endian, as are all hosts Assay supports.
    mutating func readArray<T: BitwiseCopyable>(_: T.Type, count n: Int, _ what: @autoclosure () -> String)
        throws(GGUFError) -> [T]
    {
        let size = MemoryLayout<T>.size
        try require(n * size, what())
        guard let base else { return [] }
        statistics.record(reservation: n * MemoryLayout<T>.stride, decoded: n * MemoryLayout<T>.stride)
        let start = base + position
        let out = [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            if n > 0, let dst = buffer.baseAddress {
                UnsafeMutableRawPointer(dst).copyMemory(from: start, byteCount: n * size)
            }
            initialized = n
        }
        position += n * size
        return out
    }

    /// How many of `n` validated elements of in-memory size `stride` to reserve up front: never
    /// more bytes than remain in the input, so a single reservation cannot exceed the file size
    /// even where a Swift element is larger than its encoding. Arrays grow past it as needed.
    mutating func capacity(for n: Int, stride: Int) -> Int {
        let reserved = min(n, remaining / max(1, stride))
        statistics.record(reservation: reserved * stride, decoded: reserved * stride)
        return reserved
    }

    mutating func skip(to offset: Int) { position = offset }
}

/// Allocation figures of one parse, for checking that corrupted input never causes an
/// allocation out of proportion to its size.
public struct GGUFParseStatistics: Sendable, Hashable {
    /// The largest single up-front reservation, in bytes. Never exceeds the input size.
    public internal(set) var largestReservation = 0
    /// Sum of all up-front reservations plus the storage of decoded arrays and long strings:
    /// an estimate of the heap the parse used.
    public internal(set) var decodedBytes = 0

    public init() {}

    mutating func record(reservation: Int, decoded: Int) {
        largestReservation = max(largestReservation, reservation)
        decodedBytes += decoded
    }
}

/// The parsed header of a GGUF file: everything before the tensor data.
public struct GGUFHeader: Sendable {
    /// 2 or 3.
    public let version: UInt32
    /// Metadata in file order.
    public let metadata: [(key: String, value: GGUFValue)]
    /// Tensor descriptions in file order.
    public let tensors: [GGUFTensorInfo]
    /// `general.alignment`, default 32.
    public let alignment: Int
    /// Absolute byte offset of the data section (header end rounded up to `alignment`).
    public let dataOffset: Int
    /// Heap bytes the parser reserved for decoded metadata, strings and tensor infos (an
    /// estimate used to check that a corrupted file never causes an outsized allocation).
    public let decodedByteEstimate: Int

    let keyIndex: [String: Int]
    let tensorIndex: [String: Int]

    /// The metadata value for `key`, or nil.
    public subscript(key: String) -> GGUFValue? {
        guard let i = keyIndex[key] else { return nil }
        return metadata[i].value
    }

    /// The tensor named `name`, or nil.
    public func tensor(named name: String) -> GGUFTensorInfo? {
        guard let i = tensorIndex[name] else { return nil }
        return tensors[i]
    }

    /// GGUF's magic number, "GGUF" read as a little-endian u32.
    public static let magic: UInt32 = 0x4655_4747
    /// The alignment used when `general.alignment` is absent.
    public static let defaultAlignment = 32
    /// The deepest array-of-array nesting the parser accepts.
    public static let maximumArrayNesting = 16
    /// ggml's maximum number of tensor dimensions.
    public static let maximumDimensions = 4

    /// Parses a GGUF header from `bytes`, which hold the file from its first byte (the whole
    /// file, or at least the header). Tensor data ranges are checked against `fileSize`
    /// (default: `bytes.count`).
    public static func parse(_ bytes: UnsafeRawBufferPointer, fileSize: Int? = nil) throws(GGUFError) -> GGUFHeader {
        var statistics = GGUFParseStatistics()
        return try parse(bytes, fileSize: fileSize, statistics: &statistics)
    }

    /// As `parse(_:fileSize:)`, also reporting allocation figures in `statistics` (filled in
    /// whether parsing succeeds or throws).
    public static func parse(
        _ bytes: UnsafeRawBufferPointer, fileSize: Int? = nil,
        statistics: inout GGUFParseStatistics
    ) throws(GGUFError) -> GGUFHeader {
        var reader = GGUFByteReader(bytes)
        defer { statistics = reader.statistics }
        let magic = try reader.read(UInt32.self, "magic")
        guard magic == GGUFHeader.magic else { throw .badMagic(found: magic) }
        let version = try reader.read(UInt32.self, "version")
        guard version == 2 || version == 3 else { throw .unsupportedVersion(version) }

        // Smallest tensor info: empty name (8) + n_dims (4) + type (4) + offset (8).
        let tensorCount = try reader.readCount("tensor count", minimumElementSize: 24)
        // Smallest key/value: empty key (8) + type (4) + one-byte value.
        let kvCount = try reader.readCount("metadata count", minimumElementSize: 13)

        var metadata: [(key: String, value: GGUFValue)] = []
        var keyIndex: [String: Int] = [:]
        metadata.reserveCapacity(reader.capacity(for: kvCount, stride: MemoryLayout<(String, GGUFValue)>.stride))
        keyIndex.reserveCapacity(reader.capacity(for: kvCount, stride: 48))
        for i in 0..<kvCount {
            let keyAt = reader.position
            let key = try reader.readString("key of metadata entry \(i)")
            let typeAt = reader.position
            let rawType = try reader.read(UInt32.self, "value type of '\(key)'")
            guard let type = GGUFValueType(rawValue: rawType) else {
                throw .invalidValueType(key: key, raw: rawType, at: typeAt)
            }
            let value = try readValue(type, key: key, reader: &reader, depth: 0)
            guard keyIndex[key] == nil else { throw .duplicateKey(key, at: keyAt) }
            keyIndex[key] = metadata.count
            metadata.append((key, value))
        }

        var alignment = defaultAlignment
        if let i = keyIndex["general.alignment"] {
            let value = metadata[i].value
            guard let raw = value.int else {
                throw .invalidMetadata(
                    key: "general.alignment",
                    reason: "expected an unsigned integer, found \(value.type.name)")
            }
            guard raw > 0, raw & (raw - 1) == 0, raw <= 1 << 30 else {
                throw .invalidAlignment(UInt64(truncatingIfNeeded: raw))
            }
            alignment = raw
        }

        var tensors: [GGUFTensorInfo] = []
        var tensorIndex: [String: Int] = [:]
        tensors.reserveCapacity(reader.capacity(for: tensorCount, stride: MemoryLayout<GGUFTensorInfo>.stride))
        tensorIndex.reserveCapacity(reader.capacity(for: tensorCount, stride: 48))
        var rawOffsets: [UInt64] = []
        rawOffsets.reserveCapacity(reader.capacity(for: tensorCount, stride: 8))
        for i in 0..<tensorCount {
            let name = try reader.readString("name of tensor \(i)")
            let nDims = try reader.read(UInt32.self, "dimension count of tensor '\(name)'")
            guard nDims <= UInt32(maximumDimensions) else {
                throw .invalidTensorShape(name: name, reason: "\(nDims) dimensions (at most \(maximumDimensions))")
            }
            var dims: [Int] = []
            dims.reserveCapacity(Int(nDims))
            var elements = 1
            for d in 0..<Int(nDims) {
                let raw = try reader.read(UInt64.self, "dimension \(d) of tensor '\(name)'")
                guard raw > 0, raw <= UInt64(Int64.max) else {
                    throw .invalidTensorShape(name: name, reason: "dimension \(d) is \(raw)")
                }
                let (product, overflow) = elements.multipliedReportingOverflow(by: Int(raw))
                guard !overflow else {
                    throw .invalidTensorShape(name: name, reason: "element count overflows")
                }
                elements = product
                dims.append(Int(raw))
            }
            let rawType = try reader.read(UInt32.self, "type of tensor '\(name)'")
            guard let type = GGMLType(rawValue: rawType) else {
                throw .unknownTensorType(name: name, raw: rawType)
            }
            let rowLength = dims.first ?? 1
            guard rowLength % type.blockSize == 0, let byteCount = type.byteCount(elements: elements) else {
                throw .invalidTensorShape(
                    name: name,
                    reason: "row length \(rowLength) is not a multiple of \(type.name)'s block size \(type.blockSize)")
            }
            let offset = try reader.read(UInt64.self, "data offset of tensor '\(name)'")
            guard offset % UInt64(alignment) == 0 else {
                throw .misalignedTensor(name: name, offset: offset, alignment: alignment)
            }
            guard tensorIndex[name] == nil else { throw .duplicateTensor(name: name) }
            tensorIndex[name] = tensors.count
            rawOffsets.append(offset)
            // The offset is range-checked below once the data section is known; clamp for now.
            tensors.append(
                GGUFTensorInfo(
                    name: name, dimensions: dims, type: type,
                    offset: Int(clamping: offset),
                    elementCount: elements, byteCount: byteCount))
        }

        let headerEnd = reader.position
        let (padded, overflow) = headerEnd.addingReportingOverflow(alignment - 1)
        guard !overflow else { throw .truncated(at: headerEnd, reading: "data section") }
        let dataOffset = padded / alignment * alignment
        let totalSize = max(fileSize ?? bytes.count, 0)
        let dataSize = max(0, totalSize - dataOffset)
        for (i, tensor) in tensors.enumerated() {
            let offset = rawOffsets[i]
            guard offset <= UInt64(dataSize), tensor.byteCount <= dataSize - Int(offset) else {
                throw .tensorOutOfBounds(
                    name: tensor.name, offset: offset,
                    byteCount: tensor.byteCount, dataSize: dataSize)
            }
        }

        let header = GGUFHeader(
            version: version, metadata: metadata, tensors: tensors,
            alignment: alignment, dataOffset: dataOffset,
            decodedByteEstimate: reader.statistics.decodedBytes,
            keyIndex: keyIndex, tensorIndex: tensorIndex)
        try GGUFModelLimits.validate(header)
        return header
    }

    private static func readValue(
        _ type: GGUFValueType, key: String, reader: inout GGUFByteReader,
        depth: Int
    ) throws(GGUFError) -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try reader.read(UInt8.self, "value of '\(key)'"))
        case .int8: return .int8(Int8(bitPattern: try reader.read(UInt8.self, "value of '\(key)'")))
        case .uint16: return .uint16(try reader.read(UInt16.self, "value of '\(key)'"))
        case .int16: return .int16(try reader.read(Int16.self, "value of '\(key)'"))
        case .uint32: return .uint32(try reader.read(UInt32.self, "value of '\(key)'"))
        case .int32: return .int32(try reader.read(Int32.self, "value of '\(key)'"))
        case .uint64: return .uint64(try reader.read(UInt64.self, "value of '\(key)'"))
        case .int64: return .int64(try reader.read(Int64.self, "value of '\(key)'"))
        case .float32: return .float32(Float(bitPattern: try reader.read(UInt32.self, "value of '\(key)'")))
        case .float64: return .float64(Double(bitPattern: try reader.read(UInt64.self, "value of '\(key)'")))
        case .bool: return .bool(try reader.read(UInt8.self, "value of '\(key)'") != 0)
        case .string: return .string(try reader.readString("value of '\(key)'"))
        case .array: return .array(try readArray(key: key, reader: &reader, depth: depth + 1))
        }
    }

    private static func readArray(key: String, reader: inout GGUFByteReader, depth: Int) throws(GGUFError) -> GGUFArray
    {
        let typeAt = reader.position
        guard depth <= maximumArrayNesting else { throw .arrayNestingTooDeep(key: key, at: typeAt) }
        let rawType = try reader.read(UInt32.self, "array element type of '\(key)'")
        guard let type = GGUFValueType(rawValue: rawType) else {
            throw .invalidValueType(key: key, raw: rawType, at: typeAt)
        }
        let n = try reader.readCount("array count of '\(key)'", minimumElementSize: type.minimumEncodedSize)
        let what = "array '\(key)'"
        switch type {
        case .uint8: return .uint8(try reader.readArray(UInt8.self, count: n, what))
        case .int8: return .int8(try reader.readArray(Int8.self, count: n, what))
        case .uint16: return .uint16(try reader.readArray(UInt16.self, count: n, what))
        case .int16: return .int16(try reader.readArray(Int16.self, count: n, what))
        case .uint32: return .uint32(try reader.readArray(UInt32.self, count: n, what))
        case .int32: return .int32(try reader.readArray(Int32.self, count: n, what))
        case .uint64: return .uint64(try reader.readArray(UInt64.self, count: n, what))
        case .int64: return .int64(try reader.readArray(Int64.self, count: n, what))
        case .float32:
            return .float32(try reader.readArray(Float.self, count: n, what))
        case .float64:
            return .float64(try reader.readArray(Double.self, count: n, what))
        case .bool:
            return .bool(try reader.readArray(UInt8.self, count: n, what).map { $0 != 0 })
        case .string:
            var out: [String] = []
            out.reserveCapacity(reader.capacity(for: n, stride: MemoryLayout<String>.stride))
            for _ in 0..<n { out.append(try reader.readString("element of \(what)")) }
            return .string(out)
        case .array:
            var out: [GGUFArray] = []
            out.reserveCapacity(reader.capacity(for: n, stride: MemoryLayout<GGUFArray>.stride))
            for _ in 0..<n { out.append(try readArray(key: key, reader: &reader, depth: depth + 1)) }
            return .array(out)
        }
    }
}
