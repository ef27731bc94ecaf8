import Foundation
import Hashing
@testable import Service
import TestSupport
import Testing

struct OpenAPIDocumentTests {
    static let fileURL = Fixtures.packageRoot.appendingPathComponent("Registry/openapi.json")

    @Test func repositoryCopyMatchesTheServedDocument() throws {
        if ProcessInfo.processInfo.environment["ASSAY_UPDATE_OPENAPI"] == "1" {
            try Data((OpenAPIDocument.json + "\n").utf8).write(to: Self.fileURL)
        }
        let onDisk = try String(contentsOf: Self.fileURL, encoding: .utf8)
        #expect(onDisk == OpenAPIDocument.json + "\n",
                "Registry/openapi.json differs from OpenAPIDocument.swift; regenerate with ASSAY_UPDATE_OPENAPI=1")
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
                documented.insert("\(method.uppercased()) \(path) \(id) \(access == "anonymous" ? "anonymous" : "token")")
            }
        }
        let routed = Set(fixture.service.router.routes.map {
            "\($0.method) \($0.pattern) \($0.operationID) \($0.access == .anonymous ? "anonymous" : "token")"
        })
        #expect(routed.subtracting(documented).isEmpty, "routes missing from the document: \(routed.subtracting(documented).sorted())")
        #expect(documented.subtracting(routed).isEmpty, "documented but not routed: \(documented.subtracting(routed).sorted())")
    }

    @Test func servedAtOpenAPIJSON() throws {
        let fixture = try ServiceFixture()
        let response = try fixture.request("GET", "/openapi.json")
        #expect(response.status.code == 200)
        #expect(try response.collectBody() == Array(OpenAPIDocument.json.utf8))
    }
}
