import Foundation
import JSON
import TestSupport
import Testing

@testable import Service

struct OpenAPIDocumentTests {
    static let resourceURL = Fixtures.packageRoot.appendingPathComponent("Sources/Service/Resources/openapi.json")
    static let repositoryURL = Fixtures.packageRoot.appendingPathComponent("Registry/openapi.json")

    /// The served document is the resource in the source tree, byte for byte, and
    /// Registry/openapi.json is that same file (a symbolic link), not a second copy.
    @Test func servedDocumentIsTheResourceAndRegistryLinksToIt() throws {
        let served = try #require(OpenAPIDocument.bytes, "the Service resource bundle has no openapi.json")
        #expect(served == Array(try Data(contentsOf: Self.resourceURL)))
        let target = try FileManager.default.destinationOfSymbolicLink(atPath: Self.repositoryURL.path)
        #expect(target == "../Sources/Service/Resources/openapi.json")
        #expect(Array(try Data(contentsOf: Self.repositoryURL)) == served)
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedOperationIsRouted() throws {
        let fixture = try ServiceFixture()
        let document = try JSONValue.parse(OpenAPIDocument.json)
        #expect(document.objectValue?["openapi"] == "3.1.0")
        let paths = try #require(document.objectValue?["paths"]?.objectValue)
        var documented: Set<String> = []
        for (path, item) in paths {
            for (method, operation) in try #require(item.objectValue) {
                let id = operation.objectValue?["operationId"]?.stringValue ?? "?"
                let access = operation.objectValue?["x-assay-access"]?.stringValue ?? "?"
                documented.insert(
                    "\(method.uppercased()) \(path) \(id) \(access == "anonymous" ? "anonymous" : "token")")
            }
        }
        let routed = Set(
            fixture.service.router.routes.map {
                "\($0.method) \($0.pattern) \($0.operationID) \($0.access == .anonymous ? "anonymous" : "token")"
            })
        #expect(
            routed.subtracting(documented).isEmpty,
            "routes missing from the document: \(routed.subtracting(documented).sorted())")
        #expect(
            documented.subtracting(routed).isEmpty,
            "documented but not routed: \(documented.subtracting(routed).sorted())")
    }

    @Test func servedAtOpenAPIJSON() throws {
        let fixture = try ServiceFixture()
        let response = try fixture.request("GET", "/openapi.json")
        #expect(response.status.code == 200)
        #expect(try response.collectBody() == (try #require(OpenAPIDocument.bytes)))
    }
}
