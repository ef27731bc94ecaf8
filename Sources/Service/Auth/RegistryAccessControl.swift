import Governance
import Registry

/// Tokens and roles from the registry: the token's SHA-256 finds its actor (revoked tokens
/// never match), the governance role grants give the actor's roles.
public struct RegistryAccessControl: AccessControl {
    let pool: RegistryPool

    public func actor(forToken token: String) throws -> String? {
        try pool.read { try $0.authenticate(tokenSecret: token) }
    }

    public func roles(of actor: String) throws -> Set<Role> {
        let names = try pool.read { store in try store.read { db in try GovernanceRecords.roles(db, actor: actor) } }
        return Set(names.compactMap(Role.init(rawValue:)))
    }
}

/// Fixed tokens and roles, for tests and for running without a registry.
public struct StaticAccessControl: AccessControl {
    public var tokens: [String: String]
    public var grants: [String: Set<Role>]

    public func actor(forToken token: String) throws -> String? { tokens[token] }
    public func roles(of actor: String) throws -> Set<Role> { grants[actor] ?? [] }
}
