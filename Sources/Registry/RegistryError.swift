import Hashing
import Storage

/// Domain errors of the registry; each description is one line naming the cause.
public enum RegistryError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalidName(String)
    case invalidVersion(String)
    case invalidReference(String)
    /// The registry home has no database yet.
    case notInitialized(path: String)
    case fileMissing(path: String)
    case unreadableFile(path: String, reason: String)
    case noArtifacts
    case duplicateArtifactPath(String)
    case invalidArtifactPath(String)
    /// The path is (or links to) one of the registry's own files.
    case artifactInsideRegistry(path: String)
    /// A file reached through a directory (e.g. by a symbolic link) lies outside the allowed roots.
    case artifactOutsideRoots(path: String)
    /// `--format` (or the file extension) promised a format the bytes do not have.
    case formatMismatch(path: String, expected: ArtifactFormat, detected: ArtifactFormat)
    case inspectionFailed(path: String, reason: String)
    /// Same name and version, different bytes: versions are immutable.
    case versionConflict(reference: VersionReference, existingDigest: String, newDigest: String)
    case unknownModel(String)
    case unknownModelVersion(VersionReference)
    case unknownDataset(String)
    case unknownDatasetVersion(VersionReference)
    case lineageCycle(child: VersionReference, parent: VersionReference)
    case relationNeedsModelParent(LineageRelation)
    case relationNeedsDatasetParent(LineageRelation)
    case invalidParameter(String)
    case invalidPayload(String)
    case storage(StorageError)

    public var description: String {
        switch self {
        case .invalidName(let n):
            return "invalid name '\(n)': use 1-128 characters from A-Z a-z 0-9 . _ - starting with a letter or digit"
        case .invalidVersion(let v):
            return
                "invalid version '\(v)': use 1-128 characters from A-Z a-z 0-9 . _ - + starting with a letter or digit"
        case .invalidReference(let r): return "invalid reference '\(r)': expected NAME@VERSION"
        case .notInitialized(let path): return "no registry at \(path) (run 'assay init' or pass --registry)"
        case .fileMissing(let path): return "file not found: \(path)"
        case .unreadableFile(let path, let reason): return "cannot read \(path): \(reason)"
        case .noArtifacts: return "no files to register"
        case .duplicateArtifactPath(let p): return "two files would be stored under the same relative path '\(p)'"
        case .artifactInsideRegistry(let p):
            return
                "\(p) is inside the registry home (or links to its database); the registry's own files cannot be registered as artifacts"
        case .artifactOutsideRoots(let p):
            return "\(p) resolves outside the allowed artifact roots (symbolic links may not leave them)"
        case .invalidArtifactPath(let p): return "unsupported file name '\(p)' (control characters are not allowed)"
        case .formatMismatch(let path, let expected, let detected):
            return "\(path) is not a \(expected.displayName) file (detected: \(detected.displayName))"
        case .inspectionFailed(let path, let reason): return "cannot read the header of \(path): \(reason)"
        case .versionConflict(let ref, let existing, let new):
            return
                "\(ref) is already registered with different content (registered \(existing.prefix(12)), given \(new.prefix(12))); versions are immutable, register a new version"
        case .unknownModel(let n): return "unknown model '\(n)'"
        case .unknownModelVersion(let r): return "unknown model version \(r)"
        case .unknownDataset(let n): return "unknown dataset '\(n)'"
        case .unknownDatasetVersion(let r): return "unknown dataset version \(r)"
        case .lineageCycle(let child, let parent):
            return "lineage cycle: \(parent) already descends from \(child)"
        case .relationNeedsModelParent(let r): return "relation \(r.rawValue) links a model version to a model version"
        case .relationNeedsDatasetParent(let r):
            return "relation \(r.rawValue) links a model version to a dataset version"
        case .invalidParameter(let p): return "invalid parameter '\(p)': expected key=value"
        case .invalidPayload(let m): return "invalid audit payload: \(m)"
        case .storage(let e): return e.description
        }
    }
}

/// What a storage failure means to code above the registry, which never sees SQLite.
public enum StorageFailure: Sendable, Equatable {
    /// Another writer held the database past the busy timeout.
    case busy
    /// A change broke a table rule (unique, foreign key, check).
    case constraint
    /// Anything else (I/O, corruption, a bug); its message is internal.
    case other

    /// The failure behind `error` when it came from the registry's storage, raw or wrapped in
    /// `RegistryError.storage`; nil for every other error.
    public init?(_ error: any Error) {
        let storage: StorageError
        if let e = error as? StorageError {
            storage = e
        } else if case .storage(let e)? = error as? RegistryError {
            storage = e
        } else {
            return nil
        }
        self = storage.isBusy ? .busy : storage.isConstraint ? .constraint : .other
    }
}
