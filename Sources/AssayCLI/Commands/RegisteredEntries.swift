import Foundation
import JSON
import Registry

/// The two kinds of versioned registry entries the CLI lists and shows: where each kind's
/// entries and versions come from and how they are shown (`--json` in the API's shapes).
enum EntryKind {
    case model
    case dataset

    /// The word the CLI uses for the kind: its command group and the first column of the table.
    var noun: String {
        switch self {
        case .model: return "model"
        case .dataset: return "dataset"
        }
    }

    /// How the help of the kind's commands words it: an example entry and version, and what
    /// `show` shows of a version.
    private var helpText: (name: String, version: String, shows: String) {
        switch self {
        case .model: return ("smollm2-135m", "1.0", "digest, artifacts, header facts and direct lineage")
        case .dataset: return ("intents", "2024-06", "digest, datasheet and files")
        }
    }

    /// The help of `assay <kind> list`.
    var listHelp: CommandHelp {
        CommandHelp(
            "list", abstract: "List \(noun)s, or the versions of one \(noun).",
            usage: "[NAME] [--json]",
            examples: ["assay \(noun) list", "assay \(noun) list \(helpText.name) --json"])
    }

    /// The help of `assay <kind> show NAME@VERSION`.
    var showHelp: CommandHelp {
        CommandHelp(
            "show", abstract: "Show a \(noun) version: \(helpText.shows).", usage: "NAME@VERSION [--json]",
            examples: ["assay \(noun) show \(helpText.name)@\(helpText.version)"])
    }

    func summaries(_ store: RegistryStore) throws -> (json: [JSONValue], entries: [EntrySummary]) {
        switch self {
        case .model:
            let models = try store.models()
            return (models.map(Representation.model), models)
        case .dataset:
            let datasets = try store.datasets()
            return (datasets.map(Representation.dataset), datasets)
        }
    }

    /// The versions of entry `name`: their JSON and their table.
    func versions(of name: String, _ store: RegistryStore) throws -> (json: [JSONValue], table: TextTable) {
        switch self {
        case .model:
            let versions = try store.modelVersions(of: name)
            let table = TextTable(ModelVersion.listColumns, rightAligned: [2, 3], rows: versions.map(\.listRow))
            return (versions.map(Representation.modelVersion), table)
        case .dataset:
            let versions = try store.datasetVersions(of: name)
            let table = TextTable(DatasetVersion.listColumns, rightAligned: [3, 4], rows: versions.map(\.listRow))
            return (versions.map(Representation.datasetVersion), table)
        }
    }
}

/// `assay model list [NAME]` and `assay dataset list [NAME]`: every entry of one kind, or the
/// versions of one entry.
protocol EntryListCommand: Command {
    static var kind: EntryKind { get }
    var name: String? { get }
    init(name: String?)
}

extension EntryListCommand {
    static var help: CommandHelp { kind.listHelp }

    init(arguments: inout Arguments) throws(CLIError) {
        let name = arguments.positional()
        self.init(name: name)
    }

    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        if let name {
            let versions = try Self.kind.versions(of: name, store)
            return try context.respond(json: ["name": .string(name), "versions": .array(versions.json)]) {
                context.print(versions.table)
            }
        }
        let summaries = try Self.kind.summaries(store)
        return try context.respond(
            json: ["items": .array(summaries.json)],
            table: TextTable(
                [Self.kind.noun.uppercased(), "VERSIONS", "LATEST", "CREATED", "BY"], rightAligned: [1],
                rows: summaries.entries.map { e in
                    [e.name, String(e.versionCount), e.latestVersion ?? "-", e.createdAt, e.createdBy]
                }))
    }
}

/// `assay model list [NAME]`
struct ModelListCommand: EntryListCommand {
    static let kind = EntryKind.model
    var name: String?
}

/// `assay dataset list [NAME]`
struct DatasetListCommand: EntryListCommand {
    static let kind = EntryKind.dataset
    var name: String?
}

extension CommandContext {
    /// The `--json` status of a registration: `registered`, or `already_registered` for a no-op.
    static func registrationStatus(isNew: Bool) -> String { isNew ? "registered" : "already_registered" }

    /// `{"status": …, "version": …}` (plus `extra` members) for `--json`, else the one line saying
    /// what happened, followed by `newText` for a new version.
    func respondToRegistration(
        _ reference: VersionReference, isNew: Bool, version: JSONValue, extra: [String: JSONValue] = [:],
        digest: String, files: Int, size: Int64, newText: () throws -> Void = {}
    ) throws -> Int32 {
        var members = extra
        members["status"] = .string(Self.registrationStatus(isNew: isNew))
        members["version"] = version
        return try respond(json: .object(members)) {
            guard isNew else {
                print("\(reference) is already registered with the same content (sha256 \(digest))")
                return
            }
            print(
                "Registered \(reference) (sha256 \(digest), \(files) file\(files == 1 ? "" : "s"), \(formatBytes(size)))"
            )
            try newText()
        }
    }
}
