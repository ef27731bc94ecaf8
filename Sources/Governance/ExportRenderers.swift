import Foundation
import JSON

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

/// JSON and Markdown renderings of a `LineageExport` (HTML: ExportHTML.swift).
public enum ExportRenderer {
    public static func json(_ e: LineageExport) throws -> String {
        try JSONOutput.text(e, pretty: true)
    }

    static func opt(_ x: Double?, _ f: (Double) -> String) -> String { x.map(f) ?? "–" }

    public static func markdown(_ e: LineageExport) -> String {
        let md = GateReport.md
        var out = "# Model version \(md(e.version.reference))\n\n"
        out +=
            "- Digest (SHA-256): `\(e.version.digest)`\n- Format: \(md(e.version.format)); \(e.version.totalSize) bytes\n"
        out += "- Registered \(md(e.version.createdAt)) by \(md(e.version.createdBy))\n"
        if let a = e.approval {
            out += "- Approval state: **\(md(a.state))**" + (a.tier.map { " (tier \(md($0)))" } ?? "") + "\n"
            if a.needsReview { out += "- **Needs review:** \(md(a.needsReviewReason ?? ""))\n" }
        }
        if let head = e.auditHeadHash { out += "- Audit chain head: `\(head)` (\(e.auditEventCount ?? 0) events)\n" }
        out += "- Generated \(md(e.generatedAt)) by assay \(md(e.generator))\n\n"

        out += "## Artifacts\n\n| file | size | SHA-256 | format | details |\n|---|---:|---|---|---|\n"
        for a in e.version.artifacts {
            let details = [a.architecture, a.quantization, a.parameterCount.map { "\($0) params" }].compactMap { $0 }
                .joined(separator: ", ")
            out += "| \(md(a.path)) | \(a.size) | `\(a.sha256)` | \(md(a.format)) | \(md(details)) |\n"
        }
        if !e.modelCard.isEmpty {
            out += "\n## Model card\n\n"
            for key in e.modelCard.keys.sorted() { out += "- **\(md(key))**: \(md(e.modelCard[key] ?? ""))\n" }
        }
        out += "\n## Lineage\n\n"
        if e.edges.isEmpty { out += "No lineage edges.\n" }
        for edge in e.edges {
            out += "- \(md(edge.child)) —\(md(edge.relation))→ \(md(edge.parent)) (\(md(edge.parentKind)))\n"
        }
        if !e.ancestors.isEmpty {
            out +=
                "\nAncestors: "
                + e.ancestors.map { "\(md($0.reference)) (`\($0.digest.prefix(12))`, \($0.state ?? "?"))" }.joined(
                    separator: ", ") + "\n"
        }
        if !e.descendants.isEmpty {
            out +=
                "\nDescendants: "
                + e.descendants.map { "\(md($0.reference)) (\($0.state ?? "?"))" }.joined(separator: ", ") + "\n"
        }
        if !e.datasets.isEmpty {
            out += "\n## Datasets\n\n| dataset | relation | licence | PII | digest |\n|---|---|---|---|---|\n"
            for d in e.datasets {
                out +=
                    "| \(md(d.reference)) | \(md(d.relation)) | \(md(d.license)) | \(d.containsPII ? "yes" : "no") | `\(d.digest)` |\n"
            }
        }
        out += "\n## Evaluation results\n\n"
        if e.evaluations.isEmpty {
            out += "No completed evaluation runs.\n"
        } else {
            out +=
                "| variant | backend | suite/task | metric | value | 95 % CI | n | p95 latency (ms) | Wh/1000 items | run |\n|---|---|---|---|---:|---|---:|---:|---:|---|\n"
            for ev in e.evaluations {
                out +=
                    "| \(md(ev.variant)) | \(md(ev.backendLabel)) | \(md(ev.suite))/\(md(ev.task)) | \(md(ev.metric)) | \(Format.fixed(ev.value, 3)) | \(ev.intervalText) | \(ev.items) | "
                    + "\(opt(ev.latencyP95Ms) { Format.fixed($0, 1) }) | \(opt(ev.energyWhPer1000Items) { Format.fixed($0, 3) }) | `\(md(ev.runID))` |\n"
            }
        }
        out += e.datasetQualityMarkdown
        if !e.gateVerdicts.isEmpty {
            out +=
                "\n## Regression gate verdicts\n\n| time | verdict | baseline | policy | checks not passed | audit event |\n|---|---|---|---|---|---|\n"
            for g in e.gateVerdicts {
                out +=
                    "| \(md(g.time)) | \(md(g.verdict))\(g.blocking ? " (blocking)" : "") | \(md(g.baseline)) | v\(g.policyVersion) (\(md(g.tier))) | \(md(g.notPassed.joined(separator: "; "))) | #\(g.auditSeq) |\n"
            }
        }
        if let a = e.approval, !a.decisions.isEmpty {
            out +=
                "\n## Approval decisions\n\n| time | action | from → to | actor | reason | policy | evaluation runs |\n|---|---|---|---|---|---|---|\n"
            for d in a.decisions {
                out +=
                    "| \(md(d.time)) | \(md(d.action)) | \(md(d.fromState)) → \(md(d.toState)) | \(md(d.actor)) | \(md(d.reason ?? "")) | v\(d.policyVersion) | \(md(d.evaluationRunIDs.joined(separator: ", "))) |\n"
            }
        }
        if !e.aliases.isEmpty {
            out += "\n## Aliases of \(md(e.version.name))\n\n"
            for alias in e.aliases {
                out += "- \(md(alias.name)) → \(md(alias.target))\(alias.isProtected ? " (protected)" : "")\n"
            }
        }
        return out
    }
}
