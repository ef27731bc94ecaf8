import Evaluation
import Foundation
import InferenceCore
import JSON
import Registry

#if canImport(Glibc)
import Glibc
#endif

/// The MMLU test split, 0-shot letter format, through exactly what `assay eval` runs: a
/// throwaway registry home, the model registered, the suite imported with `MMLU.importSuite`,
/// and `EvaluationRunner` over the native engine. Reports wall time, items/s, peak RSS and
/// accuracy; `--items FILE` writes every item's prediction and log-likelihoods (JSON lines)
/// for comparison with another scorer.
func runMMLUBenchmark(arguments: [String]) {
    let help = """
        USAGE: Performance mmlu --data DIR [--model FILE] [--threads N] [--limit N] [--batch N]
                                [--items FILE] [--json]

          --data DIR     the MMLU release (folders dev/, val/, test/ of <subject>_<split>.csv)
          --model FILE   GGUF model (default .cache/models/SmolLM2-135M-Instruct.Q4_1.gguf)
          --threads N    compute threads (default 2)
          --limit N      only the first N items of the split (default: all 14,079)
          --batch N      items per backend call (default 8, as 'assay eval')
          --items FILE   also write the per-item records (JSON lines)
          --json         print the figures as JSON
        """
    var data: String?
    var itemsOut: String?
    var model = ".cache/models/SmolLM2-135M-Instruct.Q4_1.gguf"
    var threads = 2
    var batch = 8
    var limit: Int?
    var json = false
    var i = 0
    func value(_ option: String) -> String {
        i += 1
        guard i < arguments.count else { fail("mmlu: \(option) needs a value") }
        return arguments[i]
    }
    func number(_ option: String) -> Int {
        let text = value(option)
        guard let n = Int(text), n > 0 else { fail("mmlu: \(option) needs a positive integer, got '\(text)'") }
        return n
    }
    while i < arguments.count {
        switch arguments[i] {
        case "--data": data = value("--data")
        case "--model": model = value("--model")
        case "--threads": threads = number("--threads")
        case "--limit": limit = number("--limit")
        case "--batch": batch = number("--batch")
        case "--items": itemsOut = value("--items")
        case "--json": json = true
        case "-h", "--help":
            print(help)
            return
        default: fail("mmlu: unknown option \(arguments[i])\n\(help)")
        }
        i += 1
    }
    guard let data else { fail("mmlu: --data DIR is required (the MMLU release with a test/ folder)\n\(help)") }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory), isDirectory.boolValue else {
        fail("mmlu: --data \(data) is not a directory (expected the MMLU release with a test/ folder)")
    }
    warnAboutIgnoredKernelRequest()
    let modelURL = URL(fileURLWithPath: model)
    guard FileManager.default.fileExists(atPath: modelURL.path) else { fail("mmlu: no model file at \(model)") }

    let box = MMLUOutcome()
    let semaphore = DispatchSemaphore(value: 0)
    let dataURL = URL(fileURLWithPath: data)
    let options = (threads, batch, limit)
    Task {
        defer { semaphore.signal() }
        do {
            box.set(
                try await runMMLU(
                    data: dataURL, model: modelURL, threads: options.0, batch: options.1,
                    limit: options.2, itemsOut: itemsOut.map { URL(fileURLWithPath: $0) }))
        } catch {
            box.fail("\(error)")
        }
    }
    semaphore.wait()
    guard let figures = box.figures else { fail("mmlu benchmark failed: \(box.error ?? "unknown error")") }
    if json {
        if let text = try? JSONOutput.text(figures, pretty: true) { print(text, terminator: "") }
        return
    }
    print("| model | kernels | threads | items | wall s | items/s | peak RSS MiB | acc |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    print(
        String(
            format: "| %@ | %@ | %d | %d | %.1f | %.2f | %.0f | %.4f |", figures.model, figures.kernels,
            figures.threads, figures.items, figures.wallSeconds, figures.itemsPerSecond,
            figures.peakRSSMiB, figures.accuracy))
    print(String(format: "full split (14,079 items) at this rate: %.1f minutes", 14_079 / figures.itemsPerSecond / 60))
}

struct MMLUFigures: Codable, Sendable {
    var model: String
    var kernels: String
    var threads: Int
    var items: Int
    var wallSeconds: Double
    var itemsPerSecond: Double
    var peakRSSMiB: Double
    var accuracy: Double
    var loadAverage: [Double]
}

private final class MMLUOutcome: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var figures: MMLUFigures?
    private(set) var error: String?
    func set(_ f: MMLUFigures) {
        lock.lock()
        figures = f
        lock.unlock()
    }
    func fail(_ e: String) {
        lock.lock()
        error = e
        lock.unlock()
    }
}

private func runMMLU(
    data: URL, model: URL, threads: Int, batch: Int, limit: Int?,
    itemsOut: URL?
) async throws -> MMLUFigures {
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("assay-mmlu-bench-\(getpid())")
    try? FileManager.default.removeItem(at: home)
    defer { try? FileManager.default.removeItem(at: home) }
    let store = try RegistryStore(home: home.appendingPathComponent("home"), actor: "benchmark", create: true)
    let reference = try VersionReference(name: "bench", version: "1")
    _ = try store.registerModelVersion(
        ModelRegistration(
            reference: reference, files: [ArtifactInput(url: model, relativePath: model.lastPathComponent)]))
    let suite = try MMLU.importSuite(
        from: data, to: home.appendingPathComponent("mmlu-test"),
        options: .init(split: "test", id: "mmlu-test", includeCloze: false))
    let backend = try NativeEngine(modelURL: model, threads: threads)
    let runner = EvaluationRunner(store: store, backend: backend)
    let options = EvaluationOptions(
        limit: limit, shots: 0, batchSize: batch, useCache: false,
        outputDirectory: home.appendingPathComponent("home"))
    let start = Date()
    let results = try await runner.run(model: reference, suite: suite, options: options)
    let wall = Date().timeIntervalSince(start)
    guard let task = results.tasks.first else { throw EvaluationError.backend("no task in the results") }
    if let itemsOut {
        let items = try EvaluationRunner.loadItems(store: store, run: results.runID)
        try Data(try items.map { try JSONOutput.text($0) + "\n" }.joined().utf8).write(to: itemsOut)
    }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    var loads = [Double](repeating: 0, count: 3)
    _ = getloadavg(&loads, 3)
    return MMLUFigures(
        model: model.lastPathComponent, kernels: KernelSets.selectedName, threads: threads,
        items: task.n, wallSeconds: wall, itemsPerSecond: Double(task.n) / wall,
        peakRSSMiB: Double(usage.ru_maxrss) / 1024, accuracy: task.metrics["acc"]?.value ?? .nan,
        loadAverage: loads)
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}
