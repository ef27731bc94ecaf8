import Evaluation
import Foundation
import Governance
import InferenceCore
import JSON
import Registry

/// `assay gate --candidate M@V --baseline ALIAS|M@V`
struct GateCommand: Command {
    static let help = CommandHelp(
        "gate", abstract: "CI regression gate: paired comparison of a candidate against a baseline under the policy.",
        usage:
            "--candidate NAME@VERSION [--baseline ALIAS|NAME@VERSION] [--tier TIER] [--policy FILE] [--limit N] [--threads T] [--no-eval] [--junit FILE] [--report FILE] [--json]",
        discussion: """
            For every suite the tier requires, the qualifying evaluation runs of both versions are compared \
            per (suite, task, metric) — never pooled across tasks — on their shared items: exact McNemar test, \
            paired bootstrap percentile CI of the difference, non-inferiority with the tier's margin; plus floors, \
            p95 latency and energy rules. A run qualifies when it is completed, on the exact digest, unsharded, and \
            matches the tier's evaluation requirements (full suite or a minimum item count per task, shots, backend, \
            native only); of several, the largest (then newest) counts. \
            Verdicts: pass (exit 0); regression (exit 1: a CI entirely below −margin; an improvement never is one); \
            fail (exit 1: a floor, latency or energy rule not met); inconclusive (exit 3: a CI straddles −margin; \
            exit 0 when the policy sets gate.inconclusive = allow); error (exit 2: missing evidence, bad policy, \
            an artifact whose bytes changed). Latency measured under load (recorded load average/steal) and energy \
            of remote backends are reported but not judged. \
            Before anything runs, the registered files of both versions are verified against their SHA-256. \
            A required suite without a qualifying run is evaluated first with the native engine, mirroring the \
            other version's qualifying run (same suite version, tasks, shots and item limit), else with the \
            policy's minimum item count (or the full suite). --no-eval lists what is missing and exits 2. \
            The verdict is recorded in the audit log (gate.verdict) and appears in exports.
            """,
        options: [
            .value("--candidate", "NAME@VERSION", "The version under test"),
            .value(
                "--baseline", "ALIAS|REF",
                "Alias of the candidate's model, or NAME@VERSION (default: the policy's baseline_alias)"),
            .value("--tier", "TIER", "Risk tier (default: the policy's default tier)"),
            .policyFile,
            .integer(
                "--limit", "N", in: 1...Int.max,
                "Item limit per task for evaluations the gate runs when neither version has a run to mirror (raised to the policy's min_items; default: the policy's min_items, else all items)"
            ),
            .integer(
                "--threads", "T", in: 1...1024, "Compute threads for evaluations the gate runs (default: all cores)"),
            .flag("--no-eval", "Do not run missing evaluations: list them and exit 2"),
            .value("--junit", "FILE", "Also write JUnit XML"),
            .value("--report", "FILE", "Also write the decision as JSON")
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
        candidate = try parseReference(
            try arguments.required("--candidate", missing: "missing --candidate NAME@VERSION"))
        baseline = try arguments.option("--baseline")
        tier = try arguments.option("--tier")
        policy = try arguments.option("--policy")
        junit = try arguments.option("--junit")
        report = try arguments.option("--report")
        limit = try arguments.int("--limit")
        threads = try arguments.int("--threads")
        evaluateMissing = !arguments.flag("--no-eval")
    }

    func run(context: CommandContext) async throws -> Int32 {
        do {
            return try await decide(context: context)
        } catch let error as CLIError {
            throw error
        } catch {
            throw CLIError.exit(
                code: GateDecision.Verdict.error.exitCode, message: "error: \(AssayCommandLine.oneLine(error))")
        }
    }

    func decide(context: CommandContext) async throws -> Int32 {
        let started = Date()
        let binding = try context.loadPolicy(policy)
        let store = try context.openRegistry()
        let baselineText = baseline ?? binding.policy.baselineAlias
        let baselineRef: VersionReference
        var via: String?
        if baselineText.contains("@") {
            baselineRef = try parseReference(baselineText)
        } else {
            guard
                let alias = try store.read({
                    try GovernanceRecords.alias($0, model: candidate.name, name: baselineText)
                })
            else {
                throw CLIError.exit(
                    code: 2,
                    message: "error: model \(candidate.name) has no alias '\(baselineText)' to use as the baseline")
            }
            baselineRef = alias.target
            via = "alias \(baselineText)"
        }
        let tierDef = try binding.policy.tier(tier)
        // Evidence integrity: the bytes being judged must be the registered ones.
        let verifier = ArtifactVerifier(home: store.home)
        for reference in [candidate, baselineRef] {
            for artifact in try store.modelVersion(reference).artifacts {
                do { try verifier.verify(artifact) } catch {
                    throw CLIError.exit(code: 2, message: "error: \(reference): \(error.description)")
                }
            }
        }
        if let k = tierDef.evaluation.rescoreSample {
            for reference in [candidate, baselineRef] {
                try await rescore(reference, sample: k, store: store, tier: tierDef, context: context)
            }
        }
        func build() throws -> (GateInput, [GateEvidenceBuilder.Missing]) {
            try GateEvidenceBuilder.build(
                store: store, candidate: candidate, baseline: baselineRef, baselineVia: via,
                suites: tierDef.requiredSuites, requirements: tierDef.evaluation,
                settings: binding.policy.gate)
        }
        var (input, missing) = try build()
        var attempted = Set<String>()
        while evaluateMissing, let next = missing.first(where: { !attempted.contains("\($0.reference) \($0.suite)") }) {
            attempted.insert("\(next.reference) \(next.suite)")
            try await evaluate(
                next, store: store, candidate: candidate, baseline: baselineRef, tier: tierDef, context: context)
            (input, missing) = try build()
        }
        for m in missing {
            context.printError(
                "missing: \(m.reference) on \(m.suite): \(m.reason) (run: assay eval --model \(m.reference) --suite \(m.suite)\(tierDef.evaluation.minItems.map { " --limit \($0)" } ?? ""))"
            )
        }
        var decision = try RegressionGate.evaluate(input, policy: binding.policy, tierName: tier)
        try decision.attachDecontaminatedScores(store: store)
        try store.write { tx in
            _ = try tx.appendAudit(
                action: "gate.verdict", subject: candidate.description,
                payload: Self.auditPayload(decision, policyDigest: binding.digest))
        }
        let elapsed = Date().timeIntervalSince(started)
        if let junit {
            try GateReport.junitXML(decision, elapsedSeconds: elapsed).write(
                to: context.resolve(junit), atomically: true, encoding: .utf8)
        }
        if let report {
            try GateReport.json(decision).write(to: context.resolve(report), atomically: true, encoding: .utf8)
        }
        if context.json {
            context.output.out(try GateReport.json(decision))
        } else {
            context.output.out(GateReport.markdown(decision))
        }
        return decision.exitCode
    }

    /// Re-scores `sample` random items of every imported or remotely scored run of `reference`
    /// that would otherwise qualify, with the native engine on the registered (verified) GGUF
    /// file, and records `evaluation_run.rescore` (passed or not) in the audit log.
    func rescore(
        _ reference: VersionReference, sample: Int, store: RegistryStore, tier: RiskTier, context: CommandContext
    ) async throws {
        let version = try store.modelVersion(reference)
        let runs = try GateEvidenceBuilder.runsNeedingRescore(
            store: store, reference: reference, digest: version.digest,
            suites: tier.requiredSuites, requirements: tier.evaluation)
        guard !runs.isEmpty else { return }
        guard version.artifacts.contains(where: { $0.format == .gguf }) else {
            context.printError("gate: \(reference) has no GGUF file to re-score its imported runs with")
            return
        }
        let engine: NativeEngine
        do { engine = try RunnableModel.resolve(version, store: store).engine(threads: threads) } catch let error
            as RunnableModelError
        {
            throw CLIError.failure("gate: \(error.description)")
        }
        let catalog = SuiteCatalog(
            store: store,
            bundledRoots: SuiteCatalog.defaultBundledRoots(
                environment: context.environment, workingDirectory: context.workingDirectory))
        for run in runs {
            let suite = try catalog.resolve(
                "\(run.suiteID)@\(run.suiteVersion)", workingDirectory: context.workingDirectory)
            context.progress(
                "gate: re-scoring \(sample) sampled items of \(run.id) (\(reference), \(run.suiteID)) with the native engine"
            )
            let report = try await RunRescoring.rescore(
                store: store, backend: engine, suite: suite, run: run, sample: sample)
            try store.write { tx in
                _ = try tx.appendAudit(
                    action: "evaluation_run.rescore", subject: run.id,
                    payload: [
                        "model": .string(reference.description), "sample": .integer(Int64(report.sampled.count)),
                        "sampled": .array(report.sampled.map(JSONValue.string)),
                        "mismatches": .array(report.mismatches.map(JSONValue.string)),
                        "max_loglikelihood_difference": .number(report.maxLogLikelihoodDifference),
                        "passed": .bool(report.passed)
                    ])
            }
            if !report.passed {
                context.printError(
                    "gate: run \(run.id) disagrees with the native engine on \(report.mismatches.count) of \(report.sampled.count) re-scored items (\(report.mismatches.prefix(5).joined(separator: ", "))); it does not count as evidence"
                )
            }
        }
    }

    /// The `gate.verdict` audit payload: versions, digests, verdict, policy, per-check outcomes.
    static func auditPayload(_ d: GateDecision, policyDigest: String) -> JSONValue {
        .object([
            "candidate": .string(d.candidate.reference), "candidate_digest": .string(d.candidate.digest),
            "baseline": .string(d.baseline.reference), "baseline_digest": .string(d.baseline.digest),
            "via": d.baseline.via.map(JSONValue.string) ?? .null,
            "verdict": .string(d.verdict.rawValue), "blocking": .bool(d.blocking),
            "policy_version": .integer(Int64(d.policyVersion)), "policy_digest": .string(policyDigest),
            "tier": .string(d.tier),
            "runs": .array(
                Array(Set(d.comparisons.flatMap { [$0.candidateRunID, $0.baselineRunID].compactMap { $0 } })).sorted()
                    .map(JSONValue.string)),
            "checks": .array(
                d.checks.map { .object(["name": .string($0.name), "status": .string($0.status.rawValue)]) })
        ])
    }

    /// Evaluates one missing (version, suite) through the evaluation runner, as planned by
    /// `GateEvaluationPlan` (mirroring the other version's qualifying run when there is one).
    /// Progress and the results table go to stderr, so `--json` output stays clean.
    func evaluate(
        _ missing: GateEvidenceBuilder.Missing, store: RegistryStore, candidate: VersionReference,
        baseline: VersionReference, tier: RiskTier, context: CommandContext
    ) async throws {
        let reference = try parseReference(missing.reference)
        let other = reference == candidate ? baseline : candidate
        let plan = try GateEvaluationPlan.make(
            for: missing, model: reference, other: other, store: store, tier: tier, limit: limit)
        if plan.ignoredLimit { context.progress("gate: the policy needs the full suite; ignoring --limit") }
        context.progress(
            "gate: \(missing.reference) has no qualifying run of \(missing.suite) (\(missing.reason)); running: assay eval \(plan.commandLine(threads: threads).joined(separator: " "))"
        )
        var inner = context
        inner.output = context.output.diagnostics()
        inner.globals.json = false
        do {
            let version = try store.modelVersion(reference)
            let catalog = SuiteCatalog(
                store: store,
                bundledRoots: SuiteCatalog.defaultBundledRoots(
                    environment: context.environment, workingDirectory: context.workingDirectory))
            let suite = try catalog.resolve(plan.suite, workingDirectory: context.workingDirectory)
            let backend = try RunnableModel.resolve(version, store: store).engine(threads: threads)
            let info = backend.info
            inner.progress(
                "eval: \(reference) on \(suite.id)@\(suite.version) (\(info.threads) threads, \(info.engineVersion))")
            let reporter = ProgressReporter(context: inner)
            let results = try await EvaluationRunner(store: store, backend: backend)
                .run(model: reference, suite: suite, options: plan.options(outputDirectory: store.home)) {
                    reporter.update($0)
                }
            reporter.finish()
            EvalReport.printResults(results, context: inner)
        } catch {
            throw CLIError.exit(
                code: 2,
                message:
                    "error: the gate could not evaluate \(missing.reference) on \(missing.suite): \(AssayCommandLine.oneLine(error))"
            )
        }
    }
}
