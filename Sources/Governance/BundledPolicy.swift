import Foundation
import Hashing
import JSON

/// The policy that applies when neither `--policy` nor a registry-configured policy is given:
/// the Governance module's resource `Sources/Governance/Resources/policy.json`
/// (`Governance/policy.json` at the top of the repository is a symbolic link to it).
public enum BundledPolicy {
    public static let source = "bundled default policy"

    /// Where the default policy ships (`Assay_Governance.resources/` beside the binary).
    public static let resource = PackageResource(target: "Governance", file: "policy.json")
}

extension PolicyBinding {
    /// The bundled default policy; a binary installed without its resource directory reports
    /// that instead of guessing a policy.
    public static func bundledDefault(parser: PolicyParser = PolicyParser()) throws(PolicyValidationError)
        -> PolicyBinding
    {
        guard let bytes = BundledPolicy.resource.bytes() else {
            throw PolicyValidationError(issues: [
                PolicyIssue(
                    file: BundledPolicy.source, path: "$",
                    reason:
                        "\(BundledPolicy.resource) is not beside the assay binary; install that directory with it, or pass --policy FILE (or configure one with 'assay init --policy FILE')"
                )
            ])
        }
        let policy = try parser.parse(bytes, file: BundledPolicy.source)
        return PolicyBinding(
            policy: policy, digest: SHA256.hash(bytes).hex,
            source: "\(BundledPolicy.source) (version \(policy.version))")
    }
}
