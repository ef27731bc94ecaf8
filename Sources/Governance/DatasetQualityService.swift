import DatasetQuality
import Evaluation
import Foundation
import Registry

/// Why a dataset check could not run.
public enum DatasetQualityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The version's files are not where they were registered from and no path was given.
    case dataUnavailable(VersionReference, path: String)
    case check(VersionReference, DatasetCheckError)
    case invalidReport(String)

    public var description: String {
        switch self {
        case .dataUnavailable(let ref, let path):
            return
                "the data of \(ref) is not available at \(path); pass its current location: assay dataset check \(ref) PATH"
        case .check(let ref, let error): return "cannot check \(ref): \(error.description)"
        case .invalidReport(let why): return "stored report cannot be read: \(why)"
        }
    }
}

/// Runs dataset checks against the registry: finds the version's bytes (verifying them against
/// the registered digests), checks them against every registered suite (and bundled suites),
/// and stores the report, contamination results and audit events. Contamination is incremental:
/// `refreshContamination` computes only the (dataset, suite) pairs not stored yet.
public struct DatasetQualityService: Sendable {
    public let store: RegistryStore
    /// Suite directories checked in addition to the registered suites (bundled suites).
    public var extraSuiteDirectories: [URL]

    public init(store: RegistryStore, extraSuiteDirectories: [URL] = []) {
        self.store = store
        self.extraSuiteDirectories = extraSuiteDirectories
    }

    // MARK: suites

    /// A loaded suite as the contamination index sees it: one entry per distinct item id
    /// (MMLU's letter and cloze tasks share items). The text looked for is the question of a
    /// multiple-choice item (lm-evaluation-harness's decontamination query), followed by its
    /// choices when the question alone has fewer than 8 words; other items use their text fields.
    /// A multiple-choice item also carries its question with all its choices for the short-item
    /// rule (`ContaminationIndex`).
    public static func benchmarkSuite(_ suite: Suite) -> BenchmarkSuite {
        var seen = Set<String>()
        var items: [BenchmarkItem] = []
        let skip: Set<String> = ["id", "label", "answer", "target", "aliases", "cluster", "subject"]
        for task in suite.tasks {
            for item in task.items where seen.insert(item.id).inserted {
                var parts: [String] = []
                var extended: String?
                if let q = item.question {
                    parts.append(q)
                    if TextNormalizer.longWordHashes(q).count < 8 { parts += item.choices }
                    if !item.choices.isEmpty { extended = ([q] + item.choices).joined(separator: " ") }
                } else {
                    parts += item.fields.filter { !skip.contains($0.key) }.sorted { $0.key < $1.key }.map(\.value)
                    parts += item.choices
                }
                items.append(BenchmarkItem(id: item.id, text: parts.joined(separator: " "), extendedText: extended))
            }
        }
        return BenchmarkSuite(id: suite.id, version: suite.version, digest: suite.digest, items: items)
    }

    /// Every registered suite version plus the extra directories (skipping digests already seen).
    public func benchmarkSuites(excluding digests: Set<String> = []) throws -> [BenchmarkSuite] {
        var out: [BenchmarkSuite] = []
        var seen = digests
        for record in try store.suites() where !seen.contains(record.digest) {
            seen.insert(record.digest)
            guard let suite = try? SuiteLoader.load(directory: URL(fileURLWithPath: record.path)),
                suite.digest == record.digest
            else { continue }
            out.append(Self.benchmarkSuite(suite))
        }
        for dir in extraSuiteDirectories {
            guard let suite = try? SuiteLoader.load(directory: dir), !seen.contains(suite.digest) else { continue }
            seen.insert(suite.digest)
            out.append(Self.benchmarkSuite(suite))
        }
        return out
    }

    // MARK: files

    /// The version's files: under `path` (a directory holding them, or the single file), else
    /// where they were registered from.
    public func inputs(_ version: DatasetVersion, path: URL? = nil) throws -> [DatasetFileInput] {
        let fm = FileManager.default
        let recorded = try store.datasetLocations(version.reference)
        return try version.files.map { file throws -> DatasetFileInput in
            let url: URL
            if let path {
                var isDir: ObjCBool = false
                if fm.fileExists(atPath: path.path, isDirectory: &isDir), isDir.boolValue {
                    url = path.appendingPathComponent(file.relativePath)
                } else {
                    url = path
                }
            } else if let location = recorded[file.relativePath] {
                url = URL(fileURLWithPath: location)
            } else {
                throw DatasetQualityError.dataUnavailable(
                    version.reference, path: "(no recorded location for \(file.relativePath))")
            }
            guard fm.fileExists(atPath: url.path) else {
                throw DatasetQualityError.dataUnavailable(version.reference, path: url.path)
            }
            return DatasetFileInput(relativePath: file.relativePath, url: url, expectedSHA256: file.sha256)
        }
    }

    // MARK: checks

    /// Checks a version, stores the report and returns it.
    public func check(
        _ ref: VersionReference, path: URL? = nil,
        options: DatasetCheckOptions = DatasetCheckOptions()
    ) throws -> (record: DatasetCheckRecord, report: DatasetQualityReport) {
        let version = try store.datasetVersion(ref)
        let files = try inputs(version, path: path)
        let suites = try benchmarkSuites()
        let report: DatasetQualityReport
        do {
            report = try DatasetChecker.check(
                dataset: ref.description, digest: version.digest, license: version.license,
                declaredPII: version.containsPII, files: files, suites: suites, options: options)
        } catch {
            throw DatasetQualityError.check(ref, error)
        }
        if path != nil {
            try store.recordDatasetLocations(
                ref,
                locations: Dictionary(
                    uniqueKeysWithValues: files.map {
                        ($0.relativePath, $0.url.standardizedFileURL.path)
                    }))
        }
        var stored = report
        stored.nearDuplicates.clusterMembers = nil
        let summary = DatasetCheckSummary(
            checker: report.checker, records: report.statistics.records,
            invalidRecords: report.validation.invalidRecords,
            exactDuplicateRate: report.exactDuplicates.rate, nearDuplicateRate: report.nearDuplicates.rate,
            piiCounts: report.pii.counts, licenseValid: report.license.spdxValid)
        let record = try store.recordDatasetCheck(
            ref, report: try stored.encoded(), summary: summary,
            contamination: report.contamination.map(Self.record))
        return (record, report)
    }

    static func record(_ c: DatasetQualityReport.Contamination) -> ContaminationRecord {
        ContaminationRecord(
            suiteID: c.suite, suiteVersion: c.suiteVersion, suiteDigest: c.suiteDigest, method: c.method,
            suiteItems: c.suiteItems, items: c.contaminatedItems.map(\.id))
    }

    /// The stored report of the latest check, decoded.
    public func latestReport(_ ref: VersionReference) throws -> (
        record: DatasetCheckRecord, report: DatasetQualityReport
    )? {
        guard let record = try store.latestDatasetCheck(ref) else { return nil }
        do {
            return (record, try DatasetQualityReport.decode(Data(record.report.utf8)))
        } catch {
            throw DatasetQualityError.invalidReport(String(describing: error))
        }
    }

    /// Computes contamination for checked versions (all, or `refs`) against suites registered
    /// since their check. Versions whose data is no longer reachable are skipped and returned
    /// in `unavailable`.
    @discardableResult
    public func refreshContamination(_ refs: [VersionReference]? = nil) throws -> (
        updated: [VersionReference], unavailable: [VersionReference]
    ) {
        let checked = Set(try store.checkedDatasetVersions())
        let targets = (refs ?? Array(checked)).filter(checked.contains).sorted { $0.description < $1.description }
        var updated: [VersionReference] = []
        var unavailable: [VersionReference] = []
        let registered = Set(try store.suites().map(\.digest))
        var pending: [VersionReference] = []
        for ref in targets where !registered.subtracting(try current(ref)).isEmpty {
            pending.append(ref)
        }
        if pending.isEmpty && extraSuiteDirectories.isEmpty { return ([], []) }
        let all = try benchmarkSuites()
        for ref in (extraSuiteDirectories.isEmpty ? pending : targets) {
            let have = try current(ref)
            let missing = all.filter { !have.contains($0.digest) }
            if missing.isEmpty { continue }
            let version = try store.datasetVersion(ref)
            guard let files = try? inputs(version) else {
                unavailable.append(ref)
                continue
            }
            let results: [DatasetQualityReport.Contamination]
            do {
                results = try DatasetChecker.contamination(files: files, suites: missing)
            } catch {
                unavailable.append(ref)
                continue
            }
            try store.recordContamination(ref, results.map(Self.record))
            updated.append(ref)
        }
        return (updated, unavailable)
    }

    /// Suite digests whose contamination with `ref` is stored and computed by the current method
    /// (results of an older method are computed again).
    func current(_ ref: VersionReference) throws -> Set<String> {
        Set(try store.datasetContamination(ref).filter { $0.method == ContaminationIndex.method }.map(\.suiteDigest))
    }

    /// Item ids contaminated by any of `datasets`, per suite id (all versions of the suite).
    public func contaminatedItems(datasets: [VersionReference]) throws -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for ref in datasets {
            for c in try store.datasetContamination(ref) { out[c.suiteID, default: []].formUnion(c.items) }
        }
        return out
    }
}
