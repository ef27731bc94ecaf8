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
        try arguments.finish()
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
    var model: String
    var alias: String
    var move: AliasMove
    init(arguments: inout Arguments) throws(CLIError) {
        move = try AliasMove(arguments: &arguments)
        model = try arguments.requiredPositional("MODEL")
        alias = try arguments.requiredPositional("ALIAS")
        try arguments.finish()
    }
    func run(context: CommandContext) async throws -> Int32 {
        let entry = try context.governance(policy: move.policy).rollbackAlias(
            model: model, alias: alias, reason: move.reason)
        return try context.respond(json: Representation.aliasMove(entry)) {
            context.print(
                "\(model):\(alias) rolled back to \(entry.target)" + (entry.previous.map { " (was \($0))" } ?? ""))
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
        try arguments.finish()
    }
    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        var records = try store.read { try GovernanceRecords.aliases($0, model: model) }
        if let alias {
            records = records.filter { $0.name == alias }
            if records.isEmpty { throw CLIError.failure("model \(model) has no alias '\(alias)'") }
        }
        return try context.respond(json: ["items": .array(records.map(Representation.alias))]) {
            var table = TextTable(["ALIAS", "TARGET", "DIGEST", "PROTECTED", "UPDATED", "BY"])
            for r in records {
                table.add([
                    r.name, r.target.description, String(r.digest.prefix(12)), r.isProtected ? "yes" : "no",
                    r.updatedAt,
                    r.updatedBy
                ])
            }
            context.print(table)
        }
    }
}

/// `assay alias history MODEL ALIAS`
struct AliasHistoryCommand: Command {
    static let help = CommandHelp(
        "history", abstract: "Every move of an alias, oldest first.", usage: "MODEL ALIAS [--json]")
    var model: String
    var alias: String
    init(arguments: inout Arguments) throws(CLIError) {
        model = try arguments.requiredPositional("MODEL")
        alias = try arguments.requiredPositional("ALIAS")
        try arguments.finish()
    }
    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        let history = try store.read { try GovernanceRecords.aliasHistory($0, model: model, name: alias) }
        return try context.respond(json: Representation.aliasHistory(model: model, name: alias, history)) {
            var table = TextTable(["TIME", "ACTION", "TARGET", "PREVIOUS", "ACTOR", "REASON"])
            for h in history {
                table.add([
                    h.createdAt, h.action, h.target.description, h.previous?.description ?? "", h.actor, h.reason ?? ""
                ])
            }
            context.print(table)
        }
    }
}
