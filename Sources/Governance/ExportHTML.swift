extension ExportRenderer {
    static func h(_ s: String) -> String { XMLText.escape(s) }

    static let css = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1d232b;margin:2rem auto;max-width:64rem;padding:0 1rem;line-height:1.45}
        h1{font-size:1.6rem;margin-bottom:.2rem;overflow-wrap:anywhere}h2{font-size:1.2rem;border-bottom:1px solid #ccd;padding-bottom:.2rem;margin-top:2rem}
        code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;word-break:break-all}
        .wide{overflow-x:auto}
        table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}th,td{border:1px solid #d5d9e0;padding:.3rem .45rem;text-align:left;vertical-align:top}
        td{overflow-wrap:break-word}th{background:#f1f3f6;white-space:nowrap}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .state,.verdict{display:inline-block;padding:.1rem .5rem;border-radius:.6rem;background:#e6ecf5;font-weight:600}
        .state.approved,.verdict.pass{background:#d8f0dc;color:#145a24}.state.revoked,.state.rejected,.verdict.fail{background:#f8dcdc;color:#7a1616}
        .verdict.inconclusive{background:#fff4d6;color:#6b4e00}
        .warn{background:#fff4d6;border-left:4px solid #e0a800;padding:.4rem .7rem}
        figure{margin:1rem 0;break-inside:avoid;page-break-inside:avoid}figcaption{font-size:.85rem;color:#4a5260}
        svg{max-width:100%;height:auto}svg text{font-family:inherit}
        @page{size:A4;margin:14mm}
        @media print{body{margin:0;max-width:none;font-size:10pt;padding:0}h2{break-after:avoid;page-break-after:avoid}a{color:inherit;text-decoration:none}
        .wide{overflow:visible}table{font-size:8.5pt}tr,figure,.gate{break-inside:avoid;page-break-inside:avoid}thead{display:table-header-group}
        th,.state,.verdict{-webkit-print-color-adjust:exact;print-color-adjust:exact}th{background:#eee!important}}
        """

    /// A table with a header row; `rows` are already-rendered `<tr>` lines.
    static func table(_ headers: [String], _ rows: [String]) -> String {
        "<div class=\"wide\"><table><thead><tr>" + headers.map { "<th>\(h($0))</th>" }.joined()
            + "</tr></thead><tbody>\n"
            + rows.joined(separator: "\n") + "\n</tbody></table></div>\n"
    }

    /// A self-contained HTML report (inline CSS and SVG, no scripts, no external resources),
    /// printable (`@media print`: A4, no split rows or charts, repeated table headers).
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
        out +=
            "<table><tr><th>Format</th><td>\(h(e.version.format))</td><th>Size</th><td class=\"num\">\(e.version.totalSize) bytes</td></tr>"
        out +=
            "<tr><th>Registered</th><td>\(h(e.version.createdAt))</td><th>By</th><td>\(h(e.version.createdBy))</td></tr>"
        out +=
            "<tr><th>Audit head</th><td colspan=\"3\"><code>\(h(e.auditHeadHash ?? "–"))</code> (\(e.auditEventCount ?? 0) events)</td></tr>"
        out +=
            "<tr><th>Generated</th><td colspan=\"3\">\(h(e.generatedAt)) by assay \(h(e.generator))</td></tr></table>\n"

        out +=
            "<h2>Artifacts</h2>\n"
            + table(
                ["File", "Size", "SHA-256", "Details"],
                e.version.artifacts.map { a in
                    let details = [a.architecture, a.quantization, a.parameterCount.map { "\($0) parameters" }]
                        .compactMap { $0 }.joined(separator: ", ")
                    return
                        "<tr><td>\(h(a.path))</td><td class=\"num\">\(a.size)</td><td><code>\(h(a.sha256))</code></td><td>\(h(details.isEmpty ? a.format : details))</td></tr>"
                })
        if !e.modelCard.isEmpty {
            out += "<h2>Model card</h2>\n<table>\n"
            for key in e.modelCard.keys.sorted() {
                out += "<tr><th>\(h(key))</th><td>\(h(e.modelCard[key] ?? ""))</td></tr>\n"
            }
            out += "</table>\n"
        }

        out +=
            "<h2>Lineage</h2>\n<figure>\(ExportCharts.lineageSVG(e))<figcaption>Lineage graph: ancestors to the left, derived versions to the right, datasets in green. Arrows point from a version to what it was made from.</figcaption></figure>\n"
        if !e.datasets.isEmpty {
            out += table(
                ["Dataset", "Relation", "Licence", "PII", "Digest"],
                e.datasets.map { d in
                    "<tr><td>\(h(d.reference))</td><td>\(h(d.relation))</td><td>\(h(d.license))</td><td>\(d.containsPII ? "yes" : "no")</td><td><code>\(h(d.digest))</code></td></tr>"
                })
        }

        out += evaluationSection(e.evaluations)
        out += gateSection(e)
        if let a = e.approval {
            out += "<h2>Approval decisions</h2>\n"
            if a.decisions.isEmpty {
                out += "<p>No decisions recorded.</p>\n"
            } else {
                out += table(
                    ["Time", "Action", "From → to", "Actor", "Reason", "Policy", "Evaluation runs"],
                    a.decisions.map { d in
                        "<tr><td>\(h(d.time))</td><td>\(h(d.action))</td><td>\(h(d.fromState)) → \(h(d.toState))</td><td>\(h(d.actor))</td><td>\(h(d.reason ?? ""))</td><td>v\(d.policyVersion) (\(h(d.tier)))</td><td>\(h(d.evaluationRunIDs.joined(separator: ", ")))</td></tr>"
                    })
            }
        }
        if !e.aliases.isEmpty {
            out += "<h2>Aliases of \(h(e.version.name))</h2>\n<ul>\n"
            for alias in e.aliases {
                out += "<li>\(h(alias.name)) → \(h(alias.target))\(alias.isProtected ? " (protected)" : "")</li>\n"
            }
            out += "</ul>\n"
        }
        out += "</body>\n</html>\n"
        return out
    }

    /// Evaluation: charts of the headline metric, latency and energy, then one row per run and
    /// metric (or a note that there are no completed runs).
    static func evaluationSection(_ evaluations: [ExportedEvaluation]) -> String {
        var out = "<h2>Evaluation</h2>\n"
        guard !evaluations.isEmpty else {
            return out + "<p>No completed evaluation runs for this version or its relatives.</p>\n"
        }
        out +=
            "<figure>\(ExportCharts.metricSVG(evaluations))<figcaption>Headline metric per task, variant and backend; whiskers show the 95 % confidence interval.</figcaption></figure>\n"
        out +=
            "<figure>\(ExportCharts.latencySVG(evaluations))<figcaption>Per-item end-to-end latency per variant and backend: bar from p50 to p99, tick at p95 (ms).</figcaption></figure>\n"
        out +=
            "<figure>\(ExportCharts.energySVG(evaluations))<figcaption>Energy per 1,000 items, one bar per variant and backend (runs on different backends are not averaged together); missing bars were not measured.</figcaption></figure>\n"
        return out
            + table(
                ["Variant", "Backend", "Suite/task", "Metric", "Value", "95 % CI", "n", "p95 ms", "Wh/1000", "Run"],
                evaluations.map { ev in
                    "<tr><td>\(h(ev.variant))</td><td>\(h(ev.backendLabel))</td><td>\(h(ev.suite))/\(h(ev.task))</td><td>\(h(ev.metric))</td><td class=\"num\">\(Format.fixed(ev.value, 3))</td><td>\(ev.intervalText)</td><td class=\"num\">\(ev.items)</td>"
                        + "<td class=\"num\">\(opt(ev.latencyP95Ms) { Format.fixed($0, 1) })</td><td class=\"num\">\(opt(ev.energyWhPer1000Items) { Format.fixed($0, 3) })</td><td><code>\(h(ev.runID))</code></td></tr>"
                })
    }

    /// The regression gate: the latest verdict up front (what a reader wants to know), then
    /// every recorded verdict with the checks that did not pass.
    static func gateSection(_ e: LineageExport) -> String {
        var out = "<section class=\"gate\" id=\"gate\">\n<h2>Regression gate verdicts</h2>\n"
        guard let latest = e.gateVerdicts.last else {
            return out + "<p>No gate verdicts recorded for this version.</p>\n</section>\n"
        }
        out +=
            "<p>Latest: <span class=\"verdict \(h(latest.verdict))\">\(h(latest.verdict))</span>"
            + (latest.blocking ? " (blocking)" : "")
            + " against \(h(latest.baseline)) under policy v\(latest.policyVersion) (tier \(h(latest.tier))), "
            + "\(h(latest.time)) by \(h(latest.actor)); "
            + (latest.notPassed.isEmpty ? "every check passed." : "\(latest.notPassed.count) check(s) did not pass.")
            + "</p>\n"
        out += table(
            ["Time", "Verdict", "Baseline", "Policy", "Runs", "Checks not passed", "Audit event"],
            e.gateVerdicts.map { g in
                "<tr><td>\(h(g.time))</td><td><span class=\"verdict \(h(g.verdict))\">\(h(g.verdict))</span>\(g.blocking ? " (blocking)" : "")</td><td>\(h(g.baseline)) <code>\(h(String(g.baselineDigest.prefix(12))))</code></td>"
                    + "<td>v\(g.policyVersion) (\(h(g.tier)))</td><td>\(h(g.runs.joined(separator: ", ")))</td><td>\(g.notPassed.isEmpty ? "–" : g.notPassed.map(h).joined(separator: "<br/>"))</td><td>#\(g.auditSeq) by \(h(g.actor))</td></tr>"
            })
        return out + "</section>\n"
    }
}
