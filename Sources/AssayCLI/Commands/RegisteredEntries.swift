import Foundation
import Hashing
import Registry

/// `assay model list [NAME]` and `assay dataset list [NAME]`: every entry of one kind, or the
/// versions of one entry. The conforming command says how its versions are fetched and shown.
protocol EntryListCommand: Command {
    associatedtype Version
    /// The first column of the entry table ("MODEL", "DATASET").
    static var kindColumn: String { get }
    static func entries(_ store: RegistryStore) throws -> [EntrySummary]
    static func entryJSON(_ entry: EntrySummary) -> JSONValue
    static func versions(of name: String, _ store: RegistryStore) throws -> [Version]
    static func versionJSON(_ version: Version) -> JSONValue
    static func versionTable(_ versions: [Version]) -> TextTable
    var name: String? { get }
    init(name: String?)
}

extension EntryListCommand {
    init(arguments: inout Arguments) throws(CLIError) {
        let name = arguments.positional()
        try arguments.finish()
        self.init(name: name)
    }

    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        if let name {
            let versions = try Self.versions(of: name, store)
            let json: JSONValue = ["name": .string(name), "versions": .array(versions.map(Self.versionJSON))]
            return try context.respond(json: json) { context.print(Self.versionTable(versions)) }
        }
        let entries = try Self.entries(store)
        return try context.respond(json: ["items": .array(entries.map(Self.entryJSON))]) {
            var table = TextTable([Self.kindColumn, "VERSIONS", "LATEST", "CREATED", "BY"], rightAligned: [1])
            for e in entries {
                table.add([e.name, String(e.versionCount), e.latestVersion ?? "-", e.createdAt, e.createdBy])
            }
            context.print(table)
        }
    }
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
