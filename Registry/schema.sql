-- Assay registry schema: generated from a freshly migrated database (sqlite_master, creation order).
-- Do not edit by hand. Regenerate after adding a migration:
--   ASSAY_REGENERATE_SCHEMA=1 swift test --filter RegistrySchemaSnapshotTests
-- Migrations applied: core-001-registry, evaluation-001-runs, governance-001-approvals-roles-aliases, service-001-tokens, service-002-webhooks, dataset-001-quality
CREATE TABLE schema_migrations (id TEXT PRIMARY KEY NOT NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));

CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE model_versions (
    id INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models(id),
    version TEXT NOT NULL,
    digest TEXT NOT NULL CHECK (length(digest) = 64),
    format TEXT NOT NULL,
    artifact_count INTEGER NOT NULL CHECK (artifact_count > 0),
    total_size INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (model_id, version)
);

CREATE INDEX model_versions_digest ON model_versions(digest);

CREATE TABLE artifacts (
    id INTEGER PRIMARY KEY,
    model_version_id INTEGER NOT NULL REFERENCES model_versions(id),
    relative_path TEXT NOT NULL,
    uri TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    format TEXT NOT NULL,
    architecture TEXT,
    parameter_count INTEGER,
    quantization TEXT,
    context_length INTEGER,
    UNIQUE (model_version_id, relative_path)
);

CREATE TABLE datasets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE TABLE dataset_versions (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES datasets(id),
    version TEXT NOT NULL,
    digest TEXT NOT NULL CHECK (length(digest) = 64),
    license TEXT NOT NULL,
    contains_pii INTEGER NOT NULL CHECK (contains_pii IN (0, 1)),
    source TEXT,
    description TEXT,
    collection_process TEXT,
    known_limitations TEXT,
    file_count INTEGER NOT NULL CHECK (file_count > 0),
    total_size INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (dataset_id, version)
);

CREATE TABLE dataset_files (
    id INTEGER PRIMARY KEY,
    dataset_version_id INTEGER NOT NULL REFERENCES dataset_versions(id),
    relative_path TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    UNIQUE (dataset_version_id, relative_path)
);

CREATE TABLE lineage_edges (
    id INTEGER PRIMARY KEY,
    child_version_id INTEGER NOT NULL REFERENCES model_versions(id),
    relation TEXT NOT NULL CHECK (relation IN ('finetuned_from', 'quantized_from', 'merged_from',
        'adapter_of', 'distilled_from', 'trained_on', 'evaluated_on')),
    parent_model_version_id INTEGER REFERENCES model_versions(id),
    parent_dataset_version_id INTEGER REFERENCES dataset_versions(id),
    parameters TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CHECK ((parent_model_version_id IS NULL) <> (parent_dataset_version_id IS NULL)),
    CHECK ((relation IN ('trained_on', 'evaluated_on')) = (parent_dataset_version_id IS NOT NULL)),
    CHECK (parent_model_version_id IS NULL OR parent_model_version_id <> child_version_id)
);

CREATE UNIQUE INDEX lineage_edges_model_parent
    ON lineage_edges(child_version_id, relation, parent_model_version_id)
    WHERE parent_model_version_id IS NOT NULL;

CREATE UNIQUE INDEX lineage_edges_dataset_parent
    ON lineage_edges(child_version_id, relation, parent_dataset_version_id)
    WHERE parent_dataset_version_id IS NOT NULL;

CREATE INDEX lineage_edges_parent ON lineage_edges(parent_model_version_id);

CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;

CREATE TRIGGER model_versions_immutable BEFORE UPDATE ON model_versions
BEGIN SELECT RAISE(ABORT, 'model versions are immutable'); END;

CREATE TRIGGER model_versions_no_delete BEFORE DELETE ON model_versions
BEGIN SELECT RAISE(ABORT, 'model versions are immutable'); END;

CREATE TRIGGER artifacts_immutable BEFORE UPDATE ON artifacts
BEGIN SELECT RAISE(ABORT, 'artifacts are immutable'); END;

CREATE TRIGGER artifacts_no_delete BEFORE DELETE ON artifacts
BEGIN SELECT RAISE(ABORT, 'artifacts are immutable'); END;

CREATE TRIGGER dataset_versions_immutable BEFORE UPDATE ON dataset_versions
BEGIN SELECT RAISE(ABORT, 'dataset versions are immutable'); END;

CREATE TRIGGER dataset_versions_no_delete BEFORE DELETE ON dataset_versions
BEGIN SELECT RAISE(ABORT, 'dataset versions are immutable'); END;

CREATE TRIGGER dataset_files_immutable BEFORE UPDATE ON dataset_files
BEGIN SELECT RAISE(ABORT, 'dataset files are immutable'); END;

CREATE TRIGGER dataset_files_no_delete BEFORE DELETE ON dataset_files
BEGIN SELECT RAISE(ABORT, 'dataset files are immutable'); END;

CREATE TRIGGER lineage_edges_immutable BEFORE UPDATE ON lineage_edges
BEGIN SELECT RAISE(ABORT, 'lineage edges are immutable'); END;

CREATE TRIGGER lineage_edges_no_delete BEFORE DELETE ON lineage_edges
BEGIN SELECT RAISE(ABORT, 'lineage edges are immutable'); END;

CREATE TABLE evaluation_suites (
    id INTEGER PRIMARY KEY,
    suite_id TEXT NOT NULL,
    version TEXT NOT NULL,
    digest TEXT NOT NULL CHECK (length(digest) = 64),
    title TEXT NOT NULL,
    license TEXT NOT NULL,
    path TEXT NOT NULL,
    manifest TEXT NOT NULL,
    task_count INTEGER NOT NULL,
    item_count INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (suite_id, version)
);

CREATE TABLE evaluation_runs (
    id TEXT PRIMARY KEY,
    model_version_id INTEGER NOT NULL REFERENCES model_versions(id),
    model_digest TEXT NOT NULL,
    suite_id TEXT NOT NULL,
    suite_version TEXT NOT NULL,
    suite_digest TEXT NOT NULL CHECK (length(suite_digest) = 64),
    config_key TEXT NOT NULL,
    config TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    backend TEXT NOT NULL,
    threads INTEGER NOT NULL,
    hardware TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'completed')),
    item_total INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    created_by TEXT NOT NULL,
    results TEXT
);

CREATE INDEX evaluation_runs_config ON evaluation_runs(config_key, status);

CREATE INDEX evaluation_runs_model ON evaluation_runs(model_version_id);

CREATE TABLE evaluation_items (
    run_id TEXT NOT NULL REFERENCES evaluation_runs(id),
    task TEXT NOT NULL,
    item TEXT NOT NULL,
    item_index INTEGER NOT NULL,
    prediction TEXT NOT NULL,
    target TEXT NOT NULL,
    correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
    score REAL NOT NULL,
    record TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (run_id, task, item)
) WITHOUT ROWID;

CREATE TABLE evaluation_request_cache (
    key TEXT PRIMARY KEY,
    model_digest TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    result TEXT NOT NULL,
    created_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER evaluation_suites_immutable BEFORE UPDATE ON evaluation_suites
BEGIN SELECT RAISE(ABORT, 'registered suites are immutable'); END;

CREATE TRIGGER evaluation_suites_no_delete BEFORE DELETE ON evaluation_suites
BEGIN SELECT RAISE(ABORT, 'registered suites are immutable'); END;

CREATE TRIGGER evaluation_items_immutable BEFORE UPDATE ON evaluation_items
BEGIN SELECT RAISE(ABORT, 'evaluation item results are immutable'); END;

CREATE TRIGGER evaluation_items_no_delete BEFORE DELETE ON evaluation_items
BEGIN SELECT RAISE(ABORT, 'evaluation item results are immutable'); END;

CREATE TRIGGER evaluation_runs_no_delete BEFORE DELETE ON evaluation_runs
BEGIN SELECT RAISE(ABORT, 'evaluation runs are kept'); END;

CREATE TRIGGER evaluation_runs_completed_immutable BEFORE UPDATE ON evaluation_runs
WHEN OLD.status = 'completed'
BEGIN SELECT RAISE(ABORT, 'completed evaluation runs are immutable'); END;

CREATE TRIGGER evaluation_items_only_running BEFORE INSERT ON evaluation_items
WHEN (SELECT status FROM evaluation_runs WHERE id = NEW.run_id) IS NOT 'running'
BEGIN SELECT RAISE(ABORT, 'items can only be added to a running evaluation'); END;

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

CREATE TABLE dataset_file_locations (
    dataset_version_id INTEGER NOT NULL REFERENCES dataset_versions(id),
    relative_path TEXT NOT NULL,
    location TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    PRIMARY KEY (dataset_version_id, relative_path)
);

CREATE TABLE dataset_quality_reports (
    sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    body TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE dataset_checks (
    id INTEGER PRIMARY KEY,
    dataset_version_id INTEGER NOT NULL REFERENCES dataset_versions(id),
    report_sha256 TEXT NOT NULL REFERENCES dataset_quality_reports(sha256),
    checker TEXT NOT NULL,
    records INTEGER NOT NULL,
    invalid_records INTEGER NOT NULL,
    exact_duplicate_rate REAL NOT NULL,
    near_duplicate_rate REAL NOT NULL,
    pii_counts TEXT NOT NULL,
    license_valid INTEGER NOT NULL CHECK (license_valid IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

CREATE INDEX dataset_checks_version ON dataset_checks(dataset_version_id, id);

CREATE TABLE dataset_contamination (
    dataset_version_id INTEGER NOT NULL REFERENCES dataset_versions(id),
    suite_id TEXT NOT NULL,
    suite_version TEXT NOT NULL,
    suite_digest TEXT NOT NULL CHECK (length(suite_digest) = 64),
    method TEXT NOT NULL,
    suite_items INTEGER NOT NULL,
    item_count INTEGER NOT NULL,
    items TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (dataset_version_id, suite_digest)
);

CREATE TRIGGER dataset_quality_reports_immutable BEFORE UPDATE ON dataset_quality_reports
BEGIN SELECT RAISE(ABORT, 'dataset quality reports are immutable'); END;

CREATE TRIGGER dataset_quality_reports_no_delete BEFORE DELETE ON dataset_quality_reports
BEGIN SELECT RAISE(ABORT, 'dataset quality reports are immutable'); END;

CREATE TRIGGER dataset_checks_immutable BEFORE UPDATE ON dataset_checks
BEGIN SELECT RAISE(ABORT, 'dataset checks are immutable'); END;

CREATE TRIGGER dataset_contamination_immutable BEFORE UPDATE ON dataset_contamination
BEGIN SELECT RAISE(ABORT, 'contamination results are immutable'); END;
