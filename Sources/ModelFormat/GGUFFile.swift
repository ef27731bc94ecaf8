import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open GGUF file: its parsed header plus read-only access to tensor data.
///
/// The file is memory-mapped read-only (`mmap`, unmapped in `deinit`); tensor bytes are never
/// copied wholesale. Pointers handed out by `tensorPointer(_:)` and `withTensorBytes(_:_:)`
/// stay valid exactly as long as this object is alive: keep a strong reference to the
/// `GGUFFile` for as long as you use them (an engine typically stores the file next to the
/// pointers it derived). The object is immutable and safe to share across threads.
public final class GGUFFile: Sendable {
    /// The file this was opened from (nil for in-memory buffers).
    public let url: URL?
    /// Everything before the tensor data.
    public let header: GGUFHeader
    /// Size of the file (or buffer) in bytes.
    public let fileSize: Int

    private enum Ownership { case mapped, allocated }
    nonisolated(unsafe) private let base: UnsafeRawPointer
    private let ownership: Ownership

    /// Opens and maps `url`, then validates its header (see `GGUFHeader.parse`).
    public init(contentsOf url: URL) throws(GGUFError) {
        let path = url.path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(path: path, operation: "fstat", errno: errno) }
        let size = Int(info.st_size)
        guard size > 0 else { throw .truncated(at: 0, reading: "magic") }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED else {
            throw .io(path: path, operation: "mmap", errno: errno)
        }
        let pointer = UnsafeRawPointer(mapped)
        do {
            header = try GGUFHeader.parse(UnsafeRawBufferPointer(start: pointer, count: size))
        } catch {
            munmap(mapped, size)
            throw error
        }
        self.url = url
        self.fileSize = size
        self.base = pointer
        self.ownership = .mapped
    }

    /// Parses a GGUF file held in memory (the bytes are copied once into an aligned buffer).
    public init(bytes: some Collection<UInt8>) throws(GGUFError) {
        let size = bytes.count
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 64)
        let copied = UnsafeMutableRawBufferPointer(start: buffer, count: size)
        _ = copied.initializeMemory(as: UInt8.self, from: bytes)
        do {
            header = try GGUFHeader.parse(UnsafeRawBufferPointer(copied))
        } catch {
            buffer.deallocate()
            throw error
        }
        self.url = nil
        self.fileSize = size
        self.base = UnsafeRawPointer(buffer)
        self.ownership = .allocated
    }

    deinit {
        switch ownership {
        case .mapped: munmap(UnsafeMutableRawPointer(mutating: base), fileSize)
        case .allocated: base.deallocate()
        }
    }

    /// 2 or 3.
    public var version: UInt32 { header.version }
    /// `general.alignment`, default 32.
    public var alignment: Int { header.alignment }
    /// Metadata in file order.
    public var metadata: [(key: String, value: GGUFValue)] { header.metadata }
    /// Tensor descriptions in file order.
    public var tensors: [GGUFTensorInfo] { header.tensors }
    /// Absolute byte offset of the tensor data section.
    public var dataOffset: Int { header.dataOffset }
    /// `general.architecture`, e.g. "llama", "qwen2".
    public var architecture: String? { header["general.architecture"]?.string }

    /// The metadata value for `key`, or nil.
    public subscript(key: String) -> GGUFValue? { header[key] }

    /// The tensor named `name`, or nil.
    public func tensor(named name: String) -> GGUFTensorInfo? { header.tensor(named: name) }

    /// The tensor named `name`, or `GGUFError.tensorNotFound`.
    public func requireTensor(named name: String) throws(GGUFError) -> GGUFTensorInfo {
        guard let info = header.tensor(named: name) else { throw .tensorNotFound(name: name) }
        return info
    }

    /// Start of `info`'s data. Valid while this `GGUFFile` is alive. `info` must come from this
    /// file (checked: passing a foreign tensor is a programming error and traps).
    public func tensorPointer(_ info: GGUFTensorInfo) -> UnsafeRawPointer {
        precondition(header.tensor(named: info.name) == info, "tensor '\(info.name)' is not from this file")
        return base + dataOffset + info.offset
    }

    /// Calls `body` with `info`'s bytes (`info.byteCount` bytes). The buffer must not escape.
    public func withTensorBytes<R>(
        _ info: GGUFTensorInfo,
        _ body: (UnsafeRawBufferPointer) throws -> R
    ) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: tensorPointer(info), count: info.byteCount))
    }

    /// The whole file's bytes (header and data). Valid while this `GGUFFile` is alive.
    public var rawBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: fileSize) }
}
