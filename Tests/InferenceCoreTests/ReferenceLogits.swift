import Foundation
import TestSupport

/// llama.cpp's reference output for one model (fixtures/reference/*.logits.json).
struct ReferenceLogits: Decodable {
    struct Position: Decodable {
        var top: [[Double]]
        var logsumexp: Double
    }
    struct Greedy: Decodable {
        var tokens: [Int32]
    }
    struct Prompt: Decodable {
        var text: String
        var tokens: [Int32]
        var positions: [Position]
        var next_token_nll: [Double]
        var greedy: Greedy
    }
    var prompts: [Prompt]

    static func load(_ name: String) throws -> ReferenceLogits {
        let url = try Fixtures.require(Fixtures.reference("reference/\(name)"))
        return try JSONDecoder().decode(ReferenceLogits.self, from: Data(contentsOf: url))
    }
}

/// Deltas between our logits and the reference.
struct ConformanceReport: CustomStringConvertible {
    var maxTop8 = 0.0, sumTop8 = 0.0, countTop8 = 0
    var maxLogSumExp = 0.0
    var sumNLL = 0.0, countNLL = 0
    var top1Mismatches = 0
    var shortestGreedyMatch = Int.max
    /// Prompts whose greedy continuation parted before 16 tokens at a step that was not a near-tie.
    var greedyFailures: [String] = []
    /// Prompts whose continuation parted at a near-tie (< 0.1) before 16 tokens.
    var greedyNearTieStops = 0

    var meanTop8: Double { countTop8 == 0 ? 0 : sumTop8 / Double(countTop8) }
    var meanNLL: Double { countNLL == 0 ? 0 : sumNLL / Double(countNLL) }

    var description: String {
        String(
            format:
                "max|Δtop8|=%.6f mean|Δtop8|=%.6f max|Δlse|=%.6f mean|Δnll|=%.6f top1 mismatches=%d greedy match ≥ %d (near-tie stops %d, failures %d)",
            maxTop8, meanTop8, maxLogSumExp, meanNLL, top1Mismatches, shortestGreedyMatch,
            greedyNearTieStops, greedyFailures.count)
    }
}
