import Evaluation
import Foundation
import Registry

extension CommandContext {
    /// The suite catalog of this registry (registered suites + bundled Benchmarks/Suites).
    func suiteCatalog(_ store: RegistryStore) -> SuiteCatalog {
        SuiteCatalog(
            store: store,
            bundledRoots: SuiteCatalog.defaultBundledRoots(
                environment: environment, workingDirectory: workingDirectory))
    }
}

/// `assay suite register DIR`
struct SuiteRegisterCommand: Command {
    static let help = CommandHelp(
        "register", abstract: "Validate a suite directory (assay-suite/1) and register it.",
        usage: "DIR [--json]",
        discussion: """
            Every line of every item file is checked (JSON, required fields, answer letters, labels,
            template placeholders, unique ids); the first problem is reported as FILE:LINE: reason and
            nothing is written. A valid suite is copied into the registry home and identified by the
            SHA-256 over its sorted (path, sha256) file list. Same id, version and content again is a
            no-op; same id and version with different content is refused.
            """,
        examples: ["assay suite register Benchmarks/Suites/support-intents"])

    let path: String

    init(arguments: inout Arguments) throws(CLIError) {
        path = try arguments.requiredPositional("DIR")
    }

    struct Report: Encodable {
        var status: String
        var suite: EvaluationSuiteRecord
    }

    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        let result: (record: EvaluationSuiteRecord, suite: Suite, isNew: Bool)
        do {
            result = try context.suiteCatalog(store).register(directory: context.resolve(path))
        } catch let error as SuiteError {
            throw CLIError.failure("invalid suite: \(error.description)")
        }
        if result.isNew { context.updateContaminationAfterSuiteRegistration(store) }
        return try context.respond(
            json:
                Report(status: CommandContext.registrationStatus(isNew: result.isNew), suite: result.record)
        ) {
            let r = result.record
            context.print(
                "\(result.isNew ? "Registered" : "Already registered:") suite \(r.suiteID)@\(r.version) (sha256 \(r.digest), \(r.taskCount) task\(r.taskCount == 1 ? "" : "s"), \(r.itemCount) items)"
            )
        }
    }
}

/// `assay suite list`
struct SuiteListCommand: Command {
    static let help = CommandHelp(
        "list", abstract: "List registered suites and bundled suites not registered yet.",
        usage: "[--json]")

    init(arguments: inout Arguments) {}

    struct Entry: Encodable {
        var id: String
        var version: String?
        var digest: String?
        var title: String?
        var tasks: Int?
        var items: Int?
        var registered: Bool
        var path: String
    }

    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        var entries = try store.suites().map {
            Entry(
                id: $0.suiteID, version: $0.version, digest: $0.digest, title: $0.title, tasks: $0.taskCount,
                items: $0.itemCount, registered: true, path: $0.path)
        }
        let registered = Set(entries.map(\.id))
        for (id, dir) in context.suiteCatalog(store).bundledSuites().sorted(by: { $0.key < $1.key })
        where !registered.contains(id) {
            entries.append(
                Entry(
                    id: id, version: nil, digest: nil, title: nil, tasks: nil, items: nil, registered: false,
                    path: dir.path))
        }
        return try context.respond(
            json: entries,
            table: TextTable(
                ["SUITE", "VERSION", "TASKS", "ITEMS", "SHA256", "TITLE"], rightAligned: [2, 3],
                rows: entries.map { e in
                    [
                        e.id, e.version ?? "(bundled)", e.tasks.map(String.init) ?? "-",
                        e.items.map(String.init) ?? "-",
                        e.digest.map { String($0.prefix(12)) } ?? "-", e.title ?? e.path
                    ]
                }))
    }
}

/// `assay suite show ID`
struct SuiteShowCommand: Command {
    static let help = CommandHelp(
        "show", abstract: "Show a suite's tasks, item counts and digest.",
        usage: "ID[@VERSION]|DIR [--json]")

    let reference: String

    init(arguments: inout Arguments) throws(CLIError) {
        reference = try arguments.requiredPositional("ID")
    }

    struct Report: Encodable {
        struct Task: Encodable {
            var id: String
            var kind: String
            var items: Int
            var fewshotPool: Int
            var defaultShots: Int
            var labels: [String]?
            var scoring: String?
        }
        var id: String
        var version: String
        var title: String
        var description: String
        var license: String
        var source: String
        var digest: String
        var directory: String
        var tasks: [Task]
    }

    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        let suite = try context.suiteCatalog(store).resolve(reference, workingDirectory: context.workingDirectory)
        let m = suite.manifest
        let report = Report(
            id: m.id, version: m.version, title: m.title, description: m.description, license: m.license,
            source: m.source, digest: suite.digest, directory: suite.directory.path,
            tasks: suite.tasks.map {
                .init(
                    id: $0.spec.id, kind: $0.spec.kind.rawValue, items: $0.items.count,
                    fewshotPool: $0.fewshot.count, defaultShots: $0.spec.defaultShots,
                    labels: $0.spec.labels, scoring: $0.spec.scoring?.rawValue)
            })
        return try context.respond(json: report) {
            context.print("\(m.id)@\(m.version) — \(m.title)")
            context.print("sha256 \(suite.digest)  licence \(m.license)  source: \(m.source)")
            context.print(m.description)
            context.print("")
            var table = TextTable(
                ["TASK", "KIND", "ITEMS", "FEW-SHOT POOL", "DEFAULT SHOTS", "DETAIL"], rightAligned: [2, 3, 4])
            for t in report.tasks {
                table.add([
                    t.id, t.kind, String(t.items), String(t.fewshotPool), String(t.defaultShots),
                    t.labels.map { "labels: " + $0.joined(separator: ", ") } ?? t.scoring.map { "scoring: " + $0 } ?? ""
                ])
            }
            context.print(table)
        }
    }
}

/// `assay suite import-mmlu DIR`
struct SuiteImportMMLUCommand: Command {
    static let help = CommandHelp(
        "import-mmlu", abstract: "Import the original MMLU CSV release (57 subjects) as a suite and register it.",
        usage: "DIR [--split val|test] [--id ID] [--no-cloze] [--json]",
        discussion: """
            DIR holds dev/, val/ and test/ with <subject>_<split>.csv files (or DIR/data/ does).
            The chosen split becomes the items of task ID (letter format, as lm-evaluation-harness)
            and ID_cloze (continuation format); dev is the 5-per-subject few-shot pool. The data is
            yours to supply (MIT licence); it is copied into the registry home, never into the
            repository.
            """,
        options: [
            .value("--split", "S", "val (default) or test"),
            .value("--id", "ID", "Suite id (default mmlu; mmlu-test is a good name for the test split)"),
            .flag("--no-cloze", "Do not add the cloze twin task")
        ],
        examples: ["assay suite import-mmlu ~/data/mmlu --split val"])

    let path: String
    let options: MMLU.ImportOptions

    init(arguments: inout Arguments) throws(CLIError) {
        let split = try arguments.option("--split") ?? "val"
        let id = try arguments.option("--id") ?? (split == "val" ? "mmlu" : "mmlu-\(split)")
        let noCloze = arguments.flag("--no-cloze")
        path = try arguments.requiredPositional("DIR")
        try arguments.finish()
        guard split == "val" || split == "test" else { throw .usage("--split must be val or test") }
        options = MMLU.ImportOptions(split: split, id: id, includeCloze: !noCloze)
    }

    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        let staging = store.home.appendingPathComponent("suites/.import-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: staging) }
        do {
            _ = try MMLU.importSuite(from: context.resolve(path), to: staging, options: options)
        } catch let error as MMLU.ImportError {
            throw CLIError.failure("cannot import MMLU: \(error.description)")
        }
        let result = try context.suiteCatalog(store).register(directory: staging)
        if result.isNew { context.updateContaminationAfterSuiteRegistration(store) }
        return try context.respond(
            json:
                SuiteRegisterCommand.Report(
                    status: CommandContext.registrationStatus(isNew: result.isNew),
                    suite: result.record)
        ) {
            let r = result.record
            context.print(
                "\(result.isNew ? "Registered" : "Already registered:") suite \(r.suiteID)@\(r.version) (sha256 \(r.digest), \(r.itemCount) items over \(r.taskCount) tasks)"
            )
        }
    }
}
