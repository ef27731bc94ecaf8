import Foundation
import Testing

@testable import Governance
@testable import Registry
@testable import Service

/// `POST …/approval/evaluate` applies the tier's `dataset_quality` rules to the version's
/// `trained_on` datasets, exactly as submit and the CLI do (issue 14).
struct DatasetPolicyEvaluateAPITests {
    static let policy = PolicyBinding(
        policy: Policy(
            version: 4, defaultTier: "checked",
            tiers: [
                "checked": RiskTier(
                    requiredSuites: [], maxRegression: 0.05, quorum: 1,
                    datasetQuality: DatasetQualityRules(requireCheck: true))
            ]),
        digest: String(repeating: "cd", count: 32), source: "test")

    @Test func evaluateRefusesAVersionTrainedOnAnUncheckedDataset() throws {
        let f = try ServiceFixture(policy: Self.policy)
        // tuned@1.0 is trained_on train@1, which was registered without a check.
        let refused = try f.request(
            "POST", "/api/v1/models/tuned/versions/1.0/approval/evaluate", token: f.tokens[.auditor])
        #expect(refused.status.code == 409)
        let body = String(decoding: try refused.collectBody(), as: UTF8.self)
        #expect(body.contains("training data violates the policy"), "\(body)")
        #expect(body.contains("dataset train@1 has not been checked"), "\(body)")
        // A version without training data is evaluated under the same policy.
        #expect(
            try f.request("POST", "/api/v1/models/base/versions/1.0/approval/evaluate", token: f.tokens[.auditor])
                .status.code == 200)
    }
}
