import Foundation
import HTTPClient
import Hashing
import JSON
import Storage

/// What a webhook can subscribe to. Every event is derived from an audit event, so the CLI and
/// the HTTP API (which both write the audit log) emit the same events.
public enum WebhookEventType: String, Sendable, Codable, CaseIterable {
    /// `model_version.register`.
    case versionRegistered = "version.registered"
    /// `evaluation_run.complete`.
    case evaluationFinished = "evaluation.finished"
    /// `approval.*` whose decision moved the version to another state.
    case stateChanged = "state.changed"
    /// `alias.set` and `alias.rollback`.
    case aliasMoved = "alias.moved"
    /// `approval.revoke` (also a `state.changed`).
    case versionRevoked = "version.revoked"

    /// The webhook events an audit event stands for (usually none or one).
    public static func types(for event: AuditEvent) -> [WebhookEventType] {
        switch event.action {
        case "model_version.register": return [.versionRegistered]
        case "evaluation_run.complete": return [.evaluationFinished]
        case "alias.set", "alias.rollback": return [.aliasMoved]
        default:
            guard event.action.hasPrefix("approval."), let payload = try? JSONValue.parse(event.payload).objectValue,
                let from = payload["from"]?.stringValue, let to = payload["to"]?.stringValue, from != to
            else { return [] }
            return event.action == "approval.revoke" ? [.stateChanged, .versionRevoked] : [.stateChanged]
        }
    }

    /// Parses `a,b,c` (or `*` for every type).
    public static func parseList(_ text: String) throws(WebhookError) -> [WebhookEventType] {
        if text.trimmingCharacters(in: .whitespaces) == "*" { return allCases }
        var out: [WebhookEventType] = []
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let type = WebhookEventType(rawValue: name) else { throw .unknownEventType(name) }
            if !out.contains(type) { out.append(type) }
        }
        guard !out.isEmpty else { throw .unknownEventType(text) }
        return out
    }
}

/// Errors of webhook management.
public enum WebhookError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(String, reason: String)
    case unknownEventType(String)
    case unknownWebhook(String)
    case alreadyRemoved(String)
    case invalidSecret
    case notAuthorized(actor: String)

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason): return "invalid webhook URL '\(url)': \(reason)"
        case .unknownEventType(let t):
            return
                "unknown webhook event '\(t)' (events: \(WebhookEventType.allCases.map(\.rawValue).joined(separator: ", ")), or *)"
        case .unknownWebhook(let id): return "unknown webhook '\(id)'"
        case .alreadyRemoved(let id): return "webhook '\(id)' is already removed"
        case .invalidSecret: return "the webhook secret must be 16-256 printable ASCII characters"
        case .notAuthorized(let actor): return "\(actor) may not manage webhooks: requires the role admin"
        }
    }
}

/// A webhook subscription. `secret` signs every delivery (HMAC-SHA256).
public struct Webhook: Sendable, Equatable, Codable {
    public var id: String
    public var url: String
    public var secret: String
    public var events: [WebhookEventType]
    public var active: Bool
    /// Audit events up to this sequence number are already queued (or predate the webhook).
    public var afterSeq: Int64
    public var createdAt: String
    public var createdBy: String
    public var removedAt: String?
    public var removedBy: String?
}

/// One delivery to attempt: an event for a webhook, with the exact body to sign and send.
public struct WebhookDeliveryJob: Sendable, Equatable {
    /// `X-Assay-Delivery`: the same for every attempt of this delivery.
    public var id: String
    public var webhookID: String
    public var url: String
    public var secret: String
    public var eventID: String
    public var eventType: String
    public var body: String
    /// 1 for the first attempt.
    public var attempt: Int
}

/// One logged attempt, with its delivery's event.
public struct WebhookAttemptRecord: Sendable, Equatable, Codable {
    public var deliveryID: String
    public var webhookID: String
    public var eventID: String
    public var eventType: String
    public var attempt: Int
    /// HTTP status of the answer (nil when no answer: connection refused, timeout…).
    public var statusCode: Int?
    public var error: String?
    public var startedAt: String
    public var finishedAt: String
    public var durationMs: Int64
    /// The delivery's state now: pending, delivered or failed.
    public var deliveryStatus: String
}

extension RegistryStore {
    /// Checks that the acting user may manage webhooks: admins only, once the registry has an
    /// admin (the same bootstrap rule as role grants).
    static func requireWebhookAdmin(_ tx: RegistryTransaction) throws {
        let admins = try tx.database.scalar("SELECT count(*) FROM role_grants WHERE role = 'admin'", as: Int.self) ?? 0
        guard admins > 0 else { return }
        let mine =
            try tx.database.scalar(
                "SELECT count(*) FROM role_grants WHERE role = 'admin' AND actor = ?", tx.actor, as: Int.self) ?? 0
        guard mine > 0 else { throw WebhookError.notAuthorized(actor: tx.actor) }
    }

    static func randomHex(_ bytes: Int) throws -> String {
        var random = [UInt8](repeating: 0, count: bytes)
        guard random.withUnsafeMutableBytes({ getentropy($0.baseAddress, bytes) }) == 0 else {
            throw TokenError.randomnessUnavailable
        }
        return Hex.encode(random)
    }

    /// Subscribes `url` to `events`. Without `secret`, one is generated (`whsec_` + 64 hex).
    /// Only audit events recorded after this call are delivered. Appends `webhook.add` (no secret).
    public func addWebhook(url: String, events: [WebhookEventType], secret: String? = nil) throws -> Webhook {
        let parsed: HTTPURL
        do { parsed = try HTTPURL(parsing: url) } catch { throw WebhookError.invalidURL(url, reason: error.reason) }
        guard !events.isEmpty else { throw WebhookError.unknownEventType("") }
        if let secret {
            guard (16...256).contains(secret.utf8.count),
                secret.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f })
            else {
                throw WebhookError.invalidSecret
            }
        }
        let key = try secret ?? "whsec_" + Self.randomHex(32)
        let id = "wh_" + (try Self.randomHex(6))
        let list = events.map(\.rawValue).joined(separator: ",")
        return try write { tx in
            try Self.requireWebhookAdmin(tx)
            let head = try tx.database.scalar("SELECT coalesce(max(seq), 0) FROM audit_events", as: Int64.self) ?? 0
            try tx.database.run(
                """
                INSERT INTO webhooks (id, url, secret, events, active, after_seq, created_at, created_by)
                VALUES (?, ?, ?, ?, 1, ?, ?, ?)
                """, id, parsed.description, key, list, head, tx.time, tx.actor)
            try tx.appendAudit(
                action: "webhook.add", subject: id,
                payload: [
                    "id": .string(id), "url": .string(parsed.description),
                    "events": .array(events.map { .string($0.rawValue) })
                ])
            return Webhook(
                id: id, url: parsed.description, secret: key, events: events, active: true, afterSeq: head,
                createdAt: tx.time, createdBy: tx.actor)
        }
    }

    /// Deactivates a webhook (kept with its delivery log; its pending deliveries are marked
    /// failed and never sent).
    /// Appends `webhook.remove`.
    public func removeWebhook(id: String) throws -> Webhook {
        try write { tx in
            try Self.requireWebhookAdmin(tx)
            guard let row = try tx.database.queryFirst("SELECT * FROM webhooks WHERE id = ?", id) else {
                throw WebhookError.unknownWebhook(id)
            }
            var hook = try Self.webhook(row)
            guard hook.active else { throw WebhookError.alreadyRemoved(id) }
            try tx.database.run(
                "UPDATE webhooks SET active = 0, removed_at = ?, removed_by = ? WHERE id = ?", tx.time, tx.actor, id)
            try tx.database.run(
                "UPDATE webhook_deliveries SET status = 'failed', updated_at = ? WHERE webhook_id = ? AND status = 'pending'",
                tx.time, id)
            try tx.appendAudit(action: "webhook.remove", subject: id, payload: ["id": .string(id)])
            hook.active = false
            hook.removedAt = tx.time
            hook.removedBy = tx.actor
            return hook
        }
    }

    /// Every webhook, oldest first (removed ones too).
    public func webhooks() throws -> [Webhook] {
        try readDatabase { db in try db.query("SELECT * FROM webhooks ORDER BY created_at, id").map(Self.webhook) }
    }

    static func webhook(_ row: Row) throws -> Webhook {
        let events: String = try row.get("events")
        let active: Int64 = try row.get("active")
        return Webhook(
            id: try row.get("id"), url: try row.get("url"), secret: try row.get("secret"),
            events: events.split(separator: ",").compactMap { WebhookEventType(rawValue: String($0)) },
            active: active != 0, afterSeq: try row.get("after_seq"), createdAt: try row.get("created_at"),
            createdBy: try row.get("created_by"), removedAt: try row.get("removed_at"),
            removedBy: try row.get("removed_by"))
    }

    /// The JSON body delivered for `type` derived from `event` (canonical JSON, so the bytes
    /// signed are the bytes stored and sent).
    static func webhookBody(_ event: AuditEvent, type: WebhookEventType, eventID: String) throws -> String {
        try JSONValue.object([
            "id": .string(eventID), "type": .string(type.rawValue), "time": .string(event.time),
            "actor": .string(event.actor), "subject": .string(event.subject), "action": .string(event.action),
            "data": (try? JSONValue.parse(event.payload)) ?? .object([:]),
            "audit": ["seq": .integer(event.seq), "hash": .string(event.hash)]
        ]).canonicalString()
    }

    /// Queues a delivery for every new audit event each active webhook subscribes to (at most
    /// `limit` audit events per webhook per call). Returns how many deliveries were queued.
    @discardableResult
    public func enqueueWebhookDeliveries(nowMs: Int64, limit: Int = 1000) throws -> Int {
        try write { tx in
            var queued = 0
            for hook in try tx.database.query("SELECT * FROM webhooks WHERE active = 1").map(Self.webhook) {
                let events = try tx.database.query(
                    "SELECT \(AuditEvent.selectColumns) FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?",
                    hook.afterSeq, Int64(limit)
                ).map { try AuditEvent(row: $0) }
                guard let last = events.last else { continue }
                for event in events {
                    for type in WebhookEventType.types(for: event) where hook.events.contains(type) {
                        let eventID = "evt_\(event.seq)_\(type.rawValue)"
                        try tx.database.run(
                            """
                            INSERT OR IGNORE INTO webhook_deliveries (id, webhook_id, event_id, event_type, audit_seq, body, status,
                                attempts, next_attempt_ms, created_at, updated_at)
                            VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)
                            """, "dlv_" + (try Self.randomHex(8)), hook.id, eventID, type.rawValue, event.seq,
                            try Self.webhookBody(event, type: type, eventID: eventID), nowMs, tx.time, tx.time)
                        queued += tx.database.changes
                    }
                }
                try tx.database.run("UPDATE webhooks SET after_seq = ? WHERE id = ?", last.seq, hook.id)
            }
            return queued
        }
    }

    /// Takes up to `limit` pending deliveries that are due, oldest first, and leases them for
    /// `leaseMs` (their next attempt time moves past the lease), so two dispatchers on the same
    /// registry never send the same attempt.
    public func claimWebhookDeliveries(nowMs: Int64, leaseMs: Int64, limit: Int = 50) throws -> [WebhookDeliveryJob] {
        try write { tx in
            let rows = try tx.database.query(
                """
                SELECT d.id, d.webhook_id, w.url, w.secret, d.event_id, d.event_type, d.body, d.attempts
                FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                WHERE d.status = 'pending' AND d.next_attempt_ms <= ? AND w.active = 1
                ORDER BY d.next_attempt_ms, d.audit_seq, d.rowid LIMIT ?
                """, nowMs, Int64(limit))
            return try rows.map { row in
                let id: String = try row.get("id")
                try tx.database.run(
                    "UPDATE webhook_deliveries SET next_attempt_ms = ? WHERE id = ?", nowMs + leaseMs, id)
                let attempts: Int64 = try row.get("attempts")
                return WebhookDeliveryJob(
                    id: id, webhookID: try row.get("webhook_id"), url: try row.get("url"),
                    secret: try row.get("secret"), eventID: try row.get("event_id"),
                    eventType: try row.get("event_type"), body: try row.get("body"),
                    attempt: Int(attempts) + 1)
            }
        }
    }

    /// Logs one attempt and updates its delivery: delivered on success; otherwise pending again
    /// at `retryAtMs`, or failed for good when `retryAtMs` is nil.
    public func recordWebhookAttempt(
        _ job: WebhookDeliveryJob, statusCode: Int?, error: String?, startedAt: String,
        durationMs: Int64, succeeded: Bool, retryAtMs: Int64?
    ) throws {
        try write { tx in
            try tx.database.run(
                """
                INSERT INTO webhook_attempts (delivery_id, attempt, status_code, error, started_at, finished_at, duration_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, job.id, job.attempt, statusCode.map(Int64.init), error, startedAt, tx.time, durationMs)
            let status = succeeded ? "delivered" : (retryAtMs == nil ? "failed" : "pending")
            try tx.database.run(
                """
                UPDATE webhook_deliveries SET status = ?, attempts = ?, next_attempt_ms = ?, updated_at = ? WHERE id = ?
                """, status, job.attempt, retryAtMs ?? 0, tx.time, job.id)
        }
    }

    /// The delivery log, newest attempt first (optionally one webhook's).
    public func webhookAttempts(webhook: String? = nil, limit: Int = 100) throws -> [WebhookAttemptRecord] {
        try readDatabase { db in
            let select = """
                SELECT a.delivery_id, d.webhook_id, d.event_id, d.event_type, a.attempt, a.status_code, a.error,
                       a.started_at, a.finished_at, a.duration_ms, d.status
                FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
                """
            let rows =
                if let webhook {
                    try db.query(select + " WHERE d.webhook_id = ? ORDER BY a.id DESC LIMIT ?", webhook, Int64(limit))
                } else {
                    try db.query(select + " ORDER BY a.id DESC LIMIT ?", Int64(limit))
                }
            return try rows.map { row in
                let code: Int64? = try row.get("status_code")
                return WebhookAttemptRecord(
                    deliveryID: try row.get("delivery_id"), webhookID: try row.get("webhook_id"),
                    eventID: try row.get("event_id"), eventType: try row.get("event_type"),
                    attempt: Int(try row.get("attempt") as Int64), statusCode: code.map { Int($0) },
                    error: try row.get("error"), startedAt: try row.get("started_at"),
                    finishedAt: try row.get("finished_at"),
                    durationMs: try row.get("duration_ms"), deliveryStatus: try row.get("status"))
            }
        }
    }

    /// Deliveries by state (`pending`, `delivered`, `failed`), for status lines and tests.
    public func webhookDeliveryCounts() throws -> [String: Int] {
        try readDatabase { db in
            var out: [String: Int] = [:]
            for row in try db.query("SELECT status, count(*) AS n FROM webhook_deliveries GROUP BY status") {
                out[try row.get("status")] = try row.get("n")
            }
            return out
        }
    }
}
