import DatasetQuality
import Registry
import Testing

@testable import Governance

/// `dataset_quality` policy rules: parsing with paths, and the violations they produce.
struct DatasetQualityPolicyTests {
    static func policy(_ quality: String) -> String {
        """
        {"format": "assay-policy/1", "version": 1, "roles": ["submitter", "approver", "admin"], "default_tier": "t",
         "tiers": {"t": {"required_suites": ["mmlu"], "max_regression": 0.02, "approvals": {"quorum": 1},
                         "dataset_quality": \(quality)}}}
        """
    }

    @Test func parsesRules() throws {
        let p = try PolicyParser().parse(
            Self.policy(
                """
                {"max_exact_duplicate_rate": 0.05, "max_near_duplicate_rate": 0.1, "allowed_pii_kinds": ["email"],
                 "allowed_licenses": ["MIT", "apache-2.0"], "max_contaminated_items": 2, "contamination_suites": ["mmlu"]}
                """), file: "p.json")
        let rules = try #require(p.tiers["t"]?.datasetQuality)
        #expect(rules.maxExactDuplicateRate == 0.05 && rules.maxNearDuplicateRate == 0.1)
        #expect(rules.allowedPIIKinds == ["email"] && rules.maxContaminatedItems == 2 && rules.requireCheck)
    }

    @Test func rejectsBadRulesWithPaths() {
        do {
            _ = try PolicyParser().parse(
                Self.policy(
                    """
                    {"max_exact_duplicate_rate": 1.5, "allowed_pii_kinds": ["dna"], "allowed_licenses": ["Proprietary-Thing"],
                     "max_contaminated_items": -1, "contamination_suites": ["nope"], "require_check": "yes", "extra": 1}
                    """), file: "p.json")
            Issue.record("invalid rules were accepted")
        } catch {
            let paths = Set(error.issues.map(\.path))
            for field in [
                "max_exact_duplicate_rate", "allowed_pii_kinds[0]", "allowed_licenses[0]", "max_contaminated_items",
                "contamination_suites[0]", "require_check", "extra"
            ] {
                #expect(
                    paths.contains("$.tiers.t.dataset_quality.\(field)"), "no issue for \(field): \(paths.sorted())")
            }
        }
    }

    @Test func violations() throws {
        let rules = DatasetQualityRules(maxExactDuplicateRate: 0.01, allowedLicenses: ["MIT"], maxContaminatedItems: 0)
        let summary = DatasetCheckSummary(
            checker: "c", records: 100, invalidRecords: 0, exactDuplicateRate: 0.02,
            nearDuplicateRate: 0, piiCounts: ["email": 3], licenseValid: true)
        let contamination = [
            ContaminationRecord(
                suiteID: "mmlu", suiteVersion: "1", suiteDigest: String(repeating: "a", count: 64),
                method: "m", suiteItems: 10, items: ["x-1", "x-2"])
        ]
        let v = rules.violations(
            dataset: "d@1", license: "Apache-2.0", declaredPII: false, piiRule: .allowedWithReview,
            check: summary, contamination: contamination, requiredSuites: ["mmlu"])
        #expect(v.count == 4, "\(v)")
        #expect(v.contains { $0.contains("allow-list") })
        #expect(v.contains { $0.contains("exact-duplicate rate 2.0% exceeds 1.0%") })
        #expect(v.contains { $0.contains("undeclared personal data (email ×3)") })
        #expect(v.contains { $0.contains("contains 2 items of suite mmlu") })
        let clean = rules.violations(
            dataset: "d@1", license: "MIT", declaredPII: true, piiRule: .allowed,
            check: DatasetCheckSummary(
                checker: "c", records: 1, invalidRecords: 0, exactDuplicateRate: 0,
                nearDuplicateRate: 0, piiCounts: [:], licenseValid: true),
            contamination: [
                ContaminationRecord(
                    suiteID: "mmlu", suiteVersion: "1", suiteDigest: String(repeating: "a", count: 64),
                    method: "m", suiteItems: 10, items: [])
            ],
            requiredSuites: ["mmlu"])
        #expect(clean.isEmpty, "\(clean)")
        let unchecked = rules.violations(
            dataset: "d@1", license: "MIT", declaredPII: false, piiRule: .allowed, check: nil,
            contamination: [], requiredSuites: ["mmlu"])
        #expect(unchecked == ["dataset d@1 has not been checked (run: assay dataset check d@1)"])
    }
}
