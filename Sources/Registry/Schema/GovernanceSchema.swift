import Storage

/// Governance tables: role grants, approval states and decisions, model cards, aliases and
/// their history. Decisions and alias history are append-only (triggers), like the audit log.
enum GovernanceSchema {
    static func register(in migrator: inout Migrator) {
        migrator.register(
            "governance-001-approvals-roles-aliases",
            sql: """
                CREATE TABLE role_grants (
                    actor TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('submitter', 'approver', 'release-manager', 'auditor', 'admin')),
                    granted_at TEXT NOT NULL,
                    granted_by TEXT NOT NULL,
                    PRIMARY KEY (actor, role)
                );
                CREATE TABLE approval_states (
                    model_version_id INTEGER PRIMARY KEY REFERENCES model_versions(id),
                    state TEXT NOT NULL CHECK (state IN ('registered', 'evaluated', 'in_review', 'approved', 'rejected',
                        'deprecated', 'revoked')),
                    tier TEXT,
                    submitter TEXT,
                    review_round INTEGER NOT NULL DEFAULT 0,
                    needs_review INTEGER NOT NULL DEFAULT 0 CHECK (needs_review IN (0, 1)),
                    needs_review_reason TEXT,
                    updated_at TEXT NOT NULL,
                    updated_by TEXT NOT NULL
                );
                CREATE TABLE approval_decisions (
                    id INTEGER PRIMARY KEY,
                    model_version_id INTEGER NOT NULL REFERENCES model_versions(id),
                    review_round INTEGER NOT NULL,
                    action TEXT NOT NULL CHECK (action IN ('evaluate', 'submit', 'approve', 'reject', 'deprecate', 'revoke')),
                    from_state TEXT NOT NULL,
                    to_state TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    reason TEXT,
                    model_digest TEXT NOT NULL CHECK (length(model_digest) = 64),
                    evaluation_run_ids TEXT NOT NULL DEFAULT '[]',
                    policy_version INTEGER NOT NULL,
                    policy_digest TEXT NOT NULL,
                    tier TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE INDEX approval_decisions_version ON approval_decisions(model_version_id, id);
                CREATE TRIGGER approval_decisions_no_update BEFORE UPDATE ON approval_decisions
                BEGIN SELECT RAISE(ABORT, 'approval decisions are append-only'); END;
                CREATE TRIGGER approval_decisions_no_delete BEFORE DELETE ON approval_decisions
                BEGIN SELECT RAISE(ABORT, 'approval decisions are append-only'); END;
                CREATE TABLE model_cards (
                    model_version_id INTEGER PRIMARY KEY REFERENCES model_versions(id),
                    fields TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    updated_by TEXT NOT NULL
                );
                CREATE TABLE aliases (
                    model_id INTEGER NOT NULL REFERENCES models(id),
                    name TEXT NOT NULL,
                    model_version_id INTEGER NOT NULL REFERENCES model_versions(id),
                    protected INTEGER NOT NULL CHECK (protected IN (0, 1)),
                    updated_at TEXT NOT NULL,
                    updated_by TEXT NOT NULL,
                    PRIMARY KEY (model_id, name)
                );
                CREATE TABLE alias_history (
                    id INTEGER PRIMARY KEY,
                    model_id INTEGER NOT NULL REFERENCES models(id),
                    name TEXT NOT NULL,
                    model_version_id INTEGER NOT NULL REFERENCES model_versions(id),
                    previous_version_id INTEGER REFERENCES model_versions(id),
                    action TEXT NOT NULL CHECK (action IN ('set', 'rollback')),
                    actor TEXT NOT NULL,
                    reason TEXT,
                    created_at TEXT NOT NULL
                );
                CREATE INDEX alias_history_alias ON alias_history(model_id, name, id);
                CREATE TRIGGER alias_history_no_update BEFORE UPDATE ON alias_history
                BEGIN SELECT RAISE(ABORT, 'alias history is append-only'); END;
                CREATE TRIGGER alias_history_no_delete BEFORE DELETE ON alias_history
                BEGIN SELECT RAISE(ABORT, 'alias history is append-only'); END;
                """)
    }
}
