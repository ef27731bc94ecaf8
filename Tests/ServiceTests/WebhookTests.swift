import Foundation
import HTTPClient
import Hashing
import JSON
import TestSupport
import Testing

@testable import Governance
@testable import Registry
@testable import Service

/// A local receiver: our own HTTPServer recording every POST and answering with scripted statuses.
final class RecordingReceiver: @unchecked Sendable {
    struct Received {
        var headers: HTTPHeaders
        var body: [UInt8]
    }
    private let lock = NSLock()
    private var received: [Received] = []
    private var script: [Int]
    let server: HTTPServer

    /// Answers the n-th request with `script[n]` (the last entry repeats).
    init(script: [Int]) throws {
        self.script = script
        let box = Box()
        let route = Route("POST", "/hook", access: .anonymous, operationID: "hook") { req, _ in
            let status = box.receiver?.record(Received(headers: req.headers, body: req.body)) ?? 500
            return Response(status: HTTPStatus(status, "Scripted"), contentType: "text/plain", bytes: Array("ok".utf8))
        }
        let service = AssayService(routes: [route], accessControl: StaticAccessControl(tokens: [:], grants: [:]))
        server = HTTPServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, maxConnections: 16),
            responder: service.router)
        box.receiver = self
        try server.start()
    }

    private final class Box: @unchecked Sendable { weak var receiver: RecordingReceiver? }

    private func record(_ r: Received) -> Int {
        lock.withLock {
            received.append(r)
            return script.count > 1 ? script.removeFirst() : script[0]
        }
    }

    var requests: [Received] { lock.withLock { received } }
    var url: String { "http://127.0.0.1:\(server.port)/hook" }

    func stop() {
        server.shutdown()
        server.waitUntilStopped()
    }
}

struct WebhookTests {
    static let fast = WebhookSettings(
        maxAttempts: 3, baseDelay: .milliseconds(20), timeout: .seconds(10), allowPrivateNetworks: true)

    func home() throws -> (TemporaryDirectory, RegistryStore, URL) {
        let dir = TemporaryDirectory("assay-webhooks")
        let home = dir.path("home")
        let store = try RegistryStore(home: home, actor: "alice", create: true)
        return (dir, store, dir.path("files"))
    }

    func register(_ store: RegistryStore, _ ref: String, in files: URL) throws {
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        let file = files.appendingPathComponent(ref.replacingOccurrences(of: "@", with: "-") + ".bin")
        try Data(ref.utf8).write(to: file)
        _ = try store.registerModelVersion(
            ModelRegistration(
                reference: try VersionReference(parsing: ref),
                files: [ArtifactInput(url: file, relativePath: "w.bin")]))
    }

    /// Runs passes until `done` holds (generous deadline: CI is loaded).
    func pass(_ dispatcher: WebhookDispatcher, until done: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(30)
        while try !done() && Date() < deadline {
            try dispatcher.runOnce()
            if try !done() { Thread.sleep(forTimeInterval: 0.01) }
        }
    }

    @Test func signedDeliveryRetriedAfterA500ThenDelivered() throws {
        let (dir, store, files) = try home()
        _ = dir
        try register(store, "old@1", in: files) // before the subscription: never delivered
        let receiver = try RecordingReceiver(script: [500, 204])
        defer { receiver.stop() }
        let hook = try store.addWebhook(url: receiver.url, events: [.versionRegistered], secret: "s3cret-s3cret-s3cret")
        try register(store, "m@1", in: files)
        let dispatcher = try WebhookDispatcher(home: store.home, settings: Self.fast)
        let first = try dispatcher.runOnce()
        #expect(first.queued == 1 && first.attempted == 1 && first.retrying == 1)
        try pass(dispatcher) { try store.webhookDeliveryCounts()["delivered"] == 1 }
        #expect(try store.webhookDeliveryCounts() == ["delivered": 1])

        let requests = receiver.requests
        #expect(requests.count == 2)
        #expect(requests[0].body == requests[1].body, "a retry sends the same bytes")
        #expect(requests[0].headers["X-Assay-Delivery"] == requests[1].headers["X-Assay-Delivery"])
        #expect(requests.map { $0.headers["X-Assay-Attempt"] } == ["1", "2"])
        for r in requests {
            #expect(r.headers["X-Assay-Event"] == "version.registered")
            #expect(r.headers["Content-Type"] == "application/json")
            let expected = "sha256=" + HMACSHA256.authenticate(r.body, key: Array("s3cret-s3cret-s3cret".utf8)).hex
            #expect(r.headers["X-Assay-Signature"] == expected)
            #expect(
                r.headers["X-Assay-Signature"] != "sha256="
                    + HMACSHA256.authenticate(r.body, key: Array("wrong".utf8)).hex)
        }
        let body = try JSONValue.parse(requests[0].body).objectValue
        #expect(body?["type"] == "version.registered")
        #expect(body?["subject"] == "m@1")
        #expect(body?["actor"] == "alice")
        #expect(body?["data"]?.objectValue?["version"] == "1")

        let log = try store.webhookAttempts(webhook: hook.id)
        #expect(log.map(\.attempt) == [2, 1])
        #expect(log.map(\.statusCode) == [204, 500])
        #expect(log.last?.error == "HTTP 500")
        #expect(log.first?.error == nil)
        #expect(log.allSatisfy { $0.eventType == "version.registered" && $0.deliveryStatus == "delivered" })
        // Nothing more to do.
        #expect(try dispatcher.runOnce() == WebhookPassSummary())
    }

    @Test func filteredEventsAreNotDeliveredAndStateChangesAre() throws {
        let (dir, store, files) = try home()
        _ = dir
        let receiver = try RecordingReceiver(script: [200])
        defer { receiver.stop() }
        _ = try store.addWebhook(url: receiver.url, events: [.aliasMoved, .stateChanged, .versionRevoked])
        try register(store, "m@1", in: files)
        let governance = GovernanceService(
            store: store,
            binding: PolicyBinding(
                policy: Policy(
                    version: 1, defaultTier: "t", tiers: ["t": RiskTier(requiredSuites: [], maxRegression: 0)]),
                digest: "", source: ""), evidence: StaticEvidence([:]))
        try store.write { tx in _ = try GovernanceRecords.grantRole(tx, actor: "alice", role: "admin") }
        _ = try governance.perform(.markEvaluated, on: try VersionReference(parsing: "m@1"))
        _ = try governance.setAlias("candidate", to: try VersionReference(parsing: "m@1"))
        _ = try governance.perform(.revoke(reason: "leak"), on: try VersionReference(parsing: "m@1"))
        let dispatcher = try WebhookDispatcher(home: store.home, settings: Self.fast)
        try pass(dispatcher) { receiver.requests.count >= 4 }
        #expect(try dispatcher.runOnce().attempted == 0)
        let types = receiver.requests.compactMap { $0.headers["X-Assay-Event"] }
        // The registration is filtered out; evaluate, alias set, revoke (a state change and a revocation).
        #expect(types == ["state.changed", "alias.moved", "state.changed", "version.revoked"])
        #expect(!types.contains("version.registered"))
    }

    @Test func givesUpAfterMaxAttemptsAndSkipsRemovedWebhooks() throws {
        let (dir, store, files) = try home()
        _ = dir
        let receiver = try RecordingReceiver(script: [500])
        defer { receiver.stop() }
        let failing = try store.addWebhook(url: receiver.url, events: WebhookEventType.allCases)
        // Nothing listens on port 9 of this host: connection refused is logged as an error.
        let unreachable = try store.addWebhook(url: "http://127.0.0.1:9/x", events: [.versionRegistered])
        try register(store, "m@1", in: files)
        let dispatcher = try WebhookDispatcher(home: store.home, settings: Self.fast)
        try pass(dispatcher) { try store.webhookDeliveryCounts()["failed"] == 2 }
        #expect(receiver.requests.count == 3)
        let refused = try store.webhookAttempts(webhook: unreachable.id)
        #expect(
            refused.count == 3 && refused.allSatisfy { $0.statusCode == nil && ($0.error ?? "").contains("connect") })
        #expect(try store.webhookAttempts(webhook: failing.id).allSatisfy { $0.deliveryStatus == "failed" })

        _ = try store.removeWebhook(id: failing.id)
        _ = try store.removeWebhook(id: unreachable.id)
        try register(store, "m@2", in: files)
        #expect(try dispatcher.runOnce() == WebhookPassSummary())
        #expect(throws: WebhookError.alreadyRemoved(failing.id)) { try store.removeWebhook(id: failing.id) }
    }

    @Test func subscriptionRulesAndAudit() throws {
        let (dir, store, _) = try home()
        _ = dir
        #expect(throws: WebhookError.self) { try store.addWebhook(url: "https://example.com/x", events: [.aliasMoved]) }
        #expect(throws: WebhookError.self) { try store.addWebhook(url: "ftp://example.com", events: [.aliasMoved]) }
        #expect(throws: WebhookError.self) { try store.addWebhook(url: "http://h:99999/", events: [.aliasMoved]) }
        #expect(throws: WebhookError.invalidSecret) {
            try store.addWebhook(url: "http://h/", events: [.aliasMoved], secret: "short")
        }
        #expect(throws: WebhookError.self) { try WebhookEventType.parseList("version.registered,bogus") }
        #expect(try WebhookEventType.parseList("*") == WebhookEventType.allCases)
        #expect(try HTTPURL(parsing: "http://[::1]:8080/a?b=c").description == "http://[::1]:8080/a?b=c")
        #expect(try HTTPURL(parsing: "http://example.com").target == "/")

        let hook = try store.addWebhook(url: "http://example.com/in", events: [.aliasMoved])
        #expect(hook.secret.hasPrefix("whsec_") && hook.secret.count == 70)
        let event = try #require(try store.latestAuditEvents(1).last)
        #expect(event.action == "webhook.add")
        #expect(!event.payload.contains(hook.secret))
        // Once an admin exists, only admins manage webhooks.
        try store.write { tx in _ = try GovernanceRecords.grantRole(tx, actor: "root", role: "admin") }
        #expect(throws: WebhookError.notAuthorized(actor: "alice")) { try store.removeWebhook(id: hook.id) }
        let root = try RegistryStore(home: store.home, actor: "root")
        #expect(try root.removeWebhook(id: hook.id).active == false)
        #expect(throws: WebhookError.unknownWebhook("wh_nope")) { try root.removeWebhook(id: "wh_nope") }
    }

    @Test func backoffDoublesUpToTheCeiling() {
        let s = WebhookSettings(maxAttempts: 5, baseDelay: .seconds(2), maxDelay: .seconds(10))
        #expect(
            (1...5).map { s.delay(after: $0) } == [.seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
    }

    @Test func serviceRoutesEmitEventsToo() throws {
        let f = try ServiceFixture(policy: ServiceFixture.simplePolicy)
        let receiver = try RecordingReceiver(script: [200])
        defer { receiver.stop() }
        _ = try RegistryStore(home: f.home, actor: "actor-admin").addWebhook(url: receiver.url, events: [.stateChanged])
        #expect(
            try f.request("POST", "/api/v1/models/base/versions/1.0/approval/evaluate", token: f.tokens[.auditor])
                .status.code == 200)
        let dispatcher = try WebhookDispatcher(home: f.home, settings: Self.fast)
        try pass(dispatcher) { receiver.requests.count == 1 }
        let body = try JSONValue.parse(try #require(receiver.requests.first).body).objectValue
        #expect(body?["actor"] == "actor-auditor")
        #expect(body?["data"]?.objectValue?["to"] == "evaluated")
    }
}
