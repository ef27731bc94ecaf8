import Foundation

/// The OpenAPI 3.1 document served at `/openapi.json`. The text lives once, as the Service
/// module's resource `Sources/Service/Resources/openapi.json` (`Registry/openapi.json` is a
/// symbolic link to it); `OpenAPIDocumentTests` checks that every route is documented and every
/// documented operation is routed.
///
/// SwiftPM ships the resource as `Assay_Service.resources/` beside the built binary; an installed
/// copy of `assay` serves `/openapi.json` only with that directory next to it (see docs/api.md).
public enum OpenAPIDocument {
    /// The resource's file name inside the Service bundle.
    static let resourceName = "openapi"

    /// The document's bytes, read once; `nil` when the resource cannot be read.
    /// Looked up beside the running executable (where SwiftPM puts `Assay_Service.resources`),
    /// without `Bundle.module`, whose accessor stops the process when the bundle is missing —
    /// a copied binary still runs; only `/openapi.json` is then unavailable.
    public static let bytes: [UInt8]? = {
        var directories = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        if let executable = Bundle.main.executableURL {
            directories.append(executable.resolvingSymlinksInPath().deletingLastPathComponent())
        }
        for directory in directories {
            let url = directory.appendingPathComponent("Assay_Service.resources/\(resourceName).json")
            if let data = try? Data(contentsOf: url) { return Array(data) }
        }
        return nil
    }()

    /// The document as text (empty when the resource cannot be read).
    public static var json: String {
        bytes.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
