import Foundation
import JSON
import TestSupport
import Testing

@testable import InferenceCore
@testable import Service

/// Records the generation requests it gets; answers like `CharacterBackend`.
final class RecordingBackend: Backend, @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [GenerationRequest] = []
    var requests: [GenerationRequest] { lock.withLock { seen } }
    let inner = CharacterBackend()
    var info: BackendInfo { inner.info }
    func tokenize(_ text: String, addSpecial: Bool) async throws -> [Int32] {
        try await inner.tokenize(text, addSpecial: addSpecial)
    }
    func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult] {
        try await inner.loglikelihood(requests)
    }
    func generate(_ request: GenerationRequest, onToken: @Sendable (String) -> Void) async throws -> GenerationResult {
        lock.withLock { seen.append(request) }
        return try await inner.generate(request, onToken: onToken)
    }
}

/// The OpenAI shape of `/v1/*` with a stand-in backend: errors, prompt arrays, `n`, defaults,
/// seeds, penalties, streaming usage, models.
struct OpenAIShapeTests {
    static func json(_ response: Response) throws -> [String: JSONValue] {
        try #require(try JSONValue.parse(try response.collectBody()).objectValue)
    }

    @Test func errorsHaveOpenAIsShape() throws {
        let f = try ServiceFixture(backend: CharacterBackend())
        let token = f.tokens[.auditor]
        for (body, param) in [
            (#"{"prompt":"x","temperature":3}"#, "temperature"), (#"{"prompt":""}"#, "prompt"),
            (#"{"prompt":[]}"#, "prompt"), (#"{"prompt":"x","n":0}"#, "n"),
            (#"{"prompt":"x","bogus":1}"#, "bogus"), (#"{"prompt":"x","max_tokens":0}"#, "max_tokens"),
            (#"{"prompt":"x","stream_options":{"include_usage":true}}"#, "stream_options")
        ] {
            let response = try f.request("POST", "/v1/completions", token: token, json: body)
            #expect(response.status.code == 400, "\(body)")
            #expect(response.headers["Content-Type"] == "application/json")
            let error = try Self.json(response)["error"]?.objectValue
            #expect(error?["type"] == "invalid_request_error", "\(body)")
            #expect(error?["param"] == .string(param), "\(body)")
            #expect(error?["message"]?.stringValue?.isEmpty == false)
            #expect(error?["code"] == .null)
        }
        let unauthorized = try f.request("POST", "/v1/completions", json: #"{"prompt":"x"}"#)
        #expect(unauthorized.status.code == 401)
        #expect(try Self.json(unauthorized)["error"]?.objectValue?["type"] == "authentication_error")
        let chat = try f.request(
            "POST", "/v1/chat/completions", token: token, json: #"{"messages":[{"role":"wizard","content":"x"}]}"#)
        #expect(chat.status.code == 400)
        #expect(try Self.json(chat)["error"]?.objectValue?["param"] == "messages")
        let missing = try f.request("GET", "/v1/models/other", token: token)
        #expect(missing.status.code == 200, "one model served from a file answers to any name")
    }

    @Test func promptArraysAndNGiveOneChoicePerPromptAndIndex() throws {
        let backend = RecordingBackend()
        let f = try ServiceFixture(backend: backend)
        let response = try f.request(
            "POST", "/v1/completions", token: f.tokens[.auditor],
            json: #"{"prompt":["abc","xy"],"n":2,"max_tokens":2,"seed":7}"#)
        #expect(response.status.code == 200)
        let body = try Self.json(response)
        let choices = try #require(body["choices"]?.arrayValue).compactMap(\.objectValue)
        #expect(choices.map { $0["index"] } == [0, 1, 2, 3])
        #expect(choices.map { $0["text"] } == ["cb", "cb", "yx", "yx"])
        // Prompt tokens count each prompt once; completion tokens every choice.
        #expect(body["usage"]?.objectValue?["prompt_tokens"] == 5)
        #expect(body["usage"]?.objectValue?["completion_tokens"] == 8)
        // Seeded: choice j of a prompt uses seed + j.
        #expect(backend.requests.map(\.seed) == [7, 8, 7, 8])
        // OpenAI's default temperature is 1.
        #expect(backend.requests.allSatisfy { $0.temperature == 1 })
    }

    @Test func unseededRequestsGetFreshSeedsAndPenaltiesArePassedOn() throws {
        let backend = RecordingBackend()
        let f = try ServiceFixture(backend: backend)
        for _ in 0..<3 {
            _ = try f.request(
                "POST", "/v1/chat/completions", token: f.tokens[.auditor],
                json:
                    #"{"messages":[{"role":"user","content":"hi"}],"max_tokens":1,"presence_penalty":0.5,"frequency_penalty":-1.5,"temperature":0.7}"#
            )
        }
        let requests = backend.requests
        #expect(requests.count == 3)
        #expect(Set(requests.map(\.seed)).count == 3)
        #expect(
            requests.allSatisfy { $0.presencePenalty == 0.5 && $0.frequencyPenalty == -1.5 && $0.temperature == 0.7 })
        #expect(requests.allSatisfy { $0.segments?.first?.isTemplate == true })
    }

    @Test func streamsCarryUsageOnRequestAndTheRoleFirst() throws {
        let f = try ServiceFixture(backend: CharacterBackend())
        let response = try f.request(
            "POST", "/v1/chat/completions", token: f.tokens[.auditor],
            json:
                #"{"messages":[{"role":"user","content":"hi"}],"max_tokens":2,"stream":true,"n":2,"stream_options":{"include_usage":true}}"#
        )
        let events = String(decoding: try response.collectBody(), as: UTF8.self).components(separatedBy: "\n\n").filter
        { !$0.isEmpty }
        #expect(events.last == "data: [DONE]")
        let chunks = try events.dropLast().map {
            try #require(try JSONValue.parse(String($0.dropFirst(6))).objectValue)
        }
        // Every chunk has a usage member; only the last (with no choices) has a value.
        #expect(chunks.allSatisfy { $0["usage"] != nil })
        #expect(chunks.dropLast().allSatisfy { $0["usage"] == .null })
        let last = try #require(chunks.last)
        #expect(last["choices"] == .array([]))
        #expect(last["usage"]?.objectValue?["completion_tokens"] == 4)
        // Each choice starts with the role and ends with a finish reason.
        for index in [0, 1] {
            let mine = chunks.compactMap { $0["choices"]?.arrayValue?.first?.objectValue }.filter {
                $0["index"] == .integer(Int64(index))
            }
            #expect(mine.first?["delta"]?.objectValue?["role"] == "assistant")
            #expect(mine.last?["finish_reason"] == "length")
        }
    }

    @Test func modelsListAndRetrieve() throws {
        let f = try ServiceFixture(backend: CharacterBackend())
        let list = try Self.json(try f.request("GET", "/v1/models", token: f.tokens[.auditor]))
        let first = try #require(list["data"]?.arrayValue?.first?.objectValue)
        #expect(first["id"] == "test-model")
        guard case .integer(let created)? = first["created"] else {
            Issue.record("created is not an integer")
            return
        }
        #expect(created > 1_700_000_000)
        let one = try Self.json(try f.request("GET", "/v1/models/test-model", token: f.tokens[.auditor]))
        #expect(one["object"] == "model")
    }

    /// Several models: the request's `model` selects one, an unknown name is a 404; models load
    /// on first use and the least recently used is unloaded beyond the budget.
    @Test func aCatalogSelectsByNameAndLoadsLazilyUnderABudget() throws {
        let loads = RequestLog()
        func file(_ id: String, aliases: [String] = []) -> ServableFile {
            ServableFile(
                model: ServedModel(id: id, created: 1, aliases: aliases), path: URL(fileURLWithPath: "/dev/null"),
                identity: id, bytes: 600)
        }
        let catalog = LazyModelCatalog(
            files: [file("a@1"), file("b@2", aliases: ["b@production"])], memoryBudgetBytes: 1000
        ) { f in
            loads.append(.string(f.model.id))
            return CharacterBackend()
        }
        let service = AssayService(
            routes: InferenceAPI(catalog: catalog).routes,
            accessControl: StaticAccessControl(tokens: ["t": "alice"], grants: ["alice": [.auditor]]))
        #expect(loads.all.isEmpty)
        #expect(try catalog.backend(for: "b@production").0.id == "b@2")
        #expect(catalog.loadedModels == ["b@2"])
        #expect(try catalog.backend(for: "a@1").0.id == "a@1")
        #expect(catalog.loadedModels == ["a@1"], "two 600-byte files do not fit 1000 bytes")
        #expect(try catalog.backend(for: "a@1").0.id == "a@1")
        #expect(loads.all == ["b@2", "a@1"])
        #expect(throws: OpenAIError.self) { try catalog.backend(for: "c@1") }

        // Through the API: selection by `model`, 404 model_not_found, /health and /metrics.
        func send(_ method: String, _ path: String, json: String? = nil) throws -> Response {
            var headers: HTTPHeaders = ["Authorization": "Bearer t"]
            if json != nil { headers.add("Content-Type", "application/json") }
            return service.router.respondBlocking(
                to: try Request(method: method, target: path, headers: headers, body: Array((json ?? "").utf8)))
        }
        let ok = try Self.json(
            try send("POST", "/v1/completions", json: #"{"model":"b@production","prompt":"ab","max_tokens":1}"#))
        #expect(ok["model"] == "b@2")
        let unknown = try send("POST", "/v1/completions", json: #"{"model":"c@1","prompt":"ab","max_tokens":1}"#)
        #expect(unknown.status.code == 404)
        #expect(try Self.json(unknown)["error"]?.objectValue?["code"] == "model_not_found")
        let health = try Self.json(try send("GET", "/health"))
        #expect(health["models"] == ["a@1", "b@2"])
        #expect(health["loaded"] == ["b@2"])
        let metrics = String(decoding: try send("GET", "/metrics").collectBody(), as: UTF8.self)
        #expect(metrics.contains(#"assay_requests_total{route="/v1/completions",status="200"} 1"#))
        #expect(metrics.contains(#"assay_requests_total{route="/v1/completions",status="404"} 1"#))
        #expect(metrics.contains(#"assay_request_duration_seconds_count{route="/v1/completions"} 2"#))
        #expect(metrics.contains(#"assay_prompt_tokens_total{model="b@2"} 2"#))
        #expect(metrics.contains(#"assay_generation_tokens_total{model="b@2"} 1"#))
        #expect(metrics.contains("assay_models_loaded 1"))
    }
}

/// Scores like `CharacterBackend`; generation stops at once at an end-of-generation token whose
/// log-probability it reports (what the native engine does when EOS is the greedy next token).
struct StopsAtOnceBackend: PromptScoringBackend {
    let inner = CharacterBackend()
    var info: BackendInfo { inner.info }
    func tokenize(_ text: String, addSpecial: Bool) async throws -> [Int32] {
        try await inner.tokenize(text, addSpecial: addSpecial)
    }
    func loglikelihood(_ requests: [LoglikelihoodRequest]) async throws -> [LoglikelihoodResult] {
        try await inner.loglikelihood(requests)
    }
    func scorePrompt(_ text: String, addSpecial: Bool) async throws -> [PromptTokenLogprob] {
        try await inner.scorePrompt(text, addSpecial: addSpecial)
    }
    func generate(_ request: GenerationRequest, onToken: @Sendable (String) -> Void) async throws -> GenerationResult {
        let eos = GeneratedTokenLogprob(
            token: 2, text: "</s>", bytes: Array("</s>".utf8), logprob: -0.25,
            alternatives: [TokenAlternative(token: 2, text: "</s>", logprob: -0.25)])
        return GenerationResult(
            text: "", tokens: [], promptTokenCount: request.prompt.count, finishReason: .endOfGeneration,
            timing: RequestTiming(), logprobs: request.logprobs == nil ? [] : [eos])
    }
}

extension OpenAIShapeTests {
    /// lm-eval scores with `echo, logprobs: 1, max_tokens: 1` and drops the last entry: the
    /// sampled token must be there even when it ends generation, or a one-token continuation
    /// would sum to 0.
    @Test func echoScoringKeepsAnEndOfGenerationToken() throws {
        let f = try ServiceFixture(backend: StopsAtOnceBackend())
        let body = try Self.json(
            try f.request(
                "POST", "/v1/completions", token: f.tokens[.auditor],
                json: #"{"prompt":"ab","echo":true,"logprobs":1,"max_tokens":1,"temperature":0}"#))
        let logprobs = try #require(body["choices"]?.arrayValue?.first?.objectValue?["logprobs"]?.objectValue)
        #expect(logprobs["tokens"] == ["", "a", "b", "</s>"])
        #expect(logprobs["token_logprobs"]?.arrayValue?.last == .number(-0.25))
        #expect(body["usage"]?.objectValue?["completion_tokens"] == 0)
        // Without echo the stop token is not part of the completion's logprobs.
        let plain = try Self.json(
            try f.request(
                "POST", "/v1/completions", token: f.tokens[.auditor],
                json: #"{"prompt":"ab","logprobs":1,"max_tokens":1,"temperature":0}"#))
        #expect(plain["choices"]?.arrayValue?.first?.objectValue?["logprobs"]?.objectValue?["tokens"] == .array([]))
    }
}
