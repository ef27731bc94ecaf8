import Foundation
import Hashing

/// File formats recognised by their magic bytes.
public enum ArtifactFormat: String, Sendable, Codable, CaseIterable {
    /// GGUF: starts with the bytes "GGUF".
    case gguf
    /// safetensors: 8-byte little-endian header length, then a JSON object.
    case safetensors
    /// Anything else (tokenizer files, configs, …).
    case unknown

    public var displayName: String {
        switch self {
        case .gguf: return "GGUF"
        case .safetensors: return "safetensors"
        case .unknown: return "unrecognised"
        }
    }

    /// Detects the format from the first bytes of a file.
    public static func detect(prefix: [UInt8]) -> ArtifactFormat {
        if prefix.count >= 4, prefix[0..<4].elementsEqual("GGUF".utf8) { return .gguf }
        if prefix.count >= 9 {
            var length: UInt64 = 0
            for i in 0..<8 { length |= UInt64(prefix[i]) << (8 * UInt64(i)) }
            if length > 1, length < 100_000_000, prefix[8] == UInt8(ascii: "{") { return .safetensors }
        }
        return .unknown
    }

    /// Detects the format of the file at `path` (reads 16 bytes).
    public static func detect(fileAtPath path: String) throws(RegistryError) -> ArtifactFormat {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadableFile(path: path, reason: "cannot open")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: 16)) ?? Data()
        return detect(prefix: data.map { $0 })
    }
}

/// Header facts about a model file, filled in by an `ArtifactInspector` (e.g. from GGUF metadata).
public struct ArtifactFacts: Sendable, Equatable, Codable {
    public var architecture: String?
    public var parameterCount: Int64?
    public var quantization: String?
    public var contextLength: Int64?
}

/// Reads header facts from artifact files during registration. The registry calls it (outside
/// the database transaction) for every artifact when one is supplied to `RegistryStore`; a
/// thrown error aborts the registration with `RegistryError.inspectionFailed`.
public protocol ArtifactInspector: Sendable {
    /// Facts about the file, or nil when this inspector does not handle `format`.
    func inspect(fileAt url: URL, format: ArtifactFormat) throws -> ArtifactFacts?
}

/// A file to register, with the path it is recorded under.
public struct ArtifactInput: Sendable, Equatable {
    /// Where the file is now.
    public var url: URL
    /// The name it is recorded under (and hashed with): the file name, or its path inside the
    /// directory that was given.
    public var relativePath: String
    /// The file's digest when the caller computed it while writing the file (an upload hashed
    /// as it streamed in); registration then does not read the file a second time.
    public var precomputedDigest: FileDigest?

    public init(url: URL, relativePath: String, precomputedDigest: FileDigest? = nil) {
        self.url = url
        self.relativePath = relativePath
        self.precomputedDigest = precomputedDigest
    }

    /// Expands command-line paths: a file becomes one input named by its last component; a
    /// directory becomes every regular file under it (recursively, hidden files included,
    /// symbolic links followed), named by its path relative to the directory.
    ///
    /// With `roots` (canonical directory paths, e.g. the service's `--artifact-root`s), every
    /// file — including each one found inside a directory — is resolved (symbolic links,
    /// `..`) and must lie inside one of them, otherwise `RegistryError.artifactOutsideRoots`;
    /// the input then refers to the resolved file, so a link cannot be swapped afterwards.
    public static func collect(_ urls: [URL], within roots: [String]? = nil) throws(RegistryError) -> [ArtifactInput] {
        var inputs: [ArtifactInput] = []
        for url in urls {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw .fileMissing(path: url.path)
            }
            if isDirectory.boolValue {
                let root = url.resolvingSymlinksInPath().standardizedFileURL
                guard
                    let enumerator = FileManager.default.enumerator(
                        at: root, includingPropertiesForKeys: [.isRegularFileKey])
                else {
                    throw .unreadableFile(path: url.path, reason: "cannot list directory")
                }
                let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
                for case let file as URL in enumerator {
                    let resolved = file.resolvingSymlinksInPath()
                    let values = try? resolved.resourceValues(forKeys: [.isRegularFileKey])
                    guard values?.isRegularFile == true else { continue }
                    let full = file.standardizedFileURL.path
                    let relative =
                        full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : file.lastPathComponent
                    inputs.append(ArtifactInput(url: file, relativePath: relative))
                }
            } else {
                inputs.append(ArtifactInput(url: url, relativePath: url.lastPathComponent))
            }
        }
        guard !inputs.isEmpty else { throw .noArtifacts }
        if let roots {
            for index in inputs.indices {
                let given = inputs[index].url.path
                guard let resolved = ArtifactSafety.canonicalPath(given) else { throw .fileMissing(path: given) }
                guard roots.contains(where: { ArtifactSafety.isInside(resolved, $0) }) else {
                    throw .artifactOutsideRoots(path: given)
                }
                inputs[index].url = URL(fileURLWithPath: resolved)
            }
        }
        var seen = Set<String>()
        for input in inputs {
            guard !input.relativePath.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
                throw .invalidArtifactPath(input.relativePath)
            }
            guard seen.insert(input.relativePath).inserted else { throw .duplicateArtifactPath(input.relativePath) }
        }
        return inputs.sorted { Array($0.relativePath.utf8).lexicographicallyPrecedes(Array($1.relativePath.utf8)) }
    }
}

/// A hashed file as recorded in the registry.
public struct HashedFile: Sendable, Equatable, Codable {
    public var relativePath: String
    /// Absolute path or URI the file was registered from.
    public var uri: String
    public var size: Int64
    public var sha256: String
    public var format: ArtifactFormat
    public var facts: ArtifactFacts?
}

/// Content digests of file sets.
public enum ContentDigest {
    /// The manifest text hashed for a file set: one line per file, sorted by relative path
    /// (UTF-8 byte order), each `<sha256 hex><two spaces><relative path>\n` — the format
    /// `sha256sum` prints.
    public static func manifest(_ files: [(relativePath: String, sha256: String)]) -> String {
        files.sorted { Array($0.relativePath.utf8).lexicographicallyPrecedes(Array($1.relativePath.utf8)) }
            .map { "\($0.sha256)  \($0.relativePath)\n" }.joined()
    }

    /// SHA-256 (hex) of `manifest(files)`.
    public static func manifestDigest(_ files: [(relativePath: String, sha256: String)]) -> String {
        SHA256.hash(Array(manifest(files).utf8)).hex
    }

    /// A model version's identity: the artifact's own SHA-256 when there is exactly one file,
    /// otherwise `manifestDigest` over all of them.
    public static func modelVersionDigest(_ files: [HashedFile]) -> String {
        if files.count == 1 { return files[0].sha256 }
        return manifestDigest(files.map { ($0.relativePath, $0.sha256) })
    }

    /// A dataset version's identity: always `manifestDigest` (also for a single file).
    public static func datasetVersionDigest(_ files: [HashedFile]) -> String {
        manifestDigest(files.map { ($0.relativePath, $0.sha256) })
    }
}

extension ArtifactInput {
    /// Hashes the file (streaming) and detects its format.
    public func hash(progress: ((UInt64) -> Void)? = nil) throws(RegistryError) -> HashedFile {
        let digest: FileDigest
        if let precomputedDigest {
            digest = precomputedDigest
        } else {
            do {
                digest = try SHA256.hash(fileAtPath: url.path, progress: progress)
            } catch {
                if error.errno == ENOENT { throw .fileMissing(path: url.path) }
                throw .unreadableFile(path: url.path, reason: String(describing: error))
            }
        }
        let format = try ArtifactFormat.detect(fileAtPath: url.path)
        return HashedFile(
            relativePath: relativePath, uri: url.standardizedFileURL.path,
            size: Int64(digest.size), sha256: digest.sha256.hex, format: format)
    }
}
