import Foundation

/// Renders a `GateDecision` for people (Markdown), CI systems (JUnit XML) and tools (JSON).
public enum GateReport {
    /// A Markdown summary: verdict, per-suite paired statistics (with p-value and minimum
    /// detectable effect) and every check.
    public static func markdown(_ d: GateDecision) -> String {
        let icon: String
        switch d.verdict {
        case .pass: icon = "PASS"
        case .regression: icon = "REGRESSION"
        case .error: icon = "ERROR"
        }
        var out = "## Assay gate: \(icon)\n\n"
        out += "- Candidate: `\(md(d.candidate.reference))` (digest `\(d.candidate.digest.prefix(12))`)\n"
        let via = d.baseline.via.map { " via \(md($0))" } ?? ""
        out += "- Baseline: `\(md(d.baseline.reference))`\(via) (digest `\(d.baseline.digest.prefix(12))`)\n"
        out += "- Policy version \(d.policyVersion), tier `\(md(d.tier))`; "
            + "\(Format.fixed((1 - d.settings.alpha) * 100, 0)) % paired bootstrap CI (\(d.settings.bootstrapResamples) resamples, seed \(d.settings.seed)), "
            + "exact McNemar test, MDE at power \(Format.fixed(d.settings.power, 2))\n\n"
        if !d.comparisons.isEmpty {
            out += "| suite | items | candidate acc | baseline acc | Δ acc (pts) | CI (pts) | McNemar b/c | p-value | MDE (pts) | margin (pts) | non-inferior |\n"
            out += "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|\n"
            for c in d.comparisons {
                let mde = c.minimumDetectableEffect.map { Format.points($0) } ?? "n/a"
                out += "| \(md(c.suite)) | \(c.sharedItems) | \(Format.fixed(c.candidateAccuracy, 3)) | \(Format.fixed(c.baselineAccuracy, 3)) | "
                    + "\(Format.signedPoints(c.difference.estimate)) | [\(Format.signedPoints(c.difference.lower)), \(Format.signedPoints(c.difference.upper))] | "
                    + "\(c.counts.candidateOnly)/\(c.counts.baselineOnly) | \(Format.pValue(c.pValue)) | \(mde) | \(Format.points(c.margin)) | \(c.nonInferior ? "yes" : "**no**") |\n"
            }
            out += "\n"
            for c in d.comparisons {
                let mde = c.minimumDetectableEffect.map { Format.points($0) + " pts" } ?? "n/a"
                out += "- \(md(c.suite)): McNemar p = \(Format.pValue(c.pValue)); with \(c.sharedItems) shared items the minimum detectable effect is \(mde) (α = \(Format.number(d.settings.alpha)), power \(Format.number(d.settings.power))).\n"
            }
            out += "\n"
        }
        out += "| check | status | detail |\n|---|---|---|\n"
        for check in d.checks {
            out += "| \(md(check.name)) | \(check.status.rawValue) | \(md(check.detail)) |\n"
        }
        let perf = d.candidatePerformance
        out += "\nCandidate latency p95: \(perf.latencyP95Ms.map { Format.number($0) + " ms" } ?? "not measured"); "
            + "energy: \(perf.energyWhPer1000Items.map { Format.number($0) + " Wh/1000 items" } ?? "not measured").\n"
        if !d.reasons.isEmpty {
            out += "\n**Reasons:**\n" + d.reasons.map { "- \(md($0))\n" }.joined()
        }
        return out
    }

    /// JUnit XML: one `<testsuite>` per gate run, one `<testcase>` per check; `fail` checks are
    /// `<failure>`, `error` checks `<error>`, `warn` checks pass with a `<system-out>` note.
    public static func junitXML(_ d: GateDecision) -> String {
        let failures = d.checks.filter { $0.status == .fail }.count
        let errors = d.checks.filter { $0.status == .error }.count
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"assay-gate\" tests=\"\(d.checks.count)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
        out += "  <testsuite name=\"\(XMLText.escape("gate \(d.candidate.reference) vs \(d.baseline.reference)"))\" tests=\"\(d.checks.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"0\">\n"
        out += "    <properties>\n"
        let properties: [(String, String)] = [
            ("verdict", d.verdict.rawValue), ("candidate", d.candidate.reference), ("candidate.digest", d.candidate.digest),
            ("baseline", d.baseline.reference), ("baseline.digest", d.baseline.digest),
            ("policy.version", String(d.policyVersion)), ("tier", d.tier),
        ] + d.comparisons.flatMap { c in
            [("\(c.suite).p_value", Format.pValue(c.pValue)),
             ("\(c.suite).mde", c.minimumDetectableEffect.map { Format.fixed($0, 4) } ?? "n/a"),
             ("\(c.suite).difference", Format.fixed(c.difference.estimate, 4)),
             ("\(c.suite).ci_lower", Format.fixed(c.difference.lower, 4)),
             ("\(c.suite).ci_upper", Format.fixed(c.difference.upper, 4))]
        }
        for (name, value) in properties {
            out += "      <property name=\"\(XMLText.escape(name))\" value=\"\(XMLText.escape(value))\"/>\n"
        }
        out += "    </properties>\n"
        for check in d.checks {
            out += "    <testcase classname=\"assay.gate\" name=\"\(XMLText.escape(check.name))\""
            switch check.status {
            case .pass:
                out += "/>\n"
            case .warn:
                out += ">\n      <system-out>\(XMLText.escape("warning: " + check.detail))</system-out>\n    </testcase>\n"
            case .fail:
                out += ">\n      <failure message=\"\(XMLText.escape(check.detail))\" type=\"regression\">\(XMLText.escape(check.detail))</failure>\n    </testcase>\n"
            case .error:
                out += ">\n      <error message=\"\(XMLText.escape(check.detail))\" type=\"missing-evidence\">\(XMLText.escape(check.detail))</error>\n    </testcase>\n"
            }
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    /// Pretty, key-sorted JSON of the decision.
    public static func json(_ d: GateDecision) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(d), as: UTF8.self) + "\n"
    }

    /// Escapes Markdown table metacharacters.
    static func md(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "|": out += "\\|"
            case "\n", "\r": out += " "
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(ch)
            }
        }
        return out
    }
}

/// XML/HTML text escaping.
public enum XMLText {
    /// Escapes `& < > " '` and drops characters XML 1.0 forbids (control characters except tab,
    /// newline and carriage return), so any input yields well-formed output.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                let v = scalar.value
                if v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D { continue }
                if v == 0xFFFE || v == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
