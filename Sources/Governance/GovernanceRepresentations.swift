import JSON
import Registry

/// JSON shapes of governance results, shared by the HTTP API and the CLI's `--json`.
extension Representation {
    /// The outcome of an approval action.
    public static func approvalOutcome(_ ref: VersionReference, _ outcome: ApprovalOutcome) -> JSONValue {
        [
            "reference": .string(ref.description), "state": .string(outcome.decision.toState),
            "decision": decision(outcome.decision),
            "votes": outcome.votes.map { .integer(Int64($0)) } ?? .null,
            "quorum": outcome.quorum.map { .integer(Int64($0)) } ?? .null,
            "flagged": .array(outcome.flagged.map { .string($0.description) })
        ]
    }

    /// The approval status (`approvalStatus`) plus what the policy still requires.
    public static func approvalStatus(_ status: ApprovalStatus) -> JSONValue {
        guard
            case .object(var out) = approvalStatus(status.record.reference, status.record, decisions: status.decisions)
        else {
            return .null
        }
        func strings(_ xs: [String]) -> JSONValue { .array(xs.map(JSONValue.string)) }
        out["requirements"] = [
            "quorum": .integer(Int64(status.quorum)),
            "missing_card_fields": strings(status.missingCardFields),
            "evaluated_suites": .object(status.evaluatedSuites.mapValues(strings)),
            "missing_suites": strings(status.missingSuites),
            "dataset_violations": strings(status.datasetViolations),
            "floor_violations": strings(status.floorViolations),
            "refused_runs": .object(status.refusedRuns.mapValues(JSONValue.string))
        ]
        out["model_card"] = .object(status.modelCard.mapValues(JSONValue.string))
        return .object(out)
    }
}
