import Foundation
import HTTPClient
import Registry
import Service

/// `assay webhook add URL --events a,b [--secret S]`
struct WebhookAddCommand: Command {
    static let help = CommandHelp(
        "add", abstract: "Subscribe a URL to registry events (HMAC-SHA256-signed JSON POSTs).",
        usage: "URL --events E1,E2|* [--secret S] [--allow-private-webhooks] [--json]",
        discussion: """
            Events: \(WebhookEventType.allCases.map(\.rawValue).joined(separator: ", ")). Only events recorded after \
            the subscription are delivered. Without --secret a secret is generated and shown once. Plain http:// \
            only (put a TLS-terminating relay in front of https receivers). Once the registry has an admin, only \
            admins manage webhooks. Deliveries are sent by 'assay serve' or by 'assay webhook deliver'.
            """,
        options: [
            .value("--events", "LIST", "Comma-separated event types, or * for all (required)"),
            .value("--secret", "S", "Signing secret (16-256 printable characters; default: generated)"),
            .flag("--allow-private-webhooks", "Accept a loopback, link-local or private-network address")
        ],
        examples: ["assay webhook add http://127.0.0.1:9000/hooks --events version.registered,state.changed"])

    var url: String
    var events: [WebhookEventType]
    var secret: String?

    init(arguments: inout Arguments) throws(CLIError) {
        let list = try arguments.required("--events", missing: "--events is required")
        do { events = try WebhookEventType.parseList(list) } catch { throw .usage(error.description) }
        secret = try arguments.option("--secret")
        allowPrivate = arguments.flag("--allow-private-webhooks")
        url = try arguments.requiredPositional("URL")
    }

    var allowPrivate = false

    func run(context: CommandContext) async throws -> Int32 {
        if !allowPrivate, let parsed = try? HTTPURL(parsing: url),
            let reason = WebhookAddressPolicy.refusal(literalHost: parsed.host)
        {
            throw CLIError.usage(
                "\(parsed.host) is \(reason); webhooks go to public addresses unless you pass --allow-private-webhooks (and start the deliverer with it)"
            )
        }
        let hook = try context.openRegistry().addWebhook(url: url, events: events, secret: secret)
        return try context.respond(json: [
            "id": hook.id, "url": hook.url, "events": hook.events.map(\.rawValue).joined(separator: ","),
            "secret": hook.secret
        ]) {
            context.print(hook.id)
            if secret == nil {
                context.printError("Secret (shown once, verify X-Assay-Signature with it): \(hook.secret)")
            }
        }
    }
}

/// `assay webhook list`
struct WebhookListCommand: Command {
    static let help = CommandHelp(
        "list", abstract: "List webhooks (never their secrets) and their delivery counts.",
        usage: "[--all] [--json]",
        options: [.flag("--all", "Include removed webhooks")])
    var all: Bool

    init(arguments: inout Arguments) throws(CLIError) {
        all = arguments.flag("--all")
    }

    struct Listed: Encodable {
        var id, url, events, createdAt, createdBy: String
        var active: Bool
        var removedAt: String?
    }

    func run(context: CommandContext) async throws -> Int32 {
        let hooks = try context.openRegistry().webhooks().filter { all || $0.active }
        let listed = hooks.map {
            Listed(
                id: $0.id, url: $0.url, events: $0.events.map(\.rawValue).joined(separator: ","),
                createdAt: $0.createdAt, createdBy: $0.createdBy, active: $0.active,
                removedAt: $0.removedAt)
        }
        return try context.respond(json: listed) {
            if listed.isEmpty {
                context.print("No webhooks.")
                return
            }
            var table = TextTable(["ID", "URL", "EVENTS", "CREATED", "BY", "STATE"])
            for h in listed {
                table.add([h.id, h.url, h.events, h.createdAt, h.createdBy, h.active ? "active" : "removed"])
            }
            context.print(table)
        }
    }
}

/// `assay webhook remove ID`
struct WebhookRemoveCommand: Command {
    static let help = CommandHelp(
        "remove", abstract: "Remove a webhook (its delivery log is kept; pending deliveries are dropped).",
        usage: "ID [--json]")
    var id: String

    init(arguments: inout Arguments) throws(CLIError) {
        id = try arguments.requiredPositional("webhook ID")
    }

    func run(context: CommandContext) async throws -> Int32 {
        let hook = try context.openRegistry().removeWebhook(id: id)
        return try context.respond(json: ["id": hook.id, "removed_at": hook.removedAt ?? ""]) {
            context.print("Removed \(hook.id) (\(hook.url))")
        }
    }
}

/// `assay webhook deliveries [--webhook ID] [--limit N]`
struct WebhookDeliveriesCommand: Command {
    static let help = CommandHelp(
        "deliveries", abstract: "Show the delivery log: every attempt with its status code or error.",
        usage: "[--webhook ID] [--limit N] [--json]",
        options: [
            .value("--webhook", "ID", "Only this webhook's deliveries"),
            .integer("--limit", "N", in: 1...100_000, "Newest N attempts (default 50)")
        ])
    var webhook: String?
    var limit: Int

    init(arguments: inout Arguments) throws(CLIError) {
        webhook = try arguments.option("--webhook")
        limit = try arguments.int("--limit") ?? 50
    }

    func run(context: CommandContext) async throws -> Int32 {
        let attempts = try context.openRegistry().webhookAttempts(webhook: webhook, limit: limit)
        return try context.respond(json: attempts) {
            if attempts.isEmpty {
                context.print("No delivery attempts.")
                return
            }
            var table = TextTable(["TIME", "WEBHOOK", "EVENT", "DELIVERY", "ATTEMPT", "STATUS", "RESULT"])
            for a in attempts {
                table.add([
                    a.startedAt, a.webhookID, a.eventID, a.deliveryID, String(a.attempt),
                    a.statusCode.map(String.init) ?? "-", a.error ?? a.deliveryStatus
                ])
            }
            context.print(table)
        }
    }
}

/// `assay webhook deliver`: one dispatcher pass (for registries without a running `assay serve`).
struct WebhookDeliverCommand: Command {
    static let help = CommandHelp(
        "deliver",
        abstract: "Queue new events and attempt every due delivery once (run from cron when no 'assay serve' runs).",
        usage: "[--max-attempts N] [--base-delay-ms N] [--timeout-ms N] [--allow-private-webhooks] [--json]",
        discussion:
            "A failed attempt is retried by a later pass after base-delay × 2^(attempt-1); after max-attempts the delivery is marked failed. Exit 1 when an attempt failed in this pass.",
        options: WebhookOptions.declarations(
            attempts: "Attempts per delivery (default 5)",
            baseDelay: "Delay before the second attempt (default 2000)",
            timeout: "Timeout of one attempt (default 10000)",
            allowPrivate: "Also deliver to loopback, link-local and private addresses (refused by default: SSRF)"))
    var settings: WebhookSettings

    init(arguments: inout Arguments) throws(CLIError) {
        settings = try WebhookOptions.settings(&arguments)
    }

    func run(context: CommandContext) async throws -> Int32 {
        let summary = try WebhookDispatcher(home: context.registryHome, settings: settings).runOnce()
        if context.json {
            try context.printJSON([
                "queued": summary.queued, "attempted": summary.attempted, "delivered": summary.delivered,
                "retrying": summary.retrying, "failed": summary.failed
            ])
        } else {
            context.print(
                "queued \(summary.queued), attempted \(summary.attempted): delivered \(summary.delivered), "
                    + "retrying \(summary.retrying), failed \(summary.failed)")
        }
        return summary.retrying + summary.failed == 0 ? ExitCode.success : ExitCode.failure
    }
}

/// Options shared by `assay webhook deliver` and `assay serve`.
enum WebhookOptions {
    /// The options' declarations; each command words their help its own way.
    static func declarations(
        attempts: String, baseDelay: String, timeout: String, allowPrivate: String
    ) -> [CommandHelp.Option] {
        [
            .integer("--max-attempts", "N", in: 1...50, attempts),
            .integer("--base-delay-ms", "N", in: 1...3_600_000, baseDelay),
            .integer("--timeout-ms", "N", in: 100...600_000, timeout),
            .flag("--allow-private-webhooks", allowPrivate)
        ]
    }

    static func settings(_ arguments: inout Arguments) throws(CLIError) -> WebhookSettings {
        let attempts = try arguments.int("--max-attempts") ?? 5
        let base = try arguments.int("--base-delay-ms") ?? 2000
        let timeout = try arguments.int("--timeout-ms") ?? 10_000
        let allowPrivate = arguments.flag("--allow-private-webhooks")
        return WebhookSettings(
            maxAttempts: attempts, baseDelay: .milliseconds(base), timeout: .milliseconds(timeout),
            allowPrivateNetworks: allowPrivate)
    }
}
