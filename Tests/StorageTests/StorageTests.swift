import CSQLite
import Foundation
import TestSupport
import Testing

@testable import Storage

struct DatabaseTests {
    @Test func opensInWALWithForeignKeys() throws {
        let dir = TemporaryDirectory("storage")
        let db = try Database(path: dir.path("a.sqlite").path)
        #expect(try db.scalar("PRAGMA journal_mode", as: String.self) == "wal")
        #expect(try db.scalar("PRAGMA foreign_keys", as: Int.self) == 1)
        #expect(try db.scalar("PRAGMA synchronous", as: Int.self) == 1)
    }

    @Test func bindsEveryTypeAndReadsRowsByName() throws {
        let dir = TemporaryDirectory("storage")
        let db = try Database(path: dir.path("a.sqlite").path)
        try db.execute("CREATE TABLE t (i INTEGER, d REAL, s TEXT, b BLOB, n TEXT, f INTEGER)")
        try db.run(
            "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", Int64(1) << 40, 2.5, "it's \"x\"",
            Data([0, 1, 2]), String?.none, true)
        let row = try #require(try db.queryFirst("SELECT * FROM t"))
        #expect(try row.get("i", as: Int64.self) == 1 << 40)
        #expect(try row.get("d", as: Double.self) == 2.5)
        #expect(try row.get("s", as: String.self) == "it's \"x\"")
        #expect(try row.get("b", as: Data.self) == Data([0, 1, 2]))
        #expect(try row.get("n", as: String?.self) == nil)
        #expect(try row.get("f", as: Bool.self))
        #expect(throws: StorageError.self) { try row.get("s", as: Int.self) }
        #expect(throws: StorageError.self) { try row.get("missing", as: Int.self) }
    }

    @Test func errorsCarryCodesMessageAndSQL() throws {
        let dir = TemporaryDirectory("storage")
        let db = try Database(path: dir.path("a.sqlite").path)
        try db.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
        try db.run("INSERT INTO t VALUES (?)", "x")
        do {
            try db.run("INSERT INTO t VALUES (?)", "x")
            Issue.record("expected a constraint error")
        } catch {
            #expect(error.resultCode == SQLITE_CONSTRAINT)
            #expect(error.extendedCode == StorageError.Extended.constraintPrimaryKey)
            #expect(error.sql == "INSERT INTO t VALUES (?)")
            #expect(error.description.contains("UNIQUE"))
        }
        #expect(throws: StorageError.self) { try db.run("SELEKT 1") }
        #expect(throws: StorageError.self) { try db.run("SELECT ?", 1, 2) }
    }

    @Test func namedParametersAndStreamingRows() throws {
        let dir = TemporaryDirectory("storage")
        let db = try Database(path: dir.path("a.sqlite").path)
        try db.execute("CREATE TABLE t (k TEXT, v INTEGER)")
        let insert = try db.prepare("INSERT INTO t VALUES (:k, :v)")
        for i in 0..<10 {
            try insert.bind(named: [":k": "key\(i)", ":v": i])
            try insert.run()
        }
        let select = try db.prepare("SELECT k, v FROM t ORDER BY v")
        try select.bind([])
        var seen: [Int] = []
        try select.forEachRow { row in
            seen.append(try row.get("v"))
            return seen.count < 4
        }
        #expect(seen == [0, 1, 2, 3])
        #expect(throws: StorageError.self) { try insert.bind(named: [":nope": 1]) }
        // The statement is reusable after an early stop.
        #expect(try select.rows().count == 10)
    }

    @Test func nestedTransactionsJoinTheOuterOne() throws {
        struct Boom: Error {}
        let dir = TemporaryDirectory("storage")
        let db = try Database(path: dir.path("a.sqlite").path)
        try db.execute("CREATE TABLE t (x INTEGER)")
        #expect(throws: Boom.self) {
            try db.transaction { db in
                try db.run("INSERT INTO t VALUES (1)")
                try db.transaction { db in try db.run("INSERT INTO t VALUES (2)") }
                throw Boom()
            }
        }
        #expect(try db.scalar("SELECT count(*) FROM t", as: Int.self) == 0)
    }

    @Test func transactionRollsBackOnError() throws {
        struct Boom: Error {}
        let dir = TemporaryDirectory("storage")
        let db = try Database(path: dir.path("a.sqlite").path)
        try db.execute("CREATE TABLE t (x INTEGER)")
        #expect(throws: Boom.self) {
            try db.transaction(.immediate) { db in
                try db.run("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        #expect(try db.scalar("SELECT count(*) FROM t", as: Int.self) == 0)
        try db.transaction { db in try db.run("INSERT INTO t VALUES (1)") }
        #expect(try db.scalar("SELECT count(*) FROM t", as: Int.self) == 1)
        #expect(!db.isInTransaction)
    }

    @Test func concurrentWritersOnSeparateConnectionsAllSucceed() async throws {
        let dir = TemporaryDirectory("storage")
        let path = dir.path("a.sqlite").path
        try Database(path: path).execute("CREATE TABLE t (writer INTEGER, n INTEGER)")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    let queue = try DatabaseQueue(path: path)
                    for n in 0..<100 {
                        try queue.write { db in
                            let count = try db.scalar("SELECT count(*) FROM t", as: Int.self) ?? 0
                            try db.run("INSERT INTO t VALUES (?, ?)", writer, count + n)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let queue = try DatabaseQueue(path: path)
        #expect(try queue.read { try $0.scalar("SELECT count(*) FROM t", as: Int.self) } == 400)
    }
}

struct MigratorTests {
    func makeMigrator(extra: Bool = false) -> Migrator {
        var m = Migrator()
        m.register("001-create-a", sql: "CREATE TABLE a (x INTEGER)")
        m.register("002-create-b", sql: "CREATE TABLE b (y INTEGER); INSERT INTO b VALUES (1);")
        if extra { m.register("003-create-c", sql: "CREATE TABLE c (z INTEGER)") }
        return m
    }

    @Test func appliesPendingMigrationsOnceAndRecordsThem() throws {
        let dir = TemporaryDirectory("storage")
        let db = try Database(path: dir.path("a.sqlite").path)
        #expect(try makeMigrator().migrate(db) == ["001-create-a", "002-create-b"])
        #expect(try makeMigrator().migrate(db) == [])
        #expect(try makeMigrator(extra: true).migrate(db) == ["003-create-c"])
        #expect(try Migrator.appliedIDs(db) == ["001-create-a", "002-create-b", "003-create-c"])
        #expect(try db.scalar("SELECT count(*) FROM b", as: Int.self) == 1)
    }

    @Test func refusesUnknownAppliedMigrations() throws {
        let dir = TemporaryDirectory("storage")
        let db = try Database(path: dir.path("a.sqlite").path)
        try makeMigrator(extra: true).migrate(db)
        #expect(throws: Migrator.Failure.unknownAppliedMigrations(["003-create-c"])) {
            try makeMigrator().migrate(db)
        }
    }

    @Test func failedMigrationLeavesNoTrace() throws {
        let dir = TemporaryDirectory("storage")
        let db = try Database(path: dir.path("a.sqlite").path)
        var m = makeMigrator()
        m.register("003-broken", sql: "CREATE TABLE d (x INTEGER); CREATE TABLE d (x INTEGER);")
        #expect(throws: StorageError.self) { try m.migrate(db) }
        #expect(try Migrator.appliedIDs(db) == ["001-create-a", "002-create-b"])
        #expect(try db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'd'", as: Int.self) == 0)
    }
}
