import DatasetQuality
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
        #expect(TextNormalizer.wordHashes("a-b") .count == 2)
    }
}
