import DatasetQuality
import Foundation
import Governance
import Hashing
import JSON
import Registry

/// `assay dataset register NAME@VERSION PATH --license L --pii|--no-pii ...`
struct DatasetRegisterCommand: Command {
    static let help = CommandHelp(
        "register", abstract: "Register an immutable dataset version (a file or a directory) with its datasheet.",
        usage:
            "NAME@VERSION PATH --license ID --pii|--no-pii [--source S] [--description D] [--collection C] [--limitations L] [--no-check]",
        discussion: """
            The version's identity is the SHA-256 of its sorted file manifest (see Registry/README.md).
            Same name, version and content again: no-op; different content: error, nothing changes.
            A new version is then checked as by `assay dataset check` (skip with --no-check).
            """,
        options: [
            .value("--license", "ID", "Licence (SPDX id where possible), required"),
            .init("--pii / --no-pii", "Whether it contains personal data, required"),
            .value("--source", "S", "Where the data comes from (URL, system, team)"),
            .value("--description", "D", "Datasheet: what the data is"),
            .value("--collection", "C", "Datasheet: how it was collected"),
            .value("--limitations", "L", "Datasheet: known limitations and biases"),
            .flag("--no-check", "Do not run the quality check after registering")
        ] + DatasetCheckFlags.help,
        examples: [
            "assay dataset register intents@2024-06 data/intents.jsonl --license CC-BY-4.0 --no-pii --source support-tickets"
        ])

    /// The version and its datasheet; the files are collected from `path` when the command runs.
    var registration: DatasetRegistration
    var path: String
    var check: Bool
    var checkFlags: DatasetCheckFlags

    init(arguments: inout Arguments) throws(CLIError) {
        check = !arguments.flag("--no-check")
        checkFlags = try DatasetCheckFlags(arguments: &arguments)
        let license = try arguments.option("--license")
        let pii = arguments.toggle("pii")
        let source = try arguments.option("--source")
        let description = try arguments.option("--description")
        let collection = try arguments.option("--collection")
        let limitations = try arguments.option("--limitations")
        let reference = try arguments.reference()
        path = try arguments.requiredPositional("PATH")
        try arguments.finish()
        guard let license, !license.isEmpty else { throw .usage("missing --license") }
        guard let pii else { throw .usage("say whether the data contains personal data: --pii or --no-pii") }
        registration = DatasetRegistration(
            reference: reference, files: [], license: license, containsPII: pii, source: source,
            description: description, collectionProcess: collection, knownLimitations: limitations)
    }

    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        var registration = registration
        registration.files = try ArtifactInput.collect([context.resolve(path)])
        let reference = registration.reference
        let outcome = try store.registerDatasetVersion(registration)
        let version = outcome.value
        var checked: (record: DatasetCheckRecord, report: DatasetQualityReport)?
        var checkError: String?
        if check && outcome.isNew {
            do {
                checked = try context.datasetQuality(store).check(
                    reference, options: try checkFlags.options(store: store))
            } catch let error as DatasetQualityError {
                checkError = error.description
            }
        }
        var extra: [String: JSONValue] = [:]
        if let checked {
            extra["check"] = try jsonMembers(checked.record.summary)
            extra["report_sha256"] = .string(checked.record.reportSHA256)
        }
        if let checkError { extra["check_error"] = .string(checkError) }
        let code = try context.respondToRegistration(
            reference, isNew: outcome.isNew, version: Representation.datasetVersion(version), extra: extra,
            digest: version.digest, files: version.files.count, size: version.totalSize
        ) {
            if let checked {
                for line in DatasetQualityText.lines(checked.report, sha256: checked.record.reportSHA256) {
                    context.print(line)
                }
            }
        }
        if let checkError {
            context.printError("warning: registered, but the quality check did not run: \(checkError)")
        }
        return code
    }
}

/// `assay dataset show NAME@VERSION`
struct DatasetShowCommand: VersionCommand {
    static let help = EntryKind.dataset.showHelp

    var reference: VersionReference

    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        let v = try store.datasetVersion(reference)
        let check = try store.latestDatasetCheck(reference)
        let contamination = try store.datasetContamination(reference)
        return try context.respond(json: try Self.json(v, check: check, contamination: contamination)) {
            printText(v, check: check, contamination: contamination, context)
        }
    }

    /// The API's dataset-version shape plus the latest quality check and contamination.
    private static func json(
        _ v: DatasetVersion, check: DatasetCheckRecord?, contamination: [ContaminationRecord]
    ) throws -> JSONValue {
        var members: [String: JSONValue] = [:]
        if case .object(let shape) = Representation.datasetVersion(v) { members = shape }
        var checkValue: JSONValue = .null
        if let check {
            checkValue = [
                "summary": try jsonMembers(check.summary), "report_sha256": .string(check.reportSHA256),
                "checked_at": .string(check.createdAt), "checked_by": .string(check.createdBy)
            ]
        }
        members["quality_check"] = checkValue
        members["contamination"] = try jsonMembers(contamination)
        return .object(members)
    }

    private func printText(
        _ v: DatasetVersion, check: DatasetCheckRecord?, contamination: [ContaminationRecord], _ context: CommandContext
    ) {
        context.print("\(v.reference)")
        context.print("  sha256:       \(v.digest)")
        context.print("  license:      \(v.license)")
        context.print("  personal data: \(v.containsPII ? "yes" : "no")")
        if let s = v.source { context.print("  source:       \(s)") }
        if let s = v.description { context.print("  description:  \(s)") }
        if let s = v.collectionProcess { context.print("  collection:   \(s)") }
        if let s = v.knownLimitations { context.print("  limitations:  \(s)") }
        context.print("  created:      \(v.createdAt) by \(v.createdBy)")
        context.print("  files (\(v.files.count), \(formatBytes(v.totalSize))):")
        for f in v.files { context.print("    \(f.sha256)  \(f.relativePath)  (\(f.size) bytes)") }
        if let check {
            let s = check.summary
            let pii =
                s.piiCounts.isEmpty
                ? "none found"
                : s.piiCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            context.print(
                "  quality check:  \(check.createdAt) by \(check.createdBy) (report sha256 \(check.reportSHA256))")
            context.print(
                "    records \(s.records), invalid \(s.invalidRecords), exact duplicates \(DatasetQualityText.percent(s.exactDuplicateRate)), near duplicates \(DatasetQualityText.percent(s.nearDuplicateRate))"
            )
            context.print(
                "    personal data: \(pii); licence \(s.licenseValid ? "valid SPDX" : "not a valid SPDX expression")")
            for c in contamination {
                context.print(
                    "    contamination with \(c.suiteID)@\(c.suiteVersion): \(c.items.count) of \(c.suiteItems) items"
                        + (c.items.isEmpty
                            ? ""
                            : " (" + c.items.prefix(8).joined(separator: ", ") + (c.items.count > 8 ? ", …" : "") + ")")
                )
            }
        } else {
            context.print("  quality check:  none (run: assay dataset check \(v.reference))")
        }
    }
}

/// An encodable value as snake_case JSON members (the CLI's output convention).
private func jsonMembers<T: Encodable>(_ value: T) throws -> JSONValue {
    JSONKeyStyle.snakeCased(try JSONValue.parse(try JSONOutput.data(value)))
}

extension DatasetVersion {
    /// `assay dataset list NAME`: one row per version.
    static let listColumns = ["VERSION", "LICENSE", "PII", "FILES", "SIZE", "SHA256", "CREATED"]

    var listRow: [String] {
        [
            reference.version, datasheet.license, datasheet.containsPII ? "yes" : "no", String(files.count),
            formatBytes(totalSize),
            String(digest.prefix(12)), createdAt
        ]
    }
}
