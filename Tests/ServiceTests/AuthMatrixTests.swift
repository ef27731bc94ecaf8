import Foundation
import JSON
@_spi(RawSQL) import Registry
import Testing

@testable import Governance
@testable import Service

/// Every route × every role × no token / bad token / revoked token / token without roles gives
/// the documented status: 401 without valid credentials, 403 when the route's roles exclude the
/// actor (identical for existing and missing resources), otherwise the handler's answer.
struct AuthMatrixTests {
    static func samplePath(_ pattern: String, existing: Bool) -> String {
        pattern.replacingOccurrences(
            of: "{name}", with: existing ? (pattern.contains("datasets") ? "train" : "base") : "ghost"
        )
        .replacingOccurrences(of: "{version}", with: existing ? (pattern.contains("datasets") ? "1" : "1.0") : "9.9")
        .replacingOccurrences(of: "{id}", with: existing ? "run-x" : "ghost-run")
        .replacingOccurrences(of: "{alias}", with: existing ? "production" : "ghost-alias")
    }

    @Test func everyRouteEveryRoleEveryCredential() throws {
        let fixture = try ServiceFixture()
        let before = try fixture.snapshot()
        var checked = 0
        for route in fixture.service.router.routes {
            for existing in [true, false] {
                let path = Self.samplePath(route.pattern, existing: existing)
                let body = route.method == "POST" ? "{}" : nil
                func status(_ token: String?) throws -> (Int, [UInt8]) {
                    let response = try fixture.request(route.method, path, token: token, json: body)
                    return (response.status.code, try response.collectBody())
                }
                if case .anonymous = route.access {
                    for token in [nil, "bogus", fixture.revoked, fixture.roleless] {
                        #expect(try status(token).0 == 200, "\(route.method) \(path) anonymous")
                    }
                    continue
                }
                for token in [nil, "bogus", "assay_" + String(repeating: "0", count: 64), fixture.revoked] {
                    #expect(try status(token).0 == 401, "\(route.method) \(path) token \(token ?? "none")")
                    checked += 1
                }
                #expect(try status(fixture.roleless).0 == 403, "\(route.method) \(path) roleless")
                for role in Role.allCases {
                    let (code, _) = try status(fixture.tokens[role])
                    if route.access.permits([role]) {
                        #expect(code != 401 && code != 403, "\(route.method) \(path) as \(role): \(code)")
                    } else {
                        #expect(code == 403, "\(route.method) \(path) as \(role): \(code)")
                    }
                    checked += 1
                }
            }
            // No existence oracle: a denied actor sees the same answer for existing and missing resources.
            if case .anyOf = route.access {
                let a = try fixture.request(
                    route.method, Self.samplePath(route.pattern, existing: true), token: fixture.roleless)
                let b = try fixture.request(
                    route.method, Self.samplePath(route.pattern, existing: false), token: fixture.roleless)
                #expect(a.status.code == b.status.code)
            }
        }
        #expect(checked > 200)
        #expect(try fixture.snapshot() == before, "auth probing must not change the registry")
    }

    /// The documented access of every API route (docs/api.md): reads for every role, writes as
    /// the CLI allows them. A new route must be added here.
    static let documentedAccess: [String: Access] = [
        "registerModelVersion": RegistryAPI.writers, "uploadModelVersion": RegistryAPI.writers,
        "addLineage": RegistryAPI.writers, "registerDatasetVersion": RegistryAPI.writers,
        "importEvaluationShards": RegistryAPI.writers,
        "moveAlias": GovernanceAPI.aliasMovers, "rollbackAlias": GovernanceAPI.aliasMovers,
        // Anyone may record evaluation evidence; the library checks card editors (registrant, submitter, admin).
        "markEvaluated": .readers, "updateModelCard": .readers,
        "submitForReview": .anyOf([.submitter, .admin]), "approveVersion": .anyOf([.approver]),
        "rejectVersion": .anyOf([.approver]), "deprecateVersion": .anyOf([.releaseManager, .admin]),
        "revokeVersion": .anyOf([.admin, .approver]),
        // A read: checks a checkpoint against the log, changes nothing.
        "verifyAuditCheckpoint": .readers
    ]

    @Test func everyRouteHasItsDocumentedAccess() throws {
        let fixture = try ServiceFixture()
        for route in fixture.service.router.routes where route.pattern.hasPrefix("/api/") {
            let expected = Self.documentedAccess[route.operationID] ?? (route.method == "GET" ? .readers : nil)
            #expect(route.access == expected, "\(route.operationID): \(route.access)")
        }
        // Approvers follow the policy: a tier whose approver role is release-manager lets them vote.
        let binding = PolicyBinding(
            policy: Policy(
                version: 1, defaultTier: "t",
                tiers: [
                    "t": RiskTier(requiredSuites: [], maxRegression: 0, approverRole: .releaseManager),
                    "u": RiskTier(requiredSuites: [], maxRegression: 0)
                ]), digest: "", source: "")
        let approve = GovernanceAPI(pool: fixture.pool, binding: binding).routes.first {
            $0.operationID == "approveVersion"
        }
        #expect(approve?.access == .anyOf([.releaseManager, .approver]))
    }

    @Test func whoamiNamesTheActorAndRoles() throws {
        let fixture = try ServiceFixture()
        let response = try fixture.request("GET", "/api/v1/whoami", token: fixture.tokens[.approver])
        let json = try JSONValue.parse(try response.collectBody())
        #expect(json.objectValue?["actor"] == "actor-approver")
        #expect(json.objectValue?["roles"] == ["approver"])
    }

    @Test func revokingATokenTakesEffectImmediately() throws {
        let fixture = try ServiceFixture()
        let store = try Registry.RegistryStore(home: fixture.home, actor: "actor-auditor")
        let issued = try store.createToken(for: "actor-auditor")
        #expect(try fixture.request("GET", "/api/v1/models", token: issued.secret).status.code == 200)
        _ = try store.revokeToken(id: issued.token.id)
        #expect(try fixture.request("GET", "/api/v1/models", token: issued.secret).status.code == 401)
        // Only the hash is stored.
        let hashes = try store.readDatabase { db in
            try db.query("SELECT token_sha256 FROM api_tokens").map { try $0.get(0, as: String.self) }
        }
        #expect(hashes.contains(Registry.RegistryStore.tokenHash(issued.secret)))
        #expect(!hashes.contains(issued.secret))
    }
}
