#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Failure to read a file while hashing it.
public struct FileHashingError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    public var errno: Int32
    public var operation: String

    public var description: String {
        "cannot \(operation) \(path): \(String(cString: strerror(errno)))"
    }
}

/// The digest and size of a file.
public struct FileDigest: Sendable, Hashable {
    public var sha256: SHA256Digest
    public var size: UInt64

    public init(sha256: SHA256Digest, size: UInt64) {
        self.sha256 = sha256
        self.size = size
    }
}

extension SHA256 {
    /// Default read size for file hashing: large enough to amortize system calls, small enough
    /// that hashing a multi-GB model needs only a few MB of memory.
    public static let defaultChunkSize = 4 << 20

    /// Hashes a file by streaming it through one reused buffer of `chunkSize` bytes.
    /// `progress` (if given) is called after every chunk with the bytes read so far.
    public static func hash(
        fileAtPath path: String, chunkSize: Int = defaultChunkSize,
        progress: ((UInt64) -> Void)? = nil
    ) throws(FileHashingError) -> FileDigest {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileHashingError(path: path, errno: errno, operation: "open") }
        defer { close(fd) }
        #if canImport(Glibc)
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        #endif
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(chunkSize, 64), alignment: 64)
        defer { buffer.deallocate() }
        var hasher = SHA256()
        var total: UInt64 = 0
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw FileHashingError(path: path, errno: errno, operation: "read")
            }
            if n == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            total += UInt64(n)
            progress?(total)
        }
        return FileDigest(sha256: hasher.finalize(), size: total)
    }
}
