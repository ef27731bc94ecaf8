import Foundation
import JSON
import Testing

@testable import Registry
@testable import Service

struct WebhookCommandTests {
    /// A receiver answering 200 and counting what it got.
    final class Receiver: @unchecked Sendable {
        let lock = NSLock()
        var bodies: [[UInt8]] = []
        var signatures: [String] = []
        var server: HTTPServer?

        func start() throws -> Int {
            let route = Route("POST", "/in", access: .anonymous, operationID: "in") { [self] req, _ in
                lock.withLock {
                    bodies.append(req.body)
                    signatures.append(req.headers["X-Assay-Signature"] ?? "")
                }
                return Response(status: .ok, contentType: "text/plain", bytes: [])
            }
            let service = AssayService(routes: [route], accessControl: StaticAccessControl(tokens: [:], grants: [:]))
            let server = HTTPServer(
                configuration: ServerConfiguration(host: "127.0.0.1", port: 0, maxConnections: 8),
                responder: service.router)
            self.server = server
            return try server.start()
        }

        func stop() {
            server?.shutdown()
            server?.waitUntilStopped()
        }
    }

    @Test func addListDeliverInspectRemove() async throws {
        let cli = CLIHarness()
        #expect(await cli.run("init", "--trust-actor-env").code == 0)
        let receiver = Receiver()
        let port = try receiver.start()
        defer { receiver.stop() }
        let secret = "cli-secret-0123456789"
        let added = await cli.run(
            "webhook", "add", "http://127.0.0.1:\(port)/in", "--events", "version.registered",
            "--secret", secret, "--allow-private-webhooks")
        #expect(added.code == 0, "\(added.stderr)")
        let id = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.hasPrefix("wh_"))
        let listed = await cli.run("webhook", "list")
        #expect(listed.stdout.contains(id) && listed.stdout.contains("version.registered"))
        #expect(!listed.stdout.contains(secret))
        #expect(!(await cli.run("webhook", "list", "--json")).stdout.contains(secret))

        #expect(await cli.run("model", "register", "smol@1", try cli.file("a.gguf", "one")).code == 0)
        let delivered = await cli.run("webhook", "deliver", "--json", "--allow-private-webhooks")
        #expect(delivered.code == 0, "\(delivered.stdout) \(delivered.stderr)")
        #expect(delivered.stdout.contains("\"delivered\" : 1"))
        let body = try #require(receiver.lock.withLock { receiver.bodies.first })
        #expect(
            receiver.lock.withLock { receiver.signatures.first }
                == WebhookDispatcher.signature(body: body, secret: secret))
        #expect(try JSONValue.parse(body).objectValue?["subject"] == "smol@1")

        let log = await cli.run("webhook", "deliveries")
        #expect(log.stdout.contains(id) && log.stdout.contains("200"))
        #expect((await cli.run("webhook", "deliveries", "--json")).stdout.contains("\"status_code\" : 200"))
        #expect(await cli.run("webhook", "remove", id).code == 0)
        #expect(await cli.run("webhook", "remove", id).code != 0)
        #expect((await cli.run("webhook", "list")).stdout.contains("No webhooks."))
        #expect((await cli.run("webhook", "list", "--all")).stdout.contains(id))
    }

    @Test func rejectsBadArguments() async throws {
        let cli = CLIHarness()
        #expect(await cli.run("init", "--trust-actor-env").code == 0)
        #expect(await cli.run("webhook", "add", "http://h/x").code == 2)
        #expect(await cli.run("webhook", "add", "http://h/x", "--events", "nope").code == 2)
        #expect(await cli.run("webhook", "add", "https://h/x", "--events", "*").code != 0)
        #expect(await cli.run("webhook", "deliver", "--max-attempts", "0").code == 2)
        #expect(await cli.run("serve", "--max-upload-bytes", "0").code == 2)
        let generated = await cli.run("webhook", "add", "http://h/x", "--events", "*")
        #expect(generated.code == 0)
        #expect(generated.stderr.contains("whsec_"))
    }
}
