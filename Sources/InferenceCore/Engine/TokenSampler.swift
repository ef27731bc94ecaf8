import Hashing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Picks the next token from logits: greedy at temperature 0, otherwise temperature-scaled
/// softmax restricted to the smallest set of top tokens whose probability reaches `topP`,
/// sampled with a seeded generator (same seed, same logits → same tokens).
struct TokenSampler {
    let temperature: Float
    let topP: Float
    private var generator: SplitMix64

    init(temperature: Float, topP: Float, seed: UInt64) {
        self.temperature = temperature
        self.topP = topP
        generator = SplitMix64(seed: seed)
    }

    /// Index of the largest logit (the first one on ties, like llama.cpp's greedy sampler).
    static func argmax(_ logits: UnsafeBufferPointer<Float>) -> Int {
        var best = 0
        var bestValue = -Float.infinity
        for (i, v) in logits.enumerated() where v > bestValue {
            best = i
            bestValue = v
        }
        return best
    }

    mutating func sample(_ logits: UnsafeBufferPointer<Float>) -> Int32 {
        if temperature <= 0 { return Int32(Self.argmax(logits)) }
        var maxLogit = -Float.infinity
        for v in logits { maxLogit = max(maxLogit, v) }
        var candidates: [(index: Int, weight: Double)] = []
        candidates.reserveCapacity(logits.count)
        var total: Double = 0
        for (i, v) in logits.enumerated() {
            let w = exp(Double((v - maxLogit) / temperature))
            if w > 0 {
                candidates.append((i, w))
                total += w
            }
        }
        candidates.sort { $0.weight > $1.weight || ($0.weight == $1.weight && $0.index < $1.index) }
        var kept = candidates.count
        if topP < 1 {
            var mass: Double = 0
            for (k, c) in candidates.enumerated() {
                mass += c.weight / total
                if mass >= Double(topP) {
                    kept = k + 1
                    break
                }
            }
        }
        var keptTotal: Double = 0
        for c in candidates[..<kept] { keptTotal += c.weight }
        let draw = Double(generator.next() >> 11) * 0x1.0p-53 * keptTotal
        var running: Double = 0
        for c in candidates[..<kept] {
            running += c.weight
            if draw < running { return Int32(c.index) }
        }
        return Int32(candidates[kept - 1].index)
    }
}
