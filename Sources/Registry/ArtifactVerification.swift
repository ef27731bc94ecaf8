import Foundation
import Hashing
import JSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a registered artifact may not be used as evidence or served.
public enum ArtifactVerificationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file's bytes are not the ones registered.
    case digestMismatch(path: String, registered: String, actual: String)
    case missing(path: String)
    case unreadable(path: String, reason: String)
    case noArtifact(reference: String, format: String)

    public var description: String {
        switch self {
        case .digestMismatch(let path, let registered, let actual):
            return
                "\(path) has changed since it was registered: SHA-256 \(actual), registered \(registered); refusing to use it (register the new bytes as a new version)"
        case .missing(let path):
            return "\(path) is missing (registered files must stay in place; see 'assay model register --copy')"
        case .unreadable(let path, let reason): return "\(path): cannot verify (\(reason))"
        case .noArtifact(let reference, let format): return "model version \(reference) has no \(format) artifact"
        }
    }
}

/// Verifies registered artifacts against their recorded SHA-256 before they are evaluated, gated
/// or served. A successful verification is cached in `<home>/cache/verified-artifacts.json`
/// keyed by path and the file's size, mtime, ctime, device and inode; any change to those
/// re-hashes the file.
public struct ArtifactVerifier: Sendable {
    public let home: URL

    public init(home: URL) { self.home = home }

    struct Fingerprint: Codable, Equatable {
        var size: Int64
        var mtimeNs: Int64
        var ctimeNs: Int64
        var device: UInt64
        var inode: UInt64
        var sha256: String
    }

    var cacheURL: URL { home.appendingPathComponent("cache").appendingPathComponent("verified-artifacts.json") }

    /// Checks `file`'s bytes; returns true when the cached verification was reused.
    @discardableResult
    public func verify(_ file: HashedFile) throws(ArtifactVerificationError) -> Bool {
        let path = file.uri
        guard var current = Self.fingerprint(path) else {
            if FileManager.default.fileExists(atPath: path) { throw .unreadable(path: path, reason: "stat failed") }
            throw .missing(path: path)
        }
        current.sha256 = file.sha256
        var cache = loadCache()
        if let cached = cache[path], cached == current { return true }
        let digest: FileDigest
        do { digest = try SHA256.hash(fileAtPath: path) } catch {
            throw .unreadable(path: path, reason: error.description)
        }
        let actual = digest.sha256.hex
        guard actual == file.sha256 else {
            cache[path] = nil
            saveCache(cache)
            throw .digestMismatch(path: path, registered: file.sha256, actual: actual)
        }
        // Record the fingerprint observed before hashing only if the file did not change meanwhile.
        if var after = Self.fingerprint(path) {
            after.sha256 = file.sha256
            if after == current {
                cache[path] = current
                saveCache(cache)
            }
        }
        return false
    }

    /// The verified path of `reference`'s first artifact of `format`.
    public func verifiedArtifactPath(
        store: RegistryStore, reference: VersionReference,
        format: ArtifactFormat = .gguf
    ) throws -> URL {
        let version = try store.modelVersion(reference)
        guard let artifact = version.artifacts.first(where: { $0.format == format }) else {
            throw ArtifactVerificationError.noArtifact(reference: reference.description, format: format.rawValue)
        }
        try verify(artifact)
        return URL(fileURLWithPath: artifact.uri)
    }

    /// Verifies every registered artifact recorded at `path` (any version); returns how many
    /// records matched (0: the file is not registered).
    @discardableResult
    public func verifyRegisteredFile(store: RegistryStore, path: String) throws -> Int {
        let standardized = URL(fileURLWithPath: path).standardizedFileURL.path
        let rows = try store.readDatabase { db in
            try db.query("SELECT uri, size, sha256 FROM artifacts WHERE uri = ? OR uri = ?", path, standardized).map {
                (
                    uri: try $0.get("uri") as String, size: try $0.get("size") as Int64,
                    sha: try $0.get("sha256") as String
                )
            }
        }
        for row in rows {
            try verify(
                HashedFile(
                    relativePath: URL(fileURLWithPath: row.uri).lastPathComponent, uri: row.uri,
                    size: row.size, sha256: row.sha, format: .unknown, facts: nil))
        }
        return rows.count
    }

    static func fingerprint(_ path: String) -> Fingerprint? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Fingerprint(
            size: Int64(st.st_size),
            mtimeNs: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
            ctimeNs: Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec),
            device: UInt64(st.st_dev), inode: UInt64(st.st_ino), sha256: "")
    }

    func loadCache() -> [String: Fingerprint] {
        guard let data = FileManager.default.contents(atPath: cacheURL.path),
            let cache = try? JSONDecoder().decode([String: Fingerprint].self, from: data)
        else { return [:] }
        return cache
    }

    func saveCache(_ cache: [String: Fingerprint]) {
        guard let data = try? JSONOutput.data(cache) else { return }
        try? FileManager.default.createDirectory(
            at: cacheURL.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? data.write(to: cacheURL, options: .atomic)
    }
}

/// The registry's content-addressed store (`<home>/objects/sha256/<ab>/<digest>`): files copied
/// in by `assay model register --copy`, read-only, named by their SHA-256, so later edits of the
/// original path cannot change the evidence.
public struct ContentStore: Sendable {
    public let home: URL

    public init(home: URL) { self.home = home }

    public var root: URL { home.appendingPathComponent("objects").appendingPathComponent("sha256") }

    /// Copies `input`'s file into the store (hashing the copy) and returns an input pointing at
    /// the stored object, recorded under the same relative path.
    public func ingest(_ input: ArtifactInput) throws(RegistryError) -> ArtifactInput {
        let fm = FileManager.default
        let staging = root.appendingPathComponent("tmp-\(UUID().uuidString)")
        do {
            try fm.createDirectory(at: root, withIntermediateDirectories: true)
            try fm.copyItem(at: input.url.resolvingSymlinksInPath(), to: staging)
        } catch {
            try? fm.removeItem(at: staging)
            throw .unreadableFile(
                path: input.url.path, reason: "cannot copy into the registry store (\(error.localizedDescription))")
        }
        let digest: FileDigest
        do { digest = try SHA256.hash(fileAtPath: staging.path) } catch {
            try? fm.removeItem(at: staging)
            throw .unreadableFile(path: input.url.path, reason: error.description)
        }
        let hex = digest.sha256.hex
        let directory = root.appendingPathComponent(String(hex.prefix(2)))
        let target = directory.appendingPathComponent(hex)
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
            if fm.fileExists(atPath: target.path) {
                try fm.removeItem(at: staging)
            } else {
                try fm.moveItem(at: staging, to: target)
            }
            try fm.setAttributes([.posixPermissions: 0o444], ofItemAtPath: target.path)
        } catch {
            try? fm.removeItem(at: staging)
            throw .unreadableFile(path: target.path, reason: "cannot store the copy (\(error.localizedDescription))")
        }
        return ArtifactInput(url: target, relativePath: input.relativePath, precomputedDigest: digest)
    }
}
