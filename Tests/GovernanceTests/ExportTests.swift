import Foundation
import TestSupport
import Testing

@testable import Governance
@testable import Registry

struct ExportTests {
    static let digest = String(repeating: "ab", count: 32)

    /// A representative export with hostile strings in every text field a renderer prints.
    static func sample() -> LineageExport {
        let evil = "<script>alert('x')</script> & \"quotes\""
        return LineageExport(
            generatedAt: "2026-01-31T12:00:00Z", generator: "0.1.0",
            version: ExportedVersion(
                reference: "smollm2@q8_0", name: "smollm2", version: "q8_0", digest: digest, format: "gguf",
                totalSize: 144_810_000, createdAt: "2026-01-30T10:00:00.000Z", createdBy: "alice",
                artifacts: [
                    ExportedArtifact(
                        path: "smollm2-q8_0.gguf", size: 144_810_000, sha256: digest, format: "gguf",
                        architecture: "llama", parameterCount: 134_515_008, quantization: "Q8_0")
                ]),
            modelCard: [
                "intended_use": "support triage \(evil)", "limitations": "English only", "owner": "ml-platform"
            ],
            approval: ExportedApproval(
                state: "approved", tier: "medium", needsReview: false, needsReviewReason: nil,
                decisions: [
                    ExportedDecision(
                        ApprovalDecision(
                            action: "submit", fromState: "evaluated", toState: "in_review", actor: "alice", reason: nil,
                            modelDigest: digest, evaluationRunIDs: ["run-gk", "run-si"], policyVersion: 1,
                            policyDigest: String(repeating: "cd", count: 32), tier: "medium"),
                        DecisionTime(time: "2026-01-30T11:00:00.000Z")),
                    ExportedDecision(
                        ApprovalDecision(
                            action: "approve", fromState: "in_review", toState: "approved", actor: "bob", reason: evil,
                            modelDigest: digest, evaluationRunIDs: ["run-gk", "run-si"], policyVersion: 1,
                            policyDigest: String(repeating: "cd", count: 32), tier: "medium"),
                        DecisionTime(time: "2026-01-30T12:00:00.000Z"))
                ]),
            ancestors: [
                ExportedRelative(
                    reference: "smollm2@f16", digest: String(repeating: "11", count: 32), state: "approved")
            ],
            descendants: [
                ExportedRelative(
                    reference: "smollm2@q8_0-ft", digest: String(repeating: "22", count: 32), state: "registered")
            ],
            edges: [
                ExportedEdge(
                    child: "smollm2@q8_0", relation: "quantized_from", parent: "smollm2@f16", parentKind: "model"),
                ExportedEdge(child: "smollm2@q8_0", relation: "trained_on", parent: "tickets@1", parentKind: "dataset"),
                ExportedEdge(
                    child: "smollm2@q8_0-ft", relation: "finetuned_from", parent: "smollm2@q8_0", parentKind: "model")
            ],
            datasets: [
                ExportedDataset(
                    reference: "tickets@1", relation: "trained_on", digest: String(repeating: "33", count: 32),
                    license: "MIT", containsPII: true, description: evil,
                    files: [
                        ExportedArtifact(
                            path: "tickets.jsonl", size: 1200, sha256: String(repeating: "44", count: 32),
                            format: "unknown")
                    ])
            ],
            evaluations: [
                ExportedEvaluation(
                    runID: "run-gk", variant: "smollm2@q8_0", suite: "general-knowledge", task: "general-knowledge",
                    metric: "acc",
                    value: 0.3125, ciLower: 0.235, ciUpper: 0.39, items: 136, latencyP50Ms: 41, latencyP95Ms: 77,
                    latencyP99Ms: 95,
                    energyWhPer1000Items: 0.84, energyMethod: "estimate", backend: "native",
                    engine: "assay-native 0.1.0"),
                ExportedEvaluation(
                    runID: "run-si", variant: "smollm2@q8_0", suite: "support-intents", task: "support-intents",
                    metric: "acc",
                    value: 0.41, ciLower: 0.34, ciUpper: 0.48, items: 192, latencyP50Ms: 55, latencyP95Ms: 90,
                    latencyP99Ms: 120,
                    energyWhPer1000Items: 1.1, energyMethod: "estimate", backend: "native", engine: "assay-native 0.1.0"
                ),
                ExportedEvaluation(
                    runID: "run-f16", variant: "smollm2@f16", suite: "general-knowledge", task: "general-knowledge",
                    metric: "acc",
                    value: 0.32, ciLower: 0.24, ciUpper: 0.40, items: 136, latencyP50Ms: 70, latencyP95Ms: 130,
                    latencyP99Ms: 160,
                    energyWhPer1000Items: 1.6, energyMethod: "estimate", backend: "native", engine: "assay-native 0.1.0"
                )
            ],
            aliases: [ExportedAlias(name: "production", target: "smollm2@q8_0", isProtected: true)],
            auditHeadHash: String(repeating: "ef", count: 32), auditEventCount: 42)
    }

    @Test func cycloneDXHasTheRequiredStructure() throws {
        let text = try CycloneDXExport.render(Self.sample())
        let bom = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(bom["bomFormat"] as? String == "CycloneDX")
        #expect(bom["specVersion"] as? String == "1.6")
        let serial = try #require(bom["serialNumber"] as? String)
        #expect(serial.hasPrefix("urn:uuid:") && serial.count == 45)
        let components = try #require(bom["components"] as? [[String: Any]])
        let model = try #require(components.first)
        #expect(model["type"] as? String == "machine-learning-model")
        let hashes = try #require(model["hashes"] as? [[String: String]])
        #expect(hashes == [["alg": "SHA-256", "content": Self.digest]])
        let ancestors = try #require((model["pedigree"] as? [String: Any])?["ancestors"] as? [[String: Any]])
        #expect(ancestors.first?["name"] as? String == "smollm2" && ancestors.first?["version"] as? String == "f16")
        let card = try #require(model["modelCard"] as? [String: Any])
        let metrics = try #require(
            (card["quantitativeAnalysis"] as? [String: Any])?["performanceMetrics"] as? [[String: Any]])
        #expect(metrics.count == 2) // the exported version's own runs only
        #expect((metrics[0]["confidenceInterval"] as? [String: String])?["lowerBound"] == "0.2350")
        let datasets = try #require((card["modelParameters"] as? [String: Any])?["datasets"] as? [[String: String]])
        #expect(datasets == [["ref": "dataset:tickets@1"]])
        let data = try #require(components.first { $0["type"] as? String == "data" })
        #expect((data["hashes"] as? [[String: String]])?.first?["content"] == String(repeating: "33", count: 32))
        let energy = (card["considerations"] as? [String: Any])?["environmentalConsiderations"] as? [String: Any]
        #expect((energy?["energyConsumptions"] as? [[String: Any]])?.count == 2)
        let properties = try #require(model["properties"] as? [[String: String]])
        #expect(properties.contains { $0["name"] == "assay:approval:state" && $0["value"] == "approved" })
        #expect(properties.filter { $0["name"]?.hasPrefix("assay:approval:decision:") == true }.count == 2)
    }

    /// Issue 5, acceptance 3: validate against the official CycloneDX 1.6 JSON schema with
    /// python's jsonschema (Draft 7) and a referencing registry of the schema folder.
    @Test(.enabled(if: Fixtures.referenceAvailableOrCI || Fixtures.exists(Fixtures.schemaDir)))
    func cycloneDXValidatesAgainstTheOfficialSchema() throws {
        let schemas = try Fixtures.require(Fixtures.schemaDir.appendingPathComponent("cyclonedx/bom-1.6.schema.json"))
        let dir = TemporaryDirectory("cdx")
        let bomURL = dir.path("bom.json")
        try CycloneDXExport.render(Self.sample()).write(to: bomURL, atomically: true, encoding: .utf8)
        let script = """
            import json, pathlib, sys
            from jsonschema import Draft7Validator
            from referencing import Registry, Resource
            folder = pathlib.Path(sys.argv[1])
            resources = []
            for name in ["bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json"]:
                doc = json.loads((folder / name).read_text())
                resources.append((doc["$id"], Resource.from_contents(doc)))
                resources.append((name, Resource.from_contents(doc)))
            registry = Registry().with_resources(resources)
            schema = json.loads((folder / "bom-1.6.schema.json").read_text())
            validator = Draft7Validator(schema, registry=registry)
            errors = sorted(validator.iter_errors(json.loads(pathlib.Path(sys.argv[2]).read_text())), key=lambda e: list(e.path))
            for e in errors:
                print("/".join(map(str, e.path)), e.message[:300])
            print("VALID" if not errors else "INVALID %d" % len(errors))
            """
        let scriptURL = dir.path("validate.py")
        try script.write(to: scriptURL, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptURL.path, schemas.deletingLastPathComponent().path, bomURL.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.hasSuffix("VALID\n") && !output.contains("INVALID"), "\(output)")
    }

    @Test func htmlIsSelfContainedEscapedAndWellFormed() throws {
        let html = ExportRenderer.html(Self.sample())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"))
        #expect(
            !html.contains("http://")
                || html.components(separatedBy: "http://").dropFirst().allSatisfy {
                    $0.hasPrefix("www.w3.org/2000/svg")
                })
        #expect(!html.contains("src=") && !html.contains("<link"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 4)
        #expect(html.contains("@media print"))
        #expect(html.contains("aria-label=\"Lineage graph\""))
        // The body (minus the doctype) is well-formed XML, so every tag is closed and every text escaped.
        let xml = html.replacingOccurrences(of: "<!DOCTYPE html>\n", with: "")
        let parsed = try #require(XMLCollector.parse(xml), "HTML is not well-formed XML")
        #expect(parsed.elements.contains("svg"))
        #expect(parsed.text.contains("alert('x')"))
    }

    @Test func markdownAndJSON() throws {
        let e = Self.sample()
        let md = ExportRenderer.markdown(e)
        #expect(md.hasPrefix("# Model version smollm2@q8_0"))
        #expect(
            md.contains(
                "| smollm2@q8_0 | native (assay-native 0.1.0) | general-knowledge/general-knowledge | acc | 0.313 | [0.235, 0.390] | 136 |"
            ))
        #expect(md.contains("smollm2@q8_0 —quantized_from→ smollm2@f16"))
        let json = try ExportRenderer.json(e)
        #expect(try JSONDecoder().decode(LineageExport.self, from: Data(json.utf8)) == e)
    }

    @Test func exportFromARegistry() throws {
        let dir = TemporaryDirectory("export")
        let store = try RegistryStore(home: dir.path("home"), actor: "alice", create: true)
        let dataFile = dir.path("d.jsonl")
        try Data("{}\n".utf8).write(to: dataFile)
        let data = try VersionReference(parsing: "tickets@1")
        _ = try store.registerDatasetVersion(
            DatasetRegistration(
                reference: data, files: try ArtifactInput.collect([dataFile]),
                license: "MIT", containsPII: false))
        var refs: [VersionReference] = []
        for (i, v) in ["f16", "q8_0", "q8_0-ft"].enumerated() {
            let f = dir.path("\(v).bin")
            try Data("bytes \(v)".utf8).write(to: f)
            let ref = try VersionReference(parsing: "smol@\(v)")
            var lineage: [LineageLink] = []
            if i > 0 {
                lineage.append(LineageLink(relation: i == 1 ? .quantizedFrom : .finetunedFrom, parent: refs[i - 1]))
            }
            if i == 1 { lineage.append(LineageLink(relation: .trainedOn, parent: data)) }
            _ = try store.registerModelVersion(
                ModelRegistration(reference: ref, files: try ArtifactInput.collect([f]), lineage: lineage))
            refs.append(ref)
        }
        let e = try LineageExportBuilder.build(
            store: store, reference: refs[1], generatedAt: "2026-01-31T00:00:00Z", generator: "test")
        #expect(e.ancestors.map(\.reference) == ["smol@f16"])
        #expect(e.descendants.map(\.reference) == ["smol@q8_0-ft"])
        #expect(e.datasets.map(\.reference) == ["tickets@1"])
        #expect(e.datasets.first?.files.count == 1)
        #expect(Set(e.edges.map(\.relation)) == ["quantized_from", "trained_on", "finetuned_from"])
        #expect(e.approval?.state == "registered")
        #expect(e.auditHeadHash == (try store.verifyAudit().headHash))
        for format in ExportFormat.allCases { #expect(!(try format.render(e)).isEmpty) }
        let svg = ExportCharts.lineageSVG(e)
        #expect(svg.contains(">smol@f16<") && svg.contains(">tickets@1<") && svg.contains(">smol@q8_0-ft<"))
    }
}
