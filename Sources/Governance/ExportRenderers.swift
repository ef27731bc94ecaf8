import Foundation

/// Output formats of `assay export`.
public enum ExportFormat: String, Sendable, CaseIterable {
    case json
    case markdown
    case html
    case cyclonedx

    /// Renders `export` in this format.
    public func render(_ export: LineageExport) throws -> String {
        switch self {
        case .json: return try ExportRenderer.json(export)
        case .markdown: return ExportRenderer.markdown(export)
        case .html: return ExportRenderer.html(export)
        case .cyclonedx: return try CycloneDXExport.render(export)
        }
    }
}

/// JSON, Markdown and HTML renderings of a `LineageExport`.
public enum ExportRenderer {
    public static func json(_ e: LineageExport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(e), as: UTF8.self) + "\n"
    }

    static func opt(_ x: Double?, _ f: (Double) -> String) -> String { x.map(f) ?? "–" }

    public static func markdown(_ e: LineageExport) -> String {
        let md = GateReport.md
        var out = "# Model version \(md(e.version.reference))\n\n"
        out += "- Digest (SHA-256): `\(e.version.digest)`\n- Format: \(md(e.version.format)); \(e.version.totalSize) bytes\n"
        out += "- Registered \(md(e.version.createdAt)) by \(md(e.version.createdBy))\n"
        if let a = e.approval {
            out += "- Approval state: **\(md(a.state))**" + (a.tier.map { " (tier \(md($0)))" } ?? "") + "\n"
            if a.needsReview { out += "- **Needs review:** \(md(a.needsReviewReason ?? ""))\n" }
        }
        if let head = e.auditHeadHash { out += "- Audit chain head: `\(head)` (\(e.auditEventCount ?? 0) events)\n" }
        out += "- Generated \(md(e.generatedAt)) by assay \(md(e.generator))\n\n"

        out += "## Artifacts\n\n| file | size | SHA-256 | format | details |\n|---|---:|---|---|---|\n"
        for a in e.version.artifacts {
            let details = [a.architecture, a.quantization, a.parameterCount.map { "\($0) params" }].compactMap { $0 }.joined(separator: ", ")
            out += "| \(md(a.path)) | \(a.size) | `\(a.sha256)` | \(md(a.format)) | \(md(details)) |\n"
        }
        if !e.modelCard.isEmpty {
            out += "\n## Model card\n\n"
            for key in e.modelCard.keys.sorted() { out += "- **\(md(key))**: \(md(e.modelCard[key] ?? ""))\n" }
        }
        out += "\n## Lineage\n\n"
        if e.edges.isEmpty { out += "No lineage edges.\n" }
        for edge in e.edges { out += "- \(md(edge.child)) —\(md(edge.relation))→ \(md(edge.parent)) (\(md(edge.parentKind)))\n" }
        if !e.ancestors.isEmpty { out += "\nAncestors: " + e.ancestors.map { "\(md($0.reference)) (`\($0.digest.prefix(12))`, \($0.state ?? "?"))" }.joined(separator: ", ") + "\n" }
        if !e.descendants.isEmpty { out += "\nDescendants: " + e.descendants.map { "\(md($0.reference)) (\($0.state ?? "?"))" }.joined(separator: ", ") + "\n" }
        if !e.datasets.isEmpty {
            out += "\n## Datasets\n\n| dataset | relation | licence | PII | digest |\n|---|---|---|---|---|\n"
            for d in e.datasets {
                out += "| \(md(d.reference)) | \(md(d.relation)) | \(md(d.license)) | \(d.containsPII ? "yes" : "no") | `\(d.digest)` |\n"
            }
        }
        out += "\n## Evaluation results\n\n"
        if e.evaluations.isEmpty { out += "No completed evaluation runs.\n" } else {
            out += "| variant | suite/task | metric | value | 95 % CI | n | p95 latency (ms) | Wh/1000 items | run |\n|---|---|---|---:|---|---:|---:|---:|---|\n"
            for ev in e.evaluations {
                let ci = (ev.ciLower != nil && ev.ciUpper != nil) ? "[\(Format.fixed(ev.ciLower ?? 0, 3)), \(Format.fixed(ev.ciUpper ?? 0, 3))]" : "–"
                out += "| \(md(ev.variant)) | \(md(ev.suite))/\(md(ev.task)) | \(md(ev.metric)) | \(Format.fixed(ev.value, 3)) | \(ci) | \(ev.items) | "
                    + "\(opt(ev.latencyP95Ms) { Format.fixed($0, 1) }) | \(opt(ev.energyWhPer1000Items) { Format.fixed($0, 3) }) | `\(md(ev.runID))` |\n"
            }
        }
        out += e.datasetQualityMarkdown
        if !e.gateVerdicts.isEmpty {
            out += "\n## Regression gate verdicts\n\n| time | verdict | baseline | policy | checks not passed | audit event |\n|---|---|---|---|---|---|\n"
            for g in e.gateVerdicts {
                out += "| \(md(g.time)) | \(md(g.verdict))\(g.blocking ? " (blocking)" : "") | \(md(g.baseline)) | v\(g.policyVersion) (\(md(g.tier))) | \(md(g.notPassed.joined(separator: "; "))) | #\(g.auditSeq) |\n"
            }
        }
        if let a = e.approval, !a.decisions.isEmpty {
            out += "\n## Approval decisions\n\n| time | action | from → to | actor | reason | policy | evaluation runs |\n|---|---|---|---|---|---|---|\n"
            for d in a.decisions {
                out += "| \(md(d.time)) | \(md(d.action)) | \(md(d.fromState)) → \(md(d.toState)) | \(md(d.actor)) | \(md(d.reason ?? "")) | v\(d.policyVersion) | \(md(d.evaluationRunIDs.joined(separator: ", "))) |\n"
            }
        }
        if !e.aliases.isEmpty {
            out += "\n## Aliases of \(md(e.version.name))\n\n"
            for alias in e.aliases { out += "- \(md(alias.name)) → \(md(alias.target))\(alias.isProtected ? " (protected)" : "")\n" }
        }
        return out
    }

    // MARK: HTML

    static func h(_ s: String) -> String { XMLText.escape(s) }

    static let css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1d232b;margin:2rem auto;max-width:60rem;padding:0 1rem;line-height:1.45}
        h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;border-bottom:1px solid #ccd;padding-bottom:.2rem;margin-top:2rem}
        code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;word-break:break-all}
        table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}th,td{border:1px solid #d5d9e0;padding:.3rem .45rem;text-align:left;vertical-align:top}
        th{background:#f1f3f6}td.num{text-align:right;font-variant-numeric:tabular-nums}
        .state{display:inline-block;padding:.1rem .5rem;border-radius:.6rem;background:#e6ecf5;font-weight:600}
        .state.approved{background:#d8f0dc;color:#145a24}.state.revoked,.state.rejected{background:#f8dcdc;color:#7a1616}
        .warn{background:#fff4d6;border-left:4px solid #e0a800;padding:.4rem .7rem}
        figure{margin:1rem 0;break-inside:avoid;page-break-inside:avoid}figcaption{font-size:.85rem;color:#4a5260}
        svg{max-width:100%;height:auto}svg text{font-family:inherit}
        @media print{body{margin:0;max-width:none;font-size:10.5pt}h2{break-after:avoid}a{color:inherit;text-decoration:none}
        th{background:#eee!important;-webkit-print-color-adjust:exact;print-color-adjust:exact}}
        """

    static let palette = ["#3b6fb6", "#d9822b", "#3a9a5b", "#a0479b", "#c23b3b", "#5b6b7b", "#2b9aa0", "#8a6d3b"]

    /// A self-contained HTML report (inline CSS and SVG, no scripts, no external resources).
    public static func html(_ e: LineageExport) -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>Assay export: \(h(e.version.reference))</title>\n<style>\n\(css)\n</style>\n</head>\n<body>\n"
        out += "<h1>\(h(e.version.reference))</h1>\n"
        let state = e.approval?.state ?? "registered"
        out += "<p><span class=\"state \(h(state))\">\(h(state))</span>"
        if let tier = e.approval?.tier { out += " tier <b>\(h(tier))</b>" }
        out += " · digest <code>\(h(e.version.digest))</code></p>\n"
        if let a = e.approval, a.needsReview {
            out += "<p class=\"warn\">Needs review: \(h(a.needsReviewReason ?? "an ancestor was revoked"))</p>\n"
        }
        out += "<table><tr><th>Format</th><td>\(h(e.version.format))</td><th>Size</th><td class=\"num\">\(e.version.totalSize) bytes</td></tr>"
        out += "<tr><th>Registered</th><td>\(h(e.version.createdAt))</td><th>By</th><td>\(h(e.version.createdBy))</td></tr>"
        out += "<tr><th>Audit head</th><td colspan=\"3\"><code>\(h(e.auditHeadHash ?? "–"))</code> (\(e.auditEventCount ?? 0) events)</td></tr>"
        out += "<tr><th>Generated</th><td colspan=\"3\">\(h(e.generatedAt)) by assay \(h(e.generator))</td></tr></table>\n"

        out += "<h2>Artifacts</h2>\n<table><tr><th>File</th><th>Size</th><th>SHA-256</th><th>Details</th></tr>\n"
        for a in e.version.artifacts {
            let details = [a.architecture, a.quantization, a.parameterCount.map { "\($0) parameters" }].compactMap { $0 }.joined(separator: ", ")
            out += "<tr><td>\(h(a.path))</td><td class=\"num\">\(a.size)</td><td><code>\(h(a.sha256))</code></td><td>\(h(details.isEmpty ? a.format : details))</td></tr>\n"
        }
        out += "</table>\n"
        if !e.modelCard.isEmpty {
            out += "<h2>Model card</h2>\n<table>\n"
            for key in e.modelCard.keys.sorted() { out += "<tr><th>\(h(key))</th><td>\(h(e.modelCard[key] ?? ""))</td></tr>\n" }
            out += "</table>\n"
        }

        out += "<h2>Lineage</h2>\n<figure>\(lineageSVG(e))<figcaption>Lineage graph: ancestors to the left, derived versions to the right, datasets in green. Arrows point from a version to what it was made from.</figcaption></figure>\n"
        if !e.datasets.isEmpty {
            out += "<table><tr><th>Dataset</th><th>Relation</th><th>Licence</th><th>PII</th><th>Digest</th></tr>\n"
            for d in e.datasets {
                out += "<tr><td>\(h(d.reference))</td><td>\(h(d.relation))</td><td>\(h(d.license))</td><td>\(d.containsPII ? "yes" : "no")</td><td><code>\(h(d.digest))</code></td></tr>\n"
            }
            out += "</table>\n"
        }

        out += "<h2>Evaluation</h2>\n"
        if e.evaluations.isEmpty {
            out += "<p>No completed evaluation runs for this version or its relatives.</p>\n"
        } else {
            out += "<figure>\(metricSVG(e.evaluations))<figcaption>Headline metric per task and variant; whiskers show the 95 % confidence interval.</figcaption></figure>\n"
            out += "<figure>\(latencySVG(e.evaluations))<figcaption>Per-item end-to-end latency per variant: bar from p50 to p99, tick at p95 (ms).</figcaption></figure>\n"
            out += "<figure>\(energySVG(e.evaluations))<figcaption>Energy per 1,000 items per variant (Wh); missing bars were not measured.</figcaption></figure>\n"
            out += "<table><tr><th>Variant</th><th>Suite/task</th><th>Metric</th><th>Value</th><th>95 % CI</th><th>n</th><th>p95 ms</th><th>Wh/1000</th><th>Run</th></tr>\n"
            for ev in e.evaluations {
                let ci = (ev.ciLower != nil && ev.ciUpper != nil) ? "[\(Format.fixed(ev.ciLower ?? 0, 3)), \(Format.fixed(ev.ciUpper ?? 0, 3))]" : "–"
                out += "<tr><td>\(h(ev.variant))</td><td>\(h(ev.suite))/\(h(ev.task))</td><td>\(h(ev.metric))</td><td class=\"num\">\(Format.fixed(ev.value, 3))</td><td>\(ci)</td><td class=\"num\">\(ev.items)</td>"
                    + "<td class=\"num\">\(opt(ev.latencyP95Ms) { Format.fixed($0, 1) })</td><td class=\"num\">\(opt(ev.energyWhPer1000Items) { Format.fixed($0, 3) })</td><td><code>\(h(ev.runID))</code></td></tr>\n"
            }
            out += "</table>\n"
        }

        if let a = e.approval {
            out += "<h2>Approval decisions</h2>\n"
            if a.decisions.isEmpty { out += "<p>No decisions recorded.</p>\n" } else {
                out += "<table><tr><th>Time</th><th>Action</th><th>From → to</th><th>Actor</th><th>Reason</th><th>Policy</th><th>Evaluation runs</th></tr>\n"
                for d in a.decisions {
                    out += "<tr><td>\(h(d.time))</td><td>\(h(d.action))</td><td>\(h(d.fromState)) → \(h(d.toState))</td><td>\(h(d.actor))</td><td>\(h(d.reason ?? ""))</td><td>v\(d.policyVersion) (\(h(d.tier)))</td><td>\(h(d.evaluationRunIDs.joined(separator: ", ")))</td></tr>\n"
                }
                out += "</table>\n"
            }
        }
        out += "<h2>Regression gate verdicts</h2>\n"
        if e.gateVerdicts.isEmpty { out += "<p>No gate verdicts recorded for this version.</p>\n" } else {
            out += "<table><tr><th>Time</th><th>Verdict</th><th>Baseline</th><th>Policy</th><th>Runs</th><th>Checks not passed</th><th>Audit event</th></tr>\n"
            for g in e.gateVerdicts {
                out += "<tr><td>\(h(g.time))</td><td>\(h(g.verdict))\(g.blocking ? " (blocking)" : "")</td><td>\(h(g.baseline)) <code>\(h(String(g.baselineDigest.prefix(12))))</code></td>"
                    + "<td>v\(g.policyVersion) (\(h(g.tier)))</td><td>\(h(g.runs.joined(separator: ", ")))</td><td>\(h(g.notPassed.joined(separator: "; ")))</td><td>#\(g.auditSeq) by \(h(g.actor))</td></tr>\n"
            }
            out += "</table>\n"
        }
        if !e.aliases.isEmpty {
            out += "<h2>Aliases of \(h(e.version.name))</h2>\n<ul>\n"
            for alias in e.aliases { out += "<li>\(h(alias.name)) → \(h(alias.target))\(alias.isProtected ? " (protected)" : "")</li>\n" }
            out += "</ul>\n"
        }
        out += "</body>\n</html>\n"
        return out
    }

    static func variants(_ evs: [ExportedEvaluation]) -> [String] {
        var seen: [String] = []
        for ev in evs where !seen.contains(ev.variant) { seen.append(ev.variant) }
        return seen
    }

    static func f(_ x: Double) -> String { Format.fixed(x, 1) }

    static func legend(_ variants: [String], y: Double, width: Double) -> String {
        var out = ""
        var x = 10.0
        for (i, v) in variants.enumerated() {
            out += "<rect x=\"\(f(x))\" y=\"\(f(y - 9))\" width=\"10\" height=\"10\" fill=\"\(palette[i % palette.count])\"/>"
            out += "<text x=\"\(f(x + 14))\" y=\"\(f(y))\" font-size=\"11\">\(h(v))</text>"
            x += 24 + Double(v.count) * 6.5
            if x > width - 60 { x = 10 }
        }
        return out
    }

    /// Horizontal bars: one group per task, one bar per variant, CI whiskers.
    static func metricSVG(_ evs: [ExportedEvaluation]) -> String {
        let vs = variants(evs)
        var tasks: [String] = []
        for ev in evs where !tasks.contains("\(ev.suite)/\(ev.task) · \(ev.metric)") { tasks.append("\(ev.suite)/\(ev.task) · \(ev.metric)") }
        let width = 720.0, left = 230.0, right = 20.0, barH = 14.0
        let plotW = width - left - right
        var rows: [(label: String, ev: ExportedEvaluation?, variant: Int)] = []
        for t in tasks {
            rows.append((t, nil, -1))
            for (i, v) in vs.enumerated() {
                if let ev = evs.first(where: { "\($0.suite)/\($0.task) · \($0.metric)" == t && $0.variant == v }) { rows.append((v, ev, i)) }
            }
        }
        let height = 40 + Double(rows.count) * (barH + 6) + 30
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-label=\"Metric per variant\">"
        out += "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\"/>"
        for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
            let x = left + tick * plotW
            out += "<line x1=\"\(f(x))\" y1=\"20\" x2=\"\(f(x))\" y2=\"\(f(height - 30))\" stroke=\"#e1e4ea\"/>"
            out += "<text x=\"\(f(x))\" y=\"14\" font-size=\"10\" text-anchor=\"middle\" fill=\"#4a5260\">\(Format.fixed(tick, 2))</text>"
        }
        var y = 28.0
        for row in rows {
            guard let ev = row.ev else {
                out += "<text x=\"6\" y=\"\(f(y + barH - 3))\" font-size=\"12\" font-weight=\"600\">\(h(row.label))</text>"
                y += barH + 6
                continue
            }
            let color = palette[row.variant % palette.count]
            let w = max(0, min(1, ev.value)) * plotW
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y + barH - 3))\" font-size=\"11\" text-anchor=\"end\">\(h(row.label))</text>"
            out += "<rect x=\"\(f(left))\" y=\"\(f(y))\" width=\"\(f(w))\" height=\"\(f(barH))\" fill=\"\(color)\" opacity=\"0.85\"><title>\(h("\(ev.variant): \(Format.fixed(ev.value, 3))"))</title></rect>"
            if let lo = ev.ciLower, let hi = ev.ciUpper {
                let x1 = left + max(0, min(1, lo)) * plotW, x2 = left + max(0, min(1, hi)) * plotW, cy = y + barH / 2
                out += "<line x1=\"\(f(x1))\" y1=\"\(f(cy))\" x2=\"\(f(x2))\" y2=\"\(f(cy))\" stroke=\"#111\" stroke-width=\"1.5\"/>"
                out += "<line x1=\"\(f(x1))\" y1=\"\(f(y + 2))\" x2=\"\(f(x1))\" y2=\"\(f(y + barH - 2))\" stroke=\"#111\" stroke-width=\"1.5\"/>"
                out += "<line x1=\"\(f(x2))\" y1=\"\(f(y + 2))\" x2=\"\(f(x2))\" y2=\"\(f(y + barH - 2))\" stroke=\"#111\" stroke-width=\"1.5\"/>"
            }
            let labelX = left + max(w, (ev.ciUpper.map { max(0, min(1, $0)) } ?? 0) * plotW) + 5
            out += "<text x=\"\(f(labelX))\" y=\"\(f(y + barH - 3))\" font-size=\"10\" fill=\"#1d232b\">\(Format.fixed(ev.value, 3))</text>"
            y += barH + 6
        }
        out += legend(vs, y: height - 10, width: width)
        return out + "</svg>"
    }

    /// p50–p99 range bar with a p95 tick, per variant (best run of each variant: the largest n).
    static func latencySVG(_ evs: [ExportedEvaluation]) -> String {
        let vs = variants(evs)
        let rows: [(String, Double, Double, Double)] = vs.compactMap { v in
            let candidates = evs.filter { $0.variant == v && $0.latencyP95Ms != nil }
            guard let ev = candidates.max(by: { $0.items < $1.items }), let p95 = ev.latencyP95Ms else { return nil }
            return (v, ev.latencyP50Ms ?? p95, p95, ev.latencyP99Ms ?? p95)
        }
        let width = 720.0, left = 200.0, right = 190.0, barH = 16.0
        let height = 40 + Double(max(rows.count, 1)) * (barH + 10) + 10
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-label=\"Latency per variant\">"
        out += "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\"/>"
        guard let maxV = rows.map(\.3).max(), maxV > 0 else {
            return out + "<text x=\"10\" y=\"30\" font-size=\"12\">Latency was not measured.</text></svg>"
        }
        let scale = (width - left - right) / (maxV * 1.1)
        for i in 0...4 {
            let v = maxV * 1.1 * Double(i) / 4, x = left + v * scale
            out += "<line x1=\"\(f(x))\" y1=\"20\" x2=\"\(f(x))\" y2=\"\(f(height - 10))\" stroke=\"#e1e4ea\"/>"
            out += "<text x=\"\(f(x))\" y=\"14\" font-size=\"10\" text-anchor=\"middle\" fill=\"#4a5260\">\(Format.fixed(v, 0)) ms</text>"
        }
        var y = 30.0
        for (i, row) in rows.enumerated() {
            let color = palette[(vs.firstIndex(of: row.0) ?? i) % palette.count]
            let x50 = left + row.1 * scale, x95 = left + row.2 * scale, x99 = left + row.3 * scale
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y + barH - 4))\" font-size=\"11\" text-anchor=\"end\">\(h(row.0))</text>"
            out += "<rect x=\"\(f(x50))\" y=\"\(f(y))\" width=\"\(f(max(2, x99 - x50)))\" height=\"\(f(barH))\" fill=\"\(color)\" opacity=\"0.5\"/>"
            out += "<line x1=\"\(f(x95))\" y1=\"\(f(y - 3))\" x2=\"\(f(x95))\" y2=\"\(f(y + barH + 3))\" stroke=\"#111\" stroke-width=\"2\"/>"
            out += "<text x=\"\(f(x99 + 4))\" y=\"\(f(y + barH - 4))\" font-size=\"10\">p50 \(Format.fixed(row.1, 0)) · p95 \(Format.fixed(row.2, 0)) · p99 \(Format.fixed(row.3, 0))</text>"
            y += barH + 10
        }
        return out + "</svg>"
    }

    /// Vertical bars of Wh per 1,000 items per variant (mean over the variant's runs).
    static func energySVG(_ evs: [ExportedEvaluation]) -> String {
        let vs = variants(evs)
        let values: [(String, Double?)] = vs.map { v in
            let xs = evs.filter { $0.variant == v }.compactMap(\.energyWhPer1000Items)
            return (v, xs.isEmpty ? nil : xs.reduce(0, +) / Double(xs.count))
        }
        let width = 720.0, height = 220.0, bottom = 40.0, top = 20.0, left = 60.0
        let maxV = values.compactMap(\.1).max() ?? 0
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-label=\"Energy per variant\">"
        out += "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\"/>"
        guard maxV > 0 else { return out + "<text x=\"10\" y=\"30\" font-size=\"12\">Energy was not measured.</text></svg>" }
        let plotH = height - top - bottom
        let slot = (width - left - 20) / Double(max(values.count, 1))
        out += "<line x1=\"\(f(left))\" y1=\"\(f(height - bottom))\" x2=\"\(f(width - 10))\" y2=\"\(f(height - bottom))\" stroke=\"#888\"/>"
        out += "<text x=\"\(f(left - 6))\" y=\"\(f(top + 4))\" font-size=\"10\" text-anchor=\"end\">\(Format.fixed(maxV * 1.1, 2))</text>"
        out += "<text x=\"\(f(left - 6))\" y=\"\(f(height - bottom))\" font-size=\"10\" text-anchor=\"end\">0</text>"
        for (i, (v, value)) in values.enumerated() {
            let cx = left + slot * (Double(i) + 0.5)
            out += "<text x=\"\(f(cx))\" y=\"\(f(height - bottom + 16))\" font-size=\"11\" text-anchor=\"middle\">\(h(v))</text>"
            guard let value else {
                out += "<text x=\"\(f(cx))\" y=\"\(f(height - bottom - 6))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#777\">not measured</text>"
                continue
            }
            let bh = value / (maxV * 1.1) * plotH
            out += "<rect x=\"\(f(cx - min(40, slot * 0.35)))\" y=\"\(f(height - bottom - bh))\" width=\"\(f(min(80, slot * 0.7)))\" height=\"\(f(bh))\" fill=\"\(palette[i % palette.count])\"/>"
            out += "<text x=\"\(f(cx))\" y=\"\(f(height - bottom - bh - 4))\" font-size=\"10\" text-anchor=\"middle\">\(Format.fixed(value, 3)) Wh</text>"
        }
        return out + "</svg>"
    }

    /// Layered lineage graph: each node's column is its signed distance from the exported version.
    static func lineageSVG(_ e: LineageExport) -> String {
        let root = e.version.reference
        var level: [String: Int] = [root: 0]
        var isDataset: Set<String> = []
        // Ancestors: walk edges upwards; descendants: downwards (a few passes settle small graphs).
        for _ in 0..<(e.edges.count + 1) {
            for edge in e.edges {
                if edge.parentKind == "dataset" { isDataset.insert(edge.parent) }
                if let c = level[edge.child], level[edge.parent] == nil, c <= 0 || edge.parentKind == "dataset" {
                    level[edge.parent] = c - 1
                }
                if let p = level[edge.parent], level[edge.child] == nil, p >= 0, edge.parentKind == "model" {
                    level[edge.child] = p + 1
                }
            }
        }
        for d in e.datasets where level[d.reference] == nil { level[d.reference] = -1; isDataset.insert(d.reference) }
        let levels = Set(level.values).sorted()
        var columns: [Int: [String]] = [:]
        for (node, l) in level.sorted(by: { $0.key < $1.key }) { columns[l, default: []].append(node) }
        let colW = 250.0, rowH = 56.0, boxW = 160.0, boxH = 34.0
        let width = max(400, Double(levels.count) * colW + 20)
        let maxRows = Double(columns.values.map(\.count).max() ?? 1)
        let height = maxRows * rowH + 30
        var pos: [String: (Double, Double)] = [:]
        for (ci, l) in levels.enumerated() {
            let nodes = columns[l] ?? []
            let offset = (maxRows - Double(nodes.count)) * rowH / 2
            for (ri, n) in nodes.enumerated() {
                pos[n] = (10 + Double(ci) * colW, 15 + offset + Double(ri) * rowH)
            }
        }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-label=\"Lineage graph\">"
        out += "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>"
        out += "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#ffffff\"/>"
        for edge in e.edges {
            guard let c = pos[edge.child], let p = pos[edge.parent] else { continue }
            let forward = c.0 > p.0
            let x1 = forward ? c.0 : c.0 + boxW, y1 = c.1 + boxH / 2
            let x2 = forward ? p.0 + boxW : p.0, y2 = p.1 + boxH / 2
            out += "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"#555\" stroke-width=\"1.3\" marker-end=\"url(#arrow)\"/>"
            out += "<text x=\"\(f((x1 + x2) / 2))\" y=\"\(f((y1 + y2) / 2 - 4))\" font-size=\"9\" text-anchor=\"middle\" fill=\"#333\">\(h(edge.relation))</text>"
        }
        let states = Dictionary((e.ancestors + e.descendants).map { ($0.reference, $0.state ?? "") }, uniquingKeysWith: { a, _ in a })
        for (node, p) in pos.sorted(by: { $0.key < $1.key }) {
            let dataset = isDataset.contains(node)
            let fill = node == root ? "#dbe7f7" : (dataset ? "#e2f3e5" : "#f4f5f7")
            let stroke = node == root ? "#3b6fb6" : (dataset ? "#3a9a5b" : "#8a93a0")
            out += "<rect x=\"\(f(p.0))\" y=\"\(f(p.1))\" width=\"\(f(boxW))\" height=\"\(f(boxH))\" rx=\"6\" fill=\"\(fill)\" stroke=\"\(stroke)\" stroke-width=\"\(node == root ? "2" : "1")\"/>"
            let label = node.count > 26 ? String(node.prefix(25)) + "…" : node
            out += "<text x=\"\(f(p.0 + boxW / 2))\" y=\"\(f(p.1 + 15))\" font-size=\"11\" text-anchor=\"middle\" font-weight=\"\(node == root ? "700" : "400")\">\(h(label))</text>"
            let sub = dataset ? "dataset" : (node == root ? (e.approval?.state ?? "") : (states[node] ?? ""))
            out += "<text x=\"\(f(p.0 + boxW / 2))\" y=\"\(f(p.1 + 28))\" font-size=\"9\" text-anchor=\"middle\" fill=\"#4a5260\">\(h(sub))</text>"
        }
        return out + "</svg>"
    }
}
