import Foundation
import Governance
import Registry

/// `--reason TEXT` and `--policy FILE`: what every alias move (set, rollback) takes.
struct AliasMove {
    var reason: String?
    var policy: String?

    static let options: [CommandHelp.Option] = [
        .value("--reason", "TEXT", "Why (recorded)"), .value("--policy", "FILE", "Policy file")
    ]

    init(arguments: inout Arguments) throws(CLIError) {
        reason = try arguments.option("--reason")
        policy = try arguments.option("--policy")
    }
}

/// `MODEL ALIAS`: one alias, named by its model and its name (`alias rollback`, `alias history`).
struct AliasName {
    var model: String
    var alias: String

    init(arguments: inout Arguments) throws(CLIError) {
        model = try arguments.requiredPositional("MODEL")
        alias = try arguments.requiredPositional("ALIAS")
    }
}

/// `assay alias set ALIAS M@V`
struct AliasSetCommand: Command {
    static let help = CommandHelp(
        "set", abstract: "Point an alias of a model at one of its versions (atomic, kept in history).",
        usage: "ALIAS NAME@VERSION [--reason TEXT] [--policy FILE] [--json]",
        discussion:
            "Protected aliases (the policy's protected_aliases, e.g. production, staging) only hold approved versions not flagged for review, and only the policy's alias role (release-manager) moves them.",
        options: AliasMove.options,
        examples: ["assay alias set production smollm2@q8_0 --actor rita"])
    var alias: String
    var target: VersionReference
    var move: AliasMove
    init(arguments: inout Arguments) throws(CLIError) {
        move = try AliasMove(arguments: &arguments)
        alias = try arguments.requiredPositional("ALIAS")
        target = try arguments.reference()
    }
    func run(context: CommandContext) async throws -> Int32 {
        let entry = try context.governance(policy: move.policy).setAlias(alias, to: target, reason: move.reason)
        return try context.respond(json: Representation.aliasMove(entry)) {
            context.print("\(target.name):\(alias) → \(entry.target)" + (entry.previous.map { " (was \($0))" } ?? ""))
        }
    }
}

/// `assay alias rollback MODEL ALIAS`
struct AliasRollbackCommand: Command {
    static let help = CommandHelp(
        "rollback",
        abstract: "Restore the previous holder of an alias (history is a stack: set pushes, rollback pops).",
        usage: "MODEL ALIAS [--reason TEXT] [--policy FILE] [--json]",
        options: AliasMove.options)
    var name: AliasName
    var move: AliasMove
    init(arguments: inout Arguments) throws(CLIError) {
        move = try AliasMove(arguments: &arguments)
        name = try AliasName(arguments: &arguments)
    }
    func run(context: CommandContext) async throws -> Int32 {
        let entry = try context.governance(policy: move.policy).rollbackAlias(
            model: name.model, alias: name.alias, reason: move.reason)
        return try context.respond(json: Representation.aliasMove(entry)) {
            context.print(
                "\(name.model):\(name.alias) rolled back to \(entry.target)"
                    + (entry.previous.map { " (was \($0))" } ?? ""))
        }
    }
}

/// `assay alias show MODEL [ALIAS]`
struct AliasShowCommand: Command {
    static let help = CommandHelp(
        "show", abstract: "Show a model's aliases (or one alias).", usage: "MODEL [ALIAS] [--json]")
    var model: String
    var alias: String?
    init(arguments: inout Arguments) throws(CLIError) {
        model = try arguments.requiredPositional("MODEL")
        alias = arguments.positional()
    }
    func run(context: CommandContext) async throws -> Int32 {
        var records = try context.governanceWithoutPolicy().aliases(model: model)
        if let alias {
            records = records.filter { $0.name == alias }
            if records.isEmpty { throw CLIError.failure("model \(model) has no alias '\(alias)'") }
        }
        return try context.respond(
            json: ["items": .array(records.map(Representation.alias))],
            table: TextTable(
                ["ALIAS", "TARGET", "DIGEST", "PROTECTED", "UPDATED", "BY"],
                rows: records.map { r in
                    [
                        r.name, r.target.description, String(r.digest.prefix(12)), r.isProtected ? "yes" : "no",
                        r.updatedAt,
                        r.updatedBy
                    ]
                }))
    }
}

/// `assay alias history MODEL ALIAS`
struct AliasHistoryCommand: Command {
    static let help = CommandHelp(
        "history", abstract: "Every move of an alias, oldest first.", usage: "MODEL ALIAS [--json]")
    var name: AliasName
    init(arguments: inout Arguments) throws(CLIError) {
        name = try AliasName(arguments: &arguments)
    }
    func run(context: CommandContext) async throws -> Int32 {
        let history = try context.governanceWithoutPolicy().aliasHistory(model: name.model, alias: name.alias)
        return try context.respond(
            json: Representation.aliasHistory(model: name.model, name: name.alias, history),
            table: TextTable(
                ["TIME", "ACTION", "TARGET", "PREVIOUS", "ACTOR", "REASON"],
                rows: history.map { h in
                    [
                        h.createdAt, h.action, h.target.description, h.previous?.description ?? "", h.actor,
                        h.reason ?? ""
                    ]
                }))
    }
}
