import Foundation

/// Deterministic generator for synthetic corpora (SplitMix64).
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Synthetic instruction-tuning text: made-up words over a fixed vocabulary, so records never
/// share long n-grams with real benchmark text or with each other by accident.
enum SyntheticText {
    static let syllables = ["ka", "lo", "mi", "ren", "to", "sa", "vel", "dor", "pi", "qua", "zen", "bri", "fo", "gan",
                            "hu", "jet", "ny", "or", "pla", "ru", "sti", "ul", "wex", "yo"]

    static func word(_ rng: inout SeededRandom) -> String {
        (0..<Int.random(in: 2...3, using: &rng)).map { _ in syllables.randomElement(using: &rng) ?? "ka" }.joined()
    }

    static func sentence(_ rng: inout SeededRandom, words: ClosedRange<Int>) -> String {
        (0..<Int.random(in: words, using: &rng)).map { _ in word(&rng) }.joined(separator: " ")
    }

    static func jsonLine(_ object: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
