import Foundation
import Governance
import Registry

func parseRole(_ text: String) throws(CLIError) -> Role {
    guard let role = Role(rawValue: text) else {
        throw .usage("unknown role '\(text)' (roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    return role
}

/// Runs a grant or revocation (`change` returns whether anything changed) and reports it.
private func changeRole(
    _ role: Role, of actor: String, context: CommandContext, done: String, unchanged: String,
    _ change: (GovernanceService) throws -> Bool
) throws -> Int32 {
    let changed = try change(context.governanceWithoutPolicy())
    if context.json {
        try context.printJSON(["actor": actor, "role": role.rawValue, "changed": changed ? "true" : "false"])
    } else {
        context.print(changed ? done : unchanged)
    }
    return ExitCode.success
}

/// `assay role grant ACTOR ROLE`
struct RoleGrantCommand: Command {
    static let name = "grant"
    static let help = CommandHelp(
        abstract: "Grant a role (submitter, approver, release-manager, auditor, admin) to an actor.",
        usage: "ACTOR ROLE [--json]",
        discussion:
            "Only admins grant roles. On a registry without any admin, the one allowed grant is 'admin' (bootstrap).",
        examples: ["assay role grant alice admin --actor alice", "assay role grant bob approver --actor alice"])

    var grantee: String
    var role: Role

    init(arguments: inout Arguments) throws(CLIError) {
        grantee = try arguments.requiredPositional("ACTOR")
        role = try parseRole(try arguments.requiredPositional("ROLE"))
        try arguments.finish()
    }

    func run(context: CommandContext) async throws -> Int32 {
        try changeRole(
            role, of: grantee, context: context, done: "granted \(role.rawValue) to \(grantee)",
            unchanged: "\(grantee) already holds \(role.rawValue)"
        ) { try $0.grant(role, to: grantee) }
    }
}

/// `assay role revoke ACTOR ROLE`
struct RoleRevokeCommand: Command {
    static let name = "revoke"
    static let help = CommandHelp(
        abstract: "Revoke a role from an actor (admins only).", usage: "ACTOR ROLE [--json]",
        examples: ["assay role revoke bob approver --actor alice"])

    var holder: String
    var role: Role

    init(arguments: inout Arguments) throws(CLIError) {
        holder = try arguments.requiredPositional("ACTOR")
        role = try parseRole(try arguments.requiredPositional("ROLE"))
        try arguments.finish()
    }

    func run(context: CommandContext) async throws -> Int32 {
        try changeRole(
            role, of: holder, context: context, done: "revoked \(role.rawValue) from \(holder)",
            unchanged: "\(holder) does not hold \(role.rawValue)"
        ) { try $0.revoke(role, from: holder) }
    }
}

/// `assay role list [ACTOR]`
struct RoleListCommand: Command {
    static let name = "list"
    static let help = CommandHelp(abstract: "List role grants (all, or one actor's).", usage: "[ACTOR] [--json]")

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
        if context.json {
            try context.printJSON(grants)
            return ExitCode.success
        }
        var table = TextTable(["ACTOR", "ROLE", "GRANTED", "BY"])
        for g in grants { table.add([g.actor, g.role, g.grantedAt, g.grantedBy]) }
        context.output.out(table.render())
        return ExitCode.success
    }
}
