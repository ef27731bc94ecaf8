import Storage

/// Registered evaluation suites, evaluation runs with per-item results, and the request cache.
enum EvaluationSchema {
    static func register(in migrator: inout Migrator) {
        migrator.register(
            "evaluation-001-runs",
            sql: """
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
                """)
    }
}
