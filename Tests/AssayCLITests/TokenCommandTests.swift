import AssayCLI
import Foundation
import Registry
import TestSupport
import Testing

struct TokenCommandTests {
    func run(_ argv: [String], home: URL) async -> (Int32, OutputSink) {
        let output = OutputSink.capturing()
        let code = await AssayCommandLine.run(
            argv + ["--registry", home.path], environment: ["ASSAY_ACTOR": "admin"],
            output: output)
        return (code, output)
    }

    @Test func createListRevoke() async throws {
        let dir = TemporaryDirectory("assay-token-cli")
        let home = dir.path("home")
        #expect(await run(["init", "--trust-actor-env"], home: home).0 == 0)
        // A token for someone else needs the admin role (issue 11).
        let (refused, denied) = await run(["token", "create", "ci-runner"], home: home)
        #expect(refused == 1 && denied.stderr.contains("requires the role admin"))
        #expect(await run(["role", "grant", "admin", "admin"], home: home).0 == 0)
        let (code, created) = await run(["token", "create", "ci-runner", "--label", "CI"], home: home)
        #expect(code == 0)
        let secret = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(secret.hasPrefix("assay_") && secret.count == 70)
        let store = try RegistryStore(home: home, actor: "test")
        #expect(try store.authenticate(tokenSecret: secret) == "ci-runner")
        let id = try #require(try store.tokens().first?.id)

        let (_, listed) = await run(["token", "list"], home: home)
        #expect(listed.stdout.contains(id) && listed.stdout.contains("ci-runner"))
        #expect(!listed.stdout.contains(secret))

        #expect(await run(["token", "revoke", id], home: home).0 == 0)
        #expect(try store.authenticate(tokenSecret: secret) == nil)
        #expect(await run(["token", "revoke", id], home: home).0 != 0)
        #expect(await run(["token", "revoke"], home: home).0 != 0)
        let audit = try store.latestAuditEvents(2).map(\.action)
        #expect(audit == ["token.create", "token.revoke"])
    }

    @Test func serveRejectsBadOptions() async throws {
        let dir = TemporaryDirectory("assay-serve-cli")
        #expect(await run(["serve", "--port", "70000"], home: dir.path("home")).0 != 0)
        #expect(await run(["serve", "--bogus"], home: dir.path("home")).0 != 0)
    }
}
