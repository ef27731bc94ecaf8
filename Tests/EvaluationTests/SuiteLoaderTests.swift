import Foundation
import TestSupport
import Testing

@testable import Evaluation

/// Builds small suites on disk for tests.
enum SuiteFiles {
    static let manifest = """
        {"format": "assay-suite/1", "id": "mini", "version": "1.0.0", "title": "Mini", "description": "d",
         "license": "Apache-2.0", "source": "test",
         "tasks": [
          {"id": "mc", "kind": "multiple_choice", "items": "mc.jsonl", "fewshot": "mc-dev.jsonl", "default_shots": 0},
          {"id": "cls", "kind": "classification", "items": "cls.jsonl", "labels": ["yes", "no"],
           "template": "Text: {text}\\nAnswer:"},
          {"id": "gen", "kind": "generative", "items": "gen.jsonl", "template": "{document}\\nQ: {question}\\nA:",
           "stop": ["\\n"], "max_tokens": 8, "scoring": "exact_match"}
         ]}
        """

    static func mcLine(
        _ id: String, subject: String = "world_geography", answer: String = "B",
        choices: [String] = ["Paris", "Rome", "Oslo", "Bern"]
    ) -> String {
        let list = choices.map { "\"\($0)\"" }.joined(separator: ", ")
        return
            "{\"id\": \"\(id)\", \"subject\": \"\(subject)\", \"question\": \"Capital of \(id)?\", \"choices\": [\(list)], \"answer\": \"\(answer)\"}"
    }

    static var files: [String: String] {
        [
            "suite.json": manifest,
            "mc.jsonl": (1...12).map {
                mcLine(
                    "q\($0)", subject: $0 % 2 == 0 ? "world_geography" : "biology",
                    answer: ["A", "B", "C", "D"][$0 % 4])
            }.joined(separator: "\n") + "\n",
            "mc-dev.jsonl": (1...3).map { mcLine("d\($0)", subject: "world_geography") }.joined(separator: "\n") + "\n"
                + mcLine("d4", subject: "biology", answer: "C") + "\n",
            "cls.jsonl": (1...10).map {
                "{\"id\": \"c\($0)\", \"text\": \"message number \($0)\", \"label\": \"\($0 % 3 == 0 ? "yes" : "no")\"}"
            }
            .joined(separator: "\n") + "\n",
            "gen.jsonl": (1...6).map {
                "{\"id\": \"g\($0)\", \"cluster\": \"doc\($0 % 2)\", \"document\": \"Invoice INV-\($0)\", \"question\": \"number?\", \"target\": \"INV-\($0)\"}"
            }
            .joined(separator: "\n") + "\n"
        ]
    }

    @discardableResult
    static func write(_ files: [String: String], to dir: URL) throws -> URL {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        return dir
    }
}

struct SuiteLoaderTests {
    @Test func loadsAValidSuiteWithEveryKind() throws {
        let tmp = TemporaryDirectory()
        let dir = try SuiteFiles.write(SuiteFiles.files, to: tmp.path("mini"))
        let suite = try SuiteLoader.load(directory: dir)
        #expect(suite.id == "mini")
        #expect(suite.tasks.map(\.spec.kind) == [.multipleChoice, .classification, .generative])
        #expect(suite.task("mc")?.items.count == 12)
        #expect(suite.task("mc")?.fewshot.count == 4)
        #expect(suite.task("mc")?.items[0].answerIndex == 1)
        #expect(suite.task("gen")?.items[0].targets == ["INV-1"])
        #expect(suite.task("gen")?.items[0].cluster == "doc1")
        #expect(suite.files.map(\.relativePath) == ["cls.jsonl", "gen.jsonl", "mc-dev.jsonl", "mc.jsonl", "suite.json"])
        #expect(suite.digest.count == 64)
    }

    @Test func digestIsTheSortedFileManifestAndChangesWithAnyByte() throws {
        let tmp = TemporaryDirectory()
        let dir = try SuiteFiles.write(SuiteFiles.files, to: tmp.path("mini"))
        let first = try SuiteLoader.load(directory: dir)
        // Same rule as dataset digests: sha256sum-style manifest of (sha256, path), sorted.
        let manifest = first.files.map { "\($0.sha256)  \($0.relativePath)\n" }.joined()
        let expected = try shellSHA256(manifest)
        #expect(first.digest == expected)
        // Loading again gives the same digest; one changed byte gives another.
        #expect(try SuiteLoader.load(directory: dir).digest == first.digest)
        var files = SuiteFiles.files
        files["cls.jsonl"] = files["cls.jsonl"]!.replacingOccurrences(of: "number 1\"", with: "number 1!\"")
        try SuiteFiles.write(files, to: dir)
        #expect(try SuiteLoader.load(directory: dir).digest != first.digest)
    }

    func shellSHA256(_ text: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }

    /// (file to corrupt, new content, expected file, line, reason fragment)
    static let malformed: [(String, String, String, Int?, String)] = [
        ("mc.jsonl", SuiteFiles.mcLine("q1") + "\n{\"id\": \"q2\", \"subject\": \"x\",,}\n", "mc.jsonl", 2, "bad JSON"),
        (
            "mc.jsonl", SuiteFiles.mcLine("q1") + "\n" + SuiteFiles.mcLine("q2", answer: "E") + "\n", "mc.jsonl", 2,
            "unknown answer label 'E'"
        ),
        (
            "mc.jsonl",
            SuiteFiles.mcLine("q1") + "\n" + SuiteFiles.mcLine("q2") + "\n" + SuiteFiles.mcLine("q1") + "\n",
            "mc.jsonl", 3, "duplicate id 'q1'"
        ),
        (
            "mc.jsonl",
            "{\"id\": \"q1\", \"subject\": \"s\", \"choices\": [\"a\",\"b\",\"c\",\"d\"], \"answer\": \"A\"}\n",
            "mc.jsonl", 1, "missing field 'question'"
        ),
        ("mc.jsonl", SuiteFiles.mcLine("q1", choices: ["a", "b", "c"]) + "\n", "mc.jsonl", 1, "exactly 4 choices"),
        ("mc.jsonl", SuiteFiles.mcLine("q1") + "\n\n" + SuiteFiles.mcLine("q2") + "\n", "mc.jsonl", 2, "blank line"),
        (
            "cls.jsonl",
            "{\"id\": \"c1\", \"text\": \"hi\", \"label\": \"yes\"}\n{\"id\": \"c2\", \"text\": \"hi\", \"label\": \"maybe\"}\n",
            "cls.jsonl", 2, "label 'maybe' is not in the task's labels"
        ),
        (
            "gen.jsonl", "{\"id\": \"g1\", \"document\": \"d\", \"target\": \"t\"}\n", "gen.jsonl", 1,
            "placeholder '{question}'"
        ),
        ("mc-dev.jsonl", "[1, 2]\n", "mc-dev.jsonl", 1, "expected a JSON object"),
        (
            "suite.json", SuiteFiles.manifest.replacingOccurrences(of: "\"license\":", with: "\"license\""),
            "suite.json", 2, "invalid JSON"
        ),
        (
            "suite.json", SuiteFiles.manifest.replacingOccurrences(of: "\"id\": \"cls\"", with: "\"id\": \"mc\""),
            "suite.json", nil, "duplicate task id 'mc'"
        ),
        (
            "suite.json", SuiteFiles.manifest.replacingOccurrences(of: "\"title\": \"Mini\",", with: ""),
            "suite.json", nil, "missing field 'title'"
        )
    ]

    @Test(arguments: 0..<malformed.count)
    func malformedSuitesNameFileLineAndReason(_ index: Int) throws {
        let (file, content, expectedFile, expectedLine, reason) = Self.malformed[index]
        let tmp = TemporaryDirectory()
        var files = SuiteFiles.files
        files[file] = content
        let dir = try SuiteFiles.write(files, to: tmp.path("mini"))
        do {
            _ = try SuiteLoader.load(directory: dir)
            Issue.record("suite with a malformed \(file) was accepted")
        } catch {
            #expect(error.file == expectedFile)
            if let expectedLine { #expect(error.line == expectedLine, "\(error)") }
            #expect(error.reason.contains(reason), "\(error)")
            #expect(error.description.hasPrefix(expectedLine.map { "\(expectedFile):\($0): " } ?? "\(expectedFile): "))
        }
    }

    @Test func bundledSuitesLoad() throws {
        let root = Fixtures.packageRoot.appendingPathComponent("Benchmarks/Suites")
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).filter {
            FileManager.default.fileExists(
                atPath: root.appendingPathComponent($0).appendingPathComponent("suite.json").path)
        }
        #expect(names.count >= 3)
        for name in names {
            let suite = try SuiteLoader.load(directory: root.appendingPathComponent(name))
            #expect(suite.id == name)
            #expect(suite.tasks.allSatisfy { !$0.items.isEmpty })
        }
    }

    @Test func templatesRenderOnlyWellFormedPlaceholders() {
        #expect(Template.placeholders(in: "{a} {b_2} {a} {not valid} {}") == ["a", "b_2"])
        #expect(
            Template.render("x={x}, y={y} {z} {bad key}", fields: ["x": "1", "y": "{x}"]) == "x=1, y={x} {z} {bad key}")
    }
}
