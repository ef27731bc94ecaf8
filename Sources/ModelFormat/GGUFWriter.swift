import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds a GGUF version 3 file: metadata (any of the 13 value types, nested arrays included),
/// tensor infos, and tensor data, each tensor aligned to `alignment`.
///
/// Tensor data is produced lazily by a fill closure when the file is written, so a converter can
/// stream a large model tensor by tensor without holding it all in memory.
public struct GGUFWriter {
    /// One tensor to be written.
    public struct Tensor {
        public let name: String
        public let dimensions: [Int]
        public let type: GGMLType
        public let byteCount: Int
        /// Fills exactly `byteCount` bytes with the tensor's data.
        let fill: (UnsafeMutableRawBufferPointer) throws -> Void
    }

    /// Metadata in the order it will be written.
    public private(set) var metadata: [(key: String, value: GGUFValue)] = []
    /// Tensors in the order they will be written.
    public private(set) var tensors: [Tensor] = []
    /// Data alignment; written as `general.alignment` when it differs from 32.
    public let alignment: Int

    public init(alignment: Int = GGUFHeader.defaultAlignment) {
        precondition(alignment > 0 && alignment & (alignment - 1) == 0, "alignment must be a power of two")
        self.alignment = alignment
        if alignment != GGUFHeader.defaultAlignment {
            metadata.append(("general.alignment", .uint32(UInt32(alignment))))
        }
    }

    /// The value for `key`, if set.
    public subscript(key: String) -> GGUFValue? {
        metadata.first(where: { $0.key == key })?.value
    }

    /// Sets `key` to `value`, replacing an existing entry in place or appending a new one.
    public mutating func set(_ key: String, _ value: GGUFValue) {
        if let i = metadata.firstIndex(where: { $0.key == key }) {
            metadata[i].value = value
        } else {
            metadata.append((key, value))
        }
    }

    /// Removes `key` if present.
    public mutating func removeValue(forKey key: String) {
        metadata.removeAll { $0.key == key }
    }

    /// Adds a tensor whose bytes are already in memory.
    public mutating func addTensor(name: String, dimensions: [Int], type: GGMLType, bytes: [UInt8]) throws(GGUFError) {
        let size = try validate(name: name, dimensions: dimensions, type: type)
        guard bytes.count == size else {
            throw .unencodable("tensor '\(name)' needs \(size) bytes of \(type.name), got \(bytes.count)")
        }
        tensors.append(
            Tensor(name: name, dimensions: dimensions, type: type, byteCount: size) { buffer in
                bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
            })
    }

    /// Adds a tensor whose bytes `fill` produces while the file is written.
    public mutating func addTensor(
        name: String, dimensions: [Int], type: GGMLType,
        fill: @escaping (UnsafeMutableRawBufferPointer) throws -> Void
    ) throws(GGUFError) {
        let size = try validate(name: name, dimensions: dimensions, type: type)
        tensors.append(Tensor(name: name, dimensions: dimensions, type: type, byteCount: size, fill: fill))
    }

    private func validate(name: String, dimensions: [Int], type: GGMLType) throws(GGUFError) -> Int {
        guard !tensors.contains(where: { $0.name == name }) else { throw .duplicateTensor(name: name) }
        guard (1...GGUFHeader.maximumDimensions).contains(dimensions.count), dimensions.allSatisfy({ $0 > 0 }) else {
            throw .invalidTensorShape(name: name, reason: "shape \(dimensions) (1 to 4 positive dimensions)")
        }
        var elements = 1
        for d in dimensions {
            let (p, overflow) = elements.multipliedReportingOverflow(by: d)
            guard !overflow else { throw .invalidTensorShape(name: name, reason: "element count overflows") }
            elements = p
        }
        guard dimensions[0] % type.blockSize == 0, let size = type.byteCount(elements: elements) else {
            throw .invalidTensorShape(
                name: name,
                reason: "row length \(dimensions[0]) is not a multiple of \(type.name)'s block size \(type.blockSize)")
        }
        return size
    }

    private func padded(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }

    /// Offsets of each tensor relative to the data section.
    public var tensorOffsets: [Int] {
        var offsets: [Int] = []
        var next = 0
        for tensor in tensors {
            offsets.append(next)
            next = padded(next + tensor.byteCount)
        }
        return offsets
    }

    /// Header bytes: magic, version, counts, metadata and tensor infos, padded to the alignment.
    public func encodeHeader() throws(GGUFError) -> [UInt8] {
        var out = GGUFEncoder()
        out.u32(GGUFHeader.magic)
        out.u32(3)
        out.u64(UInt64(tensors.count))
        out.u64(UInt64(metadata.count))
        var seen = Set<String>()
        for (key, value) in metadata {
            guard seen.insert(key).inserted else { throw .unencodable("metadata key '\(key)' appears twice") }
            out.string(key)
            out.u32(value.type.rawValue)
            try out.value(value, key: key)
        }
        for (tensor, offset) in zip(tensors, tensorOffsets) {
            out.string(tensor.name)
            out.u32(UInt32(tensor.dimensions.count))
            for d in tensor.dimensions { out.u64(UInt64(d)) }
            out.u32(tensor.type.rawValue)
            out.u64(UInt64(offset))
        }
        out.bytes += [UInt8](repeating: 0, count: padded(out.bytes.count) - out.bytes.count)
        return out.bytes
    }

    /// The whole file in memory (tests, small files).
    public func encode() throws -> [UInt8] {
        var file = try encodeHeader()
        for tensor in tensors {
            let start = file.count
            file += [UInt8](repeating: 0, count: padded(tensor.byteCount))
            try file.withUnsafeMutableBytes { all in
                try tensor.fill(UnsafeMutableRawBufferPointer(rebasing: all[start..<(start + tensor.byteCount)]))
            }
        }
        return file
    }

    /// Writes the file to `url` (replacing it), streaming tensor data one tensor at a time.
    /// `progress` is called after each tensor with (tensors written, total).
    public func write(to url: URL, progress: ((Int, Int) -> Void)? = nil) throws {
        let path = url.path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw GGUFError.io(path: path, operation: "open", errno: errno) }
        var closed = false
        defer { if !closed { close(fd) } }

        func writeAll(_ buffer: UnsafeRawBufferPointer) throws {
            var done = 0
            while done < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + done, buffer.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw GGUFError.io(path: path, operation: "write", errno: errno)
                }
                done += n
            }
        }

        let header = try encodeHeader()
        try header.withUnsafeBytes { try writeAll($0) }
        var scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 64)
        defer { scratch.deallocate() }
        for (i, tensor) in tensors.enumerated() {
            let size = padded(tensor.byteCount)
            if scratch.count < size {
                scratch.deallocate()
                scratch = .allocate(byteCount: size, alignment: 64)
            }
            let region = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<size])
            region.initializeMemory(as: UInt8.self, repeating: 0)
            try tensor.fill(UnsafeMutableRawBufferPointer(rebasing: region[0..<tensor.byteCount]))
            try writeAll(UnsafeRawBufferPointer(region))
            progress?(i + 1, tensors.count)
        }
        closed = true
        guard close(fd) == 0 else { throw GGUFError.io(path: path, operation: "close", errno: errno) }
    }
}

/// Little-endian GGUF value encoding.
struct GGUFEncoder {
    var bytes: [UInt8] = []

    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
    mutating func raw<T: BitwiseCopyable>(_ v: T) { withUnsafeBytes(of: v) { bytes += $0 } }
    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8)
        u64(UInt64(utf8.count))
        bytes += utf8
    }

    mutating func value(_ value: GGUFValue, key: String) throws(GGUFError) {
        switch value {
        case .uint8(let v): raw(v)
        case .int8(let v): raw(v)
        case .uint16(let v): raw(v.littleEndian)
        case .int16(let v): raw(v.littleEndian)
        case .uint32(let v): raw(v.littleEndian)
        case .int32(let v): raw(v.littleEndian)
        case .uint64(let v): raw(v.littleEndian)
        case .int64(let v): raw(v.littleEndian)
        case .float32(let v): raw(v.bitPattern.littleEndian)
        case .float64(let v): raw(v.bitPattern.littleEndian)
        case .bool(let v): raw(UInt8(v ? 1 : 0))
        case .string(let s): string(s)
        case .array(let a): try array(a, key: key, depth: 1)
        }
    }

    mutating func array(_ a: GGUFArray, key: String, depth: Int) throws(GGUFError) {
        guard depth <= GGUFHeader.maximumArrayNesting else {
            throw .unencodable("metadata '\(key)': arrays nested deeper than \(GGUFHeader.maximumArrayNesting)")
        }
        u32(a.elementType.rawValue)
        u64(UInt64(a.count))
        switch a {
        case .uint8(let v): bytes += v
        case .int8(let v): for x in v { raw(x) }
        case .uint16(let v): for x in v { raw(x.littleEndian) }
        case .int16(let v): for x in v { raw(x.littleEndian) }
        case .uint32(let v): for x in v { raw(x.littleEndian) }
        case .int32(let v): for x in v { raw(x.littleEndian) }
        case .uint64(let v): for x in v { raw(x.littleEndian) }
        case .int64(let v): for x in v { raw(x.littleEndian) }
        case .float32(let v): for x in v { raw(x.bitPattern.littleEndian) }
        case .float64(let v): for x in v { raw(x.bitPattern.littleEndian) }
        case .bool(let v): for x in v { raw(UInt8(x ? 1 : 0)) }
        case .string(let v): for s in v { string(s) }
        case .array(let v): for inner in v { try array(inner, key: key, depth: depth + 1) }
        }
    }
}
