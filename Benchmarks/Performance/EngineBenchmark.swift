import Foundation
import InferenceCore
import JSON

#if canImport(Glibc)
import Glibc
#endif

/// llama-bench-style figures for the native engine: prompt processing (pp, tokens/s over a
/// batch of N tokens from an empty cache), text generation (tg, one token per step), and
/// log-likelihood throughput on MMLU-like 4-choice requests (prefix reuse included). Also the
/// weight bytes generation streams per second against a plain memory-read measurement.
func runEngineBenchmark(arguments: [String]) {
    let help = """
        USAGE: Performance engine --model FILE [--threads N] [--pp N] [--tg N] [--reps N]
                                  [--mmlu N] [--llama-pp TPS] [--llama-tg TPS] [--json]

          --model FILE     GGUF model (default .cache/models/SmolLM2-135M-Instruct.Q4_1.gguf)
          --threads N      compute threads (default 2, like the llama.cpp anchors)
          --pp N / --tg N  prompt and generation lengths (default 512 / 128; 0 skips)
          --reps N         repetitions, the mean is reported (default 3)
          --mmlu N         MMLU-like questions for the log-likelihood figure (default 20, 0 = skip)
          --llama-pp/--llama-tg TPS   llama.cpp's figures on the same machine → ratios
          --json           print the figures as JSON instead of a markdown table

        The integer kernel set is chosen from the CPU (ASSAY_KERNELS=portable|avx2|avxvnni|avx512vnni
        forces one).
        """
    var model = ".cache/models/SmolLM2-135M-Instruct.Q4_1.gguf"
    var threads = 2
    var pp = 512
    var tg = 128
    var reps = 3
    var mmlu = 20
    var llamaPP: Double?
    var llamaTG: Double?
    var json = false
    var i = 0
    func value(_ option: String) -> String {
        i += 1
        guard i < arguments.count else { fail("engine: \(option) needs a value") }
        return arguments[i]
    }
    func count(_ option: String, minimum: Int) -> Int {
        let text = value(option)
        guard let n = Int(text), n >= minimum else {
            fail("engine: \(option) needs an integer ≥ \(minimum), got '\(text)'")
        }
        return n
    }
    func rate(_ option: String) -> Double {
        let text = value(option)
        guard let r = Double(text), r > 0 else { fail("engine: \(option) needs a positive number, got '\(text)'") }
        return r
    }
    while i < arguments.count {
        switch arguments[i] {
        case "--model": model = value("--model")
        case "--threads": threads = count("--threads", minimum: 1)
        case "--pp": pp = count("--pp", minimum: 0)
        case "--tg": tg = count("--tg", minimum: 0)
        case "--reps": reps = count("--reps", minimum: 1)
        case "--mmlu": mmlu = count("--mmlu", minimum: 0)
        case "--llama-pp": llamaPP = rate("--llama-pp")
        case "--llama-tg": llamaTG = rate("--llama-tg")
        case "--json": json = true
        case "-h", "--help":
            print(help)
            return
        default: fail("engine: unknown option \(arguments[i])\n\(help)")
        }
        i += 1
    }
    let url = URL(fileURLWithPath: model)
    guard FileManager.default.fileExists(atPath: url.path) else { fail("engine: no model file at \(model)") }
    warnAboutIgnoredKernelRequest()
    do {
        let loaded = try TransformerModel.load(contentsOf: url)
        let pool = ComputePool(threads: threads)
        let vocab = loaded.config.vocabularySize
        var rng = UInt64(12345)
        func token() -> Int32 {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int32((rng >> 33) % UInt64(vocab))
        }
        let session = InferenceSession(model: loaded, pool: pool, contextLength: max(pp, tg, 16) + 8)
        // Warm-up: page the weights in.
        _ = try session.evaluate((0..<16).map { _ in token() }, logitsAt: [15])

        var rows: [EngineRow] = []
        if pp > 0 {
            var rates: [Double] = []
            var cpuRates: [Double] = []
            for _ in 0..<reps {
                let tokens = (0..<pp).map { _ in token() }
                session.truncate(to: 0)
                let start = Date()
                let cpuStart = processCPUSeconds()
                _ = try session.evaluate(tokens, logitsAt: [pp - 1])
                rates.append(Double(pp) / Date().timeIntervalSince(start))
                cpuRates.append(Double(pp) / (processCPUSeconds() - cpuStart))
            }
            rows.append(EngineRow(test: "pp\(pp)", rates: rates, reference: llamaPP, cpuRates: cpuRates))
        }
        if tg > 0 {
            var rates: [Double] = []
            var cpuRates: [Double] = []
            for _ in 0..<reps {
                session.truncate(to: 0)
                let start = Date()
                let cpuStart = processCPUSeconds()
                for _ in 0..<tg { _ = try session.evaluate([token()], logitsAt: [0], order: .generation) }
                rates.append(Double(tg) / Date().timeIntervalSince(start))
                cpuRates.append(Double(tg) / (processCPUSeconds() - cpuStart))
            }
            rows.append(EngineRow(test: "tg\(tg)", rates: rates, reference: llamaTG, cpuRates: cpuRates))
        }
        if mmlu > 0 {
            let (seconds, requests) = try loglikelihoodThroughput(url: url, threads: threads, questions: mmlu)
            rows.append(
                EngineRow(
                    test: "loglik \(requests) req", rates: [Double(requests) / seconds], reference: nil,
                    unit: "req/s"))
        }
        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        let tgRate = rows.first { $0.test.hasPrefix("tg") }?.mean
        let bandwidth = tgRate != nil ? measureReadBandwidth(threads: threads, pool: pool) : nil
        var loads = [Double](repeating: 0, count: 3)
        _ = getloadavg(&loads, 3)
        let report = EngineReport(
            model: url.lastPathComponent, architecture: loaded.config.architecture, layers: loaded.config.blockCount,
            fileMiB: Double(fileBytes) / 1_048_576, kernels: KernelSets.selectedName,
            availableKernels: KernelSets.availableNames, threads: threads, rows: rows,
            weightStreamGBps: tgRate.map { $0 * Double(fileBytes) / 1e9 }, memoryReadGBps: bandwidth,
            loadAverage: loads)
        if json {
            print(try JSONOutput.text(report, pretty: true), terminator: "")
        } else {
            report.printMarkdown()
        }
    } catch {
        fail("engine benchmark failed: \(error)")
    }
}

/// Says on stderr when ASSAY_KERNELS names a set this CPU cannot run (or no set at all).
func warnAboutIgnoredKernelRequest() {
    guard let wanted = KernelSets.ignoredRequest else { return }
    FileHandle.standardError.write(
        Data(
            ("note: ASSAY_KERNELS=\(wanted) is not a kernel set this CPU can run "
                + "(available: \(KernelSets.availableNames.joined(separator: ", "))); using \(KernelSets.selectedName)\n")
                .utf8))
}

/// CPU seconds used by this process so far (all threads).
private func processCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

struct EngineRow: Codable, Sendable {
    var test: String
    var rates: [Double]
    var reference: Double?
    var unit: String = "t/s"
    /// Tokens per CPU-second of the whole process (a load-robust figure on a shared machine;
    /// with one thread it is the single-core rate; spinning pool workers count too).
    var cpuRates: [Double]?
    var mean: Double { rates.reduce(0, +) / Double(max(1, rates.count)) }
    var standardDeviation: Double {
        let m = mean
        return (rates.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(max(1, rates.count - 1))).squareRoot()
    }
    var ratio: Double? { reference.map { mean / $0 } }

    var cpuMean: Double? { cpuRates.map { $0.reduce(0, +) / Double(max(1, $0.count)) } }

    enum CodingKeys: String, CodingKey {
        case test, rates, reference, unit, mean, standardDeviation, ratio, cpuRates, cpuMean
    }
    init(test: String, rates: [Double], reference: Double?, unit: String = "t/s", cpuRates: [Double]? = nil) {
        self.test = test
        self.rates = rates
        self.reference = reference
        self.unit = unit
        self.cpuRates = cpuRates
    }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        test = try c.decode(String.self, forKey: .test)
        rates = try c.decode([Double].self, forKey: .rates)
        reference = try c.decodeIfPresent(Double.self, forKey: .reference)
        unit = try c.decode(String.self, forKey: .unit)
        cpuRates = try c.decodeIfPresent([Double].self, forKey: .cpuRates)
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(test, forKey: .test)
        try c.encode(rates, forKey: .rates)
        try c.encodeIfPresent(reference, forKey: .reference)
        try c.encode(unit, forKey: .unit)
        try c.encode(mean, forKey: .mean)
        try c.encode(standardDeviation, forKey: .standardDeviation)
        try c.encodeIfPresent(ratio, forKey: .ratio)
        try c.encodeIfPresent(cpuRates, forKey: .cpuRates)
        try c.encodeIfPresent(cpuMean, forKey: .cpuMean)
    }
}

struct EngineReport: Codable, Sendable {
    var model: String
    var architecture: String
    var layers: Int
    var fileMiB: Double
    var kernels: String
    var availableKernels: [String]
    var threads: Int
    var rows: [EngineRow]
    /// Generation rate × file size: the weight bytes streamed per second (upper bound: the
    /// file also holds the token embeddings, of which one row is read per token).
    var weightStreamGBps: Double?
    /// A plain parallel read of a 256 MiB buffer with the same threads.
    var memoryReadGBps: Double?
    var loadAverage: [Double]

    func printMarkdown() {
        print(
            "| model | size | kernels | threads | test | \(rows.first?.unit ?? "t/s") | per CPU-s | llama.cpp | ratio |"
        )
        print("|---|---:|---|---:|---|---:|---:|---:|---:|")
        for row in rows {
            let reference = row.reference.map { String(format: "%.2f", $0) } ?? "-"
            let ratio = row.ratio.map { String(format: "%.2f×", $0) } ?? "-"
            let rate = String(format: "%.2f ± %.2f", row.mean, row.standardDeviation)
            let shown = row.unit == "t/s" ? rate : "\(rate) \(row.unit)"
            let cpu = row.cpuMean.map { String(format: "%.2f", $0) } ?? "-"
            print(
                "| \(model) (\(architecture), \(layers) layers) | \(String(format: "%.1f MiB", fileMiB)) | \(kernels) | \(threads) | \(row.test) | \(shown) | \(cpu) | \(reference) | \(ratio) |"
            )
        }
        if let weightStreamGBps, let memoryReadGBps {
            print(
                String(
                    format:
                        "\ngeneration streams %.2f GB/s of weights (file size × tg rate); plain memory read: %.2f GB/s (%.0f%%)",
                    weightStreamGBps, memoryReadGBps, 100 * weightStreamGBps / memoryReadGBps))
        }
        print(
            String(
                format:
                    "kernels available: %@; load average %.2f %.2f %.2f (wall-clock figures on a shared machine are noisy)",
                availableKernels.joined(separator: ", "), loadAverage[0], loadAverage[1], loadAverage[2]))
    }
}

/// Reads a 256 MiB buffer (8-lane integer sums, so the loop is bound by loads) with `threads`
/// threads, best of three passes, in GB/s.
private func measureReadBandwidth(threads: Int, pool: ComputePool) -> Double {
    let bytes = 256 << 20
    let lanes = bytes / 32
    let buffer = UnsafeMutablePointer<SIMD8<Int32>>.allocate(capacity: lanes)
    defer { buffer.deallocate() }
    buffer.initialize(repeating: SIMD8<Int32>(repeating: 1), count: lanes)
    let chunks = threads * 8
    let perChunk = lanes / chunks
    let sums = UnsafeMutablePointer<SIMD8<Int32>>.allocate(capacity: chunks)
    defer { sums.deallocate() }
    var best = 0.0
    for _ in 0..<3 {
        let start = Date()
        pool.parallelFor(count: chunks) { c in
            var a = SIMD8<Int32>()
            var b = SIMD8<Int32>()
            let base = buffer + c * perChunk
            var k = 0
            while k + 2 <= perChunk {
                a &+= base[k]
                b &+= base[k + 1]
                k += 2
            }
            sums[c] = a &+ b
        }
        best = max(best, Double(perChunk * chunks * 32) / Date().timeIntervalSince(start) / 1e9)
    }
    return best
}

private func loglikelihoodThroughput(url: URL, threads: Int, questions: Int) throws -> (Double, Int) {
    let engine = try NativeEngine(modelURL: url, threads: threads, contextLength: 2048)
    var requests: [LoglikelihoodRequest] = []
    for q in 0..<questions {
        let context = """
            The following are multiple choice questions (with answers) about general knowledge.

            Question \(q + 1): Which of the following statements about item \(q * 37 % 101) is correct?
            A. It is larger than \(q + 3)
            B. It is smaller than \(q * 2 + 1)
            C. It equals \(q * 5 % 17)
            D. None of the above
            Answer:
            """
        for letter in ["A", "B", "C", "D"] {
            requests.append(LoglikelihoodRequest(context: context, continuation: " \(letter)"))
        }
    }
    let semaphore = DispatchSemaphore(value: 0)
    let box = ResultBox()
    let batch = requests
    Task {
        do {
            let start = Date()
            _ = try await engine.loglikelihood(batch)
            box.set(Date().timeIntervalSince(start))
        } catch {
            box.fail("\(error)")
        }
        semaphore.signal()
    }
    semaphore.wait()
    let (seconds, error) = box.get()
    if let error { fail("engine: log-likelihood requests failed: \(error)") }
    return (seconds, requests.count)
}

private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds = 0.0
    private var error: String?
    func set(_ s: Double) {
        lock.lock()
        seconds = s
        lock.unlock()
    }
    func fail(_ e: String) {
        lock.lock()
        error = e
        lock.unlock()
    }
    func get() -> (Double, String?) {
        lock.lock()
        defer { lock.unlock() }
        return (seconds, error)
    }
}
