import Foundation
import Hashing
import JSON
import Registry
import Storage
import TestSupport
import Testing

@testable import Service

/// Issue 12 item 5 over HTTP, and acceptance 3: a third party holding only an old checkpoint and
/// the public key detects truncation, a rewritten event and a reordered chain with
/// scripts/audit-witness.py (the script docs/audit.md describes).
struct AuditCheckpointHTTPTests {
    static let seed = [UInt8](repeating: 0x42, count: 32)

    func json(_ response: Response) throws -> JSONValue { try JSONValue.parse(try response.collectBody()) }

    @Test func treeHeadProofsAndCheckpointVerification() throws {
        let f = try ServiceFixture()
        let token = f.tokens[.auditor]
        let store = try RegistryStore(home: f.home, actor: "t")
        let checkpoint = try store.auditCheckpoint(seed: Self.seed)
        let head = try json(try f.request("GET", "/api/v1/audit/tree", token: token))
        #expect(head.objectValue?["tree_size"] == .integer(checkpoint.treeSize))
        #expect(head.objectValue?["root_hash"] == .string(checkpoint.rootHash))
        let inclusion = try json(try f.request("GET", "/api/v1/audit/proofs/inclusion?seq=2", token: token))
        #expect(inclusion.objectValue?["event"]?.objectValue?["seq"] == 2)
        #expect(inclusion.objectValue?["root_hash"] == .string(checkpoint.rootHash))
        let consistency = try json(try f.request("GET", "/api/v1/audit/proofs/consistency?first=2", token: token))
        #expect(consistency.objectValue?["second"] == .integer(checkpoint.treeSize))
        #expect(try f.request("GET", "/api/v1/audit/proofs/inclusion", token: token).status.code == 400)
        #expect(try f.request("GET", "/api/v1/audit/proofs/inclusion?seq=100000", token: token).status.code == 422)
        #expect(try f.request("GET", "/api/v1/audit/tree", token: nil).status.code == 401)

        let cpJSON = String(decoding: try JSONEncoder().encode(checkpoint), as: UTF8.self)
        let publicKey = Hex.encode(try Ed25519.publicKey(seed: Self.seed))
        let body = #"{"checkpoint":\#(cpJSON),"public_key":"\#(publicKey)"}"#
        let verified = try json(try f.request("POST", "/api/v1/audit/checkpoints/verify", token: token, json: body))
        #expect(verified.objectValue?["status"] == "consistent")
        let wrongKey = Hex.encode(try Ed25519.publicKey(seed: [UInt8](repeating: 1, count: 32)))
        let bad = try json(
            try f.request(
                "POST", "/api/v1/audit/checkpoints/verify", token: token,
                json: #"{"checkpoint":\#(cpJSON),"public_key":"\#(wrongKey)"}"#))
        #expect(bad.objectValue?["status"] == "bad_signature")
        #expect(
            try f.request(
                "POST", "/api/v1/audit/checkpoints/verify", token: token,
                json: #"{"checkpoint":{},"public_key":"\#(publicKey)"}"#
            ).status.code == 422)
    }

    enum Attack: String, CaseIterable { case none, truncate, rewrite, reorder }

    @Test(.enabled(if: Fixtures.pythonModuleAvailableOrCI("cryptography")), arguments: Attack.allCases)
    func thirdPartyWitnessScriptDetectsAttacks(_ attack: Attack) throws {
        let f = try ServiceFixture()
        let store = try RegistryStore(home: f.home, actor: "t")
        let checkpoint = try store.auditCheckpoint(seed: Self.seed)
        let cpFile = f.directory.path("checkpoint.json")
        try JSONEncoder().encode(checkpoint).write(to: cpFile)
        let keyFile = f.directory.path("audit.pub")
        try Data((Hex.encode(try Ed25519.publicKey(seed: Self.seed)) + "\n").utf8).write(to: keyFile)
        // More activity after the checkpoint, as in real life.
        _ = try store.createToken(for: "t")

        let db = try Database(path: store.databasePath)
        try db.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        try db.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
        var events = try store.auditEvents()
        switch attack {
        case .none: break
        case .truncate: events = Array(events.prefix(Int(checkpoint.treeSize) - 2))
        case .rewrite: events[1].actor = "mallory"
        case .reorder: events.swapAt(1, 2)
        }
        if attack != .none {
            // The attacker recomputes the unkeyed chain so 'audit verify' alone passes.
            try db.execute("DELETE FROM audit_events")
            var previous = AuditEvent.genesisHash
            for (i, e) in events.enumerated() {
                let hash = AuditEvent.computeHash(
                    seq: Int64(i + 1), time: e.time, actor: e.actor, action: e.action,
                    subject: e.subject, payload: e.payload, prevHash: previous)
                try db.run(
                    "INSERT INTO audit_events (seq, time, actor, action, subject, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    Int64(i + 1), e.time, e.actor, e.action, e.subject, e.payload, previous, hash)
                previous = hash
            }
            #expect(try store.verifyAudit().isIntact)
        }

        let config = ServerConfiguration(
            host: "127.0.0.1", port: 0, limits: HTTPLimits(maxBodyBytes: 1 << 20, maxUploadBytes: 1 << 20),
            headerTimeout: .seconds(5), bodyTimeout: .seconds(5), maxConnections: 16)
        let server = HTTPServer(configuration: config, responder: f.service.router)
        try server.start()
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        let script = Fixtures.packageRoot.appendingPathComponent("scripts/audit-witness.py")
        for mode in [[], ["--full"]] {
            let result = try Python.run(
                "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
                arguments: [
                    script.path, "--checkpoint", cpFile.path, "--public-key", keyFile.path,
                    "--server", "http://127.0.0.1:\(server.port)", "--token", f.tokens[.auditor]!
                ] + mode)
            let expected: Int32 = attack == .none ? 0 : 1
            #expect(result.status == expected, "\(attack) \(mode): \(result.stdout) \(result.stderr)")
            switch attack {
            case .none: #expect(result.stdout.hasPrefix("OK"))
            case .truncate: #expect(result.stdout.hasPrefix("TRUNCATED"))
            case .rewrite, .reorder: #expect(result.stdout.hasPrefix("REWRITTEN"), "\(result.stdout)")
            }
        }
    }
}
