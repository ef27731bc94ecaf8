import Foundation
import Hashing

/// The policy that applies when neither `--policy` nor a registry-configured policy is given:
/// the bytes of `Governance/policy.json` at build time (`PolicyTests` checks they are identical).
public enum BundledPolicy {
    public static let source = "bundled default policy"

    public static let text = #"""
        {
          "format": "assay-policy/1",
          "version": 2,
          "description": "Default Assay policy: what a small language model version must show before it is approved and promoted. Margins are absolute accuracy points (0.02 = two points).",
          "roles": ["submitter", "approver", "release-manager", "auditor", "admin"],
          "protected_aliases": ["production", "staging"],
          "alias_role": "release-manager",
          "baseline_alias": "production",
          "default_tier": "medium",
          "gate": {
            "alpha": 0.05,
            "power": 0.8,
            "bootstrap_resamples": 10000,
            "seed": 20240601,
            "inconclusive": "block",
            "max_load_per_cpu": 0.5
          },
          "tiers": {
            "low": {
              "required_suites": ["general-knowledge"],
              "minimum_metrics": [
                {"suite": "general-knowledge", "metric": "acc", "min": 0.25}
              ],
              "max_regression": 0.05,
              "latency_p95_ms": 5000,
              "energy_wh_per_1000_items": 50,
              "datasets": {
                "allowed_licenses": ["Apache-2.0", "MIT", "CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "ODC-By-1.0"],
                "pii": "allowed-with-review"
              },
              "model_card_fields": ["intended_use", "limitations"],
              "approvals": {"quorum": 1, "role": "approver"},
              "evaluation": {"min_items": 30}
            },
            "medium": {
              "required_suites": ["general-knowledge", "support-intents"],
              "minimum_metrics": [
                {"suite": "general-knowledge", "metric": "acc", "min": 0.25},
                {"suite": "support-intents", "metric": "acc", "min": 0.3}
              ],
              "max_regression": 0.03,
              "latency_p95_ms": 2000,
              "energy_wh_per_1000_items": 20,
              "datasets": {
                "allowed_licenses": ["Apache-2.0", "MIT", "CC-BY-4.0", "CC0-1.0", "ODC-By-1.0"],
                "pii": "allowed-with-review"
              },
              "model_card_fields": ["intended_use", "limitations", "training_data", "evaluation_data", "owner"],
              "approvals": {"quorum": 1, "role": "approver"},
              "evaluation": {"min_items": 100}
            },
            "high": {
              "required_suites": ["general-knowledge", "support-intents", "field-extraction"],
              "minimum_metrics": [
                {"suite": "general-knowledge", "metric": "acc", "min": 0.3},
                {"suite": "support-intents", "metric": "acc", "min": 0.4},
                {"suite": "field-extraction", "metric": "exact_match", "min": 0.3}
              ],
              "max_regression": 0.02,
              "latency_p95_ms": 1000,
              "energy_wh_per_1000_items": 10,
              "datasets": {
                "allowed_licenses": ["Apache-2.0", "MIT", "CC0-1.0"],
                "pii": "forbidden"
              },
              "model_card_fields": ["intended_use", "limitations", "training_data", "evaluation_data", "owner", "ethical_considerations", "contact"],
              "approvals": {"quorum": 2, "role": "approver"},
              "evaluation": {"require_native": true}
            }
          }
        }
        """#
}

extension PolicyBinding {
    /// The bundled default policy (`Governance/policy.json` as built into this binary).
    public static func bundledDefault(parser: PolicyParser = PolicyParser()) throws(PolicyValidationError)
        -> PolicyBinding
    {
        let bytes = Array((BundledPolicy.text + "\n").utf8)
        let policy = try parser.parse(bytes, file: BundledPolicy.source)
        return PolicyBinding(
            policy: policy, digest: SHA256.hash(bytes).hex,
            source: "\(BundledPolicy.source) (version \(policy.version))")
    }
}
