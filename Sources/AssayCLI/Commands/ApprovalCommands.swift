import Foundation
import Governance
import Registry

/// Shared parsing and printing of the approval actions.
struct ApprovalActionCommand {
    var reference: VersionReference
    var policy: String?
    var tier: String?
    /// `--override REASON`: an admin bypasses floors and the gate; recorded with the decision.
    var overrideReason: String?
    /// The free-text note of approve, reject, revoke and deprecate (`ApprovalNoteCommand`).
    var note: String?

    static let options: [CommandHelp.Option] = [
        .policyFile,
        .value("--override", "REASON", "Admin only: bypass unmet floors or a blocking gate; the reason is recorded")
    ]

    init(arguments: inout Arguments) throws(CLIError) {
        policy = try arguments.option("--policy")
        overrideReason = try arguments.option("--override")
        tier = nil
        reference = try arguments.reference()
    }

    func perform(_ action: ApprovalAction, context: CommandContext) async throws -> Int32 {
        let service = try context.governance(policy: policy)
        let outcome: ApprovalOutcome
        do {
            outcome = try service.perform(action, on: reference, tier: tier, override: overrideReason)
        } catch let error as ApprovalError {
            throw CLIError.failure("refused: \(error.description)")
        }
        return try context.respond(json: Representation.approvalOutcome(reference, outcome)) {
            let d = outcome.decision
            var line =
                "\(reference): \(d.action) \(d.fromState) → \(d.toState) (policy v\(d.policyVersion), tier \(d.tier))"
            if let votes = outcome.votes, let quorum = outcome.quorum { line += "; approvals \(votes)/\(quorum)" }
            context.print(line)
            if !outcome.flagged.isEmpty {
                context.print("flagged for review: " + outcome.flagged.map(\.description).joined(separator: ", "))
            }
        }
    }
}

/// `assay approval evaluate M@V`
struct ApprovalEvaluateCommand: ApprovalTierCommand {
    static let help = CommandHelp(
        "evaluate",
        abstract:
            "Mark a version evaluated: every required suite of its tier needs a qualifying run on its exact digest, its training datasets must comply with the tier (datasets and dataset_quality rules), and every floor must be met.",
        usage: "NAME@VERSION [--tier TIER] [--policy FILE] [--json]",
        options: ApprovalActionCommand.options + [
            .value("--tier", "TIER", "Risk tier to judge under (default: the policy's default tier)")
        ])
    static let action = ApprovalAction.markEvaluated
    var base: ApprovalActionCommand
}

/// `assay approval submit M@V`
struct ApprovalSubmitCommand: ApprovalTierCommand {
    static let help = CommandHelp(
        "submit",
        abstract:
            "Submit an evaluated version for review (model card complete, datasets within policy, floors met, gate against the current alias holder not blocking).",
        usage: "NAME@VERSION [--tier TIER] [--policy FILE] [--json]",
        options: ApprovalActionCommand.options + [.value("--tier", "TIER", "Risk tier to judge under")])
    static let action = ApprovalAction.submit
    var base: ApprovalActionCommand
}

/// An approval action judged under a risk tier (`--tier`): parsing and running shared by
/// evaluate and submit.
protocol ApprovalTierCommand: Command {
    static var action: ApprovalAction { get }
    var base: ApprovalActionCommand { get }
    init(base: ApprovalActionCommand)
}

extension ApprovalTierCommand {
    init(arguments: inout Arguments) throws(CLIError) {
        let tier = try arguments.option("--tier")
        var base = try ApprovalActionCommand(arguments: &arguments)
        base.tier = tier
        self.init(base: base)
    }

    func run(context: CommandContext) async throws -> Int32 { try await base.perform(Self.action, context: context) }
}

/// An approval action taking one free-text note (`--comment` or `--reason`): help, parsing and
/// running shared by approve, reject, revoke and deprecate.
protocol ApprovalNoteCommand: Command {
    static func action(note: String?) -> ApprovalAction
    var base: ApprovalActionCommand { get }
    init(base: ApprovalActionCommand)
}

extension ApprovalNoteCommand {
    /// The help of such an action: its usage line and options follow from the note option.
    static func noteHelp(
        _ name: String, abstract: String, note: CommandHelp.Option, required: Bool = false
    ) -> CommandHelp {
        let noteUsage = required ? note.label : "[\(note.label)]"
        return CommandHelp(
            name, abstract: abstract, usage: "NAME@VERSION \(noteUsage) [--policy FILE] [--json]",
            options: ApprovalActionCommand.options + [note])
    }

    /// The note option's name: the last option `noteHelp` lists.
    private static var noteName: String { help.options.last?.names.first ?? "--reason" }

    init(arguments: inout Arguments) throws(CLIError) {
        let note = try arguments.option(Self.noteName)
        var base = try ApprovalActionCommand(arguments: &arguments)
        base.note = note
        self.init(base: base)
    }

    func run(context: CommandContext) async throws -> Int32 {
        try await base.perform(Self.action(note: base.note), context: context)
    }
}

/// `assay approval approve M@V`
struct ApprovalApproveCommand: ApprovalNoteCommand {
    static let help = noteHelp(
        "approve",
        abstract:
            "Approve a version in review (approver role; not its submitter or registrant); approved once the quorum is met.",
        note: .value("--comment", "TEXT", "Note recorded with the approval"))
    static func action(note: String?) -> ApprovalAction { .approve(comment: note) }
    var base: ApprovalActionCommand
}

/// `assay approval reject M@V --reason TEXT`
struct ApprovalRejectCommand: ApprovalNoteCommand {
    static let help = noteHelp(
        "reject", abstract: "Reject a version in review (approver role; reason required).",
        note: .value("--reason", "TEXT", "Why (required)"), required: true)
    static func action(note: String?) -> ApprovalAction { .reject(reason: note ?? "") }
    var base: ApprovalActionCommand
}

/// `assay approval revoke M@V --reason TEXT`
struct ApprovalRevokeCommand: ApprovalNoteCommand {
    static let help = noteHelp(
        "revoke",
        abstract:
            "Revoke a version from any state (admin or approver; reason required); flags every lineage descendant for review.",
        note: .value("--reason", "TEXT", "Why (required)"), required: true)
    static func action(note: String?) -> ApprovalAction { .revoke(reason: note ?? "") }
    var base: ApprovalActionCommand
}

/// `assay approval deprecate M@V`
struct ApprovalDeprecateCommand: ApprovalNoteCommand {
    static let help = noteHelp(
        "deprecate", abstract: "Deprecate an approved version (release-manager or admin).",
        note: .value("--reason", "TEXT", "Why"))
    static func action(note: String?) -> ApprovalAction { .deprecate(reason: note) }
    var base: ApprovalActionCommand
}

/// `assay approval card M@V --field KEY=VALUE...`
struct ApprovalCardCommand: Command {
    static let help = CommandHelp(
        "card", abstract: "Show or edit a version's model card (fields the policy may require before submission).",
        usage: "NAME@VERSION [--field KEY=VALUE]... [--json]",
        options: [.repeated("--field", "KEY=VALUE", "Set a field; an empty value removes it (repeatable)")],
        examples: [
            "assay approval card smollm2@q8_0 --field intended_use='support triage' --field limitations='English only'"
        ])
    var reference: VersionReference
    var fields: [String: String] = [:]
    init(arguments: inout Arguments) throws(CLIError) {
        for pair in try arguments.options("--field") {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw .usage("--field expects KEY=VALUE, got '\(pair)'")
            }
            fields[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
        }
        reference = try arguments.reference()
    }
    func run(context: CommandContext) async throws -> Int32 {
        let card: [String: String]
        if fields.isEmpty {
            card = try context.openRegistry().read { try GovernanceRecords.modelCard($0, reference) }
        } else {
            card = try context.governanceWithoutPolicy().updateModelCard(reference, fields: fields)
        }
        return try context.respond(json: Representation.card(reference, card)) {
            for key in card.keys.sorted() { context.print("\(key): \(card[key] ?? "")") }
        }
    }
}

/// `assay approval status M@V`
struct ApprovalStatusCommand: Command {
    static let help = CommandHelp(
        "status", abstract: "Show a version's approval state, decisions and what is still missing.",
        usage: "NAME@VERSION [--policy FILE] [--json]", options: ApprovalActionCommand.options)
    var base: ApprovalActionCommand
    init(arguments: inout Arguments) throws(CLIError) {
        base = try ApprovalActionCommand(arguments: &arguments)
    }
    func run(context: CommandContext) async throws -> Int32 {
        let status = try context.governance(policy: base.policy).status(base.reference)
        return try context.respond(json: Representation.approvalStatus(status)) { printText(status, context) }
    }

    private func printText(_ status: ApprovalStatus, _ context: CommandContext) {
        let r = status.record
        context.print("\(r.reference)  \(r.state)  tier \(r.tier ?? "(default)")  digest \(r.digest.prefix(16))…")
        context.print("registered by \(r.registrant)" + (r.submitter.map { ", submitted by \($0)" } ?? ""))
        if r.state == "in_review" {
            context.print("approvals: \(r.approvals.count)/\(status.quorum) (\(r.approvals.joined(separator: ", ")))")
        }
        if r.needsReview { context.print("NEEDS REVIEW: \(r.needsReviewReason ?? "")") }
        if !status.missingSuites.isEmpty {
            context.print("missing evaluations: \(status.missingSuites.joined(separator: ", "))")
        }
        if !status.missingCardFields.isEmpty {
            context.print("missing model-card fields: \(status.missingCardFields.joined(separator: ", "))")
        }
        for v in status.datasetViolations { context.print("dataset policy: \(v)") }
        for v in status.floorViolations { context.print("below floor: \(v)") }
        for (suite, why) in status.refusedRuns.sorted(by: { $0.key < $1.key })
        where status.missingSuites.contains(suite) {
            context.print("not qualifying (\(suite)): \(why)")
        }
        if !status.decisions.isEmpty {
            var table = TextTable(["TIME", "ACTION", "FROM", "TO", "ACTOR", "POLICY", "REASON"])
            for d in status.decisions {
                table.add([
                    d.createdAt, d.action, d.fromState, d.toState, d.actor, "v\(d.policyVersion)", d.reason ?? ""
                ])
            }
            context.print(table)
        }
    }
}
