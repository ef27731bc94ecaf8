import Foundation
import Registry

/// `assay token create [ACTOR] [--label TEXT]`: a bearer token for the HTTP API.
struct TokenCreateCommand: Command {
    static let help = CommandHelp(
        "create", abstract: "Create an API bearer token (shown once; the registry stores only its SHA-256).",
        usage: "[ACTOR] [--label TEXT] [--json]",
        discussion: """
            The token authenticates as ACTOR (default: the acting user). Creating a token for anyone \
            but yourself needs the admin role. What the bearer may do follows ACTOR's roles in the \
            registry (see 'assay role').
            """,
        options: [.value("--label", "TEXT", "A note to recognise the token by in 'assay token list'")],
        examples: ["assay token create ci-runner --label 'GitHub Actions'", "assay token create --actor alice"])

    var actor: String?
    var label: String?

    init(arguments: inout Arguments) throws(CLIError) {
        label = try arguments.option("--label")
        actor = arguments.positional()
    }

    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        let issued = try store.createToken(for: actor ?? store.actor, label: label)
        if context.json {
            guard case .object(var out) = Representation.token(issued.token) else { return ExitCode.failure }
            out["token"] = .string(issued.secret) // shown once
            try context.printJSON(.object(out))
        } else {
            context.print(issued.secret)
            context.printError(
                "Created \(issued.token.id) for \(issued.token.actor). Store the token now: it cannot be shown again.")
        }
        return ExitCode.success
    }
}

/// `assay token revoke ID`.
struct TokenRevokeCommand: Command {
    static let help = CommandHelp(
        "revoke", abstract: "Revoke an API token by id (takes effect on the next request).",
        usage: "ID [--json]", examples: ["assay token revoke tok_3f2a9c1b7d0e"])

    var id: String

    init(arguments: inout Arguments) throws(CLIError) {
        id = try arguments.requiredPositional("token ID")
    }

    func run(context: CommandContext) async throws -> Int32 {
        let token = try context.openRegistry().revokeToken(id: id)
        return try context.respond(json: Representation.token(token)) {
            context.print("Revoked \(token.id) (\(token.actor))")
        }
    }
}

/// `assay token list [--for ACTOR]`.
struct TokenListCommand: Command {
    static let help = CommandHelp(
        "list", abstract: "List API tokens (ids, actors, revocation; never secrets).",
        usage: "[--for ACTOR] [--json]",
        options: [.value("--for", "ACTOR", "Only this actor's tokens")])

    var actor: String?

    init(arguments: inout Arguments) throws(CLIError) {
        actor = try arguments.option("--for")
    }

    func run(context: CommandContext) async throws -> Int32 {
        let tokens = try context.openRegistry().tokens(actor: actor)
        if context.json {
            try context.printJSON(["items": .array(tokens.map(Representation.token))])
        } else if tokens.isEmpty {
            context.print("No tokens.")
        } else {
            for t in tokens {
                context.print(
                    "\(t.id)  \(t.actor)  created \(t.createdAt) by \(t.createdBy)"
                        + (t.revokedAt.map { "  REVOKED \($0)" } ?? "") + (t.label.map { "  \($0)" } ?? ""))
            }
        }
        return ExitCode.success
    }
}
