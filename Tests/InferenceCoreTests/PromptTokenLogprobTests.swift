import Testing

@testable import InferenceCore

/// What a scored prompt token reports as its most likely alternatives.
struct PromptTokenLogprobTests {
    static func token(alternatives: [TokenAlternative], topText: String?, topLogprob: Double?) -> PromptTokenLogprob {
        PromptTokenLogprob(
            token: 7, text: "x", offset: 3, logprob: -1.5, topText: topText, topLogprob: topLogprob, isGreedy: false,
            alternatives: alternatives)
    }

    @Test func theListedAlternativesComeFirst() {
        let listed = [
            TokenAlternative(token: 4, text: "a", logprob: -0.5), TokenAlternative(token: 7, text: "x", logprob: -1.5)
        ]
        let token = Self.token(alternatives: listed, topText: "a", topLogprob: -0.5)
        #expect(token.knownAlternatives == listed)
    }

    @Test func withoutAListTheTopTokenStandsAloneWithAnUnknownId() {
        let token = Self.token(alternatives: [], topText: "a", topLogprob: -0.5)
        #expect(token.knownAlternatives == [TokenAlternative(token: -1, text: "a", logprob: -0.5)])
    }

    @Test func theFirstTokenHasNoAlternatives() {
        #expect(Self.token(alternatives: [], topText: nil, topLogprob: nil).knownAlternatives.isEmpty)
    }
}
