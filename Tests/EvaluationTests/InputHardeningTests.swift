import Foundation
import TestSupport
import Testing

@testable import Evaluation

/// Issue 12 item 12: inputs that used to be accepted (or failed with raw Foundation errors).
struct InputHardeningTests {
    /// A minimal valid release: one subject, 5 dev and 2 val questions.
    func release(_ dir: URL, dev: String? = nil, val: String? = nil, devRaw: [UInt8]? = nil) throws {
        let files: [String: [UInt8]?] = [
            "dev/anatomy_dev.csv": devRaw ?? dev.map { Array($0.utf8) }
                ?? Array((1...5).map { "D\($0)?,a,b,c,d,A\n" }.joined().utf8),
            "val/anatomy_val.csv": Array((val ?? "Q1?,a,b,c,d,B\nQ2?,a,b,c,d,C\n").utf8)
        ]
        for (path, bytes) in files {
            guard let bytes else { continue }
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
    }

    func importError(_ body: (URL) throws -> Void) throws -> MMLU.ImportError? {
        let tmp = TemporaryDirectory("mmlu-hard")
        let dir = tmp.path("release")
        try body(dir)
        do {
            _ = try MMLU.importSuite(from: dir, to: tmp.path("out/mmlu"))
            return nil
        } catch let error as MMLU.ImportError {
            #expect(!FileManager.default.fileExists(atPath: tmp.path("out/mmlu").path))
            return error
        }
    }

    @Test func validReleaseImports() throws {
        #expect(try importError { try release($0) } == nil)
    }

    @Test func missingOrShortDevFileIsRefused() throws {
        let missing = try importError { dir in
            try release(dir)
            try FileManager.default.removeItem(at: dir.appendingPathComponent("dev/anatomy_dev.csv"))
            try Data("D?,a,b,c,d,A\n".utf8).write(to: dir.appendingPathComponent("dev/virology_dev.csv"))
        }
        #expect(missing?.file == "dev/anatomy_dev.csv")
        #expect(missing?.reason.contains("missing") == true)
        let short = try importError { try release($0, dev: "D1?,a,b,c,d,A\nD2?,a,b,c,d,B\n") }
        #expect(short?.file == "dev/anatomy_dev.csv")
        #expect(short?.reason.contains("has 2 questions") == true)
    }

    @Test func emptySubjectFileIsRefused() throws {
        let error = try importError { try release($0, val: "") }
        #expect(error?.file == "val/anatomy_val.csv")
        #expect(error?.reason.contains("no questions") == true)
    }

    @Test func byteOrderMarksAndNULBytesAreRefused() throws {
        let bom = try importError {
            try release($0, devRaw: [0xef, 0xbb, 0xbf] + Array((1...5).map { "D\($0)?,a,b,c,d,A\n" }.joined().utf8))
        }
        #expect(bom?.reason.contains("byte-order mark") == true)
        let nul = try importError { try release($0, val: "Q1?,a,b,c,d,B\nQ2\0?,a,b,c,d,C\n") }
        #expect(nul?.file == "val/anatomy_val.csv")
        #expect(nul?.line == 2)
        #expect(nul?.reason.contains("control byte") == true)
    }

    /// A suite directory holding `suite.json` and one items file.
    func suite(_ dir: URL, shots: String = "0", fewshot: Bool = false) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let item = #"{"id":"q1","subject":"x","question":"Q?","choices":["a","b","c","d"],"answer":"A"}"# + "\n"
        try Data(item.utf8).write(to: dir.appendingPathComponent("items.jsonl"))
        let manifest = """
            {"format":"assay-suite/1","id":"s","version":"1.0.0","title":"t","description":"d","license":"MIT","source":"x",
             "tasks":[{"id":"t","kind":"multiple_choice","items":"items.jsonl",\(fewshot ? #""fewshot":"items.jsonl","# : "")"default_shots":\(shots)}]}
            """
        try Data(manifest.utf8).write(to: dir.appendingPathComponent("suite.json"))
    }

    @Test func absurdShotCountsAreRefused() throws {
        let tmp = TemporaryDirectory("suite-shots")
        try suite(tmp.path("ok"))
        _ = try SuiteLoader.load(directory: tmp.path("ok"))
        try suite(tmp.path("huge"), shots: "9223372036854775807", fewshot: true)
        #expect(throws: SuiteError.self) { try SuiteLoader.load(directory: tmp.path("huge")) }
        try suite(tmp.path("pool"), shots: "5", fewshot: true)
        #expect(throws: SuiteError.self) { try SuiteLoader.load(directory: tmp.path("pool")) }
    }

    @Test func symbolicLinksInsideASuiteAreRefused() throws {
        let tmp = TemporaryDirectory("suite-links")
        let outside = tmp.path("outside")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data((#"{"id":"q1","subject":"x","question":"Q?","choices":["a","b","c","d"],"answer":"A"}"# + "\n").utf8)
            .write(to: outside.appendingPathComponent("items.jsonl"))
        let linkedDir = tmp.path("linked-dir")
        try suite(linkedDir)
        try FileManager.default.createSymbolicLink(
            at: linkedDir.appendingPathComponent("data"), withDestinationURL: outside)
        #expect(throws: SuiteError.self) { try SuiteLoader.load(directory: linkedDir) }
        let linkedFile = tmp.path("linked-file")
        try suite(linkedFile)
        try FileManager.default.removeItem(at: linkedFile.appendingPathComponent("items.jsonl"))
        try FileManager.default.createSymbolicLink(
            at: linkedFile.appendingPathComponent("items.jsonl"),
            withDestinationURL: outside.appendingPathComponent("items.jsonl"))
        #expect(throws: SuiteError.self) { try SuiteLoader.load(directory: linkedFile) }
    }

    @Test func foundationFileErrorsBecomeOneLineNamingThePath() throws {
        do {
            _ = try Data(contentsOf: URL(fileURLWithPath: "/nonexistent-assay/x.csv"))
            Issue.record("read a missing file")
        } catch {
            let line = try #require(FileErrors.oneLine(error))
            #expect(line == "/nonexistent-assay/x.csv: no such file or directory", "\(line)")
            #expect(!line.contains("NSCocoaErrorDomain"))
        }
    }
}
