import Foundation
import Governance
import Registry

/// `assay gate --candidate M@V --baseline ALIAS|M@V`
struct GateCommand: Command {
    static let name = "gate"
    static let help = CommandHelp(
        abstract: "CI regression gate: paired comparison of a candidate against a baseline under the policy.",
        usage: "--candidate NAME@VERSION [--baseline ALIAS|NAME@VERSION] [--tier TIER] [--policy FILE] [--junit FILE] [--report FILE] [--json]",
        discussion: """
            For every suite the tier requires, the newest completed evaluation runs of both versions are compared on \
            their shared items: exact McNemar test, paired bootstrap CI of the accuracy difference, non-inferiority \
            with the tier's margin; plus minimum metrics, p95 latency and energy rules. Prints a Markdown summary \
            (JSON with --json). Exit 0 pass, 1 regression, 2 error (missing evaluations, bad policy). \
            Missing runs are listed with the 'assay eval' command that produces them.
            """,
        options: [
            .init("--candidate NAME@VERSION", "The version under test"),
            .init("--baseline ALIAS|REF", "Alias of the candidate's model, or NAME@VERSION (default: the policy's baseline_alias)"),
            .init("--tier TIER", "Risk tier (default: the policy's default tier)"),
            .init("--policy FILE", "Policy file (default: $ASSAY_POLICY, else ./Governance/policy.json)"),
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

    init(arguments: inout Arguments) throws(CLIError) {
        guard let c = try arguments.option("--candidate") else { throw .usage("missing --candidate NAME@VERSION") }
        candidate = try parseReference(c)
        baseline = try arguments.option("--baseline")
        tier = try arguments.option("--tier")
        policy = try arguments.option("--policy")
        junit = try arguments.option("--junit")
        report = try arguments.option("--report")
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
        let (input, missing) = try GateEvidenceBuilder.build(store: store, candidate: candidate, baseline: baselineRef,
                                                             baselineVia: via, suites: tierDef.requiredSuites)
        for m in missing {
            context.printError("missing: no completed run of \(m.suite) for \(m.reference) (run: assay eval \(m.reference) --suite \(m.suite))")
        }
        let decision = try RegressionGate.evaluate(input, policy: binding.policy, tierName: tier)
        if let junit { try GateReport.junitXML(decision).write(to: context.resolve(junit), atomically: true, encoding: .utf8) }
        if let report { try GateReport.json(decision).write(to: context.resolve(report), atomically: true, encoding: .utf8) }
        if context.json { context.output.out(try GateReport.json(decision)) } else { context.output.out(GateReport.markdown(decision)) }
        return decision.verdict.exitCode
    }
}
