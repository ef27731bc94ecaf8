import Foundation
import Hashing

/// Reads a file line by line in 1 MiB chunks, hashing every byte (SHA-256) as it goes, with
/// bounded memory: a line longer than `maxLineBytes` is reported as oversized and skipped
/// without being kept.
struct LineReader {
    let path: String
    let maxLineBytes: Int
    private let fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var filled = 0
    private var position = 0
    private var eof = false
    private(set) var sha = SHA256()
    private(set) var bytesRead: Int64 = 0
    private(set) var lineNumber = 0

    init(path: String, maxLineBytes: Int) throws(DatasetCheckError) {
        self.path = path
        self.maxLineBytes = maxLineBytes
        fd = open(path, O_RDONLY)
        if fd < 0 { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
    }

    func close() { _ = Foundation.close(fd) }

    enum Line {
        case bytes([UInt8])
        case oversized(Int)
    }

    private mutating func refill() throws(DatasetCheckError) {
        if position > 0 {
            if position < filled {
                buffer.withUnsafeMutableBytes { raw in
                    guard let base = raw.baseAddress else { return }
                    memmove(base, base + position, filled - position)
                }
            }
            filled -= position
            position = 0
        }
        if filled == buffer.count { return }
        let want = buffer.count - filled
        let got = buffer.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return -1 }
            return read(fd, base + filled, want)
        }
        if got < 0 { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        if got == 0 {
            eof = true
            return
        }
        buffer.withUnsafeBytes { raw in
            sha.update(UnsafeRawBufferPointer(rebasing: raw[filled..<(filled + got)]))
        }
        filled += got
        bytesRead += Int64(got)
    }

    /// The next line without its terminator (`\n` or `\r\n`), or nil at the end of the file.
    mutating func next() throws(DatasetCheckError) -> Line? {
        var oversize = 0
        while true {
            if let nl = buffer[position..<filled].firstIndex(of: 0x0a) {
                lineNumber += 1
                defer { position = nl + 1 }
                if oversize > 0 { return .oversized(oversize + nl - position) }
                var end = nl
                if end > position, buffer[end - 1] == 0x0d { end -= 1 }
                if end - position > maxLineBytes { return .oversized(end - position) }
                return .bytes(Array(buffer[position..<end]))
            }
            if eof {
                guard position < filled || oversize > 0 else { return nil }
                lineNumber += 1
                defer { position = filled }
                if oversize > 0 || filled - position > maxLineBytes { return .oversized(oversize + filled - position) }
                return .bytes(Array(buffer[position..<filled]))
            }
            if position == 0 && filled == buffer.count || filled - position > maxLineBytes {
                // The line does not fit: drop what we have and keep counting.
                oversize += filled - position
                position = filled
            }
            try refill()
        }
    }

    /// The SHA-256 of everything read (call after the last `next()`).
    func digest() -> String { sha.finalize().hex }
}

/// Why a check could not run at all (bad records are findings, not errors).
public enum DatasetCheckError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case digestMismatch(path: String, expected: String, actual: String)
    case noFiles

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
        case .digestMismatch(let path, let expected, let actual):
            return
                "\(path) changed since it was registered (sha256 \(actual.prefix(12)), registered \(expected.prefix(12))); check the registered bytes or register a new version"
        case .noFiles: return "the dataset version has no files to check"
        }
    }
}
