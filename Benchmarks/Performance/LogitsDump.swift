import Foundation
import InferenceCore

/// Writes the logits of a fixed pseudo-random prompt (every position, one micro-batch, then
/// again token by token in generation order) as raw little-endian F32, so that two builds can
/// be compared bit for bit (`cmp a.f32 b.f32`). A regression check for kernel work, not a
/// benchmark.
func runLogitsDump(arguments: [String]) {
    let help = """
        USAGE: Performance logits --model FILE --out FILE [--tokens N] [--threads N]

          Writes the logits of N pseudo-random tokens (default 48): first as one prompt batch
          (every position), then the same tokens one at a time in generation order.
        """
    var model: String?
    var out: String?
    var count = 48
    var threads = 2
    var i = 0
    func value() -> String? {
        i += 1
        return i < arguments.count ? arguments[i] : nil
    }
    while i < arguments.count {
        switch arguments[i] {
        case "--model": model = value()
        case "--out": out = value()
        case "--tokens": count = max(1, Int(value() ?? "") ?? count)
        case "--threads": threads = max(1, Int(value() ?? "") ?? threads)
        case "-h", "--help":
            print(help)
            return
        default:
            FileHandle.standardError.write(Data("logits: unknown option \(arguments[i])\n\(help)\n".utf8))
            exit(2)
        }
        i += 1
    }
    guard let model, let out else {
        FileHandle.standardError.write(Data("logits: --model and --out are required\n\(help)\n".utf8))
        exit(2)
    }
    do {
        let loaded = try TransformerModel.load(contentsOf: URL(fileURLWithPath: model))
        let vocab = loaded.config.vocabularySize
        var rng = UInt64(4242)
        let tokens: [Int32] = (0..<count).map { _ in
            rng = rng &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int32((rng >> 33) % UInt64(vocab))
        }
        let session = InferenceSession(model: loaded, pool: ComputePool(threads: threads), contextLength: count + 8)
        var logits = try session.evaluate(tokens, logitsAt: Array(tokens.indices))
        session.truncate(to: 0)
        for token in tokens {
            logits += try session.evaluate([token], logitsAt: [0], order: .generation)
        }
        let data = logits.withUnsafeBufferPointer { Data(buffer: $0) }
        try data.write(to: URL(fileURLWithPath: out))
        print("wrote \(logits.count) logits (\(count) tokens × 2 passes × \(vocab)) to \(out)")
    } catch {
        FileHandle.standardError.write(Data("logits: \(error)\n".utf8))
        exit(1)
    }
}
