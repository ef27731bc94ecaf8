import Dispatch
import Foundation

/// One line (or assembled CSV record) handed from the reader to the workers, in file order.
enum ScanEntry: Sendable {
    /// A finding the reader already made (oversized line, empty JSON line, CSV schema problem).
    case issue(line: Int, kind: String, message: String)
    case json(line: Int, bytes: [UInt8])
    case text(line: Int, bytes: [UInt8])
    /// A CSV record assembled by the reader (CSV quoting spans lines, so assembly is sequential).
    case record(line: Int, ParsedRecord)

    var byteCount: Int {
        switch self {
        case .issue: return 0
        case .json(_, let b), .text(_, let b): return b.count
        case .record(_, let p): return p.text.utf8.count
        }
    }
}

/// What a worker computed for one entry.
enum ScanOutcome: Sendable {
    case issue(line: Int, kind: String, message: String)
    /// Nothing to count (a blank line of a text file).
    case skip
    case record(RecordWork)
}

/// Everything the per-record detectors found in one record; folded into the check's state in
/// record order, so the report does not depend on how records were spread over threads.
struct RecordWork: Sendable {
    var line: Int
    var format: RecordFormat
    var roles: [String]
    var label: String?
    /// Normalised words (0: the record has no text).
    var wordCount: Int
    var characters = 0
    var tokens = 0
    var sequenceHash: UInt64 = 0
    /// MinHash signature (empty in contamination-only scans).
    var signature: [UInt16] = []
    /// Contaminated items (flattened `ContaminationIndex` indices), sorted.
    var hits: [Int32] = []
    var pii: [PIIFinding] = []
}

/// The per-record work of a check: parsing, normalisation, hashing, MinHash, PII and n-gram
/// lookup. Pure given its configuration; each thread owns one (scratch buffers).
struct RecordWorker {
    let index: ContaminationIndex
    let options: DatasetCheckOptions
    let contaminationOnly: Bool
    private var words: [UInt64] = []
    private var longWords: [UInt64] = []
    private var scratch: [UInt64] = []
    private var hits = Set<Int32>()

    init(index: ContaminationIndex, options: DatasetCheckOptions, contaminationOnly: Bool) {
        self.index = index
        self.options = options
        self.contaminationOnly = contaminationOnly
    }

    mutating func process(_ entry: ScanEntry) -> ScanOutcome {
        let parsed: ParsedRecord
        let line: Int
        switch entry {
        case .issue(let l, let kind, let message):
            return .issue(line: l, kind: kind, message: message)
        case .json(let l, let bytes):
            do throws(RecordIssue) {
                parsed = try RecordParser.jsonRecord(bytes)
            } catch {
                return .issue(line: l, kind: error.kind, message: error.message)
            }
            line = l
        case .text(let l, let bytes):
            do throws(RecordIssue) {
                let s = try RecordParser.decode(bytes)
                if s.allSatisfy({ $0.isWhitespace }) { return .skip }
                parsed = ParsedRecord(format: .text, text: s)
            } catch {
                return .issue(line: l, kind: error.kind, message: error.message)
            }
            line = l
        case .record(let l, let p):
            parsed = p
            line = l
        }
        words.removeAll(keepingCapacity: true)
        longWords.removeAll(keepingCapacity: true)
        TextNormalizer.wordHashes(parsed.text, into: &words, long: &longWords)
        var work = RecordWork(
            line: line, format: parsed.format, roles: parsed.roles, label: parsed.label, wordCount: words.count)
        guard !words.isEmpty else { return .record(work) }
        if !index.isEmpty {
            hits.removeAll(keepingCapacity: true)
            index.matches(longWords, into: &hits)
            work.hits = hits.sorted()
        }
        if contaminationOnly { return .record(work) }
        var chars = 0
        for b in parsed.text.utf8 where b & 0xc0 != 0x80 { chars += 1 }
        work.characters = chars
        if let counter = options.tokenCounter { work.tokens = counter(parsed.text) }
        work.sequenceHash = TextNormalizer.sequenceHash(words)
        work.signature = NearDuplicateDetector.signature(words: words, scratch: &scratch)
        work.pii = PIIScanner.scan(parsed.text)
        return .record(work)
    }

    /// Processes `entries` on up to `threads` threads (contiguous slices), results in entry order.
    static func process(
        _ entries: [ScanEntry], threads: Int, index: ContaminationIndex, options: DatasetCheckOptions,
        contaminationOnly: Bool
    ) -> [ScanOutcome] {
        let n = entries.count
        let t = max(1, min(threads, n / 64))
        if t == 1 {
            var worker = RecordWorker(index: index, options: options, contaminationOnly: contaminationOnly)
            return entries.map { worker.process($0) }
        }
        let results = UnsafeMutableBufferPointer<ScanOutcome>.allocate(capacity: n)
        defer { results.deallocate() }
        // Each slot is initialised by exactly one thread; the slices do not overlap.
        nonisolated(unsafe) let slots = results
        DispatchQueue.concurrentPerform(iterations: t) { part in
            guard let base = slots.baseAddress else { return }
            var worker = RecordWorker(index: index, options: options, contaminationOnly: contaminationOnly)
            for i in (n * part / t)..<(n * (part + 1) / t) {
                (base + i).initialize(to: worker.process(entries[i]))
            }
        }
        let out = Array(results)
        _ = results.deinitialize()
        return out
    }
}
