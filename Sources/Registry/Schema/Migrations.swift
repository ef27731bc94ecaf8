import Storage

/// The registry's schema, as an ordered list of migrations.
///
/// Rules:
/// - Migrations are append-only: never edit, rename or reorder one that has been committed; add a
///   new one instead. Ids are `<area>-<NNN>-<what>` so areas never collide.
/// - Other modules' tables (evaluation runs, governance) are appended as further migrations by
///   their owners in files `Sources/Registry/Schema/<Area>Schema.swift`, each declaring
///   `enum <Area>Schema { static func register(in migrator: inout Migrator) }`, and one line
///   added to `RegistrySchema.migrator` below (in the order the areas were created).
/// - After changing the schema, regenerate `Registry/schema.sql`
///   (see `RegistrySchemaSnapshotTests` for the command).
public enum RegistrySchema {
    /// Every registry migration, in application order.
    public static var migrator: Migrator {
        var migrator = Migrator()
        CoreSchema.register(in: &migrator)
        EvaluationSchema.register(in: &migrator)
        // Further areas append below, one line each, in the order they were created.
        GovernanceSchema.register(in: &migrator)
        ServiceSchema.register(in: &migrator)
        DatasetQualitySchema.register(in: &migrator)
        return migrator
    }
}

/// Models, versions, artifacts, datasets, lineage and the audit log.
enum CoreSchema {
    static func register(in migrator: inout Migrator) {
        migrator.register(
            "core-001-registry",
            sql: """
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
                """)
    }
}
