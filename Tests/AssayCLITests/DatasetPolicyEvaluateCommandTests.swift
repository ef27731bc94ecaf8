import Foundation
import TestSupport
import Testing

@testable import AssayCLI

/// `assay approval evaluate` applies the tier's `dataset_quality` rules through `trained_on`
/// datasets, like `approval submit` and `approval status` (issue 14).
struct DatasetPolicyEvaluateCommandTests {
    static let policyText = """
        {"format": "assay-policy/1", "version": 1, "roles": ["submitter", "approver", "release-manager", "auditor", "admin"],
         "default_tier": "low",
         "tiers": {"low": {"required_suites": ["general-knowledge"], "max_regression": 0.05, "approvals": {"quorum": 1},
                           "dataset_quality": {"pii_must_be_declared": true}}}}
        """

    @Test func evaluateRefusesUndeclaredPersonalDataAndStatusListsIt() async throws {
        let cli = CLIHarness()
        let policy = try cli.file("policy.json", Self.policyText, gguf: false)
        #expect(await cli.run("init", "--trust-actor-env").code == 0)
        let data = try cli.file(
            "tickets.txt", "please mail jane.doe@example.com about the refund\nthe printer is jammed again\n",
            gguf: false)
        #expect(await cli.run("dataset", "register", "tickets@1", data, "--license", "MIT", "--no-pii").code == 0)
        #expect(
            await cli.run("model", "register", "m@1", try cli.file("m.gguf", "weights"), "--trained-on", "tickets@1")
                .code == 0)
        let refused = await cli.run("approval", "evaluate", "m@1", "--policy", policy)
        #expect(refused.code == 1)
        #expect(refused.stderr.contains("training data violates the policy"), "\(refused.stderr)")
        #expect(
            refused.stderr.contains("dataset tickets@1 contains undeclared personal data (email ×1)"),
            "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1)
        let status = await cli.run("approval", "status", "m@1", "--policy", policy)
        #expect(
            status.stdout.contains("dataset policy: dataset tickets@1 contains undeclared personal data"),
            "\(status.stdout)")
        // Without training data the same policy asks for the evaluation instead.
        #expect(await cli.run("model", "register", "clean@1", try cli.file("c.gguf", "other")).code == 0)
        let clean = await cli.run("approval", "evaluate", "clean@1", "--policy", policy)
        #expect(clean.code == 1 && clean.stderr.contains("required suites have not been evaluated"), "\(clean.stderr)")
    }
}
