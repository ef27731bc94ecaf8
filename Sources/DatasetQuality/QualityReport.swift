import Foundation
import JSON

/// Where a record is: file (relative path in the dataset version) and 1-based line.
public struct RecordLocation: Sendable, Equatable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int

    public var description: String { "\(file):\(line)" }
}

/// Record formats the checker recognises.
public enum RecordFormat: String, Sendable, Codable, CaseIterable {
    /// JSONL with `messages: [{role, content}]`.
    case chat
    /// JSONL with `instruction`, optional `input`, `output`.
    case instruction
    /// JSONL with `prompt` and `completion`.
    case promptCompletion = "prompt_completion"
    /// JSONL with a `text` member.
    case textJSONL = "text_jsonl"
    /// CSV with a header row.
    case csv
    /// Plain text, one record per non-empty line.
    case text
}

/// The full result of checking one dataset version. Stored content-addressed (the SHA-256 of
/// its canonical encoding) with the version; see docs/datasets.md for every field.
public struct DatasetQualityReport: Sendable, Equatable, Codable {
    public static let checkerVersion = "assay-dataset-check/1"

    public var checker: String
    public var dataset: String
    public var datasetDigest: String
    public var files: [FileSummary]
    public var validation: Validation
    public var statistics: Statistics
    public var exactDuplicates: ExactDuplicates
    public var nearDuplicates: NearDuplicates
    public var pii: PII
    public var license: License
    public var contamination: [Contamination]

    public struct FileSummary: Sendable, Equatable, Codable {
        public var path: String
        public var format: RecordFormat?
        public var records: Int
        public var bytes: Int64
    }

    public struct Issue: Sendable, Equatable, Codable {
        public var location: RecordLocation
        public var kind: String
        public var message: String
    }

    public struct Validation: Sendable, Equatable, Codable {
        /// Records that failed validation (not counted in statistics).
        public var invalidRecords: Int
        public var issueCounts: [String: Int]
        /// The first issues (at most 100), in file order.
        public var issues: [Issue]
        public var maxRecordBytes: Int
    }

    public struct Percentiles: Sendable, Equatable, Codable {
        public var min: Int
        public var p50: Int
        public var p90: Int
        public var p99: Int
        public var max: Int
        public var mean: Double
    }

    public struct Statistics: Sendable, Equatable, Codable {
        public var records: Int
        public var characters: Int64
        public var words: Int64
        /// nil unless a tokenizer was given.
        public var tokens: Int64?
        public var tokenizer: String?
        public var characterLengths: Percentiles
        public var tokenLengths: Percentiles?
        /// Messages per role (chat records).
        public var roles: [NamedCount]
        /// Records per label (a `label` member or CSV column), at most 1,000 distinct labels.
        public var labels: [NamedCount]
    }

    /// A name with a count (kept as a list so names are never re-cased by key strategies).
    public struct NamedCount: Sendable, Equatable, Codable {
        public var name: String
        public var count: Int
    }

    public struct DuplicatePair: Sendable, Equatable, Codable {
        public var first: RecordLocation
        public var second: RecordLocation
        public var similarity: Double
    }

    public struct ExactDuplicates: Sendable, Equatable, Codable {
        /// Records whose normalised text equals an earlier record's.
        public var duplicateRecords: Int
        public var rate: Double
        public var examples: [DuplicatePair]
    }

    public struct NearDuplicates: Sendable, Equatable, Codable {
        public var method: String
        public var threshold: Double
        public var clusters: Int
        /// Records in clusters beyond the first of each (what deduplication would remove).
        public var duplicateRecords: Int
        public var rate: Double
        public var examples: [DuplicatePair]
        /// Records not compared because of the memory bound.
        public var recordsNotCompared: Int
        /// Cluster membership (only when requested; not stored).
        public var clusterMembers: [[RecordLocation]]?
    }

    public struct PIISample: Sendable, Equatable, Codable {
        public var kind: PIIKind
        public var masked: String
        public var location: RecordLocation
    }

    public struct PII: Sendable, Equatable, Codable {
        public var declared: Bool
        public var detected: Bool
        public var counts: [String: Int]
        public var recordsWithPII: Int
        /// Up to 5 masked samples per kind.
        public var samples: [PIISample]
        /// True when personal data was found but the version declares none.
        public var undeclared: Bool

        // (Spelled so the snake_case round trip works: records_with_pii ↔ recordsWithPii.)
        enum CodingKeys: String, CodingKey {
            case declared, detected, counts, samples, undeclared
            case recordsWithPII = "recordsWithPii"
        }
    }

    public struct License: Sendable, Equatable, Codable {
        public var declared: String
        public var spdxValid: Bool
        /// The identifiers the expression names, as SPDX spells them.
        public var identifiers: [String]
        public var problem: String?
    }

    public struct ContaminatedItem: Sendable, Equatable, Codable {
        public var id: String
        public var location: RecordLocation
    }

    public struct Contamination: Sendable, Equatable, Codable {
        public var suite: String
        public var suiteVersion: String
        public var suiteDigest: String
        public var method: String
        public var suiteItems: Int
        public var unindexedItems: Int
        public var contaminatedItems: [ContaminatedItem]
    }

    /// Canonical stored encoding: snake_case keys, sorted, compact.
    public func encoded() throws -> Data {
        let encoder = JSONOutput.encoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return try encoder.encode(self)
    }

    public static func decode(_ data: Data) throws -> DatasetQualityReport {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(DatasetQualityReport.self, from: data)
    }
}
