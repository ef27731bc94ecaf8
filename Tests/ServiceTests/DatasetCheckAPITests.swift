import Foundation
import Governance
import JSON
import Registry
import Testing

@testable import Service

/// `GET|POST /api/v1/datasets/{name}/versions/{version}/check` (issue 14).
struct DatasetCheckAPITests {
    @Test func checkThenRead() throws {
        let f = try ServiceFixture()
        let reader = try #require(f.tokens[.auditor])
        let writer = try #require(f.tokens[.submitter])
        // The fixture's train@1 was registered directly in the registry, without a check.
        #expect(try f.request("GET", "/api/v1/datasets/train/versions/1/check", token: reader).status.code == 404)
        // Registered through the API: checked at registration.
        let file = f.filesDirectory.appendingPathComponent("more.jsonl")
        try Data("{\"x\":1}\n".utf8).write(to: file)
        let registered = try f.request(
            "POST", "/api/v1/datasets/more/versions", token: writer,
            json: """
                {"version": "1", "files": ["\(file.path)"], "license": "MIT", "contains_pii": false}
                """)
        #expect(registered.status.code == 201)
        let sha = try RegistryStore(home: f.home, actor: "t").latestDatasetCheck(
            try VersionReference(parsing: "more@1"))?.reportSHA256
        #expect(sha?.count == 64)
        let path = "/api/v1/datasets/more/versions/1/check"
        let read = try f.request("GET", path, token: reader)
        #expect(read.status.code == 200)
        let readBody = try JSONValue.parse(try read.collectBody())
        #expect(readBody.objectValue?["report_sha256"]?.stringValue == sha)
        // The fixture's one record is `{"x":1}`: reported with its line.
        guard case .object(let report)? = readBody.objectValue?["report"],
            case .object(let validation)? = report["validation"]
        else {
            Issue.record("no report")
            return
        }
        #expect(validation["invalid_records"] == .integer(1))
        #expect(try f.request("GET", "/api/v1/datasets/train/versions/9/check", token: reader).status.code == 404)
    }
}
