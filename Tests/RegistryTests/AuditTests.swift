import CSQLite
import Foundation
import Hashing
import JSON
import Storage
import TestSupport
import Testing

@_spi(RawSQL) @testable import Registry

struct AuditTests {
    @Test func chainVerifiesAndHashMatchesTheDocumentedEncoding() throws {
        let r = try TestRegistry()
        try r.registerModel("m@1", [try r.ggufFile("a.gguf", "one")])
        try r.registerModel("m@2", [try r.ggufFile("b.gguf", "two")])
        let result = try r.store.verifyAudit()
        #expect(result.isIntact && result.eventCount == 3)
        let events = try r.store.auditEvents()
        #expect(events[0].prevHash == AuditEvent.genesisHash)
        #expect(events[1].prevHash == events[0].hash)
        // Recompute event 1 by hand from the README definition.
        let e = events[0]
        func q(_ s: String) -> String { String(decoding: try! JSONValue.string(s).canonicalBytes(), as: UTF8.self) }
        let text =
            "[\(q("assay-audit-v1")),\(e.seq),\(q(e.time)),\(q(e.actor)),\(q(e.action)),\(q(e.subject)),\(q(e.payload)),\(q(e.prevHash))]"
        #expect(SHA256.hash(Array(text.utf8)).hex == e.hash)
        #expect(result.headHash == events.last?.hash)
    }

    @Test func updatesAndDeletesAreBlocked() throws {
        let r = try TestRegistry()
        try r.registerModel("m@1", [try r.ggufFile("a.gguf", "one")])
        #expect(throws: StorageError.self) {
            try r.store.write { tx in try tx.database.run("UPDATE audit_events SET actor = 'x'") }
        }
        #expect(throws: StorageError.self) {
            try r.store.write { tx in try tx.database.run("DELETE FROM audit_events") }
        }
    }

    /// An attacker with file access drops the trigger, edits one byte, restores the trigger.
    @Test(arguments: ["actor", "payload", "time", "hash", "prev_hash", "subject"])
    func tamperingNamesTheEvent(column: String) throws {
        let r = try TestRegistry()
        for i in 1...4 { try r.registerModel("m@\(i)", [try r.ggufFile("f\(i).gguf", "v\(i)")]) }
        let db = try Database(path: r.store.databasePath)
        try db.execute("DROP TRIGGER audit_events_no_update")
        let old = try #require(try db.scalar("SELECT \(column) FROM audit_events WHERE seq = 3", as: String.self))
        var bytes = Array(old.utf8)
        bytes[bytes.count / 2] = bytes[bytes.count / 2] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
        try db.run("UPDATE audit_events SET \(column) = ? WHERE seq = 3", String(decoding: bytes, as: UTF8.self))
        let result = try r.store.verifyAudit()
        #expect(result.firstBreak?.seq == (column == "hash" ? 3 : 3))
        #expect(result.eventCount == 2)
    }

    @Test func deletedEventIsAGap() throws {
        let r = try TestRegistry()
        for i in 1...3 { try r.registerModel("m@\(i)", [try r.ggufFile("f\(i).gguf", "v\(i)")]) }
        let db = try Database(path: r.store.databasePath)
        try db.execute("DROP TRIGGER audit_events_no_delete")
        try db.run("DELETE FROM audit_events WHERE seq = 2")
        let result = try r.store.verifyAudit()
        #expect(result.firstBreak?.seq == 3)
        #expect(result.firstBreak?.reason.contains("sequence gap") == true)
    }

    @Test func extensionsCanWriteInTheSameTransaction() throws {
        struct Boom: Error {}
        let r = try TestRegistry()
        _ = try r.store.write { tx in
            try tx.appendAudit(action: "custom.thing", subject: "x", payload: ["k": "v"])
        }
        #expect(throws: Boom.self) {
            try r.store.write { tx in
                try tx.appendAudit(action: "custom.thing", subject: "y", payload: [:])
                throw Boom()
            }
        }
        #expect(try r.store.auditEvents().map(\.subject) == ["x"])
        #expect(throws: RegistryError.self) {
            _ = try r.store.write { tx in try tx.appendAudit(action: "a", subject: "s", payload: [1, 2]) }
        }
    }
}

struct ConcurrentRegistrationTests {
    /// Two connections (as two processes would have) registering 200 versions each.
    @Test func twoWritersTwoHundredVersionsEach() async throws {
        let r = try TestRegistry()
        let home = r.dir.path("home")
        let sources = r.dir.path("src")
        try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<2 {
                group.addTask {
                    let store = try RegistryStore(home: home, actor: "writer\(writer)")
                    for i in 0..<200 {
                        let file = sources.appendingPathComponent("w\(writer)-\(i).gguf")
                        try Data("GGUF w\(writer) \(i)".utf8).write(to: file)
                        _ = try store.registerModelVersion(
                            ModelRegistration(
                                reference: try VersionReference(name: "model-\(writer)", version: "\(i)"),
                                files: try ArtifactInput.collect([file])))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try r.store.modelVersionCount() == 400)
        let result = try r.store.verifyAudit()
        #expect(result.isIntact)
        #expect(result.eventCount == 402)
    }
}
