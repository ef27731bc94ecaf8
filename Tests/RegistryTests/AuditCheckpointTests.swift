import Foundation
import Hashing
import Storage
import TestSupport
import Testing

@testable import Registry

/// An attacker with write access to the database file: replaces the whole audit table with
/// `events` (content edited, removed or reordered) and recomputes the unkeyed hash chain, so
/// `verifyAudit` alone passes.
func rewriteAuditChain(databasePath: String, _ edit: ([AuditEvent]) -> [AuditEvent]) throws {
    let db = try Database(path: databasePath)
    try db.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
    try db.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    let events = try db.query("SELECT \(AuditEvent.selectColumns) FROM audit_events ORDER BY seq").map {
        try AuditEvent(row: $0)
    }
    try db.execute("DELETE FROM audit_events")
    var previous = AuditEvent.genesisHash
    for (index, e) in edit(events).enumerated() {
        let seq = Int64(index + 1)
        let hash = AuditEvent.computeHash(
            seq: seq, time: e.time, actor: e.actor, action: e.action, subject: e.subject,
            payload: e.payload, prevHash: previous)
        try db.run(
            "INSERT INTO audit_events (seq, time, actor, action, subject, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            seq, e.time, e.actor, e.action, e.subject, e.payload, previous, hash)
        previous = hash
    }
}

/// Issue 12 item 5: signed checkpoints detect what the hash chain cannot.
struct AuditCheckpointTests {
    static let seed = (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) }
    static var publicKey: [UInt8] { (try? Ed25519.publicKey(seed: seed)) ?? [] }

    func registry(events: Int) throws -> TestRegistry {
        let r = try TestRegistry()
        for i in 1...events { try r.registerModel("m\(i)@1", [try r.ggufFile("f\(i).gguf", "v\(i)")]) }
        return r
    }

    @Test func consistentCheckpointsPassAndLaterEventsExtendThem() throws {
        let r = try registry(events: 3)
        let checkpoint = try r.store.auditCheckpoint(seed: Self.seed)
        #expect(checkpoint.treeSize == Int64(try r.store.verifyAudit().eventCount))
        #expect(checkpoint.hasValidSignature(publicKey: Self.publicKey))
        try r.registerModel("later@1", [try r.ggufFile("later.gguf", "later")])
        let checks = try r.store.checkAuditCheckpoints([checkpoint], publicKey: Self.publicKey)
        #expect(checks.map(\.status) == [.consistent])
        // Round trip through the file format.
        let data = try JSONEncoder().encode(checkpoint)
        #expect(try AuditCheckpoint.parse(Array(data)) == checkpoint)
        // Inclusion proofs of every event verify against the current root.
        let head = try r.store.auditTreeHead()
        for seq in 1...head.treeSize {
            let proof = try r.store.auditInclusionProof(seq: seq)
            #expect(proof.isValid)
            #expect(proof.rootHash == head.rootHash)
        }
        let consistency = try r.store.auditConsistencyProof(first: checkpoint.treeSize)
        #expect(consistency.firstRoot == checkpoint.rootHash)
        #expect(
            MerkleTree.verifyConsistency(
                firstSize: Int(consistency.first), secondSize: Int(consistency.second),
                firstRoot: Hex.decode(consistency.firstRoot) ?? [],
                secondRoot: Hex.decode(consistency.secondRoot) ?? [],
                proof: consistency.proof.compactMap { Hex.decode($0) }))
    }

    @Test func wrongKeyOrAlteredCheckpointIsABadSignature() throws {
        let r = try registry(events: 2)
        var checkpoint = try r.store.auditCheckpoint(seed: Self.seed)
        let other = try Ed25519.publicKey(seed: [UInt8](repeating: 1, count: 32))
        #expect(try r.store.checkAuditCheckpoints([checkpoint], publicKey: other).first?.status == .badSignature)
        checkpoint.treeSize -= 1
        #expect(
            try r.store.checkAuditCheckpoints([checkpoint], publicKey: Self.publicKey).first?.status == .badSignature)
    }

    /// A checkpoint whose signature or key is not lowercase hex of the right length is
    /// malformed (one line, HTTP 422), not a "bad signature" verdict.
    @Test func malformedSignatureOrKeyIsRefusedAtParse() throws {
        let r = try registry(events: 1)
        let checkpoint = try r.store.auditCheckpoint(seed: Self.seed)
        for (signature, key) in [
            ("", checkpoint.publicKey), (checkpoint.signature.uppercased(), checkpoint.publicKey),
            (checkpoint.signature, String(checkpoint.publicKey.dropLast(2)))
        ] {
            var bad = checkpoint
            bad.signature = signature
            bad.publicKey = key
            let data = try JSONEncoder().encode(bad)
            #expect(throws: AuditKeyError.self) { _ = try AuditCheckpoint.parse(Array(data)) }
        }
    }

    enum Attack: String, CaseIterable { case truncate, rewrite, reorder }

    /// Each attack passes the plain chain check (the attacker recomputed it) and fails the checkpoint.
    @Test(arguments: Attack.allCases)
    func attacksOnTheChainAreDetected(_ attack: Attack) throws {
        let r = try registry(events: 4)
        let checkpoint = try r.store.auditCheckpoint(seed: Self.seed)
        try rewriteAuditChain(databasePath: r.store.databasePath) { events in
            switch attack {
            case .truncate: return Array(events.dropLast(2))
            case .rewrite:
                var copy = events
                copy[1].actor = "mallory"
                return copy
            case .reorder:
                var copy = events
                copy.swapAt(1, 2)
                return copy
            }
        }
        #expect(try r.store.verifyAudit().isIntact, "the attacker recomputed the unkeyed chain")
        let check = try #require(try r.store.checkAuditCheckpoints([checkpoint], publicKey: Self.publicKey).first)
        #expect(check.status == (attack == .truncate ? .truncated : .rewritten), "\(check.detail)")
    }
}
