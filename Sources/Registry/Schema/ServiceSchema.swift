import Storage

/// Service tables: API bearer tokens (stored as SHA-256 hashes, never in clear) and webhook
/// subscriptions with their delivery log.
enum ServiceSchema {
    static func register(in migrator: inout Migrator) {
        migrator.register("service-001-tokens", sql: """
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
    }
}
