import Storage

/// Dataset quality: where a version's files were registered from, content-addressed check
/// reports, and contamination results per (dataset version, suite digest).
enum DatasetQualitySchema {
    static func register(in migrator: inout Migrator) {
        migrator.register(
            "dataset-001-quality",
            sql: """
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
                """)
    }
}
