import Foundation
import Governance
import Registry

extension CommandContext {
    /// Loads and validates the policy: `--policy FILE`, else the registry's configured policy
    /// (`assay init --policy`), else the bundled default — never a file found relative to the
    /// working directory. An invalid policy is an error (exit 2) listing every issue.
    func loadPolicy(_ option: String?) throws -> PolicyBinding {
        do {
            if let option, !option.isEmpty { return try PolicyBinding.load(resolve(option)) }
            if let configured = try RegistrySettings.load(home: registryHome).policyPath {
                return try PolicyBinding.load(URL(fileURLWithPath: configured))
            }
            return try PolicyBinding.bundledDefault()
        } catch let error as PolicyValidationError {
            throw CLIError.exit(code: ExitCode.usage, message: error.description)
        }
    }

    /// The governance service for the registry, the policy and evidence from evaluation records.
    func governance(policy option: String?) throws -> GovernanceService {
        try governance(binding: try loadPolicy(option))
    }

    /// Governance for what no policy decides (roles, model cards).
    func governanceWithoutPolicy() throws -> GovernanceService { try governance(binding: .none) }

    private func governance(binding: PolicyBinding) throws -> GovernanceService {
        let store = try openRegistry()
        return GovernanceService(store: store, binding: binding, evidence: RegistryEvidence(store: store))
    }
}

/// `assay policy check FILE...`
struct PolicyCheckCommand: Command {
    static let help = CommandHelp(
        "check", abstract: "Validate policy files; print every problem with file, JSON path and reason.",
        usage: "FILE... [--suite ID]... [--json]",
        discussion:
            "Suites are checked against the bundled suite ids (general-knowledge, support-intents, field-extraction, mmlu) plus any given with --suite. Exit 0 when every file is valid, 1 otherwise.",
        options: [.repeated("--suite", "ID", "Also accept this suite id (repeatable)")],
        examples: ["assay policy check Governance/policy.json", "assay policy check Governance/*.json --json"])

    var files: [String]
    var extraSuites: [String]

    init(arguments: inout Arguments) throws(CLIError) {
        extraSuites = try arguments.options("--suite")
        files = arguments.remainingPositionals()
        guard !files.isEmpty else { throw .usage("missing FILE") }
    }

    struct Report: Encodable {
        var file: String
        var valid: Bool
        var version: Int?
        var tiers: [String]?
        var issues: [PolicyIssue]
    }

    func run(context: CommandContext) async throws -> Int32 {
        let parser = PolicyParser(knownSuites: PolicyParser.bundledSuites.union(extraSuites))
        var reports: [Report] = []
        for file in files {
            do {
                let policy = try parser.load(context.resolve(file), displayName: file)
                reports.append(
                    Report(
                        file: file, valid: true, version: policy.version, tiers: policy.tiers.keys.sorted(), issues: [])
                )
            } catch {
                reports.append(Report(file: file, valid: false, issues: error.issues))
            }
        }
        if context.json {
            try context.printJSON(reports)
        } else {
            for r in reports {
                if r.valid {
                    context.print(
                        "\(r.file): ok (version \(r.version ?? 0), tiers: \((r.tiers ?? []).joined(separator: ", ")))")
                } else {
                    for issue in r.issues { context.print(issue.description) }
                }
            }
        }
        return reports.allSatisfy(\.valid) ? ExitCode.success : ExitCode.failure
    }
}
