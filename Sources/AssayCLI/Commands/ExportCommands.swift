import Foundation
import Governance
import Hashing
import Registry

/// `assay export M@V --format json|markdown|html|cyclonedx`
struct ExportCommand: Command {
    static let help = CommandHelp(
        "export", abstract: "Export a version's lineage, evaluations and decisions for auditors.",
        usage: "NAME@VERSION [--format json|markdown|html|cyclonedx] [--out FILE]",
        discussion:
            "html is a self-contained report (inline CSS and SVG charts, printable); cyclonedx is a CycloneDX 1.6 ML-BOM.",
        options: [
            .value("--format", "F", "json (default), markdown, html or cyclonedx"),
            .outFile
        ],
        examples: [
            "assay export smollm2@q8_0 --format html --out report.html",
            "assay export smollm2@q8_0 --format cyclonedx --out bom.json"
        ])

    var reference: VersionReference
    var format: ExportFormat
    var out: String?

    init(arguments: inout Arguments) throws(CLIError) {
        let f = try arguments.option("--format") ?? "json"
        guard let format = ExportFormat(rawValue: f) else {
            throw .usage("unknown format '\(f)' (use \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self.format = format
        out = try arguments.option("--out", "-o")
        reference = try arguments.reference()
    }

    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        let export = try LineageExportBuilder.build(
            store: store, reference: reference, generatedAt: RegistryClock.now(milliseconds: false),
            generator: AssayVersion.current)
        try context.write(try format.render(export), toFile: out) {
            "wrote \(format.rawValue) export of \(reference) to \($0.path)"
        }
        return ExitCode.success
    }
}

/// `assay audit export`
struct AuditExportCommand: Command {
    static let help = CommandHelp(
        "export", abstract: "Write the whole audit chain with its head hash for offline verification.",
        usage: "[--out FILE]",
        discussion:
            "Each event's hash is SHA-256 over the canonical JSON of [\"assay-audit-v1\", seq, time, actor, action, subject, payload, prev_hash] (see Registry/README.md); the first prev_hash is 64 zeros. Exit 1 if the chain does not verify.",
        options: [.outFile])

    var out: String?

    init(arguments: inout Arguments) throws(CLIError) {
        out = try arguments.option("--out", "-o")
    }

    /// The export file: snake_case members like every other JSON Assay writes. `payload` stays
    /// the canonical JSON text the hash covers (so a verifier needs no canonicalizer).
    struct Document: Encodable {
        var format = "assay-audit-export/1"
        var algorithm =
            "hash = sha256(canonical_json([\"assay-audit-v1\", seq, time, actor, action, subject, payload, prev_hash])); prev_hash of seq 1 = 64 zeros; payload is the event's canonical JSON text as a string"
        var exportedAt: String
        var eventCount: Int
        var headHash: String
        var intact: Bool
        var events: [Event]

        struct Event: Encodable {
            var event: AuditEvent
            enum CodingKeys: String, CodingKey {
                case seq, time, actor, action, subject, payload
                case prevHash = "prev_hash"
                case hash
            }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(event.seq, forKey: .seq)
                try c.encode(event.time, forKey: .time)
                try c.encode(event.actor, forKey: .actor)
                try c.encode(event.action, forKey: .action)
                try c.encode(event.subject, forKey: .subject)
                try c.encode(event.payload, forKey: .payload)
                try c.encode(event.prevHash, forKey: .prevHash)
                try c.encode(event.hash, forKey: .hash)
            }
        }

        enum CodingKeys: String, CodingKey {
            case format, algorithm, intact, events
            case exportedAt = "exported_at"
            case eventCount = "event_count"
            case headHash = "head_hash"
        }
    }

    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        let verification = try store.verifyAudit()
        let events = try store.auditEvents()
        let doc = Document(
            exportedAt: RegistryClock.now(milliseconds: false), eventCount: events.count,
            headHash: verification.headHash,
            intact: verification.isIntact, events: events.map { Document.Event(event: $0) })
        try context.write(try CommandContext.jsonText(doc), toFile: out) { _ in
            "wrote \(events.count) audit events, head \(verification.headHash)"
        }
        return verification.isIntact ? ExitCode.success : ExitCode.failure
    }
}
