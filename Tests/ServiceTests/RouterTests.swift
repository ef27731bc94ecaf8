import Foundation
import Governance
import JSON
import Testing

@testable import Service

struct RouterTests {
    static let access = StaticAccessControl(tokens: ["good": "alice"], grants: ["alice": [.auditor]])

    static let router = AssayService(
        routes: [
            Route("GET", "/items/{id}", access: .anonymous, operationID: "getItem") { req, _ in
                try .json(["id": .string(try req.parameter("id"))])
            },
            Route("DELETE", "/items/{id}", access: .anyOf([.admin]), operationID: "deleteItem") { _, _ in
                Response(status: .noContent)
            },
            Route("GET", "/secret", access: .readers, operationID: "secret") { _, ctx in
                try .json(["actor": .string(try ctx.requireActor())])
            },
            Route("GET", "/boom", access: .anonymous, operationID: "boom") { _, _ in throw CocoaError(.fileNoSuchFile) }
        ], accessControl: access
    ).router

    func respond(_ method: String, _ target: String, token: String? = nil) throws -> (Int, JSONValue?, Response) {
        var headers = HTTPHeaders()
        if let token { headers.add("Authorization", "Bearer \(token)") }
        let response = Self.router.respondBlocking(to: try Request(method: method, target: target, headers: headers))
        let body = try response.collectBody()
        return (response.status.code, try? JSONValue.parse(body), response)
    }

    @Test func matchesParameters() throws {
        let (status, json, _) = try respond("GET", "/items/a%20b")
        #expect(status == 200)
        #expect(json?.objectValue?["id"] == "a b")
    }

    @Test func unknownPathIs404ProblemJSON() throws {
        let (status, json, response) = try respond("GET", "/nope")
        #expect(status == 404)
        #expect(response.headers["Content-Type"] == "application/problem+json")
        #expect(json?.objectValue?["type"] == "https://assay.dev/problems/not-found")
        #expect(json?.objectValue?["status"] == 404)
        #expect(json?.objectValue?["title"] != nil && json?.objectValue?["detail"] != nil)
    }

    @Test func wrongMethodIs405WithAllow() throws {
        let (status, _, response) = try respond("PUT", "/items/1")
        #expect(status == 405)
        #expect(response.headers["Allow"] == "GET, DELETE, HEAD")
    }

    /// A concrete path belongs to its own routes only (OpenAPI's matching rule): `POST
    /// /items/import` exists, so `GET /items/import` is a 405 listing POST, never `getItem`.
    @Test func concretePathsWinOverTemplatedOnes() throws {
        let router = AssayService(
            routes: [
                Route("GET", "/items/{id}", access: .anonymous, operationID: "getItem") { req, _ in
                    try .json(["id": .string(try req.parameter("id"))])
                },
                Route("POST", "/items/import", access: .anonymous, operationID: "importItems") { _, _ in
                    Response(status: .noContent)
                }
            ], accessControl: Self.access
        ).router
        let get = router.respondBlocking(
            to: try Request(method: "GET", target: "/items/import", headers: HTTPHeaders()))
        #expect(get.status.code == 405)
        #expect(get.headers["Allow"] == "POST")
        let post = router.respondBlocking(
            to: try Request(method: "POST", target: "/items/import", headers: HTTPHeaders()))
        #expect(post.status.code == 204)
        let other = router.respondBlocking(to: try Request(method: "GET", target: "/items/7", headers: HTTPHeaders()))
        #expect(other.status.code == 200)
    }

    @Test func headIsServedByGet() throws {
        #expect(try respond("HEAD", "/items/1").0 == 200)
    }

    @Test(arguments: [
        "/items/..", "/items/%2e%2e", "/items/%2E%2E", "/items/a%2Fb", "/items/a%5cb", "/items/%00",
        "/items/%zz", "/items/.", "/items/%0d%0a"
    ])
    func traversalAndBadEncodingAre400(_ target: String) throws {
        let (status, json, _) = try respond("GET", target)
        #expect(status == 400, "\(target)")
        #expect(json?.objectValue?["type"] == "https://assay.dev/problems/bad-request")
    }

    @Test func authenticationAndRoles() throws {
        #expect(try respond("GET", "/secret").0 == 401)
        #expect(try respond("GET", "/secret").2.headers["WWW-Authenticate"]?.hasPrefix("Bearer") == true)
        #expect(try respond("GET", "/secret", token: "bad").0 == 401)
        #expect(try respond("GET", "/secret", token: "good").0 == 200)
        // An auditor may not delete: 403 whether or not the item exists.
        #expect(try respond("DELETE", "/items/1", token: "good").0 == 403)
        #expect(try respond("DELETE", "/items/does-not-exist", token: "good").0 == 403)
    }

    @Test func malformedAuthorizationIs401() throws {
        let request = try Request(method: "GET", target: "/secret", headers: ["Authorization": "Basic Zm9v"])
        #expect(Self.router.respondBlocking(to: request).status.code == 401)
    }

    @Test func unexpectedErrorsAre500WithoutInternals() throws {
        let (status, json, _) = try respond("GET", "/boom")
        #expect(status == 500)
        #expect(json?.objectValue?["detail"] == "the server failed to handle the request")
    }

    @Test func problemTypesAreStableAndDistinct() {
        let uris = Problem.Kind.allCases.map(\.typeURI)
        #expect(Set(uris).count == uris.count)
        #expect(uris.allSatisfy { $0.hasPrefix("https://assay.dev/problems/") })
    }

    @Test func pageCursorsRoundTrip() {
        #expect(Page.decode(Page.encode(1234)) == 1234)
        #expect(Page.decode("x1") == nil)
        #expect(Page.decode("o-1") == nil)
        let page = Page(limit: 2, offset: 1)
        let out = page.envelope([1, 2, 3, 4]) { JSONValue.integer(Int64($0)) }
        #expect(out.objectValue?["items"] == [2, 3])
        #expect(out.objectValue?["next_cursor"] == .string(Page.encode(3)))
    }
}
