import Hashing
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
        #expect(CycloneDXExport.purl(name: "smollm2", version: "1.0+q4", digest: "AB12")
            == "pkg:generic/smollm2@1.0%2Bq4?checksum=sha256:ab12")
    }
}
