import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Checks that keep artifact registration away from the registry's own files and inside the
/// directories it was allowed to read.
///
/// Opening `registry.sqlite` (or its `-wal`/`-shm`) outside SQLite and closing it drops the
/// process's POSIX locks on the database, after which another connection may delete the WAL
/// with acknowledged writes in it. So nothing inside the registry home is ever opened as an
/// artifact — except the content-addressed upload store `artifacts/sha256/`, which holds only
/// files the service placed there itself.
public enum ArtifactSafety {
    /// The canonical path (symbolic links resolved, `..` removed) of an existing file or
    /// directory, or nil when it does not exist.
    public static func canonicalPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// True when `path` equals `directory` or lies below it (both canonical).
    public static func isInside(_ path: String, _ directory: String) -> Bool {
        if path == directory { return true }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return path.hasPrefix(prefix)
    }

    /// Device and inode of a file (hard links to the same file share them), or nil.
    static func identity(_ path: String) -> (dev: UInt64, ino: UInt64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    /// Throws `RegistryError.artifactInsideRegistry` when any input resolves into the registry
    /// `home` (outside the content-addressed stores `artifacts/sha256/` and `objects/sha256/`) or is a hard link to the database or its WAL/SHM.
    public static func refuseRegistryFiles(_ inputs: [ArtifactInput], home: URL) throws(RegistryError) {
        let homePath = canonicalPath(home.path) ?? home.standardizedFileURL.path
        let store = homePath + "/artifacts/sha256"
        let copies = homePath + "/objects/sha256" // `model register --copy` (ContentAddressedStore)
        let database = homePath + "/" + RegistryStore.databaseFileName
        let protected = [database, database + "-wal", database + "-shm", database + "-journal"]
            .compactMap(identity)
        for input in inputs {
            let given = input.url.path
            guard let resolved = canonicalPath(given) else { continue } // hashing reports the missing file
            if isInside(resolved, homePath) && !isInside(resolved, store) && !isInside(resolved, copies) {
                throw .artifactInsideRegistry(path: given)
            }
            if let id = identity(resolved), protected.contains(where: { $0.dev == id.dev && $0.ino == id.ino }) {
                throw .artifactInsideRegistry(path: given)
            }
        }
    }
}
