import Evaluation
import Foundation
import JSON
import Registry

/// `assay eval show RUN`
struct EvalShowCommand: Command {
    static let help = CommandHelp(
        "show", abstract: "Show one evaluation run: metrics with confidence intervals, latency and energy.",
        usage: "RUN [--json]",
        discussion: """
            --json prints the run as GET /api/v1/evaluations/{id} answers it, with the results
            document under "results". An unfinished run shows its progress; re-running the same
            'assay eval' command resumes it.
            """,
        examples: ["assay eval show run-20250101T120000-0a1b2c", "assay eval show run-20250101T120000-0a1b2c --json"])

    var run: String

    init(arguments: inout Arguments) throws(CLIError) {
        run = try arguments.requiredPositional("RUN")
    }

    func run(context: CommandContext) async throws -> Int32 {
        let record = try context.openRegistry().evaluationRun(run)
        return try context.respond(json: Representation.run(record, includeResults: true)) {
            EvalReport.printRun(record, context: context)
        }
    }
}

/// `assay eval list [--model M@V]`
struct EvalListCommand: Command {
    static let help = CommandHelp(
        "list", abstract: "List evaluation runs, newest first.",
        usage: "[--model NAME@VERSION] [--json]",
        options: [.value("--model", "M@V", "Only runs of this model version")],
        examples: ["assay eval list", "assay eval list --model smollm2-135m-instruct@q4_1 --json"])

    var model: VersionReference?

    init(arguments: inout Arguments) throws(CLIError) {
        model = try arguments.option("--model").map(parseReference)
    }

    func run(context: CommandContext) async throws -> Int32 {
        let runs = try context.openRegistry().evaluationRuns(model: model)
        let json: JSONValue = ["items": .array(runs.map { Representation.run($0, includeResults: false) })]
        return try context.respond(
            json: json,
            table: TextTable(
                ["RUN", "MODEL", "SUITE", "STATUS", "ITEMS", "STARTED"], rightAligned: [4],
                rows: runs.map { r in
                    [
                        r.id, r.model.description, "\(r.suiteID)@\(r.suiteVersion)", r.status.rawValue,
                        "\(r.itemsDone)/\(r.itemTotal)", r.startedAt
                    ]
                }))
    }
}

/// `assay eval compare RUN_A RUN_B`
struct EvalCompareCommand: Command {
    static let help = CommandHelp(
        "compare", abstract: "Compare two runs of the same suite item by item (paired differences and agreement).",
        usage: "RUN_A RUN_B [--json]",
        discussion: "Both runs must cover the same suite digest; differences are B − A with paired standard errors.",
        examples: ["assay eval compare run-20250101T120000-0a1b2c run-20250101T130000-3d4e5f"])

    var runA: String
    var runB: String

    init(arguments: inout Arguments) throws(CLIError) {
        runA = try arguments.requiredPositional("RUN_A")
        runB = try arguments.requiredPositional("RUN_B")
    }

    func run(context: CommandContext) async throws -> Int32 {
        let store = try context.openRegistry()
        let comparison: RunComparison
        do { comparison = try RunComparison.compare(store: store, runA, runB) } catch let error as ComparisonError {
            throw CLIError.failure(error.description)
        }
        return try context.respond(json: comparison) {
            let fmt = EvalReport.fmt
            let signed = EvalReport.signed
            let percent = EvalReport.percent
            context.print("A = \(comparison.runA) (\(comparison.modelA))")
            context.print("B = \(comparison.runB) (\(comparison.modelB))")
            context.print("suite digest \(comparison.suiteDigest.prefix(12)), paired over the same items\n")
            var table = TextTable(["TASK", "METRIC", "A", "B", "B−A", "±SE", "N"], rightAligned: [2, 3, 4, 5, 6])
            for d in comparison.metrics {
                table.add([
                    d.task, d.metric, fmt(d.a), fmt(d.b), signed(d.difference), d.stderr.map(fmt) ?? "-", String(d.n)
                ])
            }
            context.print(table)
            context.print("")
            var agree = TextTable(
                ["TASK", "SAME PREDICTION", "BOTH RIGHT", "ONLY A", "ONLY B", "BOTH WRONG"],
                rightAligned: [1, 2, 3, 4, 5])
            for g in comparison.agreement {
                agree.add([
                    g.task, "\(g.samePrediction)/\(g.n) (\(percent(Double(g.samePrediction) / Double(max(1, g.n)))))",
                    String(g.bothCorrect), String(g.onlyACorrect), String(g.onlyBCorrect), String(g.neitherCorrect)
                ])
            }
            context.print(agree)
        }
    }
}
