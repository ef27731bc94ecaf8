import Foundation
import TestSupport
import Testing

@testable import Storage

struct RowDecoderTests {
    enum Status: String, Codable { case running, completed }

    struct Record: Decodable, Equatable {
        var suiteID: String
        var taskCount: Int
        var prevHash: String
        var score: Double
        var passed: Bool
        var status: Status
        var note: String?
        var blob: Data
    }

    func database(_ dir: TemporaryDirectory) throws -> Database {
        let db = try Database(path: dir.path("a.sqlite").path)
        try db.execute(
            """
            CREATE TABLE t (id INTEGER PRIMARY KEY, suite_id TEXT, task_count INTEGER, prev_hash TEXT, score REAL,
                            passed INTEGER, status TEXT, note TEXT, blob BLOB)
            """)
        return db
    }

    @Test func columnNamesAreTheKeysInSnakeCase() {
        #expect(Row.columnName(for: "prevHash") == "prev_hash")
        #expect(Row.columnName(for: "suiteID") == "suite_id")
        #expect(Row.columnName(for: "ci95Low") == "ci95_low")
        #expect(Row.columnName(for: "seq") == "seq")
        #expect(Row.columnName(for: "URLValue") == "url_value")
        #expect(Row.columnName(for: "keyID") == "key_id")
    }

    @Test func decodesEveryColumnTypeAndIgnoresOtherColumns() throws {
        let dir = TemporaryDirectory("storage")
        let db = try database(dir)
        try db.run(
            "INSERT INTO t VALUES (7, 'mmlu', 57, 'abc', 0.25, 1, 'completed', NULL, ?)", Data([1, 2]))
        let row = try #require(try db.queryFirst("SELECT * FROM t"))
        let record: Record = try row.decode()
        #expect(
            record
                == Record(
                    suiteID: "mmlu", taskCount: 57, prevHash: "abc", score: 0.25, passed: true, status: .completed,
                    note: nil, blob: Data([1, 2])))
        try db.run("UPDATE t SET note = 'n'")
        let updated = try #require(try db.queryFirst("SELECT * FROM t"))
        #expect(try updated.decode(Record.self).note == "n")
    }

    @Test func missingColumnsAndMismatchedValuesThrowNamingTheColumn() throws {
        let dir = TemporaryDirectory("storage")
        let db = try database(dir)
        try db.run("INSERT INTO t VALUES (1, 'mmlu', 'many', 'abc', 0.25, 1, 'completed', NULL, x'00')")
        let mismatched = try #require(try db.queryFirst("SELECT * FROM t"))
        let typeError = #expect(throws: StorageError.self) { try mismatched.decode(Record.self) }
        #expect(typeError?.message.contains("task_count") == true)

        try db.run("UPDATE t SET task_count = 3, status = 'paused'")
        let badEnum = try #require(try db.queryFirst("SELECT * FROM t"))
        let enumError = #expect(throws: StorageError.self) { try badEnum.decode(Record.self) }
        #expect(enumError?.message.contains("column 'status'") == true)
        #expect(enumError?.message.contains("paused") == true)

        let partial = try #require(try db.queryFirst("SELECT suite_id FROM t"))
        let missing = #expect(throws: StorageError.self) { try partial.decode(Record.self) }
        #expect(missing?.message.contains("task_count") == true)
        #expect(missing?.sql == "SELECT suite_id FROM t")
    }

    @Test func nestedRecordsReadTheColumnsTheirPropertyPrefixes() throws {
        struct Reference: Decodable, Equatable {
            var name: String
            var version: String
        }
        struct Run: Decodable, Equatable {
            var id: String
            var model: Reference
            var modelDigest: String
        }
        let dir = TemporaryDirectory("storage")
        let db = try Database(path: dir.path("a.sqlite").path)
        try db.execute("CREATE TABLE r (id TEXT, model_name TEXT, model_version TEXT, model_digest TEXT)")
        try db.run("INSERT INTO r VALUES ('run-1', 'smol', '1.0', 'abc')")
        let row = try #require(try db.queryFirst("SELECT * FROM r"))
        #expect(
            try row.decode(Run.self)
                == Run(id: "run-1", model: Reference(name: "smol", version: "1.0"), modelDigest: "abc"))

        struct MaybeRun: Decodable, Equatable {
            var id: String
            var model: Reference?
        }
        #expect(try row.decode(MaybeRun.self).model == Reference(name: "smol", version: "1.0"))
        let withoutModel = try #require(try db.queryFirst("SELECT id FROM r"))
        #expect(try withoutModel.decode(MaybeRun.self) == MaybeRun(id: "run-1", model: nil))
    }

    @Test func listsAreRefused() throws {
        struct Tagged: Decodable { var tags: [String] }
        let dir = TemporaryDirectory("storage")
        let db = try Database(path: dir.path("a.sqlite").path)
        try db.execute("CREATE TABLE o (tags TEXT)")
        try db.run("INSERT INTO o VALUES ('x')")
        let row = try #require(try db.queryFirst("SELECT * FROM o"))
        let error = #expect(throws: StorageError.self) { try row.decode(Tagged.self) }
        #expect(error?.message.contains("not a list") == true)
    }
}
