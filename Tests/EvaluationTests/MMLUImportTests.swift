import Foundation
import Hashing
import TestSupport
import Testing

@testable import Evaluation

struct CSVTests {
    @Test func quotedFieldsWithCommasNewlinesAndDoubledQuotes() throws {
        let text = "a,\"b, c\",\"line1\nline2\",\"say \"\"hi\"\"\"\r\nplain,,\"\",x\nlast"
        let records = try CSV.parse(text)
        #expect(
            records.map(\.fields) == [["a", "b, c", "line1\nline2", "say \"hi\""], ["plain", "", "", "x"], ["last"]])
        #expect(records.map(\.line) == [1, 3, 4])
    }

    @Test func malformedInputNamesTheLine() {
        #expect(throws: CSV.ParseError(line: 2, reason: "unterminated quoted field")) {
            try CSV.parse("a,b\n\"open,c\nmore")
        }
    }

    /// Lenient like Python's csv module: stray quotes in unquoted fields are literal, text after a
    /// closing quote is appended (MMLU's college_medicine_val.csv line 6 needs this).
    @Test func strayQuotesAreReadLikePythonsCSVModule() throws {
        #expect(
            try CSV.parse("Nietzsche\u{2019}s Will to Truth?\",b,c\n").map(\.fields) == [
                ["Nietzsche\u{2019}s Will to Truth?\"", "b", "c"]
            ])
        #expect(try CSV.parse("\"a\"b,c").map(\.fields) == [["ab", "c"]])
    }

    /// Property: rendering random records and parsing them back gives the same records.
    @Test func randomRecordsRoundTrip() throws {
        var generator = SplitMix64(seed: 42)
        let alphabet: [Character] = ["a", "Z", "7", " ", ",", "\"", "\n", "\r\n", "é", "—", "\t"]
        for _ in 0..<500 {
            let rowCount = Int(generator.next() % 5) + 1
            var records: [[String]] = []
            for _ in 0..<rowCount {
                let fieldCount = Int(generator.next() % 6) + 1
                records.append(
                    (0..<fieldCount).map { _ in
                        String(
                            (0..<Int(generator.next() % 8)).map { _ in
                                alphabet[Int(generator.next() % UInt64(alphabet.count))]
                            })
                    })
            }
            let parsed = try CSV.parse(CSV.render(records))
            #expect(parsed.map(\.fields) == records)
        }
    }
}

struct MMLUImportTests {
    @Test func categoryTableCoversThe57SubjectsAsLMEvalGroupsThem() {
        #expect(MMLU.categories.count == 57)
        let counts = Dictionary(grouping: MMLU.categories.values, by: { $0 }).mapValues(\.count)
        #expect(counts[.stem] == 19)
        #expect(counts[.humanities] == 13)
        #expect(counts[.socialSciences] == 12)
        #expect(counts[.other] == 13)
        #expect(MMLU.categories["professional_law"] == .humanities)
        #expect(MMLU.categories["econometrics"] == .socialSciences)
        #expect(MMLU.categories["virology"] == .other)
    }

    /// A two-subject CSV release in the `data/` layout or flat.
    func writeRelease(at dir: URL, nested: Bool, brokenAnswer: Bool = false) throws {
        let base = nested ? dir.appendingPathComponent("data") : dir
        let files: [String: String] = [
            "dev/anatomy_dev.csv": (1...5).map { "Dev anatomy \($0)?,a,b,c,d,\(["A", "B", "C", "D"][$0 % 4])\n" }
                .joined(),
            "dev/marketing_dev.csv": (1...5).map { "Dev marketing \($0)?,a,b,c,d,C\n" }.joined(),
            "val/anatomy_val.csv":
                "\"Which bone, if any, is longest?\",Femur,Tibia,\"Ulna \"\"long\"\"\",\"Two\nlines\",A\nQ2?,w,x,y,z,\(brokenAnswer ? "E" : "D")\n",
            "val/marketing_val.csv": "M1?,p,q,r,s,B\nM2?,p,q,r,s,C\nM3?,p,q,r,s,A\n"
        ]
        for (path, text) in files {
            let url = base.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }

    @Test(arguments: [true, false])
    func importsBothLayoutsIntoAValidSuite(nested: Bool) throws {
        let tmp = TemporaryDirectory()
        try writeRelease(at: tmp.path("release"), nested: nested)
        let suite = try MMLU.importSuite(from: tmp.path("release"), to: tmp.path("suites/mmlu"))
        #expect(suite.manifest.tasks.map(\.id) == ["mmlu", "mmlu_cloze"])
        let task = try #require(suite.task("mmlu"))
        #expect(task.items.count == 5)
        #expect(task.fewshot.count == 10)
        // Round-robin by subject: anatomy 1, marketing 1, anatomy 2, marketing 2, marketing 3.
        #expect(
            task.items.map(\.id) == [
                "anatomy-val-1", "marketing-val-1", "anatomy-val-2", "marketing-val-2", "marketing-val-3"
            ])
        #expect(task.items[0].question == "Which bone, if any, is longest?")
        #expect(task.items[0].choices == ["Femur", "Tibia", "Ulna \"long\"", "Two\nlines"])
        #expect(task.items[0].fields["category"] == "stem")
        #expect(task.items[1].fields["category"] == "other")
        #expect(task.fewshot.map(\.id) == (1...5).map { "anatomy-dev-\($0)" } + (1...5).map { "marketing-dev-\($0)" })
    }

    @Test func aBadRowIsReportedAndNothingIsWritten() throws {
        let tmp = TemporaryDirectory()
        try writeRelease(at: tmp.path("release"), nested: true, brokenAnswer: true)
        do {
            _ = try MMLU.importSuite(from: tmp.path("release"), to: tmp.path("suites/mmlu"))
            Issue.record("import accepted an unknown answer label")
        } catch let error as MMLU.ImportError {
            #expect(error.file == "val/anatomy_val.csv")
            #expect(error.line == 3)
            #expect(error.reason.contains("unknown answer label 'E'"))
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: tmp.path("suites").path)) ?? []
        #expect(left.isEmpty)
    }

    @Test(.enabled(if: Fixtures.referenceAvailableOrCI))
    func importsTheRealMMLURelease() throws {
        let release = try Fixtures.require(Fixtures.reference("mmlu"))
        let tmp = TemporaryDirectory()
        let suite = try MMLU.importSuite(from: release, to: tmp.path("mmlu"))
        let task = try #require(suite.task("mmlu"))
        #expect(task.items.count == 1542)
        #expect(task.fewshot.count == 285)
        #expect(Set(task.items.compactMap(\.subject)).count == 57)
        // Every subject has exactly 5 dev examples for 5-shot prompts.
        let perSubject = Dictionary(grouping: task.fewshot, by: { $0.subject ?? "" }).mapValues(\.count)
        #expect(perSubject.values.allSatisfy { $0 == 5 })
        let testSuite = try MMLU.importSuite(
            from: release, to: tmp.path("mmlu-test"),
            options: .init(split: "test", id: "mmlu-test", includeCloze: false))
        #expect(testSuite.task("mmlu-test")?.items.count == 14079)
    }
}
