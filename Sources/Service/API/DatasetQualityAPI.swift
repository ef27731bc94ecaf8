import Evaluation
import Foundation
import Governance
import JSON
import Registry

/// `GET /api/v1/datasets/{name}/versions/{version}/check`: the latest stored quality report of a
/// dataset version (versions registered through the API are checked when registered; the CLI's
/// `assay dataset check` re-checks). docs/datasets.md describes the report.
struct DatasetQualityAPI: Sendable {
    let pool: RegistryPool
    let suiteRoots: [URL]

    /// Checks a newly registered version (files at their registered location); a failure to
    /// check does not undo the registration and is visible as a missing report.
    static func checkAfterRegistration(_ ref: VersionReference, store: RegistryStore, suiteRoots: [URL]) {
        let catalog = SuiteCatalog(store: store, bundledRoots: suiteRoots)
        let service = DatasetQualityService(store: store, extraSuiteDirectories: Array(catalog.bundledSuites().values))
        _ = try? service.check(ref)
    }

    var routes: [Route] {
        [
            Route.versionRead(
                "/api/v1/datasets/{name}/versions/{version}/check", operationID: "getDatasetCheck", pool: pool
            ) { ref, store in
                guard let record = try store.latestDatasetCheck(ref) else {
                    throw Problem(
                        kind: .notFound,
                        detail: "\(ref) has not been checked (POST this URL, or run: assay dataset check \(ref))")
                }
                return try Self.representation(record, contamination: try store.datasetContamination(ref))
            }
        ]
    }

    static func representation(_ record: DatasetCheckRecord, contamination: [ContaminationRecord]) throws -> JSONValue {
        .object([
            "dataset": .string(record.reference.description),
            "report_sha256": .string(record.reportSHA256),
            "checked_at": .string(record.createdAt),
            "checked_by": .string(record.createdBy),
            "report": try JSONValue.parse(record.report),
            "contamination": .array(
                contamination.map { c in
                    .object([
                        "suite": .string(c.suiteID), "suite_version": .string(c.suiteVersion),
                        "suite_digest": .string(c.suiteDigest),
                        "method": .string(c.method), "suite_items": .integer(Int64(c.suiteItems)),
                        "contaminated_items": .array(c.items.map(JSONValue.string))
                    ])
                })
        ])
    }
}
