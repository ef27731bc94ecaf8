import Foundation
import TestSupport
import Testing

@testable import InferenceCore

/// Results must not depend on thread count or on how a prompt is split into micro-batches.
struct InvarianceTests {
    static func logits(model: TransformerModel, tokens: [Int32], threads: Int, maxBatch: Int) throws -> [Float] {
        let session = InferenceSession(
            model: model, pool: ComputePool(threads: threads), contextLength: 256,
            maxBatch: maxBatch)
        return try session.evaluate(tokens, logitsAt: Array(tokens.indices))
    }

    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI))
    func threadsAndBatchSizesGiveIdenticalLogits() throws {
        let model = try TransformerModel.load(contentsOf: try Fixtures.requireSmolLM())
        let tokens: [Int32] = (0..<70).map { Int32(($0 * 7919 + 13) % 40000) }
        let baseline = try Self.logits(model: model, tokens: tokens, threads: 1, maxBatch: 64)
        for (threads, batch) in [(2, 64), (2, 1), (2, 7), (1, 7), (3, 512)] {
            let other = try Self.logits(model: model, tokens: tokens, threads: threads, maxBatch: batch)
            var maxDelta: Float = 0
            for i in baseline.indices { maxDelta = max(maxDelta, abs(baseline[i] - other[i])) }
            print("threads \(threads), micro-batch \(batch): max |Δ logit| = \(maxDelta)")
            #expect(maxDelta == 0)
        }
    }
}
