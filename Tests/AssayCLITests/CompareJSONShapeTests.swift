import Foundation
import JSON
import Testing

@testable import AssayCLI
@testable import Evaluation

/// `assay eval compare --json` member names come from the CLI's snake_case convention
/// (RunComparison declares no key names of its own).
struct CompareJSONShapeTests {
    @Test func comparisonMembersAreSnakeCase() throws {
        let comparison = RunComparison(
            runA: "run-a", runB: "run-b", modelA: "m@1", modelB: "m@2", suiteDigest: String(repeating: "a", count: 64),
            metrics: [
                RunComparison.MetricDelta(
                    task: "t", metric: "acc", a: 0.5, b: 0.75, difference: 0.25, stderr: 0.1, n: 4)
            ],
            agreement: [
                RunComparison.Agreement(
                    task: "t", n: 4, samePrediction: 2, bothCorrect: 1, onlyACorrect: 1, onlyBCorrect: 2,
                    neitherCorrect: 0)
            ])
        let printed = JSONKeyStyle.snakeCased(try JSONValue.parse(Array(try JSONEncoder().encode(comparison))))
        guard case .object(let members) = printed, case .array(let rows)? = members["agreement"],
            case .object(let row)? = rows.first, case .array(let deltas)? = members["metrics"],
            case .object(let delta)? = deltas.first
        else {
            Issue.record("unexpected shape: \(printed)")
            return
        }
        #expect(
            Set(members.keys) == ["run_a", "run_b", "model_a", "model_b", "suite_digest", "metrics", "agreement"])
        #expect(
            Set(row.keys) == [
                "task", "n", "same_prediction", "both_correct", "only_a_correct", "only_b_correct", "neither_correct"
            ])
        #expect(Set(delta.keys) == ["task", "metric", "a", "b", "difference", "stderr", "n"])
        #expect(row["only_b_correct"] == .integer(2))
    }
}
