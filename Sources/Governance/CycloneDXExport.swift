import Foundation
import Hashing
import JSON
import Registry

/// Renders a `LineageExport` as a CycloneDX 1.6 ML-BOM (JSON).
///
/// Mapping: the version is `metadata.component` and the first entry of `components`, typed
/// `machine-learning-model`, with its digest (SHA-256) in `hashes`, its artifacts as nested
/// `file` components, model ancestors in `pedigree.ancestors`, and a `modelCard` whose
/// `modelParameters.datasets` reference `data` components (carrying the dataset digests), whose
/// `quantitativeAnalysis.performanceMetrics` hold the headline metric of each evaluated task
/// with its 95 % CI, and whose `considerations.environmentalConsiderations` state the measured
/// inference energy. Approval state and decisions are `properties` (`assay:approval:*`).
/// Every component has a `purl` (`pkg:generic/NAME@VERSION?checksum=sha256:…`); the model's
/// `licenses` and `externalReferences` come from its GGUF header (`general.license`,
/// `general.url`, `general.source.*`, …), a dataset's `externalReferences` from its registered
/// source URL; `dependencies` is always present.
public enum CycloneDXExport {
    public static let specVersion = "1.6"

    /// A deterministic `urn:uuid:` serial derived from the version digest and export time.
    static func serialNumber(_ e: LineageExport) -> String {
        var b = Array(SHA256.hash(Array("\(e.version.digest)|\(e.generatedAt)".utf8)).bytes.prefix(16))
        b[6] = (b[6] & 0x0f) | 0x50 // name-based version nibble
        b[8] = (b[8] & 0x3f) | 0x80 // RFC 4122 variant
        let hex = Hex.encode(b)
        let c = Array(hex)
        func part(_ r: Range<Int>) -> String { String(c[r]) }
        return "urn:uuid:\(part(0..<8))-\(part(8..<12))-\(part(12..<16))-\(part(16..<20))-\(part(20..<32))"
    }

    static func sha256Hash(_ hex: String) -> JSONValue {
        ["alg": "SHA-256", "content": .string(hex.lowercased())]
    }

    static func property(_ name: String, _ value: String) -> JSONValue {
        ["name": .string(name), "value": .string(value)]
    }

    static func numberString(_ x: Double) -> String { Format.fixed(x, 4) }

    /// A licence as CycloneDX wants it: `{"license": {"id"}}` for an SPDX identifier (matched
    /// case-insensitively), `{"license": {"name"}}` for anything else.
    static func license(_ text: String, url: String? = nil) -> JSONValue {
        var entry: [String: JSONValue] =
            SPDXLicenseIDs.id(for: text).map { ["id": .string($0)] } ?? ["name": .string(text)]
        if let url { entry["url"] = .string(url) }
        return ["license": .object(entry)]
    }

    /// `externalReferences` entries.
    static func references(_ refs: [ArtifactProvenance.Reference]) -> JSONValue {
        var seen: Set<String> = []
        return .array(
            refs.filter { seen.insert($0.url).inserted }.map {
                ["type": .string($0.type), "url": .string($0.url), "comment": .string($0.comment)]
            })
    }

    /// The package URL of a registered model version (generic type: the registry is the
    /// namespace; the version digest pins the bytes).
    static func purl(name: String, version: String, digest: String) -> String {
        func encode(_ s: String) -> String {
            s.addingPercentEncoding(
                withAllowedCharacters: CharacterSet(
                    charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_~")) ?? s
        }
        return "pkg:generic/\(encode(name))@\(encode(version))?checksum=sha256:\(digest.lowercased())"
    }

    /// The BOM as a JSON value.
    public static func bom(_ e: LineageExport) -> JSONValue {
        let modelRef = "model:\(e.version.reference)"
        var datasetComponents: [JSONValue] = []
        var datasetRefs: [JSONValue] = []
        for d in e.datasets {
            let ref = "dataset:\(d.reference)"
            let parts = d.reference.split(separator: "@", maxSplits: 1).map(String.init)
            var component: [String: JSONValue] = [
                "type": "data", "bom-ref": .string(ref), "name": .string(parts.first ?? d.reference),
                "version": .string(parts.count > 1 ? parts[1] : ""),
                "hashes": .array([sha256Hash(d.digest)]),
                "licenses": .array([license(d.license)]),
                "data": .array([
                    .object(
                        [
                            "type": "dataset", "name": .string(d.reference),
                            "contents": [
                                "properties": .array(
                                    d.files.map { property("assay:file:\($0.path)", "sha256:\($0.sha256)") })
                            ],
                            "classification": .string(d.containsPII ? "contains-personal-data" : "no-personal-data")
                        ].merging(d.containsPII ? ["sensitiveData": .array(["personal data (PII)"])] : [:]) { a, _ in a
                        })
                ]),
                "properties": .array([
                    property("assay:lineage:relation", d.relation),
                    property("assay:dataset:contains_pii", d.containsPII ? "true" : "false")
                ])
            ]
            if let description = d.description, !description.isEmpty { component["description"] = .string(description) }
            component["purl"] = .string(
                purl(name: parts.first ?? d.reference, version: parts.count > 1 ? parts[1] : "", digest: d.digest))
            if let source = d.source, !source.isEmpty {
                if let url = ArtifactProvenance.url(source) {
                    component["externalReferences"] = references([
                        .init(type: "distribution", url: url, comment: "dataset source (as registered)")
                    ])
                } else if case .array(var props)? = component["properties"] {
                    props.append(property("assay:dataset:source", source))
                    component["properties"] = .array(props)
                }
            }
            datasetComponents.append(.object(component))
            datasetRefs.append(["ref": .string(ref)])
        }

        let own = e.evaluations.filter { $0.variant == e.version.reference }
        let metrics: [JSONValue] = own.map { ev in
            var m: [String: JSONValue] = [
                "type": .string(ev.metric), "value": .string(numberString(ev.value)),
                "slice": .string("\(ev.suite)/\(ev.task) (n=\(ev.items), run \(ev.runID))")
            ]
            if let lo = ev.ciLower, let hi = ev.ciUpper {
                m["confidenceInterval"] = [
                    "lowerBound": .string(numberString(lo)), "upperBound": .string(numberString(hi))
                ]
            }
            return .object(m)
        }
        var energyConsumptions: [JSONValue] = []
        var envProperties: [JSONValue] = []
        for ev in own {
            guard let wh = ev.energyWhPer1000Items else { continue }
            energyConsumptions.append([
                "activity": "inference",
                "energyProviders": .array([
                    [
                        "organization": ["name": "unknown (local machine)"], "energySource": "unknown",
                        "energyProvided": ["value": .number(wh / 1000), "unit": "kWh"]
                    ]
                ]),
                "activityEnergyCost": ["value": .number(wh / 1000), "unit": "kWh"],
                "properties": .array([
                    property("assay:energy:scope", "1000 items of \(ev.suite)/\(ev.task), run \(ev.runID)"),
                    property("assay:energy:method", ev.energyMethod ?? "unknown")
                ])
            ])
        }
        if energyConsumptions.isEmpty {
            envProperties.append(property("assay:energy", "not measured"))
        }
        var environmental: [String: JSONValue] = [:]
        if !energyConsumptions.isEmpty { environmental["energyConsumptions"] = .array(energyConsumptions) }
        if !envProperties.isEmpty { environmental["properties"] = .array(envProperties) }

        var modelParameters: [String: JSONValue] = ["task": "text-generation"]
        if let arch = e.version.artifacts.compactMap(\.architecture).first {
            modelParameters["architectureFamily"] = .string(arch)
            var description = arch
            if let q = e.version.artifacts.compactMap(\.quantization).first { description += ", \(q)" }
            if let p = e.version.artifacts.compactMap(\.parameterCount).first { description += ", \(p) parameters" }
            modelParameters["modelArchitecture"] = .string(description)
        }
        if !datasetRefs.isEmpty { modelParameters["datasets"] = .array(datasetRefs) }
        modelParameters["inputs"] = .array([["format": "text"]])
        modelParameters["outputs"] = .array([["format": "text"]])

        var card: [String: JSONValue] = ["modelParameters": .object(modelParameters)]
        if !metrics.isEmpty { card["quantitativeAnalysis"] = ["performanceMetrics": .array(metrics)] }
        var considerations: [String: JSONValue] = ["environmentalConsiderations": .object(environmental)]
        if let use = e.modelCard["intended_use"] { considerations["useCases"] = .array([.string(use)]) }
        if let lim = e.modelCard["limitations"] { considerations["technicalLimitations"] = .array([.string(lim)]) }
        card["considerations"] = .object(considerations)
        let otherCard = e.modelCard.filter { $0.key != "intended_use" && $0.key != "limitations" }
        if !otherCard.isEmpty {
            card["properties"] = .array(
                otherCard.keys.sorted().map { property("assay:card:\($0)", otherCard[$0] ?? "") })
        }

        var properties: [JSONValue] = [
            property("assay:digest", e.version.digest), property("assay:format", e.version.format),
            property("assay:registered_by", e.version.createdBy),
            property("assay:registered_at", e.version.createdAt)
        ]
        if let a = e.approval {
            properties.append(property("assay:approval:state", a.state))
            if let tier = a.tier { properties.append(property("assay:approval:tier", tier)) }
            if a.needsReview {
                properties.append(property("assay:approval:needs_review", a.needsReviewReason ?? "true"))
            }
            for (i, d) in a.decisions.enumerated() {
                let runs = d.evaluationRunIDs.isEmpty ? "none" : d.evaluationRunIDs.joined(separator: ",")
                let reason = d.reason.map { "; reason: \($0)" } ?? ""
                properties.append(
                    property(
                        "assay:approval:decision:\(i + 1)",
                        "\(d.action) \(d.fromState)->\(d.toState) by \(d.actor) at \(d.time); digest \(d.modelDigest); evaluation runs \(runs); policy v\(d.policyVersion) (sha256 \(d.policyDigest)); tier \(d.tier)\(reason)"
                    ))
            }
        }
        for (i, g) in e.gateVerdicts.enumerated() {
            let failing = g.notPassed.isEmpty ? "" : "; not passed: \(g.notPassed.joined(separator: ", "))"
            properties.append(
                property(
                    "assay:gate:verdict:\(i + 1)",
                    "\(g.verdict)\(g.blocking ? " (blocking)" : "") vs \(g.baseline) (sha256 \(g.baselineDigest)) at \(g.time) by \(g.actor); policy v\(g.policyVersion) tier \(g.tier); runs \(g.runs.isEmpty ? "none" : g.runs.joined(separator: ","))\(failing); audit event \(g.auditSeq)"
                ))
        }
        for alias in e.aliases where alias.target == e.version.reference {
            properties.append(property("assay:alias", alias.name + (alias.isProtected ? " (protected)" : "")))
        }
        for edge in e.edges {
            properties.append(property("assay:lineage:edge", "\(edge.child) \(edge.relation) \(edge.parent)"))
        }

        var model: [String: JSONValue] = [
            "type": "machine-learning-model", "bom-ref": .string(modelRef), "name": .string(e.version.name),
            "version": .string(e.version.version), "hashes": .array([sha256Hash(e.version.digest)]),
            "purl": .string(purl(name: e.version.name, version: e.version.version, digest: e.version.digest)),
            "modelCard": .object(card), "properties": .array(properties)
        ]
        // The model's licence as its file declares it (GGUF general.license), and the URLs it records.
        if let artifact = e.version.artifacts.first(where: { $0.license != nil }), let text = artifact.license {
            model["licenses"] = .array([license(text, url: artifact.licenseURL)])
        }
        let modelRefs = e.version.artifacts.flatMap { $0.references ?? [] }
        if !modelRefs.isEmpty { model["externalReferences"] = references(modelRefs) }
        if !e.version.artifacts.isEmpty {
            model["components"] = .array(
                e.version.artifacts.map { a in
                    [
                        "type": "file", "bom-ref": .string("\(modelRef)#\(a.path)"), "name": .string(a.path),
                        "hashes": .array([sha256Hash(a.sha256)]),
                        "properties": .array([
                            property("assay:size", String(a.size)), property("assay:format", a.format)
                        ])
                    ]
                })
        }
        if !e.ancestors.isEmpty {
            model["pedigree"] = [
                "ancestors": .array(
                    e.ancestors.map { r in
                        let parts = r.reference.split(separator: "@", maxSplits: 1).map(String.init)
                        var c: [String: JSONValue] = [
                            "type": "machine-learning-model", "name": .string(parts.first ?? r.reference),
                            "version": .string(parts.count > 1 ? parts[1] : ""),
                            "hashes": .array([sha256Hash(r.digest)]),
                            "purl": .string(
                                purl(
                                    name: parts.first ?? r.reference, version: parts.count > 1 ? parts[1] : "",
                                    digest: r.digest))
                        ]
                        let relations = e.edges.filter { $0.parent == r.reference && $0.parentKind == "model" }
                            .map { "\($0.child) \($0.relation) \($0.parent)" }
                        if !relations.isEmpty {
                            c["properties"] = .array(relations.map { property("assay:lineage:edge", $0) })
                        }
                        return .object(c)
                    })
            ]
        }

        var metadataComponent = model
        metadataComponent["bom-ref"] = .string(modelRef + "#metadata")
        metadataComponent.removeValue(forKey: "components")
        metadataComponent.removeValue(forKey: "modelCard")
        metadataComponent.removeValue(forKey: "pedigree")
        metadataComponent.removeValue(forKey: "properties")

        var bom: [String: JSONValue] = [
            "bomFormat": "CycloneDX", "specVersion": .string(specVersion), "serialNumber": .string(serialNumber(e)),
            "version": 1,
            "metadata": [
                "timestamp": .string(e.generatedAt),
                "tools": [
                    "components": .array([["type": "application", "name": "assay", "version": .string(e.generator)]])
                ],
                "component": .object(metadataComponent),
                "properties": .array(
                    [property("assay:export:format", e.format)]
                        + (e.auditHeadHash.map { [property("assay:audit:head_hash", $0)] } ?? [])
                        + (e.auditEventCount.map { [property("assay:audit:event_count", String($0))] } ?? []))
            ],
            "components": .array([.object(model)] + datasetComponents)
        ]
        // Always present (CycloneDX consumers expect the graph, even when it has one node).
        let dependsOn = e.datasets.map { JSONValue.string("dataset:\($0.reference)") }
        bom["dependencies"] = .array(
            [["ref": .string(modelRef), "dependsOn": .array(dependsOn)]]
                + e.datasets.map { ["ref": .string("dataset:\($0.reference)"), "dependsOn": .array([])] })
        return .object(bom)
    }

    /// The BOM as pretty-printed JSON text.
    public static func render(_ e: LineageExport) throws -> String {
        try ExportJSON.pretty(bom(e))
    }
}

/// JSON text helpers for exports.
enum ExportJSON {
    /// Canonical JSON, re-indented for people (keys stay sorted).
    static func pretty(_ value: JSONValue) throws -> String {
        let compact = try value.canonicalBytes()
        let object = try JSONSerialization.jsonObject(with: Data(compact), options: [.fragmentsAllowed])
        let data = try JSONSerialization.data(
            withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
