import DatasetQuality
import Foundation
import Governance
import JSON
import ModelFormat
import Registry
import Tokenizers

extension CommandContext {
    /// The dataset-quality service of this registry; bundled suites count for contamination.
    func datasetQuality(_ store: RegistryStore) -> DatasetQualityService {
        DatasetQualityService(
            store: store,
            extraSuiteDirectories: Array(suiteCatalog(store).bundledSuites().values)
                .sorted { $0.path < $1.path })
    }
}

/// Options shared by `dataset check` and `dataset register`.
struct DatasetCheckFlags {
    var tokenizerModel: VersionReference?
    var threshold: Double?
    var maxRecordBytes: Int?
    var threads: Int?

    init(arguments: inout Arguments) throws(CLIError) {
        tokenizerModel = try arguments.option("--tokenizer").map { (s: String) throws(CLIError) -> VersionReference in
            try parseReference(s)
        }
        if let t = try arguments.option("--near-threshold") {
            guard let v = Double(t), v > 0, v <= 1 else {
                throw .usage("--near-threshold must be a number in (0, 1], got '\(t)'")
            }
            threshold = v
        }
        if let m = try arguments.option("--max-record-bytes") {
            guard let v = Int(m), v > 0 else {
                throw .usage("--max-record-bytes must be a positive integer, got '\(m)'")
            }
            maxRecordBytes = v
        }
        if let t = try arguments.option("--threads") {
            guard let v = Int(t), v > 0, v <= 256 else {
                throw .usage("--threads must be an integer from 1 to 256, got '\(t)'")
            }
            threads = v
        }
    }

    static let help: [CommandHelp.Option] = [
        .value("--tokenizer", "M@V", "Count tokens with this registered model's tokenizer (slower)"),
        .value("--near-threshold", "J", "Jaccard similarity for near duplicates (default 0.8)"),
        .value("--max-record-bytes", "N", "Larger records are reported as oversized (default 1048576)"),
        .value(
            "--threads", "T",
            "Threads for the per-record work (default: all processors; the report is the same for any T)")
    ]

    func options(store: RegistryStore) throws -> DatasetCheckOptions {
        var options = DatasetCheckOptions()
        if let threshold { options.nearDuplicateThreshold = threshold }
        if let maxRecordBytes { options.maxRecordBytes = maxRecordBytes }
        if let threads { options.threads = threads }
        if let ref = tokenizerModel {
            let version = try store.modelVersion(ref)
            guard let artifact = version.artifacts.first(where: { $0.format == .gguf }) else {
                throw CLIError.failure("\(ref) has no GGUF file to take a tokenizer from")
            }
            let tokenizer: Tokenizer
            do {
                tokenizer = try Tokenizer(gguf: try GGUFFile(contentsOf: URL(fileURLWithPath: artifact.uri)))
            } catch {
                throw CLIError.failure("\(ref): cannot load its tokenizer: \(error)")
            }
            options.tokenCounter = { tokenizer.encode($0, addSpecial: false).count }
            options.tokenizerName = ref.description
        }
        return options
    }
}

/// `assay dataset check NAME@VERSION [PATH]`
struct DatasetCheckCommand: Command {
    static let help = CommandHelp(
        "check",
        abstract:
            "Check a dataset version's records: format, statistics, duplicates, personal data, licence, contamination.",
        usage:
            "NAME@VERSION [PATH] [--tokenizer M@V] [--near-threshold J] [--max-record-bytes N] [--threads T] [--strict] [--json]",
        discussion: """
            Streams every file once (bounded memory) and verifies its bytes against the registered
            SHA-256; the per-record work runs on --threads threads in batches and is folded in
            record order, so the report does not depend on the thread count. PATH is where the files are now (a directory, or the single file); without it
            the check reads them where they were registered from. Finds invalid records (FILE:LINE),
            statistics, exact and near duplicates (MinHash, Jaccard ≥ 0.8), personal data (masked),
            the licence's SPDX validity, and n-gram overlap with every registered and bundled suite.
            The report is stored content-addressed with the version and audited
            (dataset_version.check); docs/datasets.md describes every field.
            Exit 0 when the check ran; with --strict, 1 when it found invalid records, undeclared
            personal data or a licence that is not SPDX.
            """,
        options: DatasetCheckFlags.help + [
            .flag("--strict", "Exit 1 on invalid records, undeclared PII or a non-SPDX licence")
        ],
        examples: ["assay dataset check intents@2024-06", "assay dataset check intents@2024-06 /data/intents --json"])

    var reference: VersionReference
    var path: String?
    var flags: DatasetCheckFlags
    var strict: Bool

    init(arguments: inout Arguments) throws(CLIError) {
        flags = try DatasetCheckFlags(arguments: &arguments)
        strict = arguments.flag("--strict")
        reference = try arguments.reference()
        path = arguments.positional()
    }

    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        let service = context.datasetQuality(store)
        let result: (record: DatasetCheckRecord, report: DatasetQualityReport)
        do {
            result = try service.check(
                reference, path: path.map(context.resolve), options: try flags.options(store: store))
        } catch let error as DatasetQualityError {
            throw CLIError.failure(error.description)
        }
        if context.json {
            context.output.out(DatasetQualityText.json(result.record) + "\n")
        } else {
            for line in DatasetQualityText.lines(result.report, sha256: result.record.reportSHA256) {
                context.print(line)
            }
        }
        let r = result.report
        if strict && (r.validation.invalidRecords > 0 || r.pii.undeclared || !r.license.spdxValid) { return 1 }
        return ExitCode.success
    }
}

/// Renders reports for people and for `--json`.
enum DatasetQualityText {
    /// `{"report_sha256", "checked_at", "checked_by", "report": {...}}` with the stored report verbatim.
    static func json(_ record: DatasetCheckRecord) -> String {
        func quote(_ s: String) -> String {
            (try? JSONValue.string(s).canonicalString()) ?? "\"\""
        }
        return "{\"checked_at\":\(quote(record.createdAt)),\"checked_by\":\(quote(record.createdBy)),"
            + "\"dataset\":\(quote(record.reference.description)),\"report\":\(record.report),"
            + "\"report_sha256\":\(quote(record.reportSHA256))}"
    }

    static func percent(_ x: Double) -> String { String(format: "%.2f%%", x * 100) }

    static func lines(_ r: DatasetQualityReport, sha256: String) -> [String] {
        var out: [String] = []
        let s = r.statistics
        out.append(
            "\(r.dataset): \(s.records) records, \(s.characters) characters, \(s.words) words"
                + (s.tokens.map { ", \($0) tokens (\(s.tokenizer ?? ""))" } ?? ""))
        for f in r.files {
            out.append(
                "  \(f.path): \(f.format?.rawValue ?? "no valid records"), \(f.records) records, \(f.bytes) bytes")
        }
        let c = s.characterLengths
        out.append("  length (characters): min \(c.min), p50 \(c.p50), p90 \(c.p90), p99 \(c.p99), max \(c.max)")
        if let t = s.tokenLengths {
            out.append("  length (tokens): min \(t.min), p50 \(t.p50), p90 \(t.p90), p99 \(t.p99), max \(t.max)")
        }
        if !s.roles.isEmpty {
            out.append("  roles: " + s.roles.map { "\($0.name) \($0.count)" }.joined(separator: ", "))
        }
        if !s.labels.isEmpty {
            out.append("  labels: " + s.labels.prefix(20).map { "\($0.name) \($0.count)" }.joined(separator: ", "))
        }
        let v = r.validation
        out.append(
            "invalid records: \(v.invalidRecords)"
                + (v.issueCounts.isEmpty
                    ? ""
                    : " ("
                        + v.issueCounts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                            separator: ", ") + ")"))
        for i in v.issues.prefix(10) { out.append("  \(i.location): \(i.message)") }
        let e = r.exactDuplicates
        out.append("exact duplicates: \(e.duplicateRecords) (\(percent(e.rate)))")
        for p in e.examples.prefix(3) { out.append("  \(p.second) repeats \(p.first)") }
        let n = r.nearDuplicates
        out.append(
            "near duplicates (Jaccard ≥ \(n.threshold)): \(n.duplicateRecords) in \(n.clusters) clusters (\(percent(n.rate)))"
                + (n.recordsNotCompared > 0
                    ? "; \(n.recordsNotCompared) records beyond the memory bound not compared" : ""))
        for p in n.examples.prefix(3) {
            out.append("  \(p.first) ~ \(p.second) (\(String(format: "%.2f", p.similarity)))")
        }
        let pii = r.pii
        if pii.detected {
            out.append(
                "personal data: "
                    + pii.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                    + " in \(pii.recordsWithPII) records; declared: \(pii.declared ? "yes" : "NO (undeclared)")")
            for sample in pii.samples.prefix(10) {
                out.append("  \(sample.location): \(sample.kind.rawValue) \(sample.masked)")
            }
        } else {
            out.append("personal data: none found; declared: \(pii.declared ? "yes" : "no")")
        }
        let l = r.license
        out.append("licence: \(l.declared) — " + (l.spdxValid ? "valid SPDX" : "not SPDX: \(l.problem ?? "")"))
        if r.contamination.isEmpty {
            out.append("contamination: no registered suites to compare with")
        }
        for c in r.contamination {
            let items = c.contaminatedItems
            out.append(
                "contamination with \(c.suite)@\(c.suiteVersion): \(items.count) of \(c.suiteItems) items (\(c.method))"
                    + (items.isEmpty
                        ? ""
                        : ": " + items.prefix(10).map { "\($0.id) (\($0.location))" }.joined(separator: ", ")
                            + (items.count > 10 ? ", …" : "")))
        }
        out.append("report sha256 \(sha256)")
        return out
    }
}

extension CommandContext {
    /// After a suite is registered: contamination of every checked dataset version with it
    /// (incremental; versions whose data moved are named, not fatal).
    func updateContaminationAfterSuiteRegistration(_ store: RegistryStore) {
        do {
            let result = try datasetQuality(store).refreshContamination()
            if !json && !result.updated.isEmpty {
                print(
                    "contamination computed for \(result.updated.count) checked dataset version\(result.updated.count == 1 ? "" : "s")"
                )
            }
            if !result.unavailable.isEmpty {
                printError(
                    "warning: contamination not computed for \(result.unavailable.map(\.description).joined(separator: ", ")) (data not at its recorded location; run assay dataset check NAME@VERSION PATH)"
                )
            }
        } catch {
            printError("warning: contamination not updated: \(error)")
        }
    }
}
