import Foundation
import Hashing
import JSON
import Storage

/// Signed checkpoints of the audit log: a Merkle tree over the events (RFC 9162 §2.1) and an
/// Ed25519-signed tree head (size, root, time), so someone holding only an old checkpoint and
/// the public key can tell whether today's log still extends it — truncation, a rewritten
/// event (even with the unkeyed hash chain recomputed) or reordered events all change the
/// root of the first `tree_size` events.
///
/// Leaf `i` (0-based) is event `seq = i + 1`; its leaf data are the exact bytes whose SHA-256 is
/// the event's `hash`: the canonical JSON array `["assay-audit-v1", seq, time, actor, action,
/// subject, payload, prev_hash]`. Leaf hash = SHA-256(0x00 ‖ data), node = SHA-256(0x01 ‖ l ‖ r).
public enum AuditMerkle {
    /// The leaf data of an event.
    public static func leafData(_ event: AuditEvent) -> [UInt8] {
        AuditEvent.hashedBytes(
            seq: event.seq, time: event.time, actor: event.actor, action: event.action,
            subject: event.subject, payload: event.payload, prevHash: event.prevHash)
    }

    public static func leafHash(_ event: AuditEvent) -> [UInt8] { MerkleTree.leafHash(leafData(event)) }
}

/// A tree head: how many events and the Merkle root over them.
public struct AuditTreeHead: Sendable, Equatable, Codable {
    public var treeSize: Int64
    /// Lowercase hex.
    public var rootHash: String

    enum CodingKeys: String, CodingKey {
        case treeSize = "tree_size"
        case rootHash = "root_hash"
    }
}

/// Proof that event `seq` is leaf `seq − 1` of the tree of `treeSize` events.
public struct AuditInclusionProof: Sendable, Equatable, Codable {
    public var seq: Int64
    public var treeSize: Int64
    public var leafHash: String
    public var rootHash: String
    /// Audit path, hex, leaf to root (RFC 9162 §2.1.3.1).
    public var proof: [String]
    public var event: AuditEvent

    enum CodingKeys: String, CodingKey {
        case seq, proof, event
        case treeSize = "tree_size"
        case leafHash = "leaf_hash"
        case rootHash = "root_hash"
    }

    /// Recomputes the leaf from the event and checks the path against `rootHash`.
    public var isValid: Bool {
        // Every path element must be a 32-byte hash in hex.
        let proofBytes = proof.compactMap(Hex.decode).filter { $0.count == 32 }
        guard proofBytes.count == proof.count, let root = Hex.decode(rootHash), event.seq == seq,
            Hex.encode(AuditMerkle.leafHash(event)) == leafHash
        else { return false }
        return MerkleTree.verifyInclusion(
            index: Int(seq - 1), treeSize: Int(treeSize),
            leafHash: AuditMerkle.leafHash(event), proof: proofBytes, root: root)
    }
}

/// Proof that the tree of `first` events is a prefix of the tree of `second` events.
public struct AuditConsistencyProof: Sendable, Equatable, Codable {
    public var first: Int64
    public var second: Int64
    public var firstRoot: String
    public var secondRoot: String
    /// RFC 9162 §2.1.4.1 PROOF(first, D[second]), hex.
    public var proof: [String]

    enum CodingKeys: String, CodingKey {
        case first, second, proof
        case firstRoot = "first_root"
        case secondRoot = "second_root"
    }
}

/// A signed tree head, as written by `assay audit checkpoint`.
///
/// The signature is Ed25519 over the UTF-8 text `signedText`:
/// `"assay-audit-checkpoint-v1\n<tree_size>\n<root_hash hex>\n<timestamp>\n"`.
public struct AuditCheckpoint: Sendable, Equatable, Codable {
    public static let format = "assay-audit-checkpoint-v1"

    public var format: String
    public var treeSize: Int64
    public var rootHash: String
    /// UTC, ISO 8601 with milliseconds.
    public var timestamp: String
    /// Hex public key the checkpoint was signed with (informational: verifiers use the key they trust).
    public var publicKey: String
    /// First 16 hex digits of SHA-256 of the public key.
    public var keyID: String
    /// Hex Ed25519 signature of `signedText`.
    public var signature: String

    enum CodingKeys: String, CodingKey {
        case format, timestamp, signature
        case treeSize = "tree_size"
        case rootHash = "root_hash"
        case publicKey = "public_key"
        case keyID = "key_id"
    }

    public static func signedText(treeSize: Int64, rootHash: String, timestamp: String) -> String {
        "\(format)\n\(treeSize)\n\(rootHash)\n\(timestamp)\n"
    }

    public var signedText: String { Self.signedText(treeSize: treeSize, rootHash: rootHash, timestamp: timestamp) }

    public static func keyID(_ publicKey: [UInt8]) -> String { String(SHA256.hash(publicKey).hex.prefix(16)) }

    /// Signs `head` now with the 32-byte secret `seed`.
    public static func sign(_ head: AuditTreeHead, seed: [UInt8], timestamp: String) throws(AuditKeyError)
        -> AuditCheckpoint
    {
        let publicKey: [UInt8]
        let signature: [UInt8]
        do {
            publicKey = try Ed25519.publicKey(seed: seed)
            signature = try Ed25519.sign(
                Array(
                    signedText(
                        treeSize: head.treeSize, rootHash: head.rootHash,
                        timestamp: timestamp
                    ).utf8), seed: seed)
        } catch {
            throw .invalidKey(error.description)
        }
        return AuditCheckpoint(
            format: format, treeSize: head.treeSize, rootHash: head.rootHash, timestamp: timestamp,
            publicKey: Hex.encode(publicKey), keyID: keyID(publicKey), signature: Hex.encode(signature))
    }

    /// True when the signature verifies under `publicKey` (the key the verifier trusts).
    public func hasValidSignature(publicKey: [UInt8]) -> Bool {
        guard format == Self.format, let signature = Hex.decode(signature) else { return false }
        return Ed25519.verify(signature, message: Array(signedText.utf8), publicKey: publicKey)
    }

    /// True when `text` is exactly `bytes` bytes as lowercase hex (how checkpoints are written).
    static func isLowercaseHex(_ text: String, bytes: Int) -> Bool {
        text.utf8.count == bytes * 2
            && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Parses a checkpoint file's JSON.
    public static func parse(_ bytes: [UInt8]) throws(AuditKeyError) -> AuditCheckpoint {
        do {
            let checkpoint = try JSONDecoder().decode(AuditCheckpoint.self, from: Data(bytes))
            guard checkpoint.format == format else {
                throw AuditKeyError.invalidCheckpoint("unknown format '\(checkpoint.format)'")
            }
            guard checkpoint.treeSize >= 0, isLowercaseHex(checkpoint.rootHash, bytes: 32) else {
                throw AuditKeyError.invalidCheckpoint("tree_size or root_hash malformed")
            }
            guard isLowercaseHex(checkpoint.publicKey, bytes: 32), isLowercaseHex(checkpoint.signature, bytes: 64)
            else {
                throw AuditKeyError.invalidCheckpoint(
                    "public_key (64 hex digits) or signature (128 hex digits) malformed")
            }
            return checkpoint
        } catch let error as AuditKeyError {
            throw error
        } catch {
            throw .invalidCheckpoint(
                "not a checkpoint JSON object (format, tree_size, root_hash, timestamp, public_key, key_id, signature)")
        }
    }
}

/// What checking one checkpoint against the current log found.
public struct AuditCheckpointCheck: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        /// Signature valid and the current log extends the checkpointed tree.
        case consistent
        /// The signature does not verify under the trusted key (forged or altered checkpoint).
        case badSignature = "bad_signature"
        /// The log holds fewer events than the checkpoint covers.
        case truncated
        /// The first `tree_size` events no longer hash to the checkpointed root.
        case rewritten
    }

    public var treeSize: Int64
    public var timestamp: String
    public var status: Status
    public var detail: String

    public var isConsistent: Bool { status == .consistent }

    enum CodingKeys: String, CodingKey {
        case timestamp, status, detail
        case treeSize = "tree_size"
    }
}

public enum AuditKeyError: Error, Equatable, CustomStringConvertible, Sendable {
    case invalidKey(String)
    case invalidCheckpoint(String)
    case invalidProofRequest(String)

    public var description: String {
        switch self {
        case .invalidKey(let m): return "invalid signing key: \(m)"
        case .invalidCheckpoint(let m): return "invalid checkpoint: \(m)"
        case .invalidProofRequest(let m): return m
        }
    }
}

extension AuditEvent {
    /// The canonical JSON bytes whose SHA-256 is the event hash (and which are the Merkle leaf).
    static func hashedBytes(
        seq: Int64, time: String, actor: String, action: String, subject: String,
        payload: String, prevHash: String
    ) -> [UInt8] {
        let array: JSONValue = .array([
            .string(hashVersion), .integer(seq), .string(time), .string(actor),
            .string(action), .string(subject), .string(payload), .string(prevHash)
        ])
        // Only strings and integers: canonical encoding cannot fail.
        return (try? array.canonicalBytes()) ?? []
    }
}

extension RegistryStore {
    /// Leaf hashes of events 1…`size` (all events when nil), read in one snapshot.
    func auditLeafHashes(db: Database, size: Int64? = nil) throws -> [[UInt8]] {
        let statement = try db.prepare(
            "SELECT \(AuditEvent.selectColumns) FROM audit_events WHERE seq <= ? ORDER BY seq")
        try statement.bind([size ?? Int64.max])
        var leaves: [[UInt8]] = []
        try statement.forEachRow { row in
            leaves.append(AuditMerkle.leafHash(try AuditEvent(row: row)))
            return true
        }
        return leaves
    }

    /// The tree head over all events, or over the first `size` events.
    public func auditTreeHead(size: Int64? = nil) throws -> AuditTreeHead {
        try readDatabase { db in
            let leaves = try auditLeafHashes(db: db, size: size)
            if let size, Int64(leaves.count) < size {
                throw AuditKeyError.invalidProofRequest("the audit log has \(leaves.count) events, fewer than \(size)")
            }
            return AuditTreeHead(treeSize: Int64(leaves.count), rootHash: Hex.encode(MerkleTree.root(leaves)))
        }
    }

    /// Inclusion proof of event `seq` in the tree of `treeSize` events (default: all).
    public func auditInclusionProof(seq: Int64, treeSize: Int64? = nil) throws -> AuditInclusionProof {
        try readDatabase { db in
            let leaves = try auditLeafHashes(db: db, size: treeSize)
            let size = Int64(leaves.count)
            if let treeSize, treeSize != size {
                throw AuditKeyError.invalidProofRequest(
                    "the audit log has \(size) events, fewer than tree_size \(treeSize)")
            }
            guard seq >= 1, seq <= size else {
                throw AuditKeyError.invalidProofRequest("event \(seq) is not in the tree of \(size) events")
            }
            guard let row = try db.queryFirst("SELECT \(AuditEvent.selectColumns) FROM audit_events WHERE seq = ?", seq)
            else {
                throw AuditKeyError.invalidProofRequest("event \(seq) does not exist")
            }
            let proof = MerkleTree.inclusionProof(index: Int(seq - 1), leaves: leaves[...])
            return AuditInclusionProof(
                seq: seq, treeSize: size, leafHash: Hex.encode(leaves[Int(seq - 1)]),
                rootHash: Hex.encode(MerkleTree.root(leaves)), proof: proof.map(Hex.encode),
                event: try AuditEvent(row: row))
        }
    }

    /// Consistency proof from the tree of `first` events to the tree of `second` (default: all).
    public func auditConsistencyProof(first: Int64, second: Int64? = nil) throws -> AuditConsistencyProof {
        try readDatabase { db in
            let leaves = try auditLeafHashes(db: db, size: second)
            let size = Int64(leaves.count)
            if let second, second != size {
                throw AuditKeyError.invalidProofRequest("the audit log has \(size) events, fewer than \(second)")
            }
            guard first >= 0, first <= size else {
                throw AuditKeyError.invalidProofRequest("first (\(first)) must be between 0 and the tree size \(size)")
            }
            let proof = MerkleTree.consistencyProof(first: Int(first), leaves: leaves[...])
            return AuditConsistencyProof(
                first: first, second: size,
                firstRoot: Hex.encode(MerkleTree.root(leaves[0..<Int(first)])),
                secondRoot: Hex.encode(MerkleTree.root(leaves)), proof: proof.map(Hex.encode))
        }
    }

    /// Signs the current tree head with `seed` (the key stays with the caller, never in the database).
    public func auditCheckpoint(seed: [UInt8]) throws -> AuditCheckpoint {
        try AuditCheckpoint.sign(try auditTreeHead(), seed: seed, timestamp: RegistryClock.now())
    }

    /// Checks each checkpoint's signature under `publicKey` and whether the current log extends it.
    public func checkAuditCheckpoints(_ checkpoints: [AuditCheckpoint], publicKey: [UInt8]) throws
        -> [AuditCheckpointCheck]
    {
        let leaves = try readDatabase { db in try auditLeafHashes(db: db) }
        return checkpoints.map { cp in
            func check(_ status: AuditCheckpointCheck.Status, _ detail: String) -> AuditCheckpointCheck {
                AuditCheckpointCheck(treeSize: cp.treeSize, timestamp: cp.timestamp, status: status, detail: detail)
            }
            guard cp.hasValidSignature(publicKey: publicKey) else {
                return check(
                    .badSignature, "the signature does not verify under key \(AuditCheckpoint.keyID(publicKey))")
            }
            guard cp.treeSize <= Int64(leaves.count) else {
                return check(
                    .truncated,
                    "the checkpoint covers \(cp.treeSize) events but the log now has \(leaves.count): events were deleted"
                )
            }
            let root = Hex.encode(MerkleTree.root(leaves[0..<Int(cp.treeSize)]))
            guard root == cp.rootHash else {
                return check(
                    .rewritten,
                    "the first \(cp.treeSize) events no longer hash to the checkpointed root \(cp.rootHash.prefix(16))… (now \(root.prefix(16))…): events were rewritten, reordered or replaced"
                )
            }
            // Belt and braces: the RFC 9162 proof a remote verifier would check.
            let proof = MerkleTree.consistencyProof(first: Int(cp.treeSize), leaves: leaves[...])
            let ok = MerkleTree.verifyConsistency(
                firstSize: Int(cp.treeSize), secondSize: leaves.count,
                firstRoot: Hex.decode(cp.rootHash) ?? [], secondRoot: MerkleTree.root(leaves),
                proof: proof)
            return ok
                ? check(.consistent, "the log (\(leaves.count) events) extends the checkpoint of \(cp.treeSize) events")
                : check(.rewritten, "the consistency proof does not verify")
        }
    }
}

/// Ed25519 key files for checkpoints: the secret seed as 64 hex digits on one line (mode 0600),
/// the public key as 64 hex digits.
public enum AuditSigningKey {
    /// Reads a secret key file.
    public static func readSeed(at url: URL) throws(AuditKeyError) -> [UInt8] {
        try readKeyFile(url, what: "an Ed25519 secret seed", unreadable: "cannot read \(url.path)")
    }

    /// A public key given as 64 hex digits or as a file holding them.
    public static func readPublicKey(_ value: String, resolve: (String) -> URL) throws(AuditKeyError) -> [UInt8] {
        if let key = Hex.decode(value), key.count == 32 { return key }
        return try readKeyFile(
            resolve(value), what: "an Ed25519 public key",
            unreadable: "--public-key: '\(value)' is neither 64 hex digits nor a readable file")
    }

    /// The 32-byte key held as 64 hex digits (surrounding white space allowed) in the file at `url`.
    static func readKeyFile(_ url: URL, what: String, unreadable: String) throws(AuditKeyError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw .invalidKey(unreadable)
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let key = Hex.decode(text), key.count == 32 else {
            throw .invalidKey("\(url.path) does not hold 64 hex digits (\(what))")
        }
        return key
    }

    /// A fresh random seed.
    public static func generateSeed() throws(AuditKeyError) -> [UInt8] {
        var seed = [UInt8](repeating: 0, count: 32)
        let rc = seed.withUnsafeMutableBytes { getentropy($0.baseAddress, 32) }
        guard rc == 0 else { throw .invalidKey("the system has no randomness available") }
        return seed
    }
}
