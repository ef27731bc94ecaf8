import Foundation

/// A file SwiftPM ships as a target's resource (`resources: [.copy(…)]` in Package.swift):
/// the OpenAPI document, the default policy.
///
/// SwiftPM copies a target's resources into `<Package>_<Target>.resources/` beside the built
/// binary. This looks there directly instead of through `Bundle.module`, whose accessor stops
/// the process when the directory is missing: a binary copied without its resource directories
/// still runs, and only what needs the file reports it missing.
public struct PackageResource: Sendable, Hashable, CustomStringConvertible {
    /// The resource directory's name, e.g. `Assay_Governance.resources`.
    public var bundle: String
    /// The file's name inside it, e.g. `policy.json`.
    public var file: String

    /// The resource `file` of `target` in the Assay package.
    public init(target: String, file: String) {
        self.bundle = "Assay_\(target).resources"
        self.file = file
    }

    /// `Assay_Governance.resources/policy.json`.
    public var description: String { "\(bundle)/\(file)" }

    /// The file's bytes, or nil when no directory beside the running executable (the symbolic
    /// link's target included) holds it.
    public func bytes() -> [UInt8]? {
        var directories = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        if let executable = Bundle.main.executableURL {
            directories.append(executable.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        for directory in directories {
            let url = directory.appendingPathComponent(bundle).appendingPathComponent(file)
            if let data = try? Data(contentsOf: url) { return Array(data) }
        }
        return nil
    }
}
