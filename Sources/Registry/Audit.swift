import Hashing
import JSON
import Storage

/// One event of the append-only, hash-chained audit log.
///
/// `hash` is the lowercase hex SHA-256 of the canonical JSON (see `JSONValue`) of the array
/// `["assay-audit-v1", seq, time, actor, action, subject, payload, prev_hash]`, where `seq` is
/// a JSON integer and every other element a JSON string — `payload` being the event's canonical
/// JSON text *as a string*. `prev_hash` is the previous event's `hash`, or 64 zeros for seq 1.
/// Registry/README.md documents this for offline verification.
public struct AuditEvent: Sendable, Equatable, Codable {
    public var seq: Int64
    /// UTC time, ISO 8601 with milliseconds (`2026-01-31T12:00:00.000Z`).
    public var time: String
    public var actor: String
    /// Dotted verb, e.g. `model_version.register`.
    public var action: String
    /// What the action is about, e.g. `smollm2@1.0`.
    public var subject: String
    /// Canonical JSON text of the payload object.
    public var payload: String
    public var prevHash: String
    public var hash: String

    /// Domain-separation tag, first element of the hashed array.
    public static let hashVersion = "assay-audit-v1"
    /// `prev_hash` of the first event.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Recomputes the hash from the other fields.
    public static func computeHash(
        seq: Int64, time: String, actor: String, action: String, subject: String,
        payload: String, prevHash: String
    ) -> String {
        SHA256.hash(
            hashedBytes(
                seq: seq, time: time, actor: actor, action: action, subject: subject,
                payload: payload, prevHash: prevHash)
        ).hex
    }

    /// The recomputed hash of this event.
    public var recomputedHash: String {
        Self.computeHash(
            seq: seq, time: time, actor: actor, action: action, subject: subject,
            payload: payload, prevHash: prevHash)
    }
}

extension AuditEvent {
    init(row: Row) throws {
        self = try row.decode()
    }
}

/// The result of recomputing the audit chain.
public struct AuditVerification: Sendable, Equatable, Codable {
    /// Where and how the chain first breaks.
    public struct Break: Sendable, Equatable, Codable, CustomStringConvertible {
        /// Sequence number of the first event that does not verify.
        public var seq: Int64
        /// What mismatched.
        public var reason: String
        public var description: String { "audit event \(seq): \(reason)" }
    }

    /// Events checked (all of them when the chain is intact).
    public var eventCount: Int
    /// Hash of the last event (the chain head), or the genesis hash when empty.
    public var headHash: String
    /// The first broken event, or nil when the whole chain verifies.
    public var firstBreak: Break?

    public var isIntact: Bool { firstBreak == nil }
}

extension AuditEvent {
    static let selectColumns = "seq, time, actor, action, subject, payload, prev_hash, hash"

    /// Largest canonical payload an event may carry (256 KiB).
    public static let maxPayloadBytes = 256 * 1024

    /// Bytes an event occupies when listed (its text fields; a paging budget, not exact JSON size).
    public var listedBytes: Int {
        payload.utf8.count + subject.utf8.count + actor.utf8.count + action.utf8.count + time.utf8.count + 200
    }

    /// Appends an event in the caller's (write) transaction and returns it.
    static func append(
        db: Database, time: String, actor: String, action: String, subject: String,
        payload: JSONValue
    ) throws -> AuditEvent {
        guard case .object = payload else { throw RegistryError.invalidPayload("the payload must be a JSON object") }
        // The log is append-only: credentials that reach it can never be removed, so URLs'
        // user-info and secret-looking query values are redacted on the way in.
        let payload = Redaction.redact(payload)
        let subject = Redaction.redact(subject)
        let payloadText: String
        do { payloadText = try payload.canonicalString() } catch {
            throw RegistryError.invalidPayload(error.description)
        }
        // Every event is kept forever and read back in pages: no single event may be huge.
        guard payloadText.utf8.count <= maxPayloadBytes else {
            throw RegistryError.invalidPayload(
                "the event payload is \(payloadText.utf8.count) bytes; at most \(maxPayloadBytes) are recorded (shorten the fields)"
            )
        }
        guard subject.utf8.count <= 1024, actor.utf8.count <= 1024 else {
            throw RegistryError.invalidPayload("the event subject or actor is longer than 1024 bytes")
        }
        let last = try db.queryFirst("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
        let seq = try (last?.get("seq", as: Int64.self) ?? 0) + 1
        let prevHash = try last?.get("hash", as: String.self) ?? genesisHash
        let hash = computeHash(
            seq: seq, time: time, actor: actor, action: action, subject: subject,
            payload: payloadText, prevHash: prevHash)
        try db.run(
            "INSERT INTO audit_events (seq, time, actor, action, subject, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            seq, time, actor, action, subject, payloadText, prevHash, hash)
        return AuditEvent(
            seq: seq, time: time, actor: actor, action: action, subject: subject,
            payload: payloadText, prevHash: prevHash, hash: hash)
    }

    /// Recomputes the whole chain in order (streaming, constant memory) and reports the first
    /// event that does not verify.
    static func verify(db: Database) throws -> AuditVerification {
        let statement = try db.prepare("SELECT \(selectColumns) FROM audit_events ORDER BY seq")
        try statement.bind([])
        var expectedSeq: Int64 = 1
        var previous = genesisHash
        var count = 0
        var firstBreak: AuditVerification.Break?
        try statement.forEachRow { row in
            let event = try AuditEvent(row: row)
            var reason: String?
            if event.seq != expectedSeq {
                reason =
                    "sequence gap: expected event \(expectedSeq), found \(event.seq) (events deleted or renumbered)"
            } else if event.prevHash != previous {
                reason =
                    "prev_hash \(event.prevHash.prefix(16))… does not match the hash of event \(expectedSeq - 1) (\(previous.prefix(16))…)"
            } else {
                let recomputed = event.recomputedHash
                if recomputed != event.hash {
                    reason =
                        "stored hash \(event.hash.prefix(16))… does not match the recomputed hash \(recomputed.prefix(16))… (time, actor, action, subject or payload changed)"
                } else if let canonical = try? JSONValue.parse(event.payload).canonicalString(),
                    canonical != event.payload
                {
                    reason = "payload is not canonical JSON"
                }
            }
            if let reason {
                firstBreak = .init(seq: event.seq, reason: reason)
                return false
            }
            previous = event.hash
            expectedSeq += 1
            count += 1
            return true
        }
        return AuditVerification(eventCount: count, headHash: previous, firstBreak: firstBreak)
    }
}

extension RegistryStore {
    /// Events after `after`, oldest first: at most `limit`, and stopping once `maxBytes` of
    /// event text is collected (always at least one event). Rows are streamed, so a page never
    /// holds more than the budget in memory. `hasMore` says whether later events exist.
    public func auditEvents(after: Int64, limit: Int, maxBytes: Int) throws -> (events: [AuditEvent], hasMore: Bool) {
        try readDatabase { db in
            let statement = try db.prepare(
                "SELECT \(AuditEvent.selectColumns) FROM audit_events WHERE seq > ? ORDER BY seq")
            try statement.bind([after])
            var events: [AuditEvent] = []
            var bytes = 0
            var hasMore = false
            try statement.forEachRow { row in
                let event = try AuditEvent(row: row)
                if events.count >= limit || (!events.isEmpty && bytes + event.listedBytes > maxBytes) {
                    hasMore = true
                    return false
                }
                bytes += event.listedBytes
                events.append(event)
                return true
            }
            return (events, hasMore)
        }
    }
}
