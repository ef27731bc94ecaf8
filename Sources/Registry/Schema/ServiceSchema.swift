import Storage

/// Service tables: API bearer tokens (stored as SHA-256 hashes, never in clear) and webhook
/// subscriptions with their delivery log.
enum ServiceSchema {
    static func register(in migrator: inout Migrator) {
        migrator.register(
            "service-001-tokens",
            sql: """
                CREATE TABLE api_tokens (
                    id TEXT PRIMARY KEY,
                    token_sha256 TEXT NOT NULL UNIQUE CHECK (length(token_sha256) = 64),
                    actor TEXT NOT NULL,
                    label TEXT,
                    created_at TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    revoked_at TEXT,
                    revoked_by TEXT
                );
                CREATE INDEX api_tokens_actor ON api_tokens(actor);
                CREATE TRIGGER api_tokens_no_delete BEFORE DELETE ON api_tokens
                BEGIN SELECT RAISE(ABORT, 'tokens are revoked, never deleted'); END;
                """)
        // Webhook subscriptions (the secret is kept so the server can sign), one outbox row per
        // (webhook, event) and every delivery attempt.
        migrator.register(
            "service-002-webhooks",
            sql: """
                CREATE TABLE webhooks (
                    id TEXT PRIMARY KEY,
                    url TEXT NOT NULL,
                    secret TEXT NOT NULL,
                    events TEXT NOT NULL,
                    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
                    after_seq INTEGER NOT NULL,
                    created_at TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    removed_at TEXT,
                    removed_by TEXT
                );
                CREATE TABLE webhook_deliveries (
                    id TEXT PRIMARY KEY,
                    webhook_id TEXT NOT NULL REFERENCES webhooks(id),
                    event_id TEXT NOT NULL,
                    event_type TEXT NOT NULL,
                    audit_seq INTEGER NOT NULL,
                    body TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_ms INTEGER NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    UNIQUE (webhook_id, event_id)
                );
                CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_ms);
                CREATE TABLE webhook_attempts (
                    id INTEGER PRIMARY KEY,
                    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id),
                    attempt INTEGER NOT NULL,
                    status_code INTEGER,
                    error TEXT,
                    started_at TEXT NOT NULL,
                    finished_at TEXT NOT NULL,
                    duration_ms INTEGER NOT NULL
                );
                CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id);
                """)
    }
}
