import DatasetQuality
import Foundation
import TestSupport
import Testing

@Suite struct DetectorTests {
    @Test func luhnAndMod97() {
        #expect(PIIScanner.luhn(Array("4111111111111111".utf8).map { $0 - 48 }))
        #expect(!PIIScanner.luhn(Array("4111111111111112".utf8).map { $0 - 48 }))
        #expect(PIIScanner.mod97(Array("GB82WEST12345698765432".utf8)))
        #expect(!PIIScanner.mod97(Array("GB82WEST12345698765433".utf8)))
    }

    @Test func findsEachKindWithMaskedValues() {
        let text = """
            Mail jane.doe@example.com or call +44 20 7946 0958 or (555) 123-4567. Card 4111 1111 1111 1111,
            IBAN DE89 3704 0044 0532 0130 00, SSN 123-45-6789, host 192.168.1.20, key AKIAIOSFODNN7EXAMPLE.
            """
        let kinds = PIIScanner.scan(text).map(\.kind)
        #expect(Set(kinds) == Set(PIIKind.allCases))
        #expect(kinds.filter { $0 == .phone }.count == 2)
        let card = PIIScanner.scan("pay with 4111-1111-1111-1111 now")
        #expect(card.map(\.masked) == ["**** **** **** 1111"])
    }

    @Test func ignoresDecoys() {
        let decoys = """
            order 4111 1111 1111 1112, IBAN DE89 3704 0044 0532 0130 01, SSN 000-12-3456 and 666-12-3456,
            version 1.2.3.4.5, address 300.1.1.1, date 2024-06-01, build 20240601123456, user@localhost,
            sk-short, AKIA123
            """
        #expect(PIIScanner.scan(decoys).isEmpty)
    }

    @Test func spdxExpressions() {
        #expect(LicenseValidation.validate("Apache-2.0").spdxValid)
        #expect(LicenseValidation.validate("mit").identifiers == ["MIT"])
        #expect(LicenseValidation.validate("(MIT OR Apache-2.0) AND CC-BY-4.0").spdxValid)
        #expect(LicenseValidation.validate("GPL-2.0-or-later WITH Classpath-exception-2.0").spdxValid)
        #expect(!LicenseValidation.validate("internal use only").spdxValid)
        #expect(!LicenseValidation.validate("MIT OR").spdxValid)
        #expect(!LicenseValidation.validate("").spdxValid)
    }

    @Test func normalisationIgnoresCaseAndPunctuation() {
        #expect(TextNormalizer.wordHashes("Hello,  World!") == TextNormalizer.wordHashes("hello world"))
        #expect(TextNormalizer.wordHashes("a-b").count == 2)
    }
}

@Suite struct FormatTests {
    func check(_ name: String, _ text: String) throws -> DatasetQualityReport {
        let dir = TemporaryDirectory("ds-format")
        let url = dir.path(name)
        try Data(text.utf8).write(to: url)
        return try DatasetChecker.check(
            dataset: "f@1", digest: "", license: "MIT", declaredPII: false,
            files: [DatasetFileInput(relativePath: name, url: url)], suites: [])
    }

    @Test func csvWithQuotedNewlinesAndLabels() throws {
        let r = try check(
            "d.csv", "text,label\n\"hello, \"\"world\"\"\nsecond line\",greeting\nbye now,farewell\nonly-one-field\n")
        #expect(r.statistics.records == 2)
        #expect(r.statistics.labels.map(\.name) == ["farewell", "greeting"])
        #expect(r.validation.issues.map(\.location.line) == [5])
        #expect(r.files.first?.format == .csv)
    }

    @Test func byteOrderMarkAndJSONArrayFiles() throws {
        let bom = try check("a.jsonl", "\u{FEFF}{\"text\":\"hello there\"}\n")
        #expect(bom.validation.invalidRecords == 0 && bom.statistics.records == 1)
        let array = try check("b.json", "[\n  {\"text\": \"a\"},\n  {\"text\": \"b\"}\n]\n")
        #expect(array.validation.invalidRecords == 1)
        #expect(array.validation.issues.first?.message.contains("JSON array") == true)
    }

    @Test func invalidUTF8AndOversizedRecords() throws {
        let dir = TemporaryDirectory("ds-bytes")
        let url = dir.path("x.txt")
        var bytes =
            Array("fine line\n".utf8) + [0xff, 0xfe, 0x0a] + Array(String(repeating: "y", count: 100).utf8) + [0x0a]
        bytes += Array("last\n".utf8)
        try Data(bytes).write(to: url)
        var options = DatasetCheckOptions()
        options.maxRecordBytes = 50
        let r = try DatasetChecker.check(
            dataset: "x@1", digest: "", license: "MIT", declaredPII: false,
            files: [DatasetFileInput(relativePath: "x.txt", url: url)], suites: [], options: options)
        #expect(r.statistics.records == 2)
        #expect(r.validation.issueCounts == ["encoding": 1, "oversized": 1])
        #expect(r.validation.issues.map(\.location.line) == [2, 3])
    }
}
