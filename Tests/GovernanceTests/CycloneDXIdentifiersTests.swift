import Foundation
import JSON
import Registry
import TestSupport
import Testing

@testable import Governance

/// Licences as SPDX ids where they are ones, package URLs for model versions.
struct CycloneDXIdentifiersTests {
    @Test func licencesBecomeSPDXIdsWhenTheyAreOnes() {
        #expect(SPDXLicenseIDs.all.count > 600)
        #expect(SPDXLicenseIDs.all.contains("Apache-2.0") && SPDXLicenseIDs.all.contains("CC-BY-4.0"))
        #expect(CycloneDXExport.license("apache-2.0") == ["license": ["id": "Apache-2.0"]])
        #expect(CycloneDXExport.license(" MIT ") == ["license": ["id": "MIT"]])
        #expect(CycloneDXExport.license("cc by 4.0") == ["license": ["id": "CC-BY-4.0"]])
        #expect(CycloneDXExport.license("Gemma Terms of Use") == ["license": ["name": "Gemma Terms of Use"]])
    }

    @Test func modelVersionsHaveAPackageURL() {
        #expect(
            CycloneDXExport.purl(name: "smollm2", version: "1.0+q4", digest: "AB12")
                == "pkg:generic/smollm2@1.0%2Bq4?checksum=sha256:ab12")
    }
}

/// Model licence from the GGUF header, purls and external references from the recorded sources,
/// validated by cyclonedx-python-lib's strict 1.6 validator.
struct CycloneDXProvenanceTests {
    static func export() -> LineageExport {
        var e = ExportTests.sample()
        e.version.artifacts[0].license = "apache-2.0"
        e.version.artifacts[0].licenseURL = "https://www.apache.org/licenses/LICENSE-2.0"
        e.version.artifacts[0].references = [
            .init(
                type: "distribution", url: "https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct",
                comment: "source model on Hugging Face (GGUF general.source.huggingface.repository)"),
            .init(
                type: "vcs", url: "https://github.com/huggingface/smollm",
                comment: "model repository (GGUF general.repo_url)")
        ]
        e.datasets[0].source = "https://example.org/datasets/tickets"
        return e
    }

    static func object(_ value: JSONValue?) -> [String: JSONValue]? {
        if case .object(let o)? = value { return o }
        return nil
    }

    static func array(_ value: JSONValue?) -> [JSONValue] {
        if case .array(let a)? = value { return a }
        return []
    }

    @Test func modelLicenceReferencesAndPurls() throws {
        let bom = try #require(Self.object(CycloneDXExport.bom(Self.export())))
        let components = Self.array(bom["components"]).compactMap(Self.object)
        let model = try #require(components.first)
        #expect(
            model["licenses"] == [
                ["license": ["id": "Apache-2.0", "url": "https://www.apache.org/licenses/LICENSE-2.0"]]
            ])
        let refs = Self.array(model["externalReferences"]).compactMap(Self.object)
        #expect(refs.map { $0["type"] } == ["distribution", "vcs"])
        #expect(refs.first?["url"] == "https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct")
        let data = try #require(components.first { $0["type"] == "data" })
        #expect(data["purl"] == .string("pkg:generic/tickets@1?checksum=sha256:" + String(repeating: "33", count: 32)))
        #expect(
            Self.array(data["externalReferences"]).compactMap(Self.object).first?["url"]
                == "https://example.org/datasets/tickets")
        let ancestors = Self.array(Self.object(model["pedigree"])?["ancestors"]).compactMap(Self.object)
        #expect(
            ancestors.first?["purl"]
                == .string("pkg:generic/smollm2@f16?checksum=sha256:" + String(repeating: "11", count: 32)))
        #expect(bom["dependencies"] != nil)

        // A licence that is not an SPDX id stays a name; a source that is not a URL stays a property.
        var gemma = Self.export()
        gemma.version.artifacts[0].license = "gemma"
        gemma.version.artifacts[0].licenseURL = nil
        gemma.datasets[0].source = "support-tickets team"
        let other = try #require(Self.object(CycloneDXExport.bom(gemma)))
        let otherComponents = Self.array(other["components"]).compactMap(Self.object)
        #expect(otherComponents.first?["licenses"] == [["license": ["name": "gemma"]]])
        let otherData = try #require(otherComponents.first { $0["type"] == "data" })
        #expect(otherData["externalReferences"] == nil)
        #expect(
            Self.array(otherData["properties"]).contains([
                "name": "assay:dataset:source", "value": "support-tickets team"
            ]))
    }

    /// The real SmolLM2 file declares `general.license = apache-2.0`.
    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI)) func smolLMDeclaresApache2() throws {
        let model = try Fixtures.requireSmolLM()
        let provenance = try ArtifactProvenance(ggufAt: model)
        #expect(provenance.license == "apache-2.0")
        #expect(provenance.organization == "HuggingFaceTB")
        #expect(CycloneDXExport.license(provenance.license ?? "") == ["license": ["id": "Apache-2.0"]])
    }

    /// Issue 13 acceptance 3: strict CycloneDX 1.6 validation with cyclonedx-python-lib.
    @Test(
        .enabled(
            if: Fixtures.pythonModuleAvailableOrCI("cyclonedx"),
            "needs cyclonedx-python-lib (scripts/setup.sh installs it)"))
    func strictlyValidWithCycloneDXPythonLib() throws {
        let dir = TemporaryDirectory("cdx-strict")
        var files: [String] = []
        for (name, e) in [("sample", ExportTests.sample()), ("provenance", Self.export())] {
            let url = dir.path("\(name).cdx.json")
            try CycloneDXExport.render(e).write(to: url, atomically: true, encoding: .utf8)
            files.append(url.path)
        }
        let script = Fixtures.packageRoot.appendingPathComponent("scripts/cyclonedx-validate.py").path
        let result = try Python.run(
            "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
            arguments: [script] + files)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(
            result.stdout.components(separatedBy: "valid CycloneDX 1.6 (strict)").count - 1 == 2, "\(result.stdout)")
    }
}
