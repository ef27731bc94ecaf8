import Foundation
import Hashing

/// Deterministic generator for synthetic corpora: the project's one SplitMix64.
typealias SeededRandom = SplitMix64

/// Synthetic instruction-tuning text: made-up words over a fixed vocabulary, so records never
/// share long n-grams with real benchmark text or with each other by accident.
enum SyntheticText {
    static let syllables = [
        "ka", "lo", "mi", "ren", "to", "sa", "vel", "dor", "pi", "qua", "zen", "bri", "fo", "gan",
        "hu", "jet", "ny", "or", "pla", "ru", "sti", "ul", "wex", "yo"
    ]

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
