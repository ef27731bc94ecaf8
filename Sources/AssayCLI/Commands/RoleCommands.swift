import Foundation
import Governance
import Registry

func parseRole(_ text: String) throws(CLIError) -> Role {
    guard let role = Role(rawValue: text) else {
        throw .usage("unknown role '\(text)' (roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    return role
}

/// The two changes of a role grant, `assay role grant` and `assay role revoke`: their help,
/// what they do and the line they print.
enum RoleChange {
    case grant
    case revoke

    var help: CommandHelp {
        switch self {
        case .grant:
            return CommandHelp(
                "grant", abstract: "Grant a role (submitter, approver, release-manager, auditor, admin) to an actor.",
                usage: "ACTOR ROLE [--json]",
                discussion:
                    "Only admins grant roles. On a registry without any admin, the one allowed grant is 'admin' (bootstrap).",
                examples: ["assay role grant alice admin --actor alice", "assay role grant bob approver --actor alice"])
        case .revoke:
            return CommandHelp(
                "revoke", abstract: "Revoke a role from an actor (admins only).", usage: "ACTOR ROLE [--json]",
                examples: ["assay role revoke bob approver --actor alice"])
        }
    }

    /// Applies the change; false when there was nothing to change.
    func apply(_ role: Role, _ actor: String, _ governance: GovernanceService) throws -> Bool {
        switch self {
        case .grant: return try governance.grant(role, to: actor)
        case .revoke: return try governance.revoke(role, from: actor)
        }
    }

    /// The line printed for the outcome.
    func outcome(_ role: Role, _ actor: String, changed: Bool) -> String {
        switch self {
        case .grant:
            return changed ? "granted \(role.rawValue) to \(actor)" : "\(actor) already holds \(role.rawValue)"
        case .revoke:
            return changed ? "revoked \(role.rawValue) from \(actor)" : "\(actor) does not hold \(role.rawValue)"
        }
    }
}

/// A grant or revocation of one role for one actor: parsing, running and reporting shared by
/// `assay role grant` and `assay role revoke`.
protocol RoleChangeCommand: Command {
    static var change: RoleChange { get }
    var actor: String { get }
    var role: Role { get }
    init(actor: String, role: Role)
}

extension RoleChangeCommand {
    static var help: CommandHelp { change.help }

    init(arguments: inout Arguments) throws(CLIError) {
        let actor = try arguments.requiredPositional("ACTOR")
        let role = try parseRole(try arguments.requiredPositional("ROLE"))
        self.init(actor: actor, role: role)
    }

    func run(context: CommandContext) async throws -> Int32 {
        let changed = try Self.change.apply(role, actor, context.governanceWithoutPolicy())
        return try context.respond(json: ["actor": actor, "role": role.rawValue, "changed": changed ? "true" : "false"])
        {
            context.print(Self.change.outcome(role, actor, changed: changed))
        }
    }
}

/// `assay role grant ACTOR ROLE`
struct RoleGrantCommand: RoleChangeCommand {
    static let change = RoleChange.grant
    var actor: String
    var role: Role
}

/// `assay role revoke ACTOR ROLE`
struct RoleRevokeCommand: RoleChangeCommand {
    static let change = RoleChange.revoke
    var actor: String
    var role: Role
}

/// `assay role list [ACTOR]`
struct RoleListCommand: Command {
    static let help = CommandHelp(
        "list", abstract: "List role grants (all, or one actor's).", usage: "[ACTOR] [--json]")

    var actorFilter: String?

    init(arguments: inout Arguments) throws(CLIError) {
        actorFilter = arguments.positional()
    }

    func run(context: CommandContext) async throws -> Int32 {
        let grants = try context.governanceWithoutPolicy().roleGrants().filter {
            actorFilter == nil || $0.actor == actorFilter
        }
        return try context.respond(
            json: grants,
            table: TextTable(
                ["ACTOR", "ROLE", "GRANTED", "BY"],
                rows: grants.map { g in [g.actor, g.role, g.grantedAt, g.grantedBy] }))
    }
}
