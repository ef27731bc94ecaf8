import Foundation
import JSON
import Registry
import Storage
import TestSupport
import Testing

@testable import Service

/// Issue 12 item 6: bounded fields and payloads, audit pages bounded by bytes, short error bodies.
struct BoundedFieldsTests {
    func json(_ response: Response) throws -> JSONValue { try JSONValue.parse(try response.collectBody()) }

    @Test func hugeModelCardFieldsAreRefusedAndNotLogged() throws {
        let f = try ServiceFixture()
        let before = try RegistryStore(home: f.home, actor: "t").verifyAudit().eventCount
        let huge = String(repeating: "x", count: 1 << 20)
        let reply = try f.request(
            "PATCH", "/api/v1/models/tuned/versions/1.0/card", token: f.tokens[.submitter],
            json: #"{"intended_use":"\#(huge)"}"#)
        #expect(reply.status.code == 422)
        let body = try reply.collectBody()
        #expect(body.count < 2048, "the error body echoes the input (\(body.count) bytes)")
        #expect(try RegistryStore(home: f.home, actor: "t").verifyAudit().eventCount == before)
        // Reasonable fields still work.
        #expect(
            try f.request(
                "PATCH", "/api/v1/models/tuned/versions/1.0/card", token: f.tokens[.submitter],
                json: #"{"intended_use":"classification"}"#
            ).status.code == 200)
    }

    @Test func oversizedAuditPayloadsAreRefusedByTheRegistry() throws {
        let dir = TemporaryDirectory("bounded")
        let store = try RegistryStore(home: dir.path("home"), actor: "t", create: true)
        #expect(throws: RegistryError.self) {
            try store.write { tx in
                _ = try tx.appendAudit(
                    action: "x.y", subject: "s", payload: ["k": .string(String(repeating: "a", count: 300 * 1024))])
            }
        }
        #expect(try store.verifyAudit().eventCount == 0)
    }

    /// A page of audit events stops at ~2 MiB even when 1,000 events are asked for.
    @Test func auditPagesAreBoundedByBytes() throws {
        let f = try ServiceFixture()
        let store = try RegistryStore(home: f.home, actor: "t")
        let big = String(repeating: "b", count: 200 * 1024)
        try store.write { tx in
            for i in 0..<30 {
                _ = try tx.appendAudit(action: "test.big", subject: "s\(i)", payload: ["blob": .string(big)])
            }
        }
        var after: Int64 = 0
        var seen = 0
        var pages = 0
        while pages < 100 {
            let reply = try f.request(
                "GET", "/api/v1/audit/events?after=\(after)&limit=1000", token: f.tokens[.auditor])
            let body = try reply.collectBody()
            #expect(body.count < 3 << 20, "page of \(body.count) bytes")
            let page = try JSONValue.parse(body)
            seen += page.objectValue?["items"]?.arrayValue?.count ?? 0
            pages += 1
            guard case .integer(let next) = page.objectValue?["next_after"] else { break }
            after = next
        }
        #expect(pages > 1)
        #expect(seen == (try store.verifyAudit().eventCount))
    }

    @Test func problemDetailsAreShort() {
        let p = Problem(kind: .validation, detail: "unknown member '" + String(repeating: "k", count: 100_000) + "'")
        #expect(p.detail.count < 600)
    }
}
