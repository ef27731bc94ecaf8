import Foundation
import JSON

/// Renders a `GateDecision` for people (Markdown), CI systems (JUnit XML) and tools (JSON).
public enum GateReport {
    /// A Markdown summary: verdict, per (suite, task, metric) paired statistics (with p-value and
    /// minimum detectable effect), every check and the methods behind the numbers.
    public static func markdown(_ d: GateDecision) -> String {
        let icon: String
        switch d.verdict {
        case .pass: icon = "PASS"
        case .regression: icon = "REGRESSION"
        case .fail: icon = "FAIL"
        case .inconclusive: icon = d.blocking ? "INCONCLUSIVE (blocking)" : "INCONCLUSIVE (allowed by policy)"
        case .error: icon = "ERROR"
        }
        var out = "## Assay gate: \(icon)\n\n"
        out += "- Candidate: `\(md(d.candidate.reference))` (digest `\(d.candidate.digest.prefix(12))`)\n"
        let via = d.baseline.via.map { " via \(md($0))" } ?? ""
        out += "- Baseline: `\(md(d.baseline.reference))`\(via) (digest `\(d.baseline.digest.prefix(12))`)\n"
        out +=
            "- Policy version \(d.policyVersion), tier `\(md(d.tier))`; "
            + "\(Format.fixed((1 - d.settings.alpha) * 100, 0)) % paired bootstrap percentile CI (\(d.settings.bootstrapResamples) resamples, seed \(d.settings.seed)), "
            + "exact McNemar test, MDE at power \(Format.fixed(d.settings.power, 2)); inconclusive comparisons \(d.settings.inconclusive == .allow ? "are allowed" : "block")\n\n"
        if !d.comparisons.isEmpty {
            out +=
                "| suite | task | metric | items | candidate | baseline | Δ (pts) | CI (pts) | McNemar b/c | p-value | MDE (pts) | margin (pts) | outcome |\n"
            out += "|---|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---|\n"
            for c in d.comparisons {
                let mde = c.minimumDetectableEffect.map { Format.points($0) } ?? "n/a"
                out +=
                    "| \(md(c.suite)) | \(md(c.task)) | \(md(c.metric)) | \(c.sharedItems) | \(Format.fixed(c.candidateAccuracy, 3)) | \(Format.fixed(c.baselineAccuracy, 3)) | "
                    + "\(Format.signedPoints(c.difference.estimate)) | [\(Format.signedPoints(c.difference.lower)), \(Format.signedPoints(c.difference.upper))] | "
                    + "\(c.counts.candidateOnly)/\(c.counts.baselineOnly) | \(Format.pValue(c.pValue)) | \(mde) | \(Format.points(c.margin)) | \(c.outcome == .nonInferior ? c.outcome.rawValue : "**\(c.outcome.rawValue)**") |\n"
            }
            out += "\n"
        }
        out += "| check | status | detail |\n|---|---|---|\n"
        for check in d.checks {
            out += "| \(md(check.name)) | \(check.status.rawValue) | \(md(check.detail)) |\n"
        }
        let perf = d.candidatePerformance
        out +=
            "\nCandidate latency p95: \(perf.latencyP95Ms.map { Format.number($0) + " ms" } ?? "not measured")"
            + (perf.underLoad.map { " (measured under load: \(md($0)))" } ?? "") + "; "
            + "energy: \(perf.clientSideEnergyOnly ? "client-side only (remote backend)" : perf.energyWhPer1000Items.map { Format.number($0) + " Wh/1000 items" } ?? "not measured").\n"
        out += decontaminatedMarkdown(d)
        out += "\nMethods: " + d.methods.joined(separator: "; ") + ".\n"
        if !d.reasons.isEmpty {
            out += "\n**Reasons:**\n" + d.reasons.map { "- \(md($0))\n" }.joined()
        }
        return out
    }

    /// JUnit XML: one `<testsuite>` per suite (plus `performance` for latency/energy and
    /// `gate` for whole-run checks), one `<testcase>` per check with a stable name
    /// (`suite/task/metric`, no thresholds), `classname` = `assay.gate.<suite>`, the check's
    /// numbers (p-value, CI, MDE, threshold) as testcase properties and in failure messages.
    /// `fail` and blocking `inconclusive` checks are `<failure>`, `error` checks `<error>`,
    /// warnings (and allowed inconclusive checks) `<skipped message=…>`.
    public static func junitXML(_ d: GateDecision, elapsedSeconds: Double = 0) -> String {
        var groups: [(String, [GateCheck])] = []
        for check in d.checks {
            let key =
                check.suite ?? (check.name.hasPrefix("latency") || check.name == "energy" ? "performance" : "gate")
            if let i = groups.firstIndex(where: { $0.0 == key }) {
                groups[i].1.append(check)
            } else {
                groups.append((key, [check]))
            }
        }
        func isFailure(_ c: GateCheck) -> Bool { c.status == .fail || (c.status == .inconclusive && d.blocking) }
        func isSkipped(_ c: GateCheck) -> Bool { c.status == .warn || (c.status == .inconclusive && !d.blocking) }
        let total = d.checks.count
        let failures = d.checks.filter(isFailure).count
        let errors = d.checks.filter { $0.status == .error }.count
        let skipped = d.checks.filter(isSkipped).count
        let perCase = total > 0 ? elapsedSeconds / Double(total) : 0
        let time = Format.fixed(elapsedSeconds, 3)
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out +=
            "<testsuites name=\"assay-gate\" tests=\"\(total)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"\(time)\">\n"
        for (group, checks) in groups {
            let f = checks.filter(isFailure).count
            let e = checks.filter { $0.status == .error }.count
            let s = checks.filter(isSkipped).count
            out +=
                "  <testsuite name=\"\(XMLText.escape(group))\" tests=\"\(checks.count)\" failures=\"\(f)\" errors=\"\(e)\" skipped=\"\(s)\" time=\"\(Format.fixed(perCase * Double(checks.count), 3))\">\n"
            out += "    <properties>\n"
            let properties: [(String, String)] = [
                ("verdict", d.verdict.rawValue), ("blocking", String(d.blocking)), ("candidate", d.candidate.reference),
                ("candidate.digest", d.candidate.digest), ("baseline", d.baseline.reference),
                ("baseline.digest", d.baseline.digest),
                ("policy.version", String(d.policyVersion)), ("tier", d.tier)
            ]
            for (name, value) in properties {
                out += "      <property name=\"\(XMLText.escape(name))\" value=\"\(XMLText.escape(value))\"/>\n"
            }
            out += "    </properties>\n"
            for check in checks {
                out +=
                    "    <testcase classname=\"\(XMLText.escape("assay.gate." + group))\" name=\"\(XMLText.escape(check.name))\" time=\"\(Format.fixed(perCase, 3))\">\n"
                if !check.properties.isEmpty {
                    out += "      <properties>\n"
                    for key in check.properties.keys.sorted() {
                        out +=
                            "        <property name=\"\(XMLText.escape(key))\" value=\"\(XMLText.escape(check.properties[key] ?? ""))\"/>\n"
                    }
                    out += "      </properties>\n"
                }
                if isFailure(check) {
                    let type =
                        check.status == .inconclusive
                        ? "inconclusive"
                        : (check.name.hasSuffix("/floor") || check.suite == nil ? "policy" : "regression")
                    out +=
                        "      <failure message=\"\(XMLText.escape(check.detail))\" type=\"\(type)\">\(XMLText.escape(check.detail))</failure>\n"
                } else if check.status == .error {
                    out +=
                        "      <error message=\"\(XMLText.escape(check.detail))\" type=\"missing-evidence\">\(XMLText.escape(check.detail))</error>\n"
                } else if isSkipped(check) {
                    out += "      <skipped message=\"\(XMLText.escape("warning: " + check.detail))\"/>\n"
                } else {
                    out += "      <system-out>\(XMLText.escape(check.detail))</system-out>\n"
                }
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    /// Pretty, key-sorted JSON of the decision.
    public static func json(_ d: GateDecision) throws -> String {
        let encoder = JSONOutput.encoder(pretty: true)
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
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
    /// The characters spelled as references in text and attribute values.
    static let references: [Unicode.Scalar: String] = [
        "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"
    ]

    /// Escapes `& < > " '` and drops characters XML 1.0 forbids (control characters except tab,
    /// newline and carriage return), so any input yields well-formed output.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            if let reference = references[scalar] {
                out += reference
            } else if isAllowed(scalar) {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// False for what XML 1.0 forbids: control characters other than tab, newline and carriage
    /// return, and U+FFFE / U+FFFF.
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        let control = v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D
        return !control && v != 0xFFFE && v != 0xFFFF
    }
}
