import Foundation
import Hashing
import InferenceCore
@testable import Service
import Testing

/// A deterministic backend: every Unicode scalar is a token; its log-probability depends on the
/// scalar; "a" is always the top token.
struct CharacterBackend: PromptScoringBackend {
    var info: BackendInfo { BackendInfo(backend: "test", engineVersion: "chars 1", modelIdentity: "chars", threads: 1) }

    static func logprob(_ s: Unicode.Scalar) -> Double { -(Double(s.value % 7) + 0.5) }

    func tokenize(_ text: String, addSpecial: Bool) async throws -> [Int32] {
        (addSpecial ? [1] : []) + text.unicodeScalars.map { Int32($0.value) }
    }

    func scorePrompt(_ text: String, addSpecial: Bool) async throws -> [PromptTokenLogprob] {
        var out = [PromptTokenLogprob(token: 1, text: "", offset: 0, logprob: nil, topText: nil, topLogprob: nil, isGreedy: true)]
        for (i, s) in text.unicodeScalars.enumerated() {
            let isTop = s == "a"
            out.append(PromptTokenLogprob(token: Int32(s.value), text: String(s), offset: i, logprob: Self.logprob(s),
                                          topText: "a", topLogprob: isTop ? Self.logprob(s) : 0, isGreedy: isTop))
        }
        return out
    }

    func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult] {
        requests.map { r in
            var context = Substring(r.context)
            while context.last == " " { context.removeLast() }
            let continuation = (r.context + r.continuation).unicodeScalars.dropFirst(context.unicodeScalars.count)
            return LoglikelihoodResult(logLikelihood: continuation.reduce(0.0) { $0 + Self.logprob($1) },
                                       isGreedy: continuation.allSatisfy { $0 == "a" },
                                       contextTokenCount: context.unicodeScalars.count + 1,
                                       continuationTokenCount: continuation.count, timing: RequestTiming())
        }
    }

    func generate(_ request: GenerationRequest, onToken: @Sendable (String) -> Void) async throws -> GenerationResult {
        let pieces = request.prompt.reversed().prefix(request.maxTokens).map(String.init)
        for p in pieces { onToken(p) }
        return GenerationResult(text: pieces.joined(), tokens: pieces.map { _ in 0 }, promptTokenCount: request.prompt.count,
                                finishReason: pieces.count == request.maxTokens ? .length : .endOfGeneration,
                                timing: RequestTiming())
    }
}

struct InferenceAPITests {
    @Test func completionsAndChatWithoutAndWithStreaming() throws {
        let f = try ServiceFixture(backend: CharacterBackend())
        let token = f.tokens[.auditor]
        let completion = try JSONValue.parse(try f.request("POST", "/v1/completions", token: token,
                                                           json: #"{"model":"m","prompt":"abc","max_tokens":2}"#).collectBody())
        let choice = completion.objectValue?["choices"]?.arrayValue?.first?.objectValue
        #expect(choice?["text"] == "cb")
        #expect(choice?["finish_reason"] == "length")
        #expect(completion.objectValue?["usage"]?.objectValue?["completion_tokens"] == 2)

        let stream = try f.request("POST", "/v1/chat/completions", token: token,
                                   json: #"{"messages":[{"role":"user","content":"hi"}],"max_tokens":3,"stream":true}"#)
        #expect(stream.headers["Content-Type"] == "text/event-stream")
        let text = String(decoding: try stream.collectBody(), as: UTF8.self)
        let events = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(events.last == "data: [DONE]")
        #expect(events.allSatisfy { $0.hasPrefix("data: ") })
        let pieces = events.dropLast().compactMap { event -> String? in
            let json = try? JSONValue.parse(String(event.dropFirst(6)))
            return json?.objectValue?["choices"]?.arrayValue?.first?.objectValue?["delta"]?.objectValue?["content"]?.stringValue
        }
        // The ChatML prompt reversed: "\n" "t" "n" … (the stand-in backend echoes backwards).
        #expect(pieces == ["\n", "t", "n"])
    }

    @Test func echoLogprobsScoreThePrompt() throws {
        let f = try ServiceFixture(backend: CharacterBackend())
        let body = #"{"prompt":"ab","max_tokens":0,"echo":true,"logprobs":1}"#
        let json = try JSONValue.parse(try f.request("POST", "/v1/completions", token: f.tokens[.admin], json: body).collectBody())
        let logprobs = json.objectValue?["choices"]?.arrayValue?.first?.objectValue?["logprobs"]?.objectValue
        #expect(logprobs?["tokens"] == ["", "a", "b"])
        #expect(logprobs?["text_offset"] == [0, 0, 1])
        #expect(logprobs?["token_logprobs"]?.arrayValue?.first == .null)
        // logprobs with generation is refused rather than silently ignored.
        #expect(try f.request("POST", "/v1/completions", token: f.tokens[.admin],
                              json: #"{"prompt":"ab","max_tokens":3,"logprobs":1}"#).status.code == 422)
    }

    @Test func withoutAModelTheRoutesSayNoModel() throws {
        let f = try ServiceFixture()
        let response = try f.request("POST", "/v1/completions", token: f.tokens[.admin], json: #"{"prompt":"x"}"#)
        #expect(response.status.code == 404)
        #expect(String(decoding: try response.collectBody(), as: UTF8.self).contains("no-model-loaded"))
    }

    /// The `openai` backend against our own server gives the same log-likelihoods and greedy
    /// flags as calling the backend directly (issue 6 acceptance 4, with a stand-in model).
    @Test func openAIBackendThroughAssayServeMatchesTheDirectBackend() async throws {
        let backend = CharacterBackend()
        let f = try ServiceFixture(backend: backend)
        let server = HTTPServer(configuration: ServerConfiguration(host: "127.0.0.1", port: 0), responder: f.service.router)
        try server.start()
        defer { server.shutdown(); server.waitUntilStopped() }
        let client = try OpenAIBackend(baseURL: "http://127.0.0.1:\(server.port)/v1", model: "test-model",
                                       apiKey: f.tokens[.auditor])
        let requests = [LoglikelihoodRequest(context: "Question: 2+2=", continuation: " 4"),
                        LoglikelihoodRequest(context: "x ", continuation: "aa"),
                        LoglikelihoodRequest(context: "é ü", continuation: " ß∂")]
        let remote = try await client.loglikelihood(requests)
        let local = try await backend.loglikelihood(requests)
        #expect(remote.map(\.logLikelihood) == local.map(\.logLikelihood))
        #expect(remote.map(\.isGreedy) == local.map(\.isGreedy))
        #expect(remote.map(\.continuationTokenCount) == local.map(\.continuationTokenCount))
        let generated = try await client.generate(GenerationRequest(prompt: "hello", maxTokens: 3), onToken: { _ in })
        #expect(generated.text == "oll")
        #expect(try await client.tokenize("ab", addSpecial: true) == [1, 97, 98])
        let unauthorized = try OpenAIBackend(baseURL: "http://127.0.0.1:\(server.port)", model: "m")
        await #expect(throws: OpenAIBackendError.self) { _ = try await unauthorized.tokenize("a", addSpecial: false) }
    }
}
