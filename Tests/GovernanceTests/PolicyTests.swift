import Foundation
import TestSupport
import Testing

@testable import Governance

struct PolicyTests {
    static let valid = """
        {
          "format": "assay-policy/1",
          "version": 3,
          "roles": ["submitter", "approver", "release-manager", "auditor", "admin"],
          "default_tier": "low",
          "tiers": {
            "low": {
              "required_suites": ["general-knowledge"],
              "minimum_metrics": [{"suite": "general-knowledge", "metric": "acc", "min": 0.25}],
              "max_regression": 0.05,
              "latency_p95_ms": 900,
              "energy_wh_per_1000_items": 12.5,
              "datasets": {"allowed_licenses": ["MIT"], "pii": "forbidden"},
              "model_card_fields": ["intended_use"],
              "approvals": {"quorum": 2}
            }
          }
        }
        """

    /// Parses `text` expecting failure and returns the issues.
    func issues(_ text: String, file: String = "broken.json") -> [PolicyIssue] {
        do {
            _ = try PolicyParser().parse(text, file: file)
            Issue.record("policy was accepted")
            return []
        } catch {
            return error.issues
        }
    }

    /// `valid` with one substring replaced.
    func mutate(_ old: String, _ new: String) -> String {
        #expect(Self.valid.contains(old))
        return Self.valid.replacingOccurrences(of: old, with: new)
    }

    @Test func parsesAValidPolicy() throws {
        let policy = try PolicyParser().parse(Self.valid, file: "p.json")
        #expect(policy.version == 3)
        #expect(policy.defaultTier == "low")
        #expect(policy.protectedAliases == ["production", "staging"])
        #expect(policy.aliasRole == .releaseManager)
        let tier = try policy.tier(nil)
        #expect(tier.requiredSuites == ["general-knowledge"])
        #expect(tier.minimumMetrics == [MetricFloor(suite: "general-knowledge", metric: "acc", min: 0.25)])
        #expect(tier.maxRegression == 0.05)
        #expect(tier.latencyP95Ms == 900)
        #expect(tier.energyWhPer1000Items == 12.5)
        #expect(tier.datasets == DatasetRules(allowedLicenses: ["MIT"], pii: .forbidden))
        #expect(tier.quorum == 2)
        #expect(tier.approverRole == .approver)
        #expect(throws: PolicyError.unknownTier("high", known: ["low"])) { try policy.tier("high") }
    }

    @Test func theRepositoryPolicyIsValid() throws {
        let url = Fixtures.packageRoot.appendingPathComponent("Governance/policy.json")
        let policy = try PolicyParser().load(url)
        #expect(policy.version >= 1)
        #expect(Set(policy.tiers.keys) == ["low", "medium", "high"])
        #expect(try policy.tier("high").quorum == 2)
        #expect(try policy.tier(nil).requiredSuites.contains("support-intents"))
    }

    /// The bundled default (used when neither --policy nor a registry policy is configured) is
    /// the build's copy of the Governance resource, byte-for-byte the repository's
    /// Governance/policy.json (a link to that resource).
    @Test func theBundledDefaultIsTheRepositoryPolicy() throws {
        let url = Fixtures.packageRoot.appendingPathComponent("Governance/policy.json")
        let file = try PolicyBinding.load(url)
        let bundled = try PolicyBinding.bundledDefault()
        #expect(bundled.digest == file.digest)
        #expect(bundled.policy == file.policy)
        #expect(try bundled.policy.tier("low").evaluation.minItems == 30)
    }

    /// Issue 12 item 12 (policy part): an unknown metric or an absurd quorum is refused with
    /// file, path and reason.
    @Test func unknownMetricAndAbsurdQuorumAreRefused() {
        let metric = issues(mutate("\"metric\": \"acc\"", "\"metric\": \"accuracy_at_5\""), file: "Governance/p.json")
        #expect(metric.count == 1)
        #expect(metric.first?.file == "Governance/p.json")
        #expect(metric.first?.path == "$.tiers.low.minimum_metrics[0].metric")
        #expect(metric.first?.reason.contains("unknown metric 'accuracy_at_5'") == true)
        let quorum = issues(mutate("\"quorum\": 2", "\"quorum\": 1000000000000"))
        #expect(quorum.count == 1)
        #expect(quorum.first?.path == "$.tiers.low.approvals.quorum")
        #expect(quorum.first?.reason.contains("at most 100") == true)
        let evaluation = issues(
            mutate(
                "\"approvals\": {\"quorum\": 2}",
                "\"approvals\": {\"quorum\": 2}, \"evaluation\": {\"min_items\": 0, \"require_native\": \"yes\"}"))
        #expect(
            Set(evaluation.map(\.path)) == ["$.tiers.low.evaluation.min_items", "$.tiers.low.evaluation.require_native"]
        )
    }

    @Test func unknownSuiteIsReportedWithFileAndPath() {
        let found = issues(
            mutate(
                "\"required_suites\": [\"general-knowledge\"]",
                "\"required_suites\": [\"general-knowledge\", \"trivia\"]"),
            file: "Governance/bad.json")
        #expect(found.count == 1)
        #expect(found.first?.file == "Governance/bad.json")
        #expect(found.first?.path == "$.tiers.low.required_suites[1]")
        #expect(found.first?.reason.contains("unknown suite 'trivia'") == true)
        #expect(
            found.first?.description.hasPrefix("Governance/bad.json: $.tiers.low.required_suites[1]: unknown suite")
                == true)
    }

    @Test func negativeMarginIsRejected() {
        let found = issues(mutate("\"max_regression\": 0.05", "\"max_regression\": -0.01"))
        #expect(found.map(\.path) == ["$.tiers.low.max_regression"])
        #expect(found.first?.reason.contains("must not be negative") == true)
    }

    @Test func unknownRoleIsRejected() {
        let inList = issues(mutate("\"auditor\", \"admin\"", "\"auditor\", \"overlord\""))
        #expect(inList.map(\.path) == ["$.roles[4]"])
        #expect(inList.first?.reason.contains("unknown role 'overlord'") == true)

        let inTier = issues(mutate("{\"quorum\": 2}", "{\"quorum\": 2, \"role\": \"approvr\"}"))
        #expect(inTier.map(\.path) == ["$.tiers.low.approvals.role"])
        #expect(inTier.first?.reason.contains("unknown role 'approvr'") == true)
    }

    @Test func quorumBelowOneIsRejected() {
        let found = issues(mutate("{\"quorum\": 2}", "{\"quorum\": 0}"))
        #expect(found.map(\.path) == ["$.tiers.low.approvals.quorum"])
        #expect(found.first?.reason.contains("at least 1") == true)
    }

    @Test func unknownFieldsAndWrongTypesAreReportedTogether() {
        let text = mutate("\"latency_p95_ms\": 900", "\"latency_p95_ms\": \"fast\", \"colour\": \"blue\"")
            .replacingOccurrences(of: "\"version\": 3", with: "\"version\": \"three\"")
        let found = issues(text)
        let paths = Set(found.map(\.path))
        #expect(paths == ["$.version", "$.tiers.low.latency_p95_ms", "$.tiers.low.colour"])
        #expect(found.first { $0.path == "$.tiers.low.colour" }?.reason.contains("unknown field 'colour'") == true)
        #expect(found.first { $0.path == "$.version" }?.reason == "expected an integer, found a string")
    }

    @Test func minimumMetricOnUnrequiredSuiteAndOutOfRangeProportion() {
        let text = mutate(
            "{\"suite\": \"general-knowledge\", \"metric\": \"acc\", \"min\": 0.25}",
            "{\"suite\": \"support-intents\", \"metric\": \"acc\", \"min\": 1.5}")
        let found = issues(text)
        #expect(
            Set(found.map(\.path)) == ["$.tiers.low.minimum_metrics[0].suite", "$.tiers.low.minimum_metrics[0].min"])
    }

    @Test func wrongFormatMissingFieldsAndBadDefaultTier() {
        let text = """
            {"format": "assay-policy/9", "version": 0, "roles": ["admin"], "default_tier": "gold",
             "tiers": {"low": {"required_suites": [], "max_regression": 0.01}}}
            """
        let found = issues(text)
        let paths = Set(found.map(\.path))
        #expect(paths.contains("$.format"))
        #expect(paths.contains("$.version"))
        #expect(paths.contains("$.default_tier"))
        #expect(paths.contains("$.tiers.low.required_suites"))
        #expect(paths.contains("$.tiers.low.approvals"))
    }

    @Test func malformedJSONNamesTheFile() {
        let found = issues("{\"format\": ", file: "x.json")
        #expect(found.count == 1)
        #expect(found.first?.path == "$")
        #expect(found.first?.file == "x.json")
    }

    @Test func unreadableFileIsAnIssue() {
        let dir = TemporaryDirectory()
        #expect(throws: PolicyValidationError.self) { try PolicyParser().load(dir.path("missing.json")) }
    }

    @Test func knownSuitesArePassedIn() throws {
        let parser = PolicyParser(knownSuites: ["support-intents"])
        #expect(throws: PolicyValidationError.self) { try parser.parse(Self.valid, file: "p.json") }
    }

    @Test func datasetRules() {
        let rules = DatasetRules(allowedLicenses: ["Apache-2.0", "MIT"], pii: .forbidden)
        #expect(rules.violations(dataset: "d@1", license: "mit", containsPII: false).isEmpty)
        #expect(rules.violations(dataset: "d@1", license: "GPL-3.0", containsPII: true).count == 2)
        #expect(DatasetRules(pii: .allowed).violations(dataset: "d@1", license: "x", containsPII: true).isEmpty)
    }
}
