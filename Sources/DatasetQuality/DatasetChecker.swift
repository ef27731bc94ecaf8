import Foundation

/// One file of a dataset version to check.
public struct DatasetFileInput: Sendable {
    /// The name recorded with the version.
    public var relativePath: String
    /// Where its bytes are now.
    public var url: URL
    /// The registered SHA-256; the check fails if the bytes read differ.
    public var expectedSHA256: String?

    public init(relativePath: String, url: URL, expectedSHA256: String? = nil) {
        self.relativePath = relativePath
        self.url = url
        self.expectedSHA256 = expectedSHA256
    }
}

/// Settings of a check.
public struct DatasetCheckOptions: Sendable {
    /// Records larger than this are reported as oversized (default 1 MiB).
    public var maxRecordBytes: Int = 1 << 20
    public var nearDuplicateThreshold: Double = 0.8
    /// Memory bound of near-duplicate detection (≈ 270 bytes per record).
    public var maxNearDuplicateRecords: Int = 1_000_000
    /// Memory bound of exact-duplicate detection (≈ 40 bytes per record).
    public var maxExactDuplicateRecords: Int = 8_000_000
    /// Include every near-duplicate cluster's members in the result (tests, small sets).
    public var keepClusterMembers = false
    /// Counts the tokens of a record's text with a model's tokenizer (optional).
    public var tokenCounter: (@Sendable (String) -> Int)?
    /// Names the tokenizer in the report.
    public var tokenizerName: String?
    /// Threads for the per-record work (parsing, normalisation, hashing, MinHash, PII, n-gram
    /// lookup); the report is the same for any value. Default: the active processors.
    public var threads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)

    public init() {}
}

/// Streams a dataset version once and computes every quality finding (see `DatasetQualityReport`).
/// Memory is bounded independently of the file sizes except for the duplicate indexes, which are
/// bounded by `maxExactDuplicateRecords` and `maxNearDuplicateRecords`.
public enum DatasetChecker {
    public static func check(
        dataset: String, digest: String, license: String, declaredPII: Bool,
        files: [DatasetFileInput], suites: [BenchmarkSuite],
        options: DatasetCheckOptions = DatasetCheckOptions()
    ) throws(DatasetCheckError) -> DatasetQualityReport {
        guard !files.isEmpty else { throw .noFiles }
        var state = CheckState(files: files, options: options, index: ContaminationIndex(suites: suites))
        for (i, file) in files.enumerated() { try state.scan(fileIndex: i, file) }
        return state.report(dataset: dataset, digest: digest, license: license, declaredPII: declaredPII)
    }

    /// Only the contamination part, for suites registered after the version was checked.
    public static func contamination(
        files: [DatasetFileInput], suites: [BenchmarkSuite],
        options: DatasetCheckOptions = DatasetCheckOptions()
    ) throws(DatasetCheckError) -> [DatasetQualityReport.Contamination] {
        guard !files.isEmpty else { throw .noFiles }
        var state = CheckState(
            files: files, options: options, index: ContaminationIndex(suites: suites), contaminationOnly: true)
        for (i, file) in files.enumerated() { try state.scan(fileIndex: i, file) }
        return state.contaminationResults()
    }

    static func pack(file: Int, line: Int) -> UInt64 { UInt64(file) << 40 | UInt64(line) }
}

/// The running state of one check.
struct CheckState {
    let files: [DatasetFileInput]
    let options: DatasetCheckOptions
    let contaminationOnly: Bool
    var contamination: ContaminationScanner
    var near: NearDuplicateDetector
    var exact: [UInt64: UInt64] = [:]
    var exactDuplicates = 0
    var exactExamples: [DatasetQualityReport.DuplicatePair] = []
    var summaries: [DatasetQualityReport.FileSummary] = []
    var invalid = 0
    var issueCounts: [String: Int] = [:]
    var issues: [DatasetQualityReport.Issue] = []
    var records = 0
    var characters: Int64 = 0
    var wordsTotal: Int64 = 0
    var tokens: Int64 = 0
    var charHistogram = LengthHistogram()
    var tokenHistogram = LengthHistogram()
    var roles: [String: Int] = [:]
    var labels: [String: Int] = [:]
    var piiCounts: [PIIKind: Int] = [:]
    var piiSamples: [DatasetQualityReport.PIISample] = []
    var recordsWithPII = 0

    init(
        files: [DatasetFileInput], options: DatasetCheckOptions, index: ContaminationIndex,
        contaminationOnly: Bool = false
    ) {
        self.files = files
        self.options = options
        self.contaminationOnly = contaminationOnly
        contamination = ContaminationScanner(index: index)
        near = NearDuplicateDetector(
            threshold: options.nearDuplicateThreshold,
            maxRecords: contaminationOnly ? 0 : options.maxNearDuplicateRecords)
    }

    func location(_ packed: UInt64) -> RecordLocation {
        let f = Int(packed >> 40)
        return RecordLocation(file: f < files.count ? files[f].relativePath : "?", line: Int(packed & 0xff_ffff_ffff))
    }

    mutating func issue(_ file: String, _ line: Int, _ kind: String, _ message: String) {
        invalid += 1
        issueCounts[kind, default: 0] += 1
        if issues.count < 100 {
            issues.append(.init(location: RecordLocation(file: file, line: line), kind: kind, message: message))
        }
    }

    /// Reads one file: the reader (this thread) splits it into records in order — line framing,
    /// format detection, CSV assembly — and hands batches to `RecordWorker`s on
    /// `options.threads` threads; the results are folded in record order (`fold`).
    mutating func scan(fileIndex: Int, _ file: DatasetFileInput) throws(DatasetCheckError) {
        var reader = try LineReader(path: file.url.path, maxLineBytes: options.maxRecordBytes)
        defer { reader.close() }
        var kind: RecordParser.FileKind?
        var fileFormat: RecordFormat?
        var csv = CSVRecordAssembler()
        var labelColumn: Int?
        var fileRecords = 0
        var skipRest = false
        var linesHandled = 0
        var entries: [ScanEntry] = []
        var batchBytes = 0
        func flush(_ state: inout CheckState) {
            guard !entries.isEmpty else { return }
            let outcomes = RecordWorker.process(
                entries, threads: state.options.threads, index: state.contamination.index,
                options: state.options, contaminationOnly: state.contaminationOnly)
            for outcome in outcomes {
                state.fold(
                    outcome, file: file.relativePath, fileIndex: fileIndex, fileFormat: &fileFormat,
                    fileRecords: &fileRecords)
            }
            entries.removeAll(keepingCapacity: true)
            batchBytes = 0
        }
        while let line = try reader.next() {
            let n = reader.lineNumber
            var bytes: [UInt8]
            switch line {
            case .oversized(let size):
                if skipRest { continue }
                if kind == .csv && csv.pending { csv = CSVRecordAssembler() }
                entries.append(
                    .issue(
                        line: n, kind: "oversized",
                        message: "record of \(size) bytes exceeds the limit of \(options.maxRecordBytes)"))
                linesHandled += 1
                continue
            case .bytes(let b): bytes = b
            }
            if skipRest { continue } // still read: the whole file's digest is verified
            if n == 1, bytes.starts(with: [0xef, 0xbb, 0xbf]) { bytes.removeFirst(3) } // UTF-8 byte-order mark
            if kind == nil {
                let first = bytes.first { $0 != 0x20 && $0 != 0x09 && $0 != 0xef && $0 != 0xbb && $0 != 0xbf }
                kind = RecordParser.format(forPath: file.relativePath, firstByte: first)
                if kind == .csv { fileFormat = .csv } else if kind == .text { fileFormat = .text }
            }
            if kind == .jsonl, linesHandled == 0, bytes.first(where: { $0 != 0x20 && $0 != 0x09 }) == 0x5b {
                entries.append(
                    .issue(
                        line: n, kind: "schema",
                        message: "the file is a JSON array, not JSON lines; write one JSON object per line"))
                skipRest = true
                continue
            }
            linesHandled += 1
            let before = entries.count
            switch kind ?? .text {
            case .jsonl:
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    entries.append(.issue(line: n, kind: "empty", message: "empty line"))
                } else {
                    entries.append(.json(line: n, bytes: bytes))
                }
            case .csv:
                if csv.pendingBytes > options.maxRecordBytes {
                    csv = CSVRecordAssembler()
                    entries.append(
                        .issue(
                            line: n, kind: "oversized",
                            message: "quoted CSV record exceeds the limit of \(options.maxRecordBytes) bytes"))
                    break
                }
                let fields: [String]?
                do throws(RecordIssue) {
                    fields = try csv.feed(bytes, lineNumber: n)
                } catch {
                    entries.append(.issue(line: n, kind: error.kind, message: error.message))
                    break
                }
                guard let fields else { break }
                if fields.isEmpty {
                    labelColumn = csv.header?.firstIndex { $0.lowercased() == "label" }
                    break
                }
                guard let header = csv.header, fields.count == header.count else {
                    entries.append(
                        .issue(
                            line: n, kind: "schema",
                            message: "\(fields.count) fields, the header has \(csv.header?.count ?? 0)"))
                    break
                }
                let text = fields.enumerated().filter { $0.offset != labelColumn }.map(\.element).joined(separator: " ")
                entries.append(
                    .record(
                        line: csv.startLine,
                        ParsedRecord(format: .csv, text: text, label: labelColumn.map { fields[$0] })))
            case .text:
                entries.append(.text(line: n, bytes: bytes))
            }
            if entries.count > before { batchBytes += entries.last?.byteCount ?? 0 }
            if entries.count >= Self.batchRecords || batchBytes >= Self.batchBytes { flush(&self) }
        }
        flush(&self)
        if csv.pending { issue(file.relativePath, csv.startLine, "schema", "unterminated quoted CSV field") }
        let actual = reader.digest()
        if let expected = file.expectedSHA256, expected != actual {
            throw .digestMismatch(path: file.url.path, expected: expected, actual: actual)
        }
        summaries.append(
            .init(path: file.relativePath, format: fileFormat, records: fileRecords, bytes: reader.bytesRead))
    }

    /// Records per batch handed to the workers, and the batch's byte bound (memory: a batch
    /// holds its lines and one ~300-byte result per record).
    static let batchRecords = 4096
    static let batchBytes = 8 << 20

    /// Folds one worker result into the state (in record order).
    mutating func fold(
        _ outcome: ScanOutcome, file: String, fileIndex: Int, fileFormat: inout RecordFormat?, fileRecords: inout Int
    ) {
        switch outcome {
        case .skip: return
        case .issue(let line, let kind, let message): issue(file, line, kind, message)
        case .record(let work):
            if let f = fileFormat, f != work.format {
                issue(file, work.line, "mixed_format", "\(work.format.rawValue) record in a \(f.rawValue) file")
                return
            }
            fileFormat = fileFormat ?? work.format
            guard work.wordCount > 0 else {
                issue(file, work.line, "empty", "record has no text")
                return
            }
            fileRecords += 1
            let loc = DatasetChecker.pack(file: fileIndex, line: work.line)
            contamination.add(hits: work.hits, location: loc)
            if contaminationOnly { return }
            record(work, location: loc)
        }
    }

    mutating func record(_ work: RecordWork, location loc: UInt64) {
        records += 1
        characters += Int64(work.characters)
        wordsTotal += Int64(work.wordCount)
        charHistogram.add(work.characters)
        if options.tokenCounter != nil {
            tokens += Int64(work.tokens)
            tokenHistogram.add(work.tokens)
        }
        for r in work.roles { roles[r, default: 0] += 1 }
        if let l = work.label, labels[l] != nil || labels.count < 1000 { labels[l, default: 0] += 1 }
        // Exact duplicates.
        if let first = exact[work.sequenceHash] {
            exactDuplicates += 1
            if exactExamples.count < 10 {
                exactExamples.append(.init(first: location(first), second: location(loc), similarity: 1))
            }
        } else {
            if exact.count < options.maxExactDuplicateRecords { exact[work.sequenceHash] = loc }
            near.add(signature: work.signature, location: loc)
        }
        // Personal data.
        if !work.pii.isEmpty {
            recordsWithPII += 1
            for f in work.pii {
                piiCounts[f.kind, default: 0] += 1
                if piiSamples.filter({ $0.kind == f.kind }).count < 5 {
                    piiSamples.append(.init(kind: f.kind, masked: f.masked, location: location(loc)))
                }
            }
        }
    }

    func contaminationResults() -> [DatasetQualityReport.Contamination] {
        contamination.results().map { r in
            DatasetQualityReport.Contamination(
                suite: r.suite.id, suiteVersion: r.suite.version, suiteDigest: r.suite.digest,
                method: ContaminationIndex.method,
                suiteItems: r.suite.items.count, unindexedItems: r.unindexed,
                contaminatedItems: r.items.map { .init(id: $0.id, location: location($0.location)) })
        }
    }

    func report(dataset: String, digest: String, license: String, declaredPII: Bool) -> DatasetQualityReport {
        let (clusters, pairs) = near.clusters()
        let nearRecords = clusters.reduce(0) { $0 + $1.members.count - 1 }
        let rate = { (n: Int) -> Double in records == 0 ? 0 : Double(n) / Double(records) }
        let detected = !piiCounts.isEmpty
        return DatasetQualityReport(
            checker: DatasetQualityReport.checkerVersion, dataset: dataset, datasetDigest: digest, files: summaries,
            validation: .init(
                invalidRecords: invalid, issueCounts: issueCounts, issues: issues,
                maxRecordBytes: options.maxRecordBytes),
            statistics: .init(
                records: records, characters: characters, words: wordsTotal,
                tokens: options.tokenCounter == nil ? nil : tokens, tokenizer: options.tokenizerName,
                characterLengths: charHistogram.summary,
                tokenLengths: options.tokenCounter == nil ? nil : tokenHistogram.summary,
                roles: roles.sorted { $0.key < $1.key }.map { .init(name: $0.key, count: $0.value) },
                labels: labels.sorted { $0.key < $1.key }.map { .init(name: $0.key, count: $0.value) }),
            exactDuplicates: .init(
                duplicateRecords: exactDuplicates, rate: rate(exactDuplicates), examples: exactExamples),
            nearDuplicates: .init(
                method: "minhash-oph128-lsh32x4-word5", threshold: options.nearDuplicateThreshold,
                clusters: clusters.count, duplicateRecords: nearRecords, rate: rate(nearRecords),
                examples: pairs.map {
                    .init(first: location($0.first), second: location($0.second), similarity: $0.similarity)
                },
                recordsNotCompared: near.skipped,
                clusterMembers: options.keepClusterMembers ? clusters.map { $0.locations.map(location) } : nil),
            pii: .init(
                declared: declaredPII, detected: detected,
                counts: Dictionary(uniqueKeysWithValues: piiCounts.map { ($0.key.rawValue, $0.value) }),
                recordsWithPII: recordsWithPII, samples: piiSamples, undeclared: detected && !declaredPII),
            license: LicenseValidation.validate(license),
            contamination: contaminationResults())
    }
}
