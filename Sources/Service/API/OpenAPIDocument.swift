import Foundation

/// The OpenAPI 3.1 document served at `/openapi.json`. The text lives once, as the Service
/// module's resource `Sources/Service/Resources/openapi.json` (`Registry/openapi.json` is a
/// symbolic link to it); `OpenAPIDocumentTests` checks that every route is documented and every
/// documented operation is routed.
///
/// SwiftPM ships the resource as `Assay_Service.resources/` beside the built binary; an installed
/// `assay` needs that directory next to it (see docs/api.md).
public enum OpenAPIDocument {
    /// The resource's file name inside the Service bundle.
    static let resourceName = "openapi"

    /// The document's bytes, read once; `nil` when the resource cannot be read.
    public static let bytes: [UInt8]? = {
        guard let url = Bundle.module.url(forResource: resourceName, withExtension: "json"),
              let data = try? Data(contentsOf: url) else { return nil }
        return Array(data)
    }()

    /// The document as text (empty when the resource cannot be read).
    public static var json: String {
        bytes.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
