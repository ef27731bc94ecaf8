import JSON

/// The OpenAPI 3.1 document served at `/openapi.json`. The text lives once, as the Service
/// module's resource `Sources/Service/Resources/openapi.json` (`Registry/openapi.json` is a
/// symbolic link to it); `OpenAPIDocumentTests` checks that every route is documented and every
/// documented operation is routed.
///
/// An installed copy of `assay` serves `/openapi.json` only with `Assay_Service.resources/` next
/// to it (see `PackageResource` and docs/api.md); without it the route answers 500 and says so.
public enum OpenAPIDocument {
    /// Where the document ships.
    static let resource = PackageResource(target: "Service", file: "openapi.json")

    /// The document's bytes, read once; `nil` when the resource cannot be read.
    public static let bytes: [UInt8]? = resource.bytes()

    /// The document as text (empty when the resource cannot be read).
    public static var json: String {
        bytes.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }
}
