import DatasetQuality
import Evaluation
import Foundation
import Governance

/// `Performance dataset [--size-mb N] [--file FILE] [--suites DIR] [--threads T]`
///
/// Writes a deterministic chat-format JSONL file of --size-mb MB (default 1024) into a temporary
/// directory (or checks FILE), runs the full dataset check on it (validation, statistics, exact
/// and near duplicates, PII, contamination against the bundled suites found under --suites,
/// default Benchmarks/Suites) on T threads (default: the active processors) and prints MB/s,
/// records/s, the process's CPU seconds during the check and the peak resident set size.
func runDatasetBenchmark(arguments: [String]) {
    var sizeMB = 1024
    var file: String?
    var suitesDir = "Benchmarks/Suites"
    var options = DatasetCheckOptions()
    var i = 0
    while i < arguments.count {
        switch arguments[i] {
        case "--size-mb" where i + 1 < arguments.count:
            sizeMB = max(1, Int(arguments[i + 1]) ?? sizeMB)
            i += 1
        case "--file" where i + 1 < arguments.count:
            file = arguments[i + 1]
            i += 1
        case "--suites" where i + 1 < arguments.count:
            suitesDir = arguments[i + 1]
            i += 1
        case "--threads" where i + 1 < arguments.count:
            options.threads = max(1, Int(arguments[i + 1]) ?? options.threads)
            i += 1
        case "-h", "--help":
            print(
                "usage: dataset [--size-mb N] [--file FILE] [--suites DIR] [--threads T]  (default: a generated 1024 MB chat JSONL in a temporary directory)"
            )
            return
        default:
            FileHandle.standardError.write(
                Data("usage: dataset [--size-mb N] [--file FILE] [--suites DIR] [--threads T]\n".utf8))
            exit(2)
        }
        i += 1
    }
    var temporary: URL?
    if file == nil {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("assay-dataset-bench-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("bench.jsonl")
        let start = ContinuousClock.now
        writeChatCorpus(url, megabytes: sizeMB)
        print("generated \(sizeMB) MB in \(ContinuousClock.now - start)")
        temporary = dir
        file = url.path
    }
    defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }
    guard let file else { return }
    var suites: [BenchmarkSuite] = []
    if let names = try? FileManager.default.contentsOfDirectory(atPath: suitesDir) {
        for name in names.sorted() {
            if let suite = try? SuiteLoader.load(
                directory: URL(fileURLWithPath: suitesDir).appendingPathComponent(name))
            {
                suites.append(DatasetQualityService.benchmarkSuite(suite))
            }
        }
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value ?? 0
    let cpuBefore = cpuSeconds()
    let start = ContinuousClock.now
    let report: DatasetQualityReport
    do {
        report = try DatasetChecker.check(
            dataset: "bench@1", digest: "", license: "MIT", declaredPII: false,
            files: [DatasetFileInput(relativePath: "bench.jsonl", url: URL(fileURLWithPath: file))],
            suites: suites, options: options)
    } catch {
        FileHandle.standardError.write(Data("dataset check failed: \(error)\n".utf8))
        exit(1)
    }
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let mb = Double(size) / 1_048_576
    print(
        "dataset check: \(String(format: "%.1f", mb)) MB, \(report.statistics.records) records in \(String(format: "%.1f", seconds)) s = \(String(format: "%.1f", mb / seconds)) MB/s, \(Int(Double(report.statistics.records) / seconds)) records/s"
    )
    print(
        "  invalid \(report.validation.invalidRecords), exact duplicates \(report.exactDuplicates.duplicateRecords), near duplicates \(report.nearDuplicates.duplicateRecords) in \(report.nearDuplicates.clusters) clusters (\(report.nearDuplicates.recordsNotCompared) not compared), PII \(report.pii.counts), contamination \(report.contamination.map { "\($0.suite) \($0.contaminatedItems.count)" }) over \(suites.count) suites"
    )
    let cpu = cpuSeconds() - cpuBefore
    print(
        "  threads \(options.threads), CPU \(String(format: "%.1f", cpu)) s (user+system) = \(String(format: "%.2f", cpu / seconds)) cores busy on average"
    )
    print("peak RSS: \(peakResidentMB()) MB (VmHWM)")
}

/// User + system CPU seconds of this process so far.
func cpuSeconds() -> Double {
    var usage = rusage()
    #if os(Linux)
    let who = __rusage_who_t(RUSAGE_SELF.rawValue)
    #else
    let who = RUSAGE_SELF
    #endif
    guard getrusage(who, &usage) == 0 else { return 0 }
    func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return s(usage.ru_utime) + s(usage.ru_stime)
}

/// Peak resident set size of this process in MB, from /proc/self/status.
func peakResidentMB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
        return kb / 1024
    }
    return -1
}

/// A deterministic chat corpus: about 1.1 KB per record, 2 % exact repeats, 3 % near repeats,
/// an e-mail address in 1 % of records.
func writeChatCorpus(_ url: URL, megabytes: Int) {
    _ = FileManager.default.createFile(atPath: url.path, contents: nil)
    guard let handle = try? FileHandle(forWritingTo: url) else { return }
    defer { try? handle.close() }
    var state: UInt64 = 42
    func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    let syllables = [
        "ka", "lo", "mi", "ren", "to", "sa", "vel", "dor", "pi", "qua", "zen", "bri", "fo", "gan", "hu", "jet"
    ]
    func sentence(_ words: Int) -> String {
        var s = ""
        for w in 0..<words {
            if w > 0 { s += " " }
            let n = 2 + Int(next() % 2)
            for _ in 0..<n { s += syllables[Int(next() % UInt64(syllables.count))] }
        }
        return s
    }
    let target = megabytes * 1_048_576
    var written = 0
    var buffer = ""
    var recent: [String] = []
    var n = 0
    while written < target {
        var line: String
        let r = next() % 100
        if r < 2, !recent.isEmpty {
            line = recent[Int(next() % UInt64(recent.count))]
        } else if r < 5, !recent.isEmpty {
            let old = recent[Int(next() % UInt64(recent.count))]
            line = old.replacingOccurrences(of: "ka", with: "ko", options: [], range: old.range(of: "ka"))
        } else {
            let user = sentence(30 + Int(next() % 40)) + (r == 99 ? " write to user\(n)@example.com" : "")
            let answer = sentence(80 + Int(next() % 60))
            line =
                "{\"messages\":[{\"role\":\"system\",\"content\":\"You are helpful.\"},{\"role\":\"user\",\"content\":\"\(user)\"},{\"role\":\"assistant\",\"content\":\"\(answer)\"}]}"
            if recent.count < 64 { recent.append(line) } else { recent[Int(next() % 64)] = line }
        }
        line += "\n"
        n += 1
        buffer += line
        if buffer.utf8.count > 4_000_000 {
            handle.write(Data(buffer.utf8))
            written += buffer.utf8.count
            buffer = ""
        }
    }
    if !buffer.isEmpty { handle.write(Data(buffer.utf8)) }
}
