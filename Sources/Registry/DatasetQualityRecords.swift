import Foundation
import Hashing
import JSON
import Storage

/// The headline figures of a dataset check: what policies, listings and exports show.
public struct DatasetQualityFigures: Sendable, Equatable, Codable {
    public var records: Int
    public var invalidRecords: Int
    public var exactDuplicateRate: Double
    public var nearDuplicateRate: Double
    /// Detected personal data per kind (empty: none found).
    public var piiCounts: [String: Int]
    public var licenseValid: Bool
}

/// Which checker computed a dataset check (`assay-dataset-check/1`).
public struct DatasetCheckerName: Sendable, Equatable, Codable {
    public var checker: String
}

/// The figures of a dataset check with its checker, kept in columns beside the stored report.
public typealias DatasetCheckSummary = Merged<DatasetQualityFigures, DatasetCheckerName>

extension DatasetCheckSummary {
    public init(
        checker: String, records: Int, invalidRecords: Int, exactDuplicateRate: Double, nearDuplicateRate: Double,
        piiCounts: [String: Int], licenseValid: Bool
    ) {
        self.init(
            DatasetQualityFigures(
                records: records, invalidRecords: invalidRecords, exactDuplicateRate: exactDuplicateRate,
                nearDuplicateRate: nearDuplicateRate, piiCounts: piiCounts, licenseValid: licenseValid),
            DatasetCheckerName(checker: checker))
    }
}

/// One stored check of a dataset version: the summary and the content-addressed report.
public struct DatasetCheckRecord: Sendable, Equatable, Codable {
    public var reference: VersionReference
    public var reportSHA256: String
    public var summary: DatasetCheckSummary
    public var createdAt: String
    public var createdBy: String
    /// The report as stored (canonical JSON, snake_case keys).
    public var report: String
}

/// Contamination of one dataset version with one suite version.
public struct ContaminationRecord: Sendable, Equatable, Codable {
    public var suiteID: String
    public var suiteVersion: String
    public var suiteDigest: String
    public var method: String
    public var suiteItems: Int
    /// Contaminated item ids, sorted.
    public var items: [String]

    public init(
        suiteID: String, suiteVersion: String, suiteDigest: String, method: String, suiteItems: Int, items: [String]
    ) {
        self.suiteID = suiteID
        self.suiteVersion = suiteVersion
        self.suiteDigest = suiteDigest
        self.method = method
        self.suiteItems = suiteItems
        self.items = items
    }
}

extension RegistryStore {
    /// Remembers where a version's files live (absolute paths) so later checks can re-read them.
    public func recordDatasetLocations(_ ref: VersionReference, locations: [String: String]) throws {
        try write { tx in
            let id = try Self.datasetVersionID(tx.database, ref)
            for (path, location) in locations.sorted(by: { $0.key < $1.key }) {
                try tx.database.run(
                    """
                    INSERT INTO dataset_file_locations (dataset_version_id, relative_path, location, recorded_at, recorded_by)
                    VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (dataset_version_id, relative_path) DO UPDATE SET location = excluded.location,
                        recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by
                    """, id, path, location, tx.time, tx.actor)
            }
        }
    }

    /// Relative path → absolute location of a version's files, as last recorded.
    public func datasetLocations(_ ref: VersionReference) throws -> [String: String] {
        try readDatabase { db in
            let id = try Self.datasetVersionID(db, ref)
            var out: [String: String] = [:]
            for row in try db.query(
                "SELECT relative_path, location FROM dataset_file_locations WHERE dataset_version_id = ?", id)
            {
                out[try row.get("relative_path")] = try row.get("location")
            }
            return out
        }
    }

    /// Stores a check: the report (content-addressed by its SHA-256), its summary, the
    /// contamination results it computed, and a `dataset_version.check` audit event.
    @discardableResult
    public func recordDatasetCheck(
        _ ref: VersionReference, report: Data, summary: DatasetCheckSummary,
        contamination: [ContaminationRecord]
    ) throws -> DatasetCheckRecord {
        let sha = SHA256.hash(report).hex
        let body = String(decoding: report, as: UTF8.self)
        try write { tx in
            let db = tx.database
            let id = try Self.datasetVersionID(db, ref)
            try db.run("INSERT OR IGNORE INTO dataset_quality_reports (sha256, body) VALUES (?, ?)", sha, body)
            let pii = try JSONValue.object(summary.piiCounts.mapValues { .integer(Int64($0)) }).canonicalString()
            try db.run(
                """
                INSERT INTO dataset_checks (dataset_version_id, report_sha256, checker, records, invalid_records,
                    exact_duplicate_rate, near_duplicate_rate, pii_counts, license_valid, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, id, sha, summary.checker, summary.records, summary.invalidRecords, summary.exactDuplicateRate,
                summary.nearDuplicateRate, pii, summary.licenseValid, tx.time, tx.actor)
            try Self.insertContamination(tx, versionID: id, contamination)
            try tx.appendAudit(
                action: "dataset_version.check", subject: ref.description,
                payload: [
                    "report_sha256": .string(sha), "checker": .string(summary.checker),
                    "records": .integer(Int64(summary.records)),
                    "invalid_records": .integer(Int64(summary.invalidRecords)),
                    "exact_duplicate_rate": .number(summary.exactDuplicateRate),
                    "near_duplicate_rate": .number(summary.nearDuplicateRate),
                    "pii": .object(summary.piiCounts.mapValues { .integer(Int64($0)) }),
                    "license_valid": .bool(summary.licenseValid),
                    "contamination": .object(
                        Dictionary(
                            contamination.map {
                                ("\($0.suiteID)@\($0.suiteVersion)", JSONValue.integer(Int64($0.items.count)))
                            },
                            uniquingKeysWith: { a, _ in a }))
                ])
        }
        guard let stored = try latestDatasetCheck(ref) else { throw RegistryError.unknownDatasetVersion(ref) }
        return stored
    }

    /// Adds contamination results computed later (a suite registered after the check).
    public func recordContamination(_ ref: VersionReference, _ results: [ContaminationRecord]) throws {
        guard !results.isEmpty else { return }
        try write { tx in
            let id = try Self.datasetVersionID(tx.database, ref)
            try Self.insertContamination(tx, versionID: id, results)
            try tx.appendAudit(
                action: "dataset_version.contamination", subject: ref.description,
                payload: [
                    "suites": .array(
                        results.map {
                            .object([
                                "suite": .string($0.suiteID), "version": .string($0.suiteVersion),
                                "digest": .string($0.suiteDigest),
                                "method": .string($0.method), "contaminated_items": .integer(Int64($0.items.count))
                            ])
                        })
                ])
        }
    }

    static func insertContamination(_ tx: RegistryTransaction, versionID: Int64, _ results: [ContaminationRecord])
        throws
    {
        for r in results {
            let items = try JSONValue.array(r.items.map(JSONValue.string)).canonicalString()
            try tx.database.run(
                """
                INSERT OR REPLACE INTO dataset_contamination (dataset_version_id, suite_id, suite_version, suite_digest, method,
                    suite_items, item_count, items, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, versionID, r.suiteID, r.suiteVersion, r.suiteDigest, r.method, r.suiteItems, r.items.count, items,
                tx.time, tx.actor)
        }
    }

    /// The most recent check of a version, or nil when it was never checked.
    public func latestDatasetCheck(_ ref: VersionReference) throws -> DatasetCheckRecord? {
        try read { try Self.latestDatasetCheck($0, ref) }
    }

    public static func latestDatasetCheck(_ snapshot: RegistrySnapshot, _ ref: VersionReference) throws
        -> DatasetCheckRecord?
    {
        let db = snapshot.database
        let id = try datasetVersionID(db, ref)
        guard
            let row = try db.queryFirst(
                """
                SELECT c.*, r.body FROM dataset_checks c JOIN dataset_quality_reports r ON r.sha256 = c.report_sha256
                WHERE c.dataset_version_id = ? ORDER BY c.id DESC LIMIT 1
                """, id)
        else { return nil }
        var pii: [String: Int] = [:]
        if case .object(let o)? = try? JSONValue.parse(try row.get("pii_counts", as: String.self)) {
            for (k, v) in o { if case .integer(let n) = v { pii[k] = Int(n) } }
        }
        let summary = DatasetCheckSummary(
            checker: try row.get("checker"), records: try row.get("records"),
            invalidRecords: try row.get("invalid_records"),
            exactDuplicateRate: try row.get("exact_duplicate_rate"),
            nearDuplicateRate: try row.get("near_duplicate_rate"),
            piiCounts: pii, licenseValid: try row.get("license_valid"))
        return DatasetCheckRecord(
            reference: ref, reportSHA256: try row.get("report_sha256"), summary: summary,
            createdAt: try row.get("created_at"), createdBy: try row.get("created_by"),
            report: try row.get("body"))
    }

    /// Contamination results of a version, by suite id and version.
    public func datasetContamination(_ ref: VersionReference) throws -> [ContaminationRecord] {
        try read { try Self.datasetContamination($0, ref) }
    }

    public static func datasetContamination(_ snapshot: RegistrySnapshot, _ ref: VersionReference) throws
        -> [ContaminationRecord]
    {
        let db = snapshot.database
        let id = try datasetVersionID(db, ref)
        return try db.query(
            "SELECT * FROM dataset_contamination WHERE dataset_version_id = ? ORDER BY suite_id, suite_version", id
        ).map { row in
            var items: [String] = []
            if case .array(let list)? = try? JSONValue.parse(try row.get("items", as: String.self)) {
                items = list.compactMap(\.stringValue)
            }
            return ContaminationRecord(
                suiteID: try row.get("suite_id"), suiteVersion: try row.get("suite_version"),
                suiteDigest: try row.get("suite_digest"), method: try row.get("method"),
                suiteItems: try row.get("suite_items"), items: items)
        }
    }

    /// Every dataset version that has been checked at least once.
    public func checkedDatasetVersions() throws -> [VersionReference] {
        try readDatabase { db in
            try db.query(
                """
                SELECT DISTINCT d.name, v.version FROM dataset_checks c JOIN dataset_versions v ON v.id = c.dataset_version_id
                JOIN datasets d ON d.id = v.dataset_id ORDER BY d.name, v.version
                """
            ).map { try VersionReference(name: try $0.get("name"), version: try $0.get("version")) }
        }
    }
}
