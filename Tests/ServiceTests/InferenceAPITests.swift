import Foundation
import JSON
import TestSupport
import Testing

@testable import InferenceCore
@testable import Service

/// A deterministic backend: every Unicode scalar is a token; its log-probability depends on the
/// scalar; "a" is always the top token.
struct CharacterBackend: PromptScoringBackend {
    var info: BackendInfo { BackendInfo(backend: "test", engineVersion: "chars 1", modelIdentity: "chars", threads: 1) }

    static func logprob(_ s: Unicode.Scalar) -> Double { -(Double(s.value % 7) + 0.5) }

    func tokenize(_ text: String, addSpecial: Bool) async throws -> [Int32] {
        (addSpecial ? [1] : []) + text.unicodeScalars.map { Int32($0.value) }
    }

    func scorePrompt(_ text: String, addSpecial: Bool) async throws -> [PromptTokenLogprob] {
        var out = [
            PromptTokenLogprob(
                token: 1, text: "", offset: 0, logprob: nil, topText: nil, topLogprob: nil, isGreedy: true)
        ]
        for (i, s) in text.unicodeScalars.enumerated() {
            let isTop = s == "a"
            out.append(
                PromptTokenLogprob(
                    token: Int32(s.value), text: String(s), offset: i, logprob: Self.logprob(s),
                    topText: "a", topLogprob: isTop ? Self.logprob(s) : 0, isGreedy: isTop))
        }
        return out
    }

    func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult] {
        requests.map { r in
            var context = Substring(r.context)
            while context.last == " " { context.removeLast() }
            let continuation = (r.context + r.continuation).unicodeScalars.dropFirst(context.unicodeScalars.count)
            return LoglikelihoodResult(
                logLikelihood: continuation.reduce(0.0) { $0 + Self.logprob($1) },
                isGreedy: continuation.allSatisfy { $0 == "a" },
                contextTokenCount: context.unicodeScalars.count + 1,
                continuationTokenCount: continuation.count, timing: RequestTiming())
        }
    }

    func generate(_ request: GenerationRequest, onToken: @Sendable (String) -> Void) async throws -> GenerationResult {
        let pieces = request.prompt.reversed().prefix(request.maxTokens).map(String.init)
        for p in pieces { onToken(p) }
        return GenerationResult(
            text: pieces.joined(), tokens: pieces.map { _ in 0 }, promptTokenCount: request.prompt.count,
            finishReason: pieces.count == request.maxTokens ? .length : .endOfGeneration,
            timing: RequestTiming())
    }
}

struct InferenceAPITests {
    @Test func completionsAndChatWithoutAndWithStreaming() throws {
        let f = try ServiceFixture(backend: CharacterBackend())
        let token = f.tokens[.auditor]
        let completion = try JSONValue.parse(
            try f.request(
                "POST", "/v1/completions", token: token,
                json: #"{"model":"m","prompt":"abc","max_tokens":2}"#
            ).collectBody())
        let choice = completion.objectValue?["choices"]?.arrayValue?.first?.objectValue
        #expect(choice?["text"] == "cb")
        #expect(choice?["finish_reason"] == "length")
        #expect(completion.objectValue?["usage"]?.objectValue?["completion_tokens"] == 2)

        let stream = try f.request(
            "POST", "/v1/chat/completions", token: token,
            json: #"{"messages":[{"role":"user","content":"hi"}],"max_tokens":3,"stream":true}"#)
        #expect(stream.headers["Content-Type"] == "text/event-stream")
        let text = String(decoding: try stream.collectBody(), as: UTF8.self)
        let events = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        #expect(events.last == "data: [DONE]")
        #expect(events.allSatisfy { $0.hasPrefix("data: ") })
        let pieces = events.dropLast().compactMap { event -> String? in
            let json = try? JSONValue.parse(String(event.dropFirst(6)))
            return json?.objectValue?["choices"]?.arrayValue?.first?.objectValue?["delta"]?.objectValue?["content"]?
                .stringValue
        }
        // The first delta names the role; then the ChatML prompt reversed: "\n" "t" "n" … (the
        // stand-in backend echoes backwards).
        #expect(pieces == ["", "\n", "t", "n"])
        let first = try JSONValue.parse(String(events[0].dropFirst(6)))
        #expect(
            first.objectValue?["choices"]?.arrayValue?.first?.objectValue?["delta"]?.objectValue?["role"] == "assistant"
        )
    }

    @Test func echoLogprobsScoreThePrompt() throws {
        let f = try ServiceFixture(backend: CharacterBackend())
        let body = #"{"prompt":"ab","max_tokens":0,"echo":true,"logprobs":1}"#
        let json = try JSONValue.parse(
            try f.request("POST", "/v1/completions", token: f.tokens[.admin], json: body).collectBody())
        let logprobs = json.objectValue?["choices"]?.arrayValue?.first?.objectValue?["logprobs"]?.objectValue
        #expect(logprobs?["tokens"] == ["", "a", "b"])
        #expect(logprobs?["text_offset"] == [0, 0, 1])
        #expect(logprobs?["token_logprobs"]?.arrayValue?.first == .null)
        // A backend that cannot report generated tokens' logprobs says so rather than ignoring them.
        let refused = try f.request(
            "POST", "/v1/completions", token: f.tokens[.admin],
            json: #"{"prompt":"ab","max_tokens":3,"logprobs":1}"#)
        #expect(refused.status.code == 501)
        let error = try JSONValue.parse(try refused.collectBody()).objectValue?["error"]?.objectValue
        #expect(error?["param"] == "logprobs")
        #expect(error?["type"] == "server_error")
    }

    @Test func withoutAModelTheRoutesSayNoModel() throws {
        let f = try ServiceFixture()
        let response = try f.request("POST", "/v1/completions", token: f.tokens[.admin], json: #"{"prompt":"x"}"#)
        #expect(response.status.code == 404)
        let error = try JSONValue.parse(try response.collectBody()).objectValue?["error"]?.objectValue
        #expect(error?["code"] == "model_not_found")
        #expect(error?["type"] == "not_found_error")
        #expect(error?["param"] == "model")
        // Outside /v1 errors stay problem+json.
        let tokenize = try f.request("POST", "/tokenize", token: f.tokens[.admin], json: #"{"content":"x"}"#)
        #expect(tokenize.status.code == 404)
        #expect(tokenize.headers["Content-Type"] == "application/problem+json")
    }

    /// The `openai` backend against our own server gives the same log-likelihoods and greedy
    /// flags as calling the backend directly (issue 6 acceptance 4, with a stand-in model).
    @Test func openAIBackendThroughAssayServeMatchesTheDirectBackend() async throws {
        let backend = CharacterBackend()
        let f = try ServiceFixture(backend: backend)
        let server = HTTPServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), responder: f.service.router)
        try server.start()
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        let client = try OpenAIBackend(
            baseURL: "http://127.0.0.1:\(server.port)/v1", model: "test-model",
            apiKey: f.tokens[.auditor])
        let requests = [
            LoglikelihoodRequest(context: "Question: 2+2=", continuation: " 4"),
            LoglikelihoodRequest(context: "x ", continuation: "aa"),
            LoglikelihoodRequest(context: "é ü", continuation: " ß∂")
        ]
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

/// The `max_tokens` values a stand-in server was asked for.
final class RequestLog: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [JSONValue] = []
    func append(_ value: JSONValue) { lock.withLock { values.append(value) } }
    var all: [JSONValue] { lock.withLock { values } }
}

extension InferenceAPITests {
    /// vLLM refuses `max_tokens: 0`; the client then asks for one token and drops it.
    @Test func serversThatRefuseZeroMaxTokensAreAskedForOneAndTheTokenIsDropped() async throws {
        let backend = CharacterBackend()
        let log = RequestLog()
        let route = Route("POST", "/v1/completions", access: .anonymous, operationID: "createCompletion") { req, _ in
            let object = try req.jsonObject()
            log.append(object["max_tokens"] ?? .null)
            guard object["max_tokens"] == .integer(1), object["echo"] == .bool(true) else {
                throw Problem(kind: .validation, detail: "max_tokens must be at least 1")
            }
            let prompt = object["prompt"]?.stringValue ?? ""
            let generated = PromptTokenLogprob(
                token: 122, text: "z", offset: prompt.unicodeScalars.count, logprob: -0.25,
                topText: "z", topLogprob: -0.25, isGreedy: true)
            let tokens = try blockingAwait { try await backend.scorePrompt(prompt, addSpecial: true) } + [generated]
            let logprobs: JSONValue = [
                "tokens": .array(tokens.map { .string($0.text) }),
                "token_logprobs": .array(tokens.map { $0.logprob.map(JSONValue.number) ?? .null }),
                "top_logprobs": .array(tokens.map { InferenceAPI.topLogprobs($0, count: 1) }),
                "text_offset": .array(tokens.map { .integer(Int64($0.offset)) })
            ]
            return try .json(["choices": [["index": 0, "text": .string(prompt + "z"), "logprobs": logprobs]]])
        }
        let service = AssayService(routes: [route], accessControl: StaticAccessControl(tokens: [:], grants: [:]))
        let server = HTTPServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), responder: service.router)
        try server.start()
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        let client = try OpenAIBackend(baseURL: "http://127.0.0.1:\(server.port)", model: "m")
        let requests = [
            LoglikelihoodRequest(context: "x ", continuation: "aa"),
            LoglikelihoodRequest(context: "bc", continuation: "d")
        ]
        let remote = try await client.loglikelihood(requests)
        let local = try await backend.loglikelihood(requests)
        #expect(remote.map(\.logLikelihood) == local.map(\.logLikelihood))
        #expect(remote.map(\.continuationTokenCount) == local.map(\.continuationTokenCount))
        // Asked for 0 once, then 1 for every request.
        #expect(log.all == [.integer(0), .integer(1), .integer(1)])
    }
}

extension InferenceAPITests {
    /// A server that ignores `echo` (logprobs of generated tokens only) is refused, not scored.
    @Test func aServerThatDoesNotEchoThePromptIsAnError() async throws {
        let route = Route("POST", "/v1/completions", access: .anonymous, operationID: "createCompletion") { _, _ in
            try .json([
                "choices": [
                    [
                        "index": 0, "text": "z",
                        "logprobs": [
                            "tokens": ["z"], "token_logprobs": [-0.5], "top_logprobs": [["z": -0.5]], "text_offset": [0]
                        ]
                    ]
                ]
            ])
        }
        let service = AssayService(routes: [route], accessControl: StaticAccessControl(tokens: [:], grants: [:]))
        let server = HTTPServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), responder: service.router)
        try server.start()
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        let client = try OpenAIBackend(baseURL: "http://127.0.0.1:\(server.port)", model: "m")
        await #expect(
            throws: OpenAIBackendError.malformedResponse(
                "the server did not echo the prompt (it may not support echo with logprobs)")
        ) {
            _ = try await client.loglikelihood([LoglikelihoodRequest(context: "Question:", continuation: " yes")])
        }
    }
}

/// The native engine behind `/v1/completions`: echo + logprobs scoring with the real model.
struct NativeInferenceAPITests {
    static let context = """
        The following are multiple choice questions (with answers) about chemistry.

        Which gas do plants take in for photosynthesis?
        A. Oxygen
        B. Nitrogen
        C. Carbon dioxide
        D. Helium
        Answer:
        """

    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI), .timeLimit(.minutes(10)))
    func echoLogprobsFromTheNativeEngineMatchItsLoglikelihoods() async throws {
        let engine = try NativeEngine(modelURL: try Fixtures.requireSmolLM(), threads: 2, contextLength: 1024)
        let f = try ServiceFixture(backend: engine)
        let body = try JSONValue.object([
            "prompt": .string(Self.context + " C"), "max_tokens": 0, "echo": true,
            "logprobs": 3
        ]).canonicalString()
        let response = try f.request("POST", "/v1/completions", token: f.tokens[.auditor], json: body)
        #expect(response.status.code == 200)
        let json = try JSONValue.parse(try response.collectBody())
        let logprobs = try #require(
            json.objectValue?["choices"]?.arrayValue?.first?.objectValue?["logprobs"]?.objectValue)
        let values = try #require(logprobs["token_logprobs"]?.arrayValue)
        let tops = try #require(logprobs["top_logprobs"]?.arrayValue)
        #expect(values.first == .null && tops.first == .null)
        #expect(tops.dropFirst().allSatisfy { $0.objectValue?.count == 3 })
        let expected = try await engine.loglikelihood([LoglikelihoodRequest(context: Self.context, continuation: " C")]
        )[0]
        #expect(expected.continuationTokenCount == 1)
        #expect(values.last == .number(expected.logLikelihood))

        // The openai backend over HTTP gives the engine's numbers.
        let server = HTTPServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), responder: f.service.router)
        try server.start()
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        let client = try OpenAIBackend(
            baseURL: "http://127.0.0.1:\(server.port)", model: "smollm2", apiKey: f.tokens[.auditor])
        let requests =
            ["A", "B", "C", "D"].map { LoglikelihoodRequest(context: Self.context, continuation: " \($0)") }
            + [LoglikelihoodRequest(context: "The capital of France is", continuation: " Paris")]
        let remote = try await client.loglikelihood(requests)
        let local = try await engine.loglikelihood(requests)
        // Equal up to the last bit or two of the decimal round trip through JSON.
        #expect(
            zip(remote, local).allSatisfy {
                abs($0.logLikelihood - $1.logLikelihood) <= 1e-12 * max(1, abs($1.logLikelihood))
            },
            "\(remote.map(\.logLikelihood)) vs \(local.map(\.logLikelihood))")
        #expect(remote.map(\.isGreedy) == local.map(\.isGreedy))
        #expect(remote.map(\.continuationTokenCount) == local.map(\.continuationTokenCount))
    }
}
