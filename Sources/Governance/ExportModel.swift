import Evaluation
import Foundation
import JSON
import Registry

/// Everything an auditor export says about one model version, independent of the output format.
/// `LineageExportBuilder` fills it from the registry; the renderers (JSON, Markdown, HTML,
/// CycloneDX) only format it.
public struct LineageExport: Sendable, Equatable, Codable {
    public var format: String = "assay-export/1"
    public var generatedAt: String
    public var generator: String
    public var version: ExportedVersion
    public var modelCard: [String: String] = [:]
    public var approval: ExportedApproval?
    /// Model versions `version` derives from, nearest first where known.
    public var ancestors: [ExportedRelative] = []
    /// Model versions derived from `version`.
    public var descendants: [ExportedRelative] = []
    /// Every lineage edge around the version (ancestor and descendant edges).
    public var edges: [ExportedEdge] = []
    /// Datasets the version (directly) was trained or evaluated on.
    public var datasets: [ExportedDataset] = []
    /// Evaluation results of the version and of its lineage relatives ("variants").
    public var evaluations: [ExportedEvaluation] = []
    public var aliases: [ExportedAlias] = []
    /// Audit chain head at export time.
    public var auditHeadHash: String?
    public var auditEventCount: Int?
    /// Regression-gate verdicts recorded for this version (`gate.verdict` audit events), oldest first.
    public var gateVerdicts: [ExportedGateVerdict] = []
}

/// One recorded gate verdict (from the audit log).
public struct ExportedGateVerdict: Sendable, Equatable, Codable {
    public var time: String
    public var actor: String
    public var auditSeq: Int64
    public var verdict: String
    public var blocking: Bool
    public var baseline: String
    public var baselineDigest: String
    public var policyVersion: Int
    public var tier: String
    public var runs: [String]
    /// Checks that did not pass, as `name: status`.
    public var notPassed: [String]

    /// The `gate.verdict` events about `reference`.
    static func fromAudit(_ events: [AuditEvent], reference: String) -> [ExportedGateVerdict] {
        events.filter { $0.action == "gate.verdict" && $0.subject == reference }.compactMap { event in
            guard case .object(let p)? = try? JSONValue.parse(Array(event.payload.utf8)) else { return nil }
            func str(_ k: String) -> String { p[k]?.stringValue ?? "" }
            var blocking = false
            if case .bool(let b)? = p["blocking"] { blocking = b }
            var version = 0
            if case .integer(let v)? = p["policy_version"] { version = Int(v) }
            var runs: [String] = []
            if case .array(let items)? = p["runs"] { runs = items.compactMap(\.stringValue) }
            var notPassed: [String] = []
            if case .array(let checks)? = p["checks"] {
                for case .object(let c) in checks where c["status"]?.stringValue != "pass" {
                    notPassed.append("\(c["name"]?.stringValue ?? ""): \(c["status"]?.stringValue ?? "")")
                }
            }
            return ExportedGateVerdict(
                time: event.time, actor: event.actor, auditSeq: event.seq, verdict: str("verdict"),
                blocking: blocking, baseline: str("baseline"), baselineDigest: str("baseline_digest"),
                policyVersion: version, tier: str("tier"), runs: runs, notPassed: notPassed)
        }
    }
}

public struct ExportedVersion: Sendable, Equatable, Codable {
    public var reference: String
    public var name: String
    public var version: String
    public var digest: String
    public var format: String
    public var totalSize: Int64
    public var createdAt: String
    public var createdBy: String
    public var artifacts: [ExportedArtifact]
}

public struct ExportedArtifact: Sendable, Equatable, Codable {
    public var path: String
    public var size: Int64
    public var sha256: String
    public var format: String
    public var architecture: String?
    public var parameterCount: Int64?
    public var quantization: String?
    /// The licence the file declares (GGUF `general.license`) and its link.
    public var license: String?
    public var licenseURL: String?
    /// URLs the file records about its origin (GGUF `general.url`, `general.source.*`, …).
    public var references: [ArtifactProvenance.Reference]?
}

public struct ExportedRelative: Sendable, Equatable, Codable {
    public var reference: String
    public var digest: String
    public var state: String?
}

public struct ExportedEdge: Sendable, Equatable, Codable, Hashable {
    public var child: String
    public var relation: String
    public var parent: String
    /// `model` or `dataset`.
    public var parentKind: String
}

public struct ExportedDataset: Sendable, Equatable, Codable {
    public var reference: String
    public var relation: String
    public var digest: String
    public var license: String
    public var containsPII: Bool
    public var description: String?
    public var files: [ExportedArtifact] = []
    /// Where the data comes from, as registered (`--source`: a URL, a system, a team).
    public var source: String?
    /// The latest `assay dataset check` (nil: never checked).
    public var quality: ExportedDatasetQuality?
}

public struct ExportedEvaluation: Sendable, Equatable, Codable {
    public var runID: String
    /// The model version evaluated (the exported version or a relative).
    public var variant: String
    public var suite: String
    public var task: String
    public var metric: String
    public var value: Double
    public var ciLower: Double?
    public var ciUpper: Double?
    public var items: Int
    /// Per-item end-to-end latency percentiles, milliseconds.
    public var latencyP50Ms: Double?
    public var latencyP95Ms: Double?
    public var latencyP99Ms: Double?
    public var energyWhPer1000Items: Double?
    public var energyMethod: String?
    public var finishedAt: String?
    /// The backend that scored the run: "native" (in-process engine) or "openai" (a server).
    public var backend: String?
    /// The engine and its version as the run recorded it (e.g. "assay-native 0.1.0").
    public var engine: String?

    /// "native (assay-native 0.1.0)"; "not recorded" for runs without backend information.
    public var backendLabel: String {
        guard let backend else { return "backend not recorded" }
        guard let engine, !engine.isEmpty else { return backend }
        return "\(backend) (\(engine))"
    }
    /// The 95 % interval as the Markdown and HTML tables show it: "[0.412, 0.498]", or "–".
    var intervalText: String {
        guard let ciLower, let ciUpper else { return "–" }
        return "[\(Format.fixed(ciLower, 3)), \(Format.fixed(ciUpper, 3))]"
    }
    /// `assay eval --exclude-contaminated`: accuracy and items without the contaminated items.
    public var cleanAccuracy: Double?
    public var cleanItems: Int?
    public var excludedItems: Int?
}

public struct ExportedApproval: Sendable, Equatable, Codable {
    public var state: String
    public var tier: String?
    public var needsReview: Bool
    public var needsReviewReason: String?
    public var decisions: [ExportedDecision]
}

/// A recorded decision as exported: the decision's fields and, beside them, when it was made.
public typealias ExportedDecision = Merged<ApprovalDecision, DecisionTime>

/// When a decision was recorded (`time` in the export).
public struct DecisionTime: Sendable, Equatable, Codable {
    public var time: String
}

public struct ExportedAlias: Sendable, Equatable, Codable {
    public var name: String
    public var target: String
    public var isProtected: Bool
}

/// Builds a `LineageExport` from the registry.
public enum LineageExportBuilder {
    /// Collects the version, its lineage, datasets, completed evaluation runs (of the version and
    /// every ancestor/descendant), approval decisions, aliases and the audit head.
    public static func build(
        store: RegistryStore, reference: VersionReference, generatedAt: String,
        generator: String
    ) throws -> LineageExport {
        let mv = try store.modelVersion(reference)
        let version = ExportedVersion(
            reference: reference.description, name: reference.name, version: reference.version, digest: mv.digest,
            format: mv.format, totalSize: mv.totalSize, createdAt: mv.createdAt, createdBy: mv.createdBy,
            artifacts: mv.artifacts.map {
                // Licence and origin URLs from the file's header (only when it still holds the registered bytes).
                let provenance = ArtifactProvenance.read($0, home: store.home)
                return ExportedArtifact(
                    path: $0.relativePath, size: $0.size, sha256: $0.sha256, format: $0.format.rawValue,
                    architecture: $0.facts?.architecture, parameterCount: $0.facts?.parameterCount,
                    quantization: $0.facts?.quantization, license: provenance?.license,
                    licenseURL: provenance?.licenseURL, references: provenance?.references)
            })
        let graph = try store.lineage(of: reference)
        var edges: [ExportedEdge] = []
        for e in graph.ancestorEdges + graph.descendantEdges {
            let edge = ExportedEdge(
                child: e.child.description, relation: e.relation.rawValue, parent: e.parent.description,
                parentKind: e.parentKind)
            if !edges.contains(edge) { edges.append(edge) }
        }
        var datasets: [ExportedDataset] = []
        for e in mv.lineage where e.parentKind == "dataset" {
            let dv = try store.datasetVersion(e.parent)
            datasets.append(
                ExportedDataset(
                    reference: e.parent.description, relation: e.relation.rawValue, digest: dv.digest,
                    license: dv.license,
                    containsPII: dv.containsPII, description: dv.description,
                    files: dv.files.map {
                        ExportedArtifact(
                            path: $0.relativePath, size: $0.size, sha256: $0.sha256, format: $0.format.rawValue)
                    },
                    source: dv.source))
        }
        var evaluations: [ExportedEvaluation] = []
        for ref in [reference] + graph.ancestors + graph.descendants {
            for run in try store.evaluationRuns(model: ref, limit: 1000) where run.status == .completed {
                evaluations += Self.evaluations(of: run)
            }
        }
        let record = try store.read { try GovernanceRecords.approval($0, reference) }
        let decisions = try store.read { try GovernanceRecords.decisions($0, reference) }
        let approval = ExportedApproval(
            state: record.state, tier: record.tier, needsReview: record.needsReview,
            needsReviewReason: record.needsReviewReason,
            decisions: decisions.map { ExportedDecision($0.decision, DecisionTime(time: $0.createdAt)) })
        let aliases = try store.read { try GovernanceRecords.aliases($0, model: reference.name) }
            .map { ExportedAlias(name: $0.name, target: $0.target.description, isProtected: $0.isProtected) }
        let audit = try store.verifyAudit()
        var export = LineageExport(
            generatedAt: generatedAt, generator: generator, version: version,
            modelCard: try store.read { try GovernanceRecords.modelCard($0, reference) }, approval: approval,
            ancestors: try relatives(store, graph.ancestors), descendants: try relatives(store, graph.descendants),
            edges: edges,
            datasets: datasets, evaluations: evaluations, aliases: aliases, auditHeadHash: audit.headHash,
            auditEventCount: audit.eventCount)
        export.gateVerdicts = ExportedGateVerdict.fromAudit(try store.auditEvents(), reference: reference.description)
        try export.attachDatasetQuality(store: store)
        return export
    }

    static func relatives(_ store: RegistryStore, _ refs: [VersionReference]) throws -> [ExportedRelative] {
        try store.read { db in
            try refs.map { ref in
                let record = try GovernanceRecords.approval(db, ref)
                return ExportedRelative(reference: ref.description, digest: record.digest, state: record.state)
            }
        }
    }

    /// Headline metrics of a completed run (one entry per task), from its results JSON.
    static func evaluations(of run: EvaluationRunRecord) -> [ExportedEvaluation] {
        guard let text = run.results,
            let results = try? JSONDecoder().decode(EvaluationResults.self, from: Data(text.utf8))
        else { return [] }
        let e2e = results.latency.endToEndSeconds
        return results.tasks.compactMap { task in
            let metric = task.primaryMetric
            guard let m = task.metrics[metric] else { return nil }
            return ExportedEvaluation(
                runID: run.id, variant: run.model.description, suite: run.suiteID, task: task.task, metric: metric,
                value: m.value, ciLower: m.ci95Low, ciUpper: m.ci95High, items: m.n,
                latencyP50Ms: e2e.map { $0.p50 * 1000 }, latencyP95Ms: e2e.map { $0.p95 * 1000 },
                latencyP99Ms: e2e.map { $0.p99 * 1000 }, energyWhPer1000Items: results.energy.whPer1000Items,
                energyMethod: results.backend.backend == "native"
                    ? results.energy.method : results.energy.method + " (client-side only: remote backend)",
                finishedAt: run.finishedAt, backend: results.backend.backend, engine: results.versions.engine)
        }
    }
}
