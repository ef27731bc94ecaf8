import Foundation
import Hashing
import Registry
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An uploaded artifact as it arrives: written to a temporary file inside the registry home and
/// hashed on the way, so a multi-GB model never sits in memory and is never read twice.
/// Refuses anything that does not start with the GGUF magic as soon as four bytes are in.
final class ArtifactUpload: RequestBodySink, Sendable {
    /// Where the bytes go until `finish`.
    let temporaryURL: URL

    /// The open file and what has been written to it (the connection writes from one thread;
    /// abandon may come from the handler).
    private struct State {
        var fd: Int32
        var hasher = SHA256()
        var size: UInt64 = 0
        var head: [UInt8] = []
    }

    private let state: Mutex<State>

    /// Creates the temporary file under `directory` (created when missing).
    init(directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var random = [UInt8](repeating: 0, count: 12)
        _ = random.withUnsafeMutableBytes { getentropy($0.baseAddress, 12) }
        temporaryURL = directory.appendingPathComponent("upload-" + Hex.encode(random) + ".part")
        let fd = open(temporaryURL.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw Problem(kind: .internalError, detail: "cannot create the upload file (errno \(errno))")
        }
        // Held until the file is closed: tells `removeAbandonedUploads` (another server starting
        // on the same home) that this upload is alive.
        _ = flock(fd, LOCK_EX | LOCK_NB)
        state = Mutex(State(fd: fd))
    }

    deinit { abandon() }

    func write(_ bytes: ArraySlice<UInt8>) throws {
        try state.withLock { (state: inout State) throws in
            guard state.fd >= 0 else { throw Problem(kind: .internalError, detail: "the upload was already closed") }
            if state.head.count < 4 {
                state.head += bytes.prefix(4 - state.head.count)
                if state.head.count == 4, state.head != Array("GGUF".utf8) {
                    throw Problem(kind: .validation, detail: "the upload is not a GGUF file (no GGUF magic)")
                }
            }
            let fd = state.fd
            try bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n > 0 {
                        offset += n
                        continue
                    }
                    if n < 0 && errno == EINTR { continue }
                    throw Problem(
                        kind: errno == ENOSPC ? .unavailable : .internalError,
                        detail: "cannot store the upload (errno \(errno))")
                }
                state.hasher.update(raw)
            }
            state.size += UInt64(bytes.count)
        }
    }

    /// Closes the file (flushed to disk) and returns its digest; the file stays at
    /// `temporaryURL` for the caller to move.
    func finish() throws -> FileDigest {
        try state.withLock { (state: inout State) throws -> FileDigest in
            guard state.fd >= 0 else { throw Problem(kind: .internalError, detail: "the upload was already closed") }
            guard state.size >= 4 else {
                throw Problem(kind: .validation, detail: "the upload is empty or too short to be GGUF")
            }
            let synced = fsync(state.fd) == 0
            close(state.fd)
            state.fd = -1
            guard synced else { throw Problem(kind: .internalError, detail: "cannot flush the upload to disk") }
            return FileDigest(sha256: state.hasher.finalize(), size: state.size)
        }
    }

    func abandon() {
        state.withLock { state in
            if state.fd >= 0 {
                close(state.fd)
                state.fd = -1
            }
        }
        // Gone already when the handler moved it into the store.
        unlink(temporaryURL.path)
    }
}

/// Content-addressed storage of uploaded artifacts inside the registry home:
/// `<home>/artifacts/sha256/<hex>/<file name>`, read-only once placed. The registry records
/// these paths like any server-side path.
struct ArtifactStore {
    let root: URL

    init(home: URL) {
        root = home.appendingPathComponent("artifacts")
    }

    /// Where uploads are written while they arrive.
    var incoming: URL { root.appendingPathComponent("incoming") }

    /// Deletes `incoming/*.part` files left by a crash or kill (a live upload holds an exclusive
    /// `flock` on its file and is kept). Returns how many were removed.
    func removeAbandonedUploads() -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: incoming.path) else { return 0 }
        var removed = 0
        for name in names where name.hasSuffix(".part") {
            let path = incoming.appendingPathComponent(name).path
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else {
                // A symbolic link or something unreadable under our name: remove the entry itself.
                if unlink(path) == 0 { removed += 1 }
                continue
            }
            if flock(fd, LOCK_EX | LOCK_NB) == 0, unlink(path) == 0 { removed += 1 }
            close(fd)
        }
        return removed
    }

    /// Moves a finished upload to its content address. Returns the stored file and whether
    /// this call placed it (false: identical bytes were already stored under that name).
    func place(_ upload: URL, digest: FileDigest, fileName: String) throws -> (url: URL, placed: Bool) {
        let directory = root.appendingPathComponent("sha256").appendingPathComponent(digest.sha256.hex)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let target = directory.appendingPathComponent(fileName)
        // link(2) fails when the name exists, so two identical concurrent uploads cannot clobber each other.
        if link(upload.path, target.path) == 0 {
            unlink(upload.path)
            chmod(target.path, 0o444)
            return (target, true)
        }
        guard errno == EEXIST else {
            throw Problem(kind: .internalError, detail: "cannot store the upload (errno \(errno))")
        }
        unlink(upload.path)
        return (target, false)
    }

    /// A file name to record an upload under: 1-200 characters from A-Z a-z 0-9 . _ - ending in
    /// `.gguf`, not starting with a dot.
    static func validFileName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (6...200).contains(bytes.count), bytes.first != UInt8(ascii: "."), name.hasSuffix(".gguf") else {
            return false
        }
        return bytes.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || "._-".utf8.contains(c)
        }
    }
}
