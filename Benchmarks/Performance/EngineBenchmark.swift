import Foundation
import InferenceCore

/// llama-bench-style figures for the native engine: prompt processing (pp, tokens/s over a
/// batch of N tokens from an empty cache) and text generation (tg, one token per step), plus
/// log-likelihood throughput on MMLU-like 4-choice requests (prefix reuse included).
func runEngineBenchmark(arguments: [String]) {
    let help = """
        USAGE: Performance engine --model FILE [--threads N] [--pp N] [--tg N] [--reps N]
                                  [--mmlu N] [--llama-pp TPS] [--llama-tg TPS]

          --model FILE     GGUF model (default .cache/models/SmolLM2-135M-Instruct.Q4_1.gguf)
          --threads N      compute threads (default 2, like the llama.cpp anchors)
          --pp N / --tg N  prompt and generation lengths (default 512 / 128)
          --reps N         repetitions, the mean is reported (default 3)
          --mmlu N         MMLU-like questions for the log-likelihood figure (default 20, 0 = skip)
          --llama-pp/--llama-tg TPS   llama.cpp's figures on the same machine → ratios
        """
    var model = ".cache/models/SmolLM2-135M-Instruct.Q4_1.gguf"
    var threads = 2, pp = 512, tg = 128, reps = 3, mmlu = 20
    var llamaPP: Double?, llamaTG: Double?
    var i = 0
    func value() -> String? {
        i += 1
        return i < arguments.count ? arguments[i] : nil
    }
    while i < arguments.count {
        switch arguments[i] {
        case "--model": model = value() ?? model
        case "--threads": threads = Int(value() ?? "") ?? threads
        case "--pp": pp = Int(value() ?? "") ?? pp
        case "--tg": tg = Int(value() ?? "") ?? tg
        case "--reps": reps = max(1, Int(value() ?? "") ?? reps)
        case "--mmlu": mmlu = Int(value() ?? "") ?? mmlu
        case "--llama-pp": llamaPP = Double(value() ?? "")
        case "--llama-tg": llamaTG = Double(value() ?? "")
        case "-h", "--help":
            print(help)
            return
        default:
            print("engine: unknown option \(arguments[i])\n\(help)")
            exit(2)
        }
        i += 1
    }
    do {
        let url = URL(fileURLWithPath: model)
        let loaded = try TransformerModel.load(contentsOf: url)
        let pool = ComputePool(threads: threads)
        let vocab = loaded.config.vocabularySize
        print("model: \(url.lastPathComponent) (\(loaded.config.architecture), \(loaded.config.blockCount) layers), threads: \(threads)")
        print("note: wall-clock on a shared machine; other processes make these noisy")
        var rng = UInt64(12345)
        func token() -> Int32 {
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int32((rng >> 33) % UInt64(vocab))
        }
        let session = InferenceSession(model: loaded, pool: pool, contextLength: max(pp, tg) + 8)
        // Warm-up: page the weights in.
        _ = try session.evaluate((0..<16).map { _ in token() }, logitsAt: [15])

        var ppRates: [Double] = []
        for _ in 0..<reps {
            let tokens = (0..<pp).map { _ in token() }
            session.truncate(to: 0)
            let start = Date()
            _ = try session.evaluate(tokens, logitsAt: [pp - 1])
            ppRates.append(Double(pp) / Date().timeIntervalSince(start))
        }
        var tgRates: [Double] = []
        for _ in 0..<reps {
            session.truncate(to: 0)
            let start = Date()
            for _ in 0..<tg { _ = try session.evaluate([token()], logitsAt: [0], order: .generation) }
            tgRates.append(Double(tg) / Date().timeIntervalSince(start))
        }
        func report(_ label: String, _ rates: [Double], _ reference: Double?) {
            let mean = rates.reduce(0, +) / Double(rates.count)
            let variance = rates.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(1, rates.count - 1))
            var line = String(format: "%@: %8.2f ± %.2f tokens/s", label, mean, variance.squareRoot())
            if let reference { line += String(format: "   llama.cpp %.1f → ratio %.2f×", reference, mean / reference) }
            print(line)
        }
        report("pp\(pp)", ppRates, llamaPP)
        report("tg\(tg)", tgRates, llamaTG)

        if mmlu > 0 {
            let engine = try NativeEngine(modelURL: url, threads: threads, contextLength: 2048)
            var requests: [LoglikelihoodRequest] = []
            for q in 0..<mmlu {
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
            Task {
                let start = Date()
                let results = try await engine.loglikelihood(requests)
                box.set(Date().timeIntervalSince(start), results.reduce(0) { $0 + $1.timing.prefillTokens })
                semaphore.signal()
            }
            semaphore.wait()
            let (seconds, computed) = box.get()
            print(String(format: "loglikelihood: %d requests (%d questions × 4) in %.2f s → %.1f requests/s, %.1f questions/s, %d tokens computed",
                         requests.count, mmlu, seconds, Double(requests.count) / seconds, Double(mmlu) / seconds, computed))
        }
    } catch {
        print("engine benchmark failed: \(error)")
        exit(1)
    }
}

private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds = 0.0, tokens = 0
    func set(_ s: Double, _ t: Int) { lock.lock(); seconds = s; tokens = t; lock.unlock() }
    func get() -> (Double, Int) { lock.lock(); defer { lock.unlock() }; return (seconds, tokens) }
}
