import Foundation
import JSON
import Testing

@testable import Governance
@testable import Registry
@testable import Service

/// The governance write routes apply the library's rules exactly as the CLI does.
struct GovernanceWriteAPITests {
    func json(_ response: Response) throws -> JSONValue { try JSONValue.parse(try response.collectBody()) }

    func post(_ f: ServiceFixture, _ path: String, _ token: String?, _ body: String? = nil) throws -> Response {
        try f.request("POST", path, token: token, json: body)
    }

    static let base = "/api/v1/models/base/versions/1.0"
    static let tuned = "/api/v1/models/tuned/versions/1.0"

    @Test func approvalWorkflowWithSeparationOfDuties() throws {
        let f = try ServiceFixture(policy: ServiceFixture.simplePolicy)
        let submitter = f.tokens[.submitter]
        let approver = f.tokens[.approver]
        #expect(try post(f, Self.base + "/approval/submit", submitter).status.code == 409) // not evaluated yet
        let evaluated = try post(f, Self.base + "/approval/evaluate", f.tokens[.auditor])
        #expect(evaluated.status.code == 200)
        #expect(try json(evaluated).objectValue?["state"] == "evaluated")
        // Route-level role check (auditor may not submit) and library-level (submitter may not approve).
        #expect(try post(f, Self.base + "/approval/submit", f.tokens[.auditor]).status.code == 403)
        let submitted = try post(f, Self.base + "/approval/submit", submitter, #"{"tier":"standard"}"#)
        #expect(try json(submitted).objectValue?["state"] == "in_review")
        #expect(try post(f, Self.base + "/approval/approve", submitter).status.code == 403)
        // An approver who also submitted may not approve their own submission.
        let dual = try f.token(for: "dual", roles: [.submitter, .approver])
        #expect(try post(f, Self.tuned + "/approval/evaluate", dual).status.code == 200)
        #expect(try post(f, Self.tuned + "/approval/submit", dual).status.code == 200)
        let own = try post(f, Self.tuned + "/approval/approve", dual)
        #expect(own.status.code == 403)
        #expect(String(decoding: try own.collectBody(), as: UTF8.self).contains("separation of duties"))
        // Reject needs a reason.
        #expect(try post(f, Self.tuned + "/approval/reject", approver).status.code == 422)
        #expect(try post(f, Self.tuned + "/approval/reject", approver, #"{"reason":"  "}"#).status.code == 422)
        let rejected = try post(f, Self.tuned + "/approval/reject", approver, #"{"reason":"bad data"}"#)
        #expect(try json(rejected).objectValue?["state"] == "rejected")

        let approved = try json(try post(f, Self.base + "/approval/approve", approver, #"{"comment":"lgtm"}"#))
        #expect(approved.objectValue?["state"] == "approved")
        #expect(approved.objectValue?["votes"] == 1 && approved.objectValue?["quorum"] == 1)
        #expect(approved.objectValue?["decision"]?.objectValue?["policy_version"] == 3)
        #expect(try post(f, Self.base + "/approval/approve", approver).status.code == 409) // no longer in review

        let decisions = try json(try f.request("GET", Self.base + "/decisions", token: f.tokens[.auditor]))
        let actions = decisions.objectValue?["items"]?.arrayValue?.compactMap { $0.objectValue?["action"]?.stringValue }
        #expect(actions == ["evaluate", "submit", "approve"])
        let actors = decisions.objectValue?["items"]?.arrayValue?.compactMap { $0.objectValue?["actor"]?.stringValue }
        #expect(actors == ["actor-auditor", "actor-submitter", "actor-approver"])

        // Deprecate: release managers and admins only.
        #expect(try post(f, Self.base + "/approval/deprecate", submitter).status.code == 403)
        let deprecated = try post(
            f, Self.base + "/approval/deprecate", f.tokens[.releaseManager], #"{"reason":"superseded"}"#)
        #expect(try json(deprecated).objectValue?["state"] == "deprecated")

        // Revoke needs a reason and flags descendants.
        #expect(try post(f, Self.base + "/approval/revoke", f.tokens[.admin]).status.code == 422)
        let revoked = try json(try post(f, Self.base + "/approval/revoke", f.tokens[.admin], #"{"reason":"licence"}"#))
        #expect(revoked.objectValue?["state"] == "revoked")
        #expect(revoked.objectValue?["flagged"] == ["tuned@1.0"])
        #expect(
            try post(f, "/api/v1/models/ghost/versions/1.0/approval/evaluate", f.tokens[.auditor]).status.code == 404)
    }

    @Test func approvalActionsNeedAPolicy() throws {
        let f = try ServiceFixture()
        let response = try post(f, Self.base + "/approval/evaluate", f.tokens[.admin])
        #expect(response.status.code == 503)
        #expect(String(decoding: try response.collectBody(), as: UTF8.self).contains("--policy"))
    }

    @Test func modelCardRoundTrip() throws {
        let f = try ServiceFixture(policy: ServiceFixture.simplePolicy)
        let patched = try f.request(
            "PATCH", Self.base + "/card", token: f.tokens[.submitter],
            json: #"{"intended_use":"triage","limitations":"English only"}"#)
        #expect(patched.status.code == 200)
        let removed = try f.request(
            "PATCH", Self.base + "/card", token: f.tokens[.submitter], json: #"{"limitations":null}"#)
        #expect(try json(removed).objectValue?["fields"] == ["intended_use": "triage"])
        #expect(
            try json(try f.request("GET", Self.base + "/card", token: f.tokens[.auditor])).objectValue?["fields"]
                == ["intended_use": "triage"])
        // Neither registrant nor submitter/admin: refused by the library.
        #expect(
            try f.request("PATCH", Self.base + "/card", token: f.tokens[.auditor], json: #"{"a":"b"}"#).status.code
                == 403)
        #expect(
            try f.request("PATCH", Self.base + "/card", token: f.tokens[.submitter], json: #"{"a":1}"#).status.code
                == 422)
    }

    /// Approves `path`'s version (evaluate, submit, approve).
    func approve(_ f: ServiceFixture, _ path: String) throws {
        #expect(try post(f, path + "/approval/evaluate", f.tokens[.submitter]).status.code == 200)
        #expect(try post(f, path + "/approval/submit", f.tokens[.submitter]).status.code == 200)
        #expect(try post(f, path + "/approval/approve", f.tokens[.approver]).status.code == 200)
    }

    @Test func aliasRollbackAndHistory() throws {
        let f = try ServiceFixture(policy: ServiceFixture.simplePolicy)
        let file = f.filesDirectory.appendingPathComponent("base2.bin")
        try Data("base weights 2".utf8).write(to: file)
        #expect(
            try post(
                f, "/api/v1/models/base/versions", f.tokens[.submitter],
                #"{"version":"2.0","files":["\#(file.path)"]}"#
            ).status.code == 201)
        try approve(f, Self.base)
        try approve(f, "/api/v1/models/base/versions/2.0")
        let rm = f.tokens[.releaseManager]
        func move(_ version: String, _ ifMatch: String) throws -> Response {
            try f.request(
                "PUT", "/api/v1/models/base/aliases/production", token: rm, json: #"{"version":"\#(version)"}"#,
                headers: ["If-Match": ifMatch])
        }
        #expect(try move("1.0", "\"none\"").status.code == 200)
        #expect(try move("2.0", "\"base@1.0\"").status.code == 200)
        let rollback = "/api/v1/models/base/aliases/production/rollback"
        #expect(try f.request("POST", rollback, token: rm).status.code == 428)
        #expect(try f.request("POST", rollback, token: rm, headers: ["If-Match": "\"base@1.0\""]).status.code == 412)
        #expect(
            try f.request("POST", rollback, token: f.tokens[.submitter], headers: ["If-Match": "\"base@2.0\""]).status
                .code == 403)
        let rolled = try f.request(
            "POST", rollback, token: rm, json: #"{"reason":"regression"}"#,
            headers: ["If-Match": "\"base@2.0\""])
        #expect(rolled.status.code == 200)
        #expect(rolled.headers["ETag"] == "\"base@1.0\"")
        #expect(try json(rolled).objectValue?["action"] == "rollback")
        #expect(try f.request("POST", rollback, token: rm, headers: ["If-Match": "\"base@1.0\""]).status.code == 409)

        let history = try json(
            try f.request("GET", "/api/v1/models/base/aliases/production/history", token: f.tokens[.auditor]))
        let rows = try #require(history.objectValue?["items"]?.arrayValue)
        #expect(rows.map { $0.objectValue?["action"] } == ["set", "set", "rollback"])
        #expect(rows.last?.objectValue?["reason"] == "regression")
        #expect(
            try f.request("GET", "/api/v1/models/base/aliases/staging/history", token: f.tokens[.auditor]).status.code
                == 404)

        // Listing filters: alias, state.
        let held = try json(
            try f.request("GET", "/api/v1/models/base/versions?alias=production", token: f.tokens[.auditor]))
        #expect(held.objectValue?["items"]?.arrayValue?.map { $0.objectValue?["version"] } == ["1.0"])
        let approved = try json(try f.request("GET", "/api/v1/models?state=approved", token: f.tokens[.auditor]))
        #expect(approved.objectValue?["items"]?.arrayValue?.map { $0.objectValue?["name"] } == ["base"])
        let registered = try json(
            try f.request("GET", "/api/v1/models/tuned/versions?state=registered", token: f.tokens[.auditor]))
        #expect(registered.objectValue?["items"]?.arrayValue?.count == 1)
        #expect(try f.request("GET", "/api/v1/models?state=bogus", token: f.tokens[.auditor]).status.code == 400)
    }

    @Test func metricFilterOnVersions() throws {
        let f = try ServiceFixture()
        let store = try RegistryStore(home: f.home, actor: "runner")
        let version = try store.modelVersion(try VersionReference(parsing: "base@1.0"))
        _ = try store.registerSuite(
            EvaluationSuiteRecord(
                suiteID: "s", version: "1", digest: String(repeating: "c", count: 64),
                title: "S", license: "MIT", path: "/tmp/s", manifest: "{}",
                taskCount: 1, itemCount: 1))
        let run = try store.startEvaluationRun(
            EvaluationRunRecord(
                id: "run-1", model: version.reference, modelDigest: version.digest, suiteID: "s", suiteVersion: "1",
                suiteDigest: String(repeating: "c", count: 64), configKey: "k", config: "{}", engineVersion: "1",
                backend: "native", threads: 1, hardware: "{}", itemTotal: 1))
        try store.completeEvaluationRun(run.id, results: #"{"metrics":{"accuracy":0.8}}"#, metrics: ["accuracy": 0.8])
        let token = f.tokens[.auditor]
        func versions(_ query: String, _ model: String = "base") throws -> Int? {
            let listing = try json(try f.request("GET", "/api/v1/models/\(model)/versions?\(query)", token: token))
            return listing.objectValue?["items"]?.arrayValue?.count
        }
        #expect(try versions("metric=accuracy%3E%3D0.75") == 1)
        #expect(try versions("metric=accuracy%3E%3D0.9") == 0)
        #expect(try versions("metric=accuracy%3E%3D0.5", "tuned") == 0)
        let models = try json(try f.request("GET", "/api/v1/models?metric=accuracy%3E0.5", token: token))
        #expect(models.objectValue?["items"]?.arrayValue?.map { $0.objectValue?["name"] } == ["base"])
        #expect(try f.request("GET", "/api/v1/models/base/versions?metric=accuracy", token: token).status.code == 400)
    }

    @Test(arguments: [
        ("json", "application/json"), ("markdown", "text/markdown; charset=utf-8"),
        ("html", "text/html; charset=utf-8"), ("cyclonedx", "application/vnd.cyclonedx+json; version=1.6")
    ])
    func exportsInEveryFormat(_ format: String, _ mediaType: String) throws {
        let f = try ServiceFixture()
        let response = try f.request("GET", Self.tuned + "/export?format=\(format)", token: f.tokens[.auditor])
        #expect(response.status.code == 200)
        #expect(response.headers["Content-Type"] == mediaType)
        let text = String(decoding: try response.collectBody(), as: UTF8.self)
        #expect(text.contains("tuned"))
        switch format {
        case "json": #expect(try JSONValue.parse(text).objectValue?["format"] == "assay-export/1")
        case "cyclonedx": #expect(try JSONValue.parse(text).objectValue?["bomFormat"] == "CycloneDX")
        case "html": #expect(text.lowercased().contains("<html"))
        default: #expect(text.contains("#"))
        }
    }

    @Test func exportRejectsUnknownFormatsAndVersions() throws {
        let f = try ServiceFixture()
        #expect(try f.request("GET", Self.tuned + "/export?format=pdf", token: f.tokens[.auditor]).status.code == 400)
        #expect(
            try f.request("GET", "/api/v1/models/ghost/versions/1.0/export", token: f.tokens[.auditor]).status.code
                == 404)
        // Default format: JSON.
        #expect(
            try f.request("GET", Self.tuned + "/export", token: f.tokens[.auditor]).headers["Content-Type"]
                == "application/json")
    }
}
