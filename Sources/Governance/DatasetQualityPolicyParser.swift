import DatasetQuality
import JSON

extension PolicyReader {
    /// `dataset_quality` of a tier; nil (with issues recorded) when invalid.
    mutating func datasetQuality(_ v: JSONValue, _ path: String) -> DatasetQualityRules? {
        guard
            let o = object(
                v, path,
                allowed: [
                    "require_check", "max_exact_duplicate_rate", "max_near_duplicate_rate",
                    "pii_must_be_declared", "allowed_pii_kinds", "require_spdx_license",
                    "allowed_licenses", "max_contaminated_items", "contamination_suites"
                ],
                required: [])
        else { return nil }
        var ok = true
        var rules = DatasetQualityRules()
        func flag(_ key: String) -> Bool? {
            guard let b = o[key] else { return nil }
            if case .bool(let value) = b { return value }
            issue("\(path).\(key)", "expected a boolean, found \(Self.typeName(b))")
            ok = false
            return nil
        }
        rules.requireCheck = flag("require_check") ?? true
        rules.piiMustBeDeclared = flag("pii_must_be_declared") ?? true
        rules.requireSPDXLicense = flag("require_spdx_license") ?? true
        for key in ["max_exact_duplicate_rate", "max_near_duplicate_rate"] {
            guard let rate = number(o[key], "\(path).\(key)") else { continue }
            guard (0...1).contains(rate) else {
                issue("\(path).\(key)", "a rate is a fraction in [0, 1], found \(rate)")
                ok = false
                continue
            }
            if key == "max_exact_duplicate_rate" {
                rules.maxExactDuplicateRate = rate
            } else {
                rules.maxNearDuplicateRate = rate
            }
        }
        if let kinds = strings(o["allowed_pii_kinds"], "\(path).allowed_pii_kinds") {
            for (i, k) in kinds.enumerated() where PIIKind(rawValue: k) == nil {
                issue(
                    "\(path).allowed_pii_kinds[\(i)]",
                    "unknown PII kind '\(k)' (known: \(PIIKind.allCases.map(\.rawValue).joined(separator: ", ")))")
                ok = false
            }
            rules.allowedPIIKinds = kinds
        }
        if let licenses = strings(o["allowed_licenses"], "\(path).allowed_licenses") {
            for (i, l) in licenses.enumerated() where SPDXLicenseIDs.id(for: l) == nil && !l.hasPrefix("LicenseRef-") {
                issue("\(path).allowed_licenses[\(i)]", "'\(l)' is not an SPDX licence identifier")
                ok = false
            }
            rules.allowedLicenses = licenses
        }
        if let n = integer(o["max_contaminated_items"], "\(path).max_contaminated_items") {
            if n >= 0 {
                rules.maxContaminatedItems = n
            } else {
                issue("\(path).max_contaminated_items", "must not be negative, found \(n)")
                ok = false
            }
        }
        if let suites = strings(o["contamination_suites"], "\(path).contamination_suites") {
            for (i, s) in suites.enumerated() where !knownSuites.contains(s) {
                issue(
                    "\(path).contamination_suites[\(i)]",
                    "unknown suite '\(s)' (known: \(knownSuites.sorted().joined(separator: ", ")))")
                ok = false
            }
            rules.contaminationSuites = suites
        }
        return ok ? rules : nil
    }
}
