import Foundation
import Governance
import JSON
import Registry
import Testing

@testable import Service

struct RegistryAPITests {
    func json(_ response: Response) throws -> JSONValue { try JSONValue.parse(try response.collectBody()) }

    @Test func listsAndShowsModels() throws {
        let f = try ServiceFixture()
        let token = f.tokens[.auditor]
        let list = try json(try f.request("GET", "/api/v1/models", token: token))
        #expect(list.objectValue?["items"]?.arrayValue?.count == 2)
        let filtered = try json(try f.request("GET", "/api/v1/models?name=tun", token: token))
        #expect(filtered.objectValue?["items"]?.arrayValue?.first?.objectValue?["name"] == "tuned")
        let paged = try json(try f.request("GET", "/api/v1/models?limit=1", token: token))
        let cursor = try #require(paged.objectValue?["next_cursor"]?.stringValue)
        let second = try json(try f.request("GET", "/api/v1/models?limit=1&cursor=\(cursor)", token: token))
        #expect(second.objectValue?["items"]?.arrayValue?.first?.objectValue?["name"] == "tuned")
        #expect(second.objectValue?["next_cursor"] == .null)
        let version = try json(try f.request("GET", "/api/v1/models/tuned/versions/1.0", token: token))
        #expect(version.objectValue?["reference"] == "tuned@1.0")
        #expect(version.objectValue?["lineage"]?.arrayValue?.count == 2)
        #expect(try f.request("GET", "/api/v1/models/ghost/versions/1.0", token: token).status.code == 404)
        #expect(try f.request("GET", "/api/v1/models?bogus=1", token: token).status.code == 400)
        #expect(try f.request("GET", "/api/v1/models?limit=0", token: token).status.code == 400)
    }

    @Test func lineageDirectionAndDepth() throws {
        let f = try ServiceFixture()
        let token = f.tokens[.submitter]
        let up = try json(
            try f.request("GET", "/api/v1/models/tuned/versions/1.0/lineage?direction=up&depth=1", token: token))
        #expect(up.objectValue?["ancestors"]?.arrayValue?.count == 2)
        #expect(up.objectValue?["descendants"] == nil)
        let down = try json(
            try f.request("GET", "/api/v1/models/base/versions/1.0/lineage?direction=down", token: token))
        #expect(down.objectValue?["descendants"]?.arrayValue?.first?.objectValue?["child"] == "tuned@1.0")
        #expect(
            try f.request("GET", "/api/v1/models/base/versions/1.0/lineage?direction=sideways", token: token).status
                .code == 400)
    }

    @Test func registersByServerPathWithinRootsOnly() throws {
        let f = try ServiceFixture()
        let file = f.filesDirectory.appendingPathComponent("new.bin")
        try Data("new weights".utf8).write(to: file)
        let body =
            #"{"version":"2.0","files":["\#(file.path)"],"lineage":[{"relation":"finetuned_from","parent":"base@1.0"}]}"#
        let created = try f.request("POST", "/api/v1/models/base/versions", token: f.tokens[.submitter], json: body)
        #expect(created.status.code == 201)
        let again = try f.request("POST", "/api/v1/models/base/versions", token: f.tokens[.submitter], json: body)
        #expect(again.status.code == 200)
        let outside = #"{"version":"3.0","files":["/etc/hostname"]}"#
        #expect(
            try f.request("POST", "/api/v1/models/base/versions", token: f.tokens[.submitter], json: outside).status
                .code == 403)
        let traversal = #"{"version":"3.0","files":["\#(f.filesDirectory.path)/../../../etc/hostname"]}"#
        #expect(
            try f.request("POST", "/api/v1/models/base/versions", token: f.tokens[.submitter], json: traversal).status
                .code == 403)
        // The audit log names the token's actor.
        let events = try RegistryStore(home: f.home, actor: "x").latestAuditEvents(1)
        #expect(events.last?.actor == "actor-submitter")
        #expect(events.last?.action == "model_version.register")
    }

    @Test func auditRoutes() throws {
        let f = try ServiceFixture()
        let token = f.tokens[.auditor]
        let verify = try json(try f.request("GET", "/api/v1/audit/verify", token: token))
        #expect(verify.objectValue?["intact"] == true)
        let head = try json(try f.request("GET", "/api/v1/audit/head", token: token))
        #expect(head.objectValue?["hash"] == verify.objectValue?["head_hash"])
        let events = try json(try f.request("GET", "/api/v1/audit/events?after=0&limit=2", token: token))
        #expect(events.objectValue?["items"]?.arrayValue?.count == 2)
        #expect(events.objectValue?["next_after"] == 2)
    }

    @Test func invalidBodiesAre4xx() throws {
        let f = try ServiceFixture()
        let token = f.tokens[.admin]
        let path = "/api/v1/models/base/versions"
        #expect(try f.request("POST", path, token: token, json: "{").status.code == 400)
        #expect(try f.request("POST", path, token: token, json: "[1]").status.code == 400)
        #expect(
            try f.request("POST", path, token: token, json: String(repeating: "[", count: 100_000)).status.code == 400)
        #expect(try f.request("POST", path, token: token, json: #"{"version":"1","extra":1}"#).status.code == 422)
        #expect(try f.request("POST", path, token: token, json: #"{"version":7}"#).status.code == 422)
        let plain = try Request(
            method: "POST", target: path, headers: ["Authorization": "Bearer \(token!)"], body: Array("{}".utf8))
        #expect(f.service.router.respondBlocking(to: plain).status.code == 415)
    }
}

extension JSONValue {
    var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }
}

struct GovernanceAPITests {
    @Test func aliasMovesNeedIfMatchOnTheCurrentHolder() throws {
        let f = try ServiceFixture()
        let token = f.tokens[.releaseManager]
        let path = "/api/v1/models/base/aliases/canary"
        let body = #"{"version":"1.0","reason":"first"}"#
        #expect(try f.request("PUT", path, token: token, json: body).status.code == 428)
        #expect(
            try f.request("PUT", path, token: token, json: body, headers: ["If-Match": "\"base@0.9\""]).status.code
                == 412)
        let moved = try f.request("PUT", path, token: token, json: body, headers: ["If-Match": "\"none\""])
        #expect(moved.status.code == 200)
        #expect(moved.headers["ETag"] == "\"base@1.0\"")
        // The same precondition again is stale now.
        #expect(
            try f.request("PUT", path, token: token, json: body, headers: ["If-Match": "\"none\""]).status.code == 412)
        let list = try JSONValue.parse(
            try f.request("GET", "/api/v1/models/base/aliases", token: f.tokens[.auditor]).collectBody())
        #expect(list.objectValue?["items"]?.arrayValue?.first?.objectValue?["target"] == "base@1.0")
        // Protected aliases follow the policy: an unapproved target is refused, nothing changes.
        let before = try f.snapshot()
        let production = try f.request(
            "PUT", "/api/v1/models/base/aliases/production", token: token, json: body,
            headers: ["If-Match": "\"none\""])
        #expect(production.status.code == 409 || production.status.code == 403)
        #expect(try f.snapshot() == before)
    }

    @Test func approvalStatus() throws {
        let f = try ServiceFixture()
        let json = try JSONValue.parse(
            try f.request(
                "GET", "/api/v1/models/base/versions/1.0/approval",
                token: f.tokens[.approver]
            ).collectBody())
        #expect(json.objectValue?["state"] == "registered")
        #expect(
            try f.request("GET", "/api/v1/models/base/versions/7/approval", token: f.tokens[.approver]).status.code
                == 404)
    }
}
