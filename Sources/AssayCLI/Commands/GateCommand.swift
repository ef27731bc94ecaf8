import Foundation
import Governance
import Hashing
import Registry

/// `assay gate --candidate M@V --baseline ALIAS|M@V`
struct GateCommand: Command {
    static let name = "gate"
    static let help = CommandHelp(
        abstract: "CI regression gate: paired comparison of a candidate against a baseline under the policy.",
        usage: "--candidate NAME@VERSION [--baseline ALIAS|NAME@VERSION] [--tier TIER] [--policy FILE] [--limit N] [--threads T] [--no-eval] [--junit FILE] [--report FILE] [--json]",
        discussion: """
            For every suite the tier requires, the newest completed evaluation runs of both versions are compared on \
            their shared items: exact McNemar test, paired bootstrap CI of the accuracy difference, non-inferiority \
            with the tier's margin; plus minimum metrics, p95 latency and energy rules. Prints a Markdown summary \
            (JSON with --json). Exit 0 pass, 1 regression, 2 error (missing evaluations, bad policy). \
            A required suite that either version has not been evaluated on is evaluated first, with the \
            native engine on the version's registered GGUF file: mirroring the other version's run (same suite \
            version, tasks, shots and item limit) so the comparison is paired on the same items, else with \
            --limit. --no-eval only lists the missing runs and exits 2.
            """,
        options: [
            .init("--candidate NAME@VERSION", "The version under test"),
            .init("--baseline ALIAS|REF", "Alias of the candidate's model, or NAME@VERSION (default: the policy's baseline_alias)"),
            .init("--tier TIER", "Risk tier (default: the policy's default tier)"),
            .init("--policy FILE", "Policy file (default: $ASSAY_POLICY, else ./Governance/policy.json)"),
            .init("--limit N", "Item limit per task for evaluations the gate runs when neither version has a run to mirror (default: all items)"),
            .init("--threads T", "Compute threads for evaluations the gate runs (default: all cores)"),
            .init("--no-eval", "Do not run missing evaluations: list them and exit 2"),
            .init("--junit FILE", "Also write JUnit XML"),
            .init("--report FILE", "Also write the decision as JSON"),
        ],
        examples: ["assay gate --candidate smollm2@q8_0 --baseline production --junit gate.xml"])

    var candidate: VersionReference
    var baseline: String?
    var tier: String?
    var policy: String?
    var junit: String?
    var report: String?
    var limit: Int?
    var threads: Int?
    var evaluateMissing: Bool

    init(arguments: inout Arguments) throws(CLIError) {
        guard let c = try arguments.option("--candidate") else { throw .usage("missing --candidate NAME@VERSION") }
        candidate = try parseReference(c)
        baseline = try arguments.option("--baseline")
        tier = try arguments.option("--tier")
        policy = try arguments.option("--policy")
        junit = try arguments.option("--junit")
        report = try arguments.option("--report")
        limit = try arguments.int("--limit", range: 1...Int.max)
        threads = try arguments.int("--threads", range: 1...1024)
        evaluateMissing = !arguments.flag("--no-eval")
        try arguments.finish()
    }

    func run(context: CommandContext) async throws -> Int32 {
        do {
            return try await decide(context: context)
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError.exit(code: GateDecision.Verdict.error.exitCode, message: "error: \(AssayCommandLine.oneLine(error))")
        }
    }

    func decide(context: CommandContext) async throws -> Int32 {
        let binding = try context.loadPolicy(policy)
        let store = try context.openRegistry()
        let baselineText = baseline ?? binding.policy.baselineAlias
        let baselineRef: VersionReference
        var via: String?
        if baselineText.contains("@") {
            baselineRef = try parseReference(baselineText)
        } else {
            guard let alias = try store.read({ try GovernanceRecords.alias($0, model: candidate.name, name: baselineText) }) else {
                throw CLIError.exit(code: 2, message: "error: model \(candidate.name) has no alias '\(baselineText)' to use as the baseline")
            }
            baselineRef = alias.target
            via = "alias \(baselineText)"
        }
        let tierDef = try binding.policy.tier(tier)
        var (input, missing) = try GateEvidenceBuilder.build(store: store, candidate: candidate, baseline: baselineRef,
                                                             baselineVia: via, suites: tierDef.requiredSuites)
        // The evidence builder reports one missing run per suite at a time (the candidate's
        // first), so evaluate and rebuild until nothing new is missing.
        var attempted = Set<String>()
        while evaluateMissing, let next = missing.first(where: { !attempted.contains("\($0.reference) \($0.suite)") }) {
            attempted.insert("\(next.reference) \(next.suite)")
            try await evaluate(next, store: store, candidate: candidate, baseline: baselineRef, context: context)
            (input, missing) = try GateEvidenceBuilder.build(store: store, candidate: candidate, baseline: baselineRef,
                                                             baselineVia: via, suites: tierDef.requiredSuites)
        }
        for m in missing {
            context.printError("missing: no completed run of \(m.suite) for \(m.reference) (run: assay eval --model \(m.reference) --suite \(m.suite))")
        }
        let decision = try RegressionGate.evaluate(input, policy: binding.policy, tierName: tier)
        if let junit { try GateReport.junitXML(decision).write(to: context.resolve(junit), atomically: true, encoding: .utf8) }
        if let report { try GateReport.json(decision).write(to: context.resolve(report), atomically: true, encoding: .utf8) }
        if context.json { context.output.out(try GateReport.json(decision)) } else { context.output.out(GateReport.markdown(decision)) }
        return decision.verdict.exitCode
    }

    /// Runs `assay eval` for one missing (version, suite), mirroring the other version's newest
    /// run of that suite when there is one so both runs cover the same items.
    func evaluate(_ missing: GateEvidenceBuilder.Missing, store: RegistryStore, candidate: VersionReference,
                  baseline: VersionReference, context: CommandContext) async throws {
        let reference = try parseReference(missing.reference)
        let other = reference == candidate ? baseline : candidate
        var argv = ["--model", missing.reference]
        if let mirror = try GateEvidenceBuilder.latestRuns(store: store, reference: other, suites: [missing.suite])[missing.suite] {
            argv += ["--suite", "\(mirror.suiteID)@\(mirror.suiteVersion)"]
            var config: [String: JSONValue] = [:]
            if case .object(let object)? = try? JSONValue.parse(Array(mirror.config.utf8)) { config = object }
            if case .integer(let n)? = config["limit"] { argv += ["--limit", String(n)] }
            if case .array(let tasks)? = config["tasks"] {
                var shots = Set<Int64>()
                for case .object(let task) in tasks {
                    if case .string(let id)? = task["id"] { argv += ["--task", id] }
                    if case .integer(let k)? = task["shots"] { shots.insert(k) }
                }
                if shots.count == 1, let k = shots.first { argv += ["--shots", String(k)] }
            }
        } else {
            argv += ["--suite", missing.suite]
            if let limit { argv += ["--limit", String(limit)] }
        }
        if let threads { argv += ["--threads", String(threads)] }
        context.progress("gate: \(missing.reference) has no completed run of \(missing.suite); running: assay eval \(argv.joined(separator: " "))")
        var arguments = Arguments(argv)
        let command = try EvalCommand(arguments: &arguments)
        var inner = context
        inner.output = context.output.diagnostics()
        inner.globals.json = false
        let failure = "error: the gate could not evaluate \(missing.reference) on \(missing.suite)"
        let code: Int32
        do { code = try await command.run(context: inner) } catch {
            throw CLIError.exit(code: 2, message: "\(failure): \(AssayCommandLine.oneLine(error))")
        }
        guard code == ExitCode.success else { throw CLIError.exit(code: 2, message: "\(failure) (exit \(code))") }
    }
}
