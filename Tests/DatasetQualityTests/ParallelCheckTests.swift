import DatasetQuality
import Foundation
import JSON
import TestSupport
import Testing

/// Acceptance 4's determinism half: the per-record work runs on several threads, and the report
/// is byte-identical whatever the thread count (records are folded in order).
struct ParallelCheckTests {
    /// ~12,000 records over three files and several batches: duplicates, near duplicates,
    /// personal data, planted benchmark items, invalid and empty lines, mixed formats, CSV.
    static func corpus(in dir: TemporaryDirectory) throws -> [DatasetFileInput] {
        var rng = SeededRandom(seed: 2026)
        func chatLine(_ user: String, _ assistant: String) -> String {
            "{\"messages\":[{\"role\":\"user\",\"content\":\"\(user)\"},{\"role\":\"assistant\",\"content\":\"\(assistant)\"}]}"
        }
        var chat: [String] = []
        var kept: [(String, String)] = []
        for i in 0..<10_000 {
            switch i % 97 {
            case 5: chat.append("{\"messages\": [oops")
            case 11: chat.append("")
            case 17: chat.append(SyntheticText.jsonLine(["prompt": "p", "completion": "c"]))
            case 23 where !kept.isEmpty:
                let (u, a) = kept[i % kept.count]
                chat.append(chatLine(u, a)) // exact duplicate
            case 41 where !kept.isEmpty:
                let (u, a) = kept[i % kept.count]
                chat.append(chatLine(u + " extra", a)) // near copy
            default:
                var user = SyntheticText.sentence(&rng, words: 30...60)
                if i % 13 == 0 { user += " mail jane\(i)@example.com or call (555) 123-4567" }
                if i % 501 == 0 {
                    user +=
                        " Which one of the following is not a characteristic of a team? A. Minimal and formal knowledge sharing"
                }
                let assistant = SyntheticText.sentence(&rng, words: 20...40)
                chat.append(chatLine(user, assistant))
                if i % 50 == 0 { kept.append((user, assistant)) }
            }
        }
        let chatURL = dir.path("chat.jsonl")
        try Data((chat.joined(separator: "\n") + "\n").utf8).write(to: chatURL)
        var csv = "text,label\n"
        for i in 0..<1_500 {
            csv += "\"\(SyntheticText.sentence(&rng, words: 4...20)), card 4111 1111 1111 1111\",\(i % 3)\n"
        }
        let csvURL = dir.path("rows.csv")
        try Data(csv.utf8).write(to: csvURL)
        var text = ""
        for i in 0..<800 { text += (i % 7 == 0 ? "   " : SyntheticText.sentence(&rng, words: 3...25)) + "\n" }
        let textURL = dir.path("notes.txt")
        try Data(text.utf8).write(to: textURL)
        return [
            DatasetFileInput(relativePath: "chat.jsonl", url: chatURL),
            DatasetFileInput(relativePath: "rows.csv", url: csvURL),
            DatasetFileInput(relativePath: "notes.txt", url: textURL)
        ]
    }

    static let suite = BenchmarkSuite(
        id: "mc", version: "1", digest: String(repeating: "d", count: 64),
        items: [
            BenchmarkItem(
                id: "team", text: "Which one of the following is not a characteristic of a team?",
                extendedText:
                    "Which one of the following is not a characteristic of a team? Minimal and formal knowledge sharing"
            )
        ])

    static func report(_ files: [DatasetFileInput], threads: Int) throws -> Data {
        var options = DatasetCheckOptions()
        options.threads = threads
        let report = try DatasetChecker.check(
            dataset: "d@1", digest: String(repeating: "e", count: 64), license: "MIT",
            declaredPII: false, files: files, suites: [suite], options: options)
        return try report.encoded()
    }

    @Test func reportIsByteIdenticalForOneTwoAndThreeThreads() throws {
        let dir = TemporaryDirectory("ds-parallel")
        let files = try Self.corpus(in: dir)
        let one = try Self.report(files, threads: 1)
        let two = try Self.report(files, threads: 2)
        let three = try Self.report(files, threads: 3)
        #expect(one == two)
        #expect(one == three)
        // The corpus exercises every part of the report (a report of nothing would also be identical).
        let json = try JSONValue.parse(one)
        func int(_ path: String...) -> Int {
            var v: JSONValue? = json
            for key in path { v = v?.objectValue?[key] }
            if case .integer(let i)? = v { return Int(i) }
            return -1
        }
        #expect(int("statistics", "records") > 11_000)
        #expect(int("validation", "invalid_records") > 100)
        #expect(int("exact_duplicates", "duplicate_records") > 50)
        #expect(int("near_duplicates", "duplicate_records") > 50)
        #expect(int("pii", "records_with_pii") > 2_000)
        #expect(int("pii", "counts", "email") > 500)
        #expect(int("pii", "counts", "payment_card") == 1_500)
        guard case .array(let contamination)? = json.objectValue?["contamination"],
            case .array(let items)? = contamination.first?.objectValue?["contaminated_items"]
        else {
            Issue.record("no contamination in the report")
            return
        }
        #expect(items.compactMap { $0.objectValue?["id"]?.stringValue } == ["team"])
        // The stored form decodes back (records_with_pii ↔ recordsWithPII).
        #expect(try DatasetQualityReport.decode(one).pii.recordsWithPII == int("pii", "records_with_pii"))
    }
}
