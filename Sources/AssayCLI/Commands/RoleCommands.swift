import Foundation
import Governance
import Registry

func parseRole(_ text: String) throws(CLIError) -> Role {
    guard let role = Role(rawValue: text) else {
        throw .usage("unknown role '\(text)' (roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    return role
}

/// A grant or revocation of one role for one actor: parsing, running and reporting shared by
/// `assay role grant` and `assay role revoke`.
protocol RoleChangeCommand: Command {
    var actor: String { get }
    var role: Role { get }
    init(actor: String, role: Role)
    /// Applies the change; false when there was nothing to change.
    func change(_ governance: GovernanceService) throws -> Bool
    /// The line printed for the outcome.
    func outcome(changed: Bool) -> String
}

extension RoleChangeCommand {
    init(arguments: inout Arguments) throws(CLIError) {
        let actor = try arguments.requiredPositional("ACTOR")
        let role = try parseRole(try arguments.requiredPositional("ROLE"))
        try arguments.finish()
        self.init(actor: actor, role: role)
    }

    func run(context: CommandContext) async throws -> Int32 {
        let changed = try change(context.governanceWithoutPolicy())
        return try context.respond(json: ["actor": actor, "role": role.rawValue, "changed": changed ? "true" : "false"])
        {
            context.print(outcome(changed: changed))
        }
    }
}

/// `assay role grant ACTOR ROLE`
struct RoleGrantCommand: RoleChangeCommand {
    static let help = CommandHelp(
        "grant", abstract: "Grant a role (submitter, approver, release-manager, auditor, admin) to an actor.",
        usage: "ACTOR ROLE [--json]",
        discussion:
            "Only admins grant roles. On a registry without any admin, the one allowed grant is 'admin' (bootstrap).",
        examples: ["assay role grant alice admin --actor alice", "assay role grant bob approver --actor alice"])

    var actor: String
    var role: Role

    func change(_ governance: GovernanceService) throws -> Bool { try governance.grant(role, to: actor) }

    func outcome(changed: Bool) -> String {
        changed ? "granted \(role.rawValue) to \(actor)" : "\(actor) already holds \(role.rawValue)"
    }
}

/// `assay role revoke ACTOR ROLE`
struct RoleRevokeCommand: RoleChangeCommand {
    static let help = CommandHelp(
        "revoke", abstract: "Revoke a role from an actor (admins only).", usage: "ACTOR ROLE [--json]",
        examples: ["assay role revoke bob approver --actor alice"])

    var actor: String
    var role: Role

    func change(_ governance: GovernanceService) throws -> Bool { try governance.revoke(role, from: actor) }

    func outcome(changed: Bool) -> String {
        changed ? "revoked \(role.rawValue) from \(actor)" : "\(actor) does not hold \(role.rawValue)"
    }
}

/// `assay role list [ACTOR]`
struct RoleListCommand: Command {
    static let help = CommandHelp(
        "list", abstract: "List role grants (all, or one actor's).", usage: "[ACTOR] [--json]")

    var actorFilter: String?

    init(arguments: inout Arguments) throws(CLIError) {
        actorFilter = arguments.positional()
        try arguments.finish()
    }

    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        let grants = try store.read { try GovernanceRecords.roleGrants($0) }.filter {
            actorFilter == nil || $0.actor == actorFilter
        }
        return try context.respond(json: grants) {
            var table = TextTable(["ACTOR", "ROLE", "GRANTED", "BY"])
            for g in grants { table.add([g.actor, g.role, g.grantedAt, g.grantedBy]) }
            context.print(table)
        }
    }
}
