import Foundation
import Registry

extension CommandContext {
    /// Opens the registry at `registryHome` (see `CommandContext.registryHome`) as `actor`.
    /// Fails with a one-line cause when it has not been initialized (unless `create`).
    func openRegistry(create: Bool = false) throws -> RegistryStore {
        try RegistryStore(home: registryHome, actor: actor, create: create,
                          inspector: RegistryInspectors.artifactInspector)
    }
}

/// The artifact inspector the CLI hands to the registry when registering model files: GGUF
/// headers give architecture, parameter count, quantization and context length; a file with
/// GGUF magic whose header does not parse is rejected.
enum RegistryInspectors {
    static var artifactInspector: (any ArtifactInspector)? { GGUFArtifactInspector() }
}

/// Parses `NAME@VERSION`, reporting a bad reference as a usage error.
func parseReference(_ text: String) throws(CLIError) -> VersionReference {
    do { return try VersionReference(parsing: text) } catch { throw .usage(error.description) }
}

/// Human-readable byte count (`1.5 MB`).
func formatBytes(_ bytes: Int64) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1000, unit < units.count - 1 {
        value /= 1000
        unit += 1
    }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f", value) + " " + units[unit]
}

/// `assay init`: creates (or upgrades) the registry database.
struct InitCommand: Command {
    static let name = "init"
    static let help = CommandHelp(
        abstract: "Create the registry (or migrate an existing one to the current schema).",
        usage: "[--registry PATH]",
        discussion: """
            Creates <home>/registry.sqlite, where <home> is --registry, else $ASSAY_HOME, else ./.assay.
            Running it again is harmless: pending schema migrations are applied, nothing else changes.
            """,
        examples: ["assay init", "assay init --registry /srv/assay"])

    init(arguments: inout Arguments) throws(CLIError) {
        try arguments.finish()
    }

    struct Report: Encodable {
        var home: String
        var database: String
        var created: Bool
    }

    func run(context: CommandContext) async throws -> Int32 {
        let existed = FileManager.default.fileExists(
            atPath: context.registryHome.appendingPathComponent(RegistryStore.databaseFileName).path)
        let store = try context.openRegistry(create: true)
        if context.json {
            try context.printJSON(Report(home: store.home.path, database: store.databasePath, created: !existed))
        } else {
            context.print(existed ? "Registry at \(store.home.path) is up to date."
                                  : "Initialized registry at \(store.home.path)")
        }
        return ExitCode.success
    }
}
