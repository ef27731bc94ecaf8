import Foundation
import JSON
import Registry

/// `assay init`: creates (or upgrades) the registry database and sets registry-wide settings.
struct InitCommand: Command {
    static let help = CommandHelp(
        "init", abstract: "Create the registry (or migrate an existing one to the current schema).",
        usage: "[--registry PATH] [--trust-actor-env | --no-trust-actor-env] [--policy FILE | --bundled-policy]",
        discussion: """
            Creates <home>/registry.sqlite, where <home> is --registry, else $ASSAY_HOME, else ./.assay.
            Running it again is harmless: pending schema migrations are applied, nothing else changes \
            unless a setting is given. Settings live in <home>/settings.json; changing them on an \
            existing registry needs the OS user who owns the registry database, and is audited.

            Identity: commands act as the OS user. --trust-actor-env makes this registry honour \
            --actor/$ASSAY_ACTOR for anyone (CI runners, demos, tests); otherwise only an admin may act \
            as someone else. Shared registries should be used through 'assay serve' and tokens.
            Policy: --policy FILE (validated) becomes the registry's policy for gate, approval and alias \
            commands when they get no --policy; without it the bundled default policy applies.
            """,
        options: [
            .init(
                "--trust-actor-env", "Honour --actor/$ASSAY_ACTOR for anyone (CI); --no-trust-actor-env turns it off"),
            .value("--policy", "FILE", "Configure the registry's policy file (absolute path stored)"),
            .flag("--bundled-policy", "Forget a configured policy: use the bundled default")
        ],
        examples: [
            "assay init", "assay init --registry /srv/assay",
            "assay init --trust-actor-env --policy Governance/policy.json"
        ])

    var trust: Bool?
    var policy: String?
    var bundledPolicy: Bool

    init(arguments: inout Arguments) throws(CLIError) {
        trust = arguments.toggle("trust-actor-env")
        policy = try arguments.option("--policy")
        bundledPolicy = arguments.flag("--bundled-policy")
        if policy != nil && bundledPolicy { throw .usage("--policy and --bundled-policy exclude each other") }
    }

    struct Report: Encodable {
        var home: String
        var database: String
        var created: Bool
        var settings: RegistrySettings
    }

    func run(context: CommandContext) async throws -> Int32 {
        let databaseURL = context.registryHome.appendingPathComponent(RegistryStore.databaseFileName)
        let existed = FileManager.default.fileExists(atPath: databaseURL.path)
        let store = try context.openRegistryAsOSUser(create: true)
        var settings = try RegistrySettings.load(home: store.home)
        let before = settings
        if let trust { settings.trustActorEnvironment = trust }
        if let policy {
            let url = context.resolve(policy)
            _ = try context.loadPolicy(url.path) // refuse an invalid policy before recording it
            settings.policyPath = url.path
        }
        if bundledPolicy { settings.policyPath = nil }
        if settings != before {
            if existed {
                var st = stat()
                if stat(databaseURL.path, &st) == 0, st.st_uid != getuid() {
                    throw CLIError.failure("only the owner of \(databaseURL.path) may change registry settings")
                }
            }
            try settings.save(home: store.home)
            try store.write { tx in
                _ = try tx.appendAudit(
                    action: "registry.settings", subject: store.home.path,
                    payload: [
                        "trust_actor_environment": .bool(settings.trustActorEnvironment),
                        "policy": settings.policyPath.map(JSONValue.string) ?? .null
                    ])
            }
        }
        return try context.respond(
            json:
                Report(home: store.home.path, database: store.databasePath, created: !existed, settings: settings)
        ) {
            context.print(
                existed
                    ? "Registry at \(store.home.path) is up to date."
                    : "Initialized registry at \(store.home.path)")
            if settings != before {
                context.print(
                    "Settings: actor environment \(settings.trustActorEnvironment ? "trusted" : "not trusted"); policy \(settings.policyPath ?? "bundled default")"
                )
            }
        }
    }
}
