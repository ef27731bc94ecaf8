import DatasetQuality
import Registry

/// Per-tier rules on what the dataset checks found in every `trained_on` dataset version
/// (policy field `dataset_quality`; docs/governance.md and docs/datasets.md).
public struct DatasetQualityRules: Sendable, Equatable, Codable {
    /// A `trained_on` version without a stored check is a violation.
    public var requireCheck: Bool = true
    /// Ceilings on duplicate rates (fractions of records; nil: no rule).
    public var maxExactDuplicateRate: Double?
    public var maxNearDuplicateRate: Double?
    /// Personal data found by the scan must be declared (`--pii`) on the version.
    public var piiMustBeDeclared: Bool = true
    /// PII kinds that may be present (nil: any kind the tier's `datasets.pii` rule allows).
    public var allowedPIIKinds: [String]?
    /// The declared licence must be a valid SPDX expression.
    public var requireSPDXLicense: Bool = true
    /// SPDX ids allowed (case-insensitive; empty: any valid one).
    public var allowedLicenses: [String] = []
    /// At most this many contaminated items per suite in `contaminationSuites`.
    public var maxContaminatedItems: Int = 0
    /// Suites checked for contamination (nil: the tier's required suites).
    public var contaminationSuites: [String]?

    /// Problems of one dataset version under these rules.
    public func violations(
        dataset: String, license: String, declaredPII: Bool, piiRule: DatasetRules.PIIRule,
        check: DatasetCheckSummary?, contamination: [ContaminationRecord], requiredSuites: [String]
    ) -> [String] {
        var out: [String] = []
        if requireSPDXLicense {
            let l = LicenseValidation.validate(license)
            if !l.spdxValid {
                out.append("dataset \(dataset) licence '\(license)' is not a valid SPDX expression: \(l.problem ?? "")")
            }
        }
        if !allowedLicenses.isEmpty {
            let allowed = Set(allowedLicenses.map { $0.lowercased() })
            let ids = LicenseValidation.validate(license).identifiers
            if ids.isEmpty || ids.contains(where: { !allowed.contains($0.lowercased()) }) {
                out.append(
                    "dataset \(dataset) licence '\(license)' is not in the dataset_quality allow-list (\(allowedLicenses.joined(separator: ", ")))"
                )
            }
        }
        guard let check else {
            if requireCheck {
                out.append("dataset \(dataset) has not been checked (run: assay dataset check \(dataset))")
            }
            return out
        }
        if let max = maxExactDuplicateRate, check.exactDuplicateRate > max {
            out.append(
                "dataset \(dataset) exact-duplicate rate \(Self.percent(check.exactDuplicateRate)) exceeds \(Self.percent(max))"
            )
        }
        if let max = maxNearDuplicateRate, check.nearDuplicateRate > max {
            out.append(
                "dataset \(dataset) near-duplicate rate \(Self.percent(check.nearDuplicateRate)) exceeds \(Self.percent(max))"
            )
        }
        let kinds = check.piiCounts.filter { $0.value > 0 }.keys.sorted()
        if !kinds.isEmpty {
            let found = kinds.map { "\($0) ×\(check.piiCounts[$0] ?? 0)" }.joined(separator: ", ")
            if piiMustBeDeclared && !declaredPII {
                out.append(
                    "dataset \(dataset) contains undeclared personal data (\(found)); register it with --pii or clean it"
                )
            }
            if piiRule == .forbidden {
                out.append("dataset \(dataset) contains personal data (\(found)), which this tier forbids")
            }
            if let allowedKinds = allowedPIIKinds {
                let extra = kinds.filter { !allowedKinds.contains($0) }
                if !extra.isEmpty {
                    out.append(
                        "dataset \(dataset) contains personal data of kinds not allowed: \(extra.joined(separator: ", "))"
                    )
                }
            }
        }
        for suite in contaminationSuites ?? requiredSuites {
            let rows = contamination.filter { $0.suiteID == suite }
            if rows.isEmpty {
                out.append(
                    "contamination of dataset \(dataset) with suite \(suite) has not been computed (register the suite, then run: assay dataset check \(dataset))"
                )
                continue
            }
            let items = Set(rows.flatMap(\.items))
            if items.count > maxContaminatedItems {
                let sample = items.sorted().prefix(5).joined(separator: ", ")
                out.append(
                    "dataset \(dataset) contains \(items.count) item\(items.count == 1 ? "" : "s") of suite \(suite) (allowed: \(maxContaminatedItems)), e.g. \(sample)"
                )
            }
        }
        return out
    }

    static func percent(_ x: Double) -> String {
        let v = (x * 1000).rounded() / 10
        return "\(v)%"
    }
}

extension GovernanceService {
    /// Licence/PII rules plus the tier's `dataset_quality` rules for every `trained_on` dataset.
    static func violations(_ db: RegistrySnapshot, _ datasets: [TrainingDatasetFact], tier: RiskTier) throws -> [String]
    {
        var out = violations(datasets, tier: tier)
        guard let rules = tier.datasetQuality else { return out }
        for d in datasets {
            let check = try RegistryStore.latestDatasetCheck(db, d.reference)
            let contamination = try RegistryStore.datasetContamination(db, d.reference)
            out += rules.violations(
                dataset: d.reference.description, license: d.license, declaredPII: d.containsPII,
                piiRule: tier.datasets.pii, check: check?.summary, contamination: contamination,
                requiredSuites: tier.requiredSuites)
        }
        return out
    }

    /// Brings contamination results of the version's training data up to date with the
    /// registered suites (data no longer reachable is left as is; the rules then say so).
    func refreshTrainingContamination(_ ref: VersionReference) {
        guard let datasets = try? store.read({ try GovernanceRecords.trainingDatasets($0, ref) }), !datasets.isEmpty
        else { return }
        _ = try? DatasetQualityService(store: store).refreshContamination(datasets.map(\.reference))
    }
}
