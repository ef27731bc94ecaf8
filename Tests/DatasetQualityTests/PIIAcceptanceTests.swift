import DatasetQuality
import Foundation
import TestSupport
import Testing

/// Issue 14, acceptance 2: a generated corpus with known planted personal data and near-miss
/// decoys: every planted value is found (recall 1.0) and no decoy is reported.
struct PIIAcceptanceTests {
    static func digits(_ n: Int, _ rng: inout SeededRandom) -> [Int] {
        (0..<n).map { _ in Int.random(in: 0...9, using: &rng) }
    }

    /// Appends the Luhn check digit.
    static func withLuhn(_ body: [Int]) -> [Int] {
        var sum = 0
        for (k, d) in body.reversed().enumerated() {
            var v = d
            if k % 2 == 0 {
                v *= 2
                if v > 9 { v -= 9 }
            }
            sum += v
        }
        return body + [(10 - sum % 10) % 10]
    }

    static func ibanCheck(_ country: String, _ bban: String) -> String {
        let rearranged = bban + country + "00"
        var remainder = 0
        for ch in rearranged.unicodeScalars {
            let v = ch.properties.numericType != nil ? Int(ch.value) - 48 : Int(ch.value) - 55
            remainder = (remainder * (v >= 10 ? 100 : 10) + v) % 97
        }
        let check = 98 - remainder
        return (check < 10 ? "0" : "") + String(check)
    }

    static func grouped(_ s: String, by n: Int, _ sep: String) -> String {
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0 && i % n == 0 { out += sep }
            out.append(c)
        }
        return out
    }

    /// (text, kind) for planted values; decoys have kind nil.
    static func corpus() -> [(String, PIIKind?)] {
        var rng = SeededRandom(seed: 2)
        var out: [(String, PIIKind?)] = []
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        let alnum = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        for i in 0..<40 {
            let word = SyntheticText.word(&rng)
            // e-mail
            out.append(("\(word).\(i)@\(SyntheticText.word(&rng)).example.org", .email))
            out.append(("\(word)@localhost", nil))
            out.append(("see @\(word) on the forum", nil))
            // phones
            let area = Int.random(in: 201...989, using: &rng)
            let ex = Int.random(in: 200...999, using: &rng)
            let line = String(format: "%04d", Int.random(in: 0...9999, using: &rng))
            out.append(
                [
                    ("(\(area)) \(ex)-\(line)", PIIKind.phone), ("\(area)-\(ex)-\(line)", .phone),
                    ("+44 20 \(ex)\(line.prefix(1)) \(line)", .phone),
                    ("+1 \(area) \(ex) \(line)", .phone)
                ][i % 4])
            out.append(
                (
                    "order \(area)\(ex) shipped in \(Int.random(in: 1...99, using: &rng)) days on 2024-06-\(10 + i % 18)",
                    nil
                ))
            // payment cards (Visa 16, Mastercard 16, Amex 15)
            let prefix: [Int] = [[4], [5, 1 + i % 5], [3, 7]][i % 3]
            let length = i % 3 == 2 ? 15 : 16
            var card = withLuhn(prefix + digits(length - 1 - prefix.count, &rng))
            let text = card.map(String.init).joined()
            out.append(([grouped(text, by: 4, " "), grouped(text, by: 4, "-"), text][i % 3], .paymentCard))
            card[card.count - 1] = (card[card.count - 1] + 1 + i % 8) % 10
            out.append((grouped(card.map(String.init).joined(), by: 4, " "), nil))
            // IBANs (DE: 18 digits; GB: 4 letters + 14 digits)
            let bban =
                i % 2 == 0
                ? digits(18, &rng).map(String.init).joined()
                : String((0..<4).map { _ in letters[Int.random(in: 0..<26, using: &rng)] })
                    + digits(14, &rng).map(String.init).joined()
            let country = i % 2 == 0 ? "DE" : "GB"
            let check = ibanCheck(country, bban)
            let iban = country + check + bban
            out.append((i % 4 < 2 ? grouped(iban, by: 4, " ") : iban, .iban))
            let wrong = country + String(format: "%02d", (Int(check) ?? 0) % 97 + 1) + bban
            out.append((grouped(wrong, by: 4, " "), nil))
            // US SSNs
            let ssnArea = [Int.random(in: 1...665, using: &rng), Int.random(in: 667...899, using: &rng)][i % 2]
            out.append(
                (
                    String(
                        format: "%03d-%02d-%04d", ssnArea, Int.random(in: 1...99, using: &rng),
                        Int.random(in: 1...9999, using: &rng)), .ssn
                ))
            out.append(
                (
                    [
                        String(format: "000-%02d-1234", 1 + i), String(format: "666-%02d-1234", 1 + i),
                        String(format: "9%02d-12-3456", i), "123-00-4567", "123-45-0000"
                    ][i % 5], nil
                ))
            // IPv4
            out.append(
                (
                    "\(Int.random(in: 1...223, using: &rng)).\(Int.random(in: 0...255, using: &rng)).\(i).\(Int.random(in: 1...254, using: &rng))",
                    .ipAddress
                ))
            out.append(
                (["version 1.2.\(i).4.5", "address 256.\(i).1.1", "ratio 3.14 and 2.71", "build 10.0.\(i)"][i % 4], nil)
            )
            // secrets
            let body16 = String((0..<16).map { _ in letters[Int.random(in: 0..<26, using: &rng)] })
            let body36 = String((0..<36).map { _ in alnum[Int.random(in: 0..<62, using: &rng)] })
            out.append(
                (
                    [
                        "AKIA" + body16, "ghp_" + body36,
                        "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
                        "sk-" + body36 + "abcd"
                    ][i % 4], .secret
                ))
            out.append((["AKIA12", "ghp_short", "-----BEGIN PUBLIC KEY-----", "task-" + body36][i % 4], nil))
        }
        return out
    }

    @Test func plantedValuesAreFoundAndDecoysAreNot() throws {
        let corpus = Self.corpus()
        var rng = SeededRandom(seed: 9)
        var found: [PIIKind: Int] = [:]
        var planted: [PIIKind: Int] = [:]
        var decoyHits: [String] = []
        var lines: [String] = []
        for (value, kind) in corpus {
            let text =
                "\(SyntheticText.sentence(&rng, words: 3...8)) \(value) \(SyntheticText.sentence(&rng, words: 3...8))."
            lines.append(SyntheticText.jsonLine(["text": text]))
            let findings = PIIScanner.scan(text)
            if let kind {
                planted[kind, default: 0] += 1
                if findings.map(\.kind) == [kind] { found[kind, default: 0] += 1 }
            } else if !findings.isEmpty {
                decoyHits.append("\(value) → \(findings.map { $0.kind.rawValue })")
            }
        }
        for kind in PIIKind.allCases {
            let recall = Double(found[kind] ?? 0) / Double(max(1, planted[kind] ?? 0))
            #expect(recall == 1.0, "recall for \(kind.rawValue): \(recall)")
        }
        #expect(decoyHits.isEmpty, "decoys reported: \(decoyHits)")
        print(
            "acceptance 2: planted \(planted.values.reduce(0, +)) values over \(planted.count) kinds, recall 1.0 each; \(corpus.filter { $0.1 == nil }.count) decoys, \(decoyHits.count) reported"
        )

        // The same corpus through the full check: counts per kind equal the planted counts.
        let dir = TemporaryDirectory("ds-pii")
        let file = dir.path("pii.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
        let report = try DatasetChecker.check(
            dataset: "pii@1", digest: "", license: "MIT", declaredPII: false,
            files: [DatasetFileInput(relativePath: "pii.jsonl", url: file)], suites: [])
        #expect(report.pii.counts == Dictionary(uniqueKeysWithValues: planted.map { ($0.key.rawValue, $0.value) }))
        #expect(report.pii.undeclared)
        #expect(report.pii.samples.allSatisfy { !$0.masked.isEmpty })
        // Masked samples never carry the full value.
        for sample in report.pii.samples where sample.kind == .paymentCard { #expect(sample.masked.hasPrefix("**** ")) }
    }
}
