import Foundation
import TestSupport
import Testing

@testable import Registry

/// Who may create an API token for whom is the registry's rule (the CLI and any other face only
/// pass the request on): anyone for themselves, an admin for anyone.
struct TokenIssuingTests {
    @Test func onlyAdminsCreateTokensForOthers() throws {
        let dir = TemporaryDirectory("tokens")
        let alice = try RegistryStore(home: dir.url, actor: "alice", create: true)
        let own = try alice.createToken(for: "alice", label: "laptop")
        #expect(own.token.actor == "alice")
        #expect(own.secret.hasPrefix(RegistryStore.tokenPrefix))

        #expect(throws: TokenError.notAuthorized(actor: "alice", holder: "ci-runner")) {
            try alice.createToken(for: "ci-runner")
        }
        #expect(try alice.tokens(actor: "ci-runner").isEmpty)
        #expect(try alice.auditEvents().filter { $0.action == "token.create" }.map(\.subject) == ["alice"])

        try alice.write { tx in _ = try GovernanceRecords.grantRole(tx, actor: "alice", role: "admin") }
        let issued = try alice.createToken(for: "ci-runner")
        #expect(issued.token.actor == "ci-runner")
        #expect(issued.token.createdBy == "alice")
    }
}
