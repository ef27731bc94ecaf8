import Foundation
import Hashing
import JSON
import Storage

/// An API token as the registry stores it: the secret itself is never stored, only its SHA-256.
public struct APIToken: Sendable, Equatable, Codable {
    /// Public identifier (`tok_` + 12 hex digits), used to revoke and list.
    public var id: String
    /// The actor whose identity the bearer assumes.
    public var actor: String
    public var label: String?
    public var createdAt: String
    public var createdBy: String
    public var revokedAt: String?
    public var revokedBy: String?

    public var isRevoked: Bool { revokedAt != nil }
}

/// A newly created token: `secret` is shown once and cannot be recovered later.
public struct IssuedToken: Sendable, Equatable {
    public var token: APIToken
    /// `assay_` + 64 hex digits (32 random bytes).
    public var secret: String
}

/// Errors of token management.
public enum TokenError: Error, CustomStringConvertible, Equatable, Sendable {
    case unknownToken(String)
    case alreadyRevoked(String)
    case randomnessUnavailable
    /// Only admins create tokens for someone else.
    case notAuthorized(actor: String, holder: String)

    public var description: String {
        switch self {
        case .unknownToken(let id): return "unknown token '\(id)'"
        case .alreadyRevoked(let id): return "token '\(id)' is already revoked"
        case .randomnessUnavailable: return "cannot read random bytes from the system"
        case .notAuthorized(let actor, let holder):
            return
                "\(actor) may not create a token for \(holder): requires the role admin (anyone may create a token for themselves)"
        }
    }
}

extension RegistryStore {
    /// Prefix of every token secret (lets secret scanners recognise leaked tokens).
    public static let tokenPrefix = "assay_"

    /// SHA-256 (hex) of a token secret, as stored.
    public static func tokenHash(_ secret: String) -> String {
        SHA256.hash(Array(secret.utf8)).hex
    }

    /// Creates a token for `actor` from 32 bytes of system randomness. Appends `token.create`
    /// (the audit payload names the token id and actor, never the secret or its hash). Anyone
    /// may create a token for themselves; for another actor the acting user needs the admin
    /// role, checked in the same transaction as the insert.
    public func createToken(for actor: String, label: String? = nil) throws -> IssuedToken {
        guard Names.isValidName(actor) else { throw RegistryError.invalidName(actor) }
        var random = [UInt8](repeating: 0, count: 32)
        let got = random.withUnsafeMutableBytes { getentropy($0.baseAddress, 32) }
        guard got == 0 else { throw TokenError.randomnessUnavailable }
        let secret = Self.tokenPrefix + Hex.encode(random)
        let hash = Self.tokenHash(secret)
        let id = "tok_" + String(hash.prefix(12))
        let token: APIToken = try write { tx in
            if actor != tx.actor, !(try GovernanceRecords.roles(tx.snapshot, actor: tx.actor).contains("admin")) {
                throw TokenError.notAuthorized(actor: tx.actor, holder: actor)
            }
            try tx.database.run(
                """
                INSERT INTO api_tokens (id, token_sha256, actor, label, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)
                """, id, hash, actor, label, tx.time, tx.actor)
            var payload: [String: JSONValue] = ["id": .string(id), "actor": .string(actor)]
            if let label { payload["label"] = .string(label) }
            try tx.appendAudit(action: "token.create", subject: actor, payload: .object(payload))
            return APIToken(id: id, actor: actor, label: label, createdAt: tx.time, createdBy: tx.actor)
        }
        return IssuedToken(token: token, secret: secret)
    }

    /// Revokes a token by id; appends `token.revoke`.
    public func revokeToken(id: String) throws -> APIToken {
        try write { tx in
            guard let row = try tx.database.queryFirst("SELECT * FROM api_tokens WHERE id = ?", id) else {
                throw TokenError.unknownToken(id)
            }
            let existing = try Self.token(row)
            guard !existing.isRevoked else { throw TokenError.alreadyRevoked(id) }
            try tx.database.run(
                "UPDATE api_tokens SET revoked_at = ?, revoked_by = ? WHERE id = ?", tx.time, tx.actor, id)
            try tx.appendAudit(action: "token.revoke", subject: existing.actor, payload: ["id": .string(id)])
            var revoked = existing
            revoked.revokedAt = tx.time
            revoked.revokedBy = tx.actor
            return revoked
        }
    }

    /// Every token (revoked included), oldest first; optionally only `actor`'s.
    public func tokens(actor: String? = nil) throws -> [APIToken] {
        try readDatabase { db in
            let rows =
                if let actor {
                    try db.query("SELECT * FROM api_tokens WHERE actor = ? ORDER BY created_at, id", actor)
                } else {
                    try db.query("SELECT * FROM api_tokens ORDER BY created_at, id")
                }
            return try rows.map(Self.token)
        }
    }

    /// The actor a presented secret authenticates, or nil when unknown or revoked. Compares
    /// hashes only (the secret never reaches SQL).
    public func authenticate(tokenSecret secret: String) throws -> String? {
        guard secret.hasPrefix(Self.tokenPrefix), secret.utf8.count == Self.tokenPrefix.utf8.count + 64 else {
            return nil
        }
        let hash = Self.tokenHash(secret)
        return try readDatabase { db in
            try db.scalar(
                "SELECT actor FROM api_tokens WHERE token_sha256 = ? AND revoked_at IS NULL", hash, as: String.self)
        }
    }

    static func token(_ row: Row) throws -> APIToken {
        APIToken(
            id: try row.get("id"), actor: try row.get("actor"), label: try row.get("label"),
            createdAt: try row.get("created_at"), createdBy: try row.get("created_by"),
            revokedAt: try row.get("revoked_at"), revokedBy: try row.get("revoked_by"))
    }
}
