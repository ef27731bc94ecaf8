import Foundation
import TestSupport
import Testing

@testable import InferenceCore

/// A log-likelihood batch scored on one single-threaded lane per thread gives exactly the
/// scores of one session scoring the requests one after another.
struct ScoringLaneTests {
    /// Three questions of one subject, four choices each, and a question of another subject.
    static func requests() -> [LoglikelihoodRequest] {
        let planets = ["Red Planet": "Mars", "Blue Planet": "Neptune", "Ringed Planet": "Saturn"]
        var contexts = planets.keys.sorted().map { EngineTests.mmlu.replacingOccurrences(of: "Red Planet", with: $0) }
        contexts.append(
            "The following are multiple choice questions (with answers) about geography.\n\nWhat is the capital of France?\nA. Paris\nB. Rome\nC. Madrid\nD. Berlin\nAnswer:"
        )
        return contexts.flatMap { context in
            ["A", "B", "C", "D"].map { LoglikelihoodRequest(context: context, continuation: " \($0)") }
        }
    }

    static func check(_ url: URL) async throws {
        let requests = Self.requests()
        let lanes = try NativeEngine(modelURL: url, threads: 2, contextLength: 512)
        let single = try NativeEngine(modelURL: url, threads: 1, contextLength: 512)
        let split = requests.map(lanes.splitTokens)
        let order = Array(split.indices)
        // The batch is spread over two lanes (nil would mean the shared session scored it).
        let onLanes = try #require(try lanes.scoreOnLanes(split, order: order))
        #expect(lanes.lanes.withLock { $0.count } == 2)
        let batched = try await lanes.loglikelihood(requests)
        let reference = try await single.loglikelihood(requests)
        for i in requests.indices {
            #expect(onLanes[i].logLikelihood == reference[i].logLikelihood, "request \(i)")
            #expect(batched[i].logLikelihood == reference[i].logLikelihood, "request \(i)")
            #expect(batched[i].isGreedy == reference[i].isGreedy, "request \(i)")
        }
        #expect(reference.allSatisfy { $0.logLikelihood < 0 })
    }

    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI))
    func lanesEqualOneSessionOnSmolLM2() async throws {
        try await Self.check(try Fixtures.requireSmolLM())
    }

    @Test(.enabled(if: Fixtures.modelAvailableOrCI(Fixtures.qwen25Path)))
    func lanesEqualOneSessionOnQwen25() async throws {
        try await Self.check(try Fixtures.requireModel(Fixtures.qwen25Path))
    }

    /// One question (its choices share the context) or one thread: the shared session scores.
    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI))
    func oneQuestionStaysOnTheSharedSession() throws {
        let engine = try EngineTests.engine(threads: 2)
        let split = Self.requests().prefix(4).map(engine.splitTokens)
        #expect(try engine.scoreOnLanes(Array(split), order: Array(split.indices)) == nil)
        let single = try EngineTests.engine(threads: 1)
        let all = Self.requests().map(single.splitTokens)
        #expect(try single.scoreOnLanes(all, order: Array(all.indices)) == nil)
    }
}
