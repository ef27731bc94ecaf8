import Foundation
import Hashing
import Registry

/// `assay audit verify`
struct AuditVerifyCommand: Command {
    static let name = "verify"
    static let help = CommandHelp(
        abstract: "Recompute the audit hash chain; exit 1 naming the first broken event.",
        usage: "[--json]",
        discussion: "The hash definition is documented in Registry/README.md so it can be checked offline.",
        examples: ["assay audit verify", "assay audit verify --json"])

    init(arguments: inout Arguments) throws(CLIError) {
        try arguments.finish()
    }

    func run(context: CommandContext) async throws -> Int32 {
        let result = try context.openRegistry().verifyAudit()
        if context.json {
            try context.printJSON(result)
        } else if result.isIntact {
            context.print("audit chain intact: \(result.eventCount) events, head \(result.headHash)")
        }
        if let broken = result.firstBreak {
            context.printError("assay: audit chain broken at event \(broken.seq): \(broken.reason)")
            return ExitCode.failure
        }
        return ExitCode.success
    }
}

/// `assay audit log`
struct AuditLogCommand: Command {
    static let name = "log"
    static let help = CommandHelp(
        abstract: "Print audit events, oldest first (the newest 50 unless --limit/--after say otherwise).",
        usage: "[--limit N] [--after SEQ] [--json]",
        options: [
            .init("--limit N", "How many events (default 50)"),
            .init("--after SEQ", "Only events after this sequence number (oldest first)"),
        ],
        examples: ["assay audit log --limit 10", "assay audit log --after 100 --json"])

    var limit: Int
    var after: Int?

    init(arguments: inout Arguments) throws(CLIError) {
        limit = try arguments.int("--limit", range: 1...1_000_000) ?? 50
        after = try arguments.int("--after", range: 0...Int.max)
        try arguments.finish()
    }

    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        let events = try after.map { try store.auditEvents(after: Int64($0), limit: limit) }
            ?? store.latestAuditEvents(limit)
        if context.json { try context.printJSON(events); return ExitCode.success }
        var table = TextTable(["SEQ", "TIME", "ACTOR", "ACTION", "SUBJECT", "HASH"], rightAligned: [0])
        for e in events {
            table.add([String(e.seq), e.time, e.actor, e.action, e.subject, String(e.hash.prefix(16))])
        }
        context.output.out(table.render())
        return ExitCode.success
    }
}
