import Foundation
import InferenceCore
import JSON

/// OpenAI-compatible inference: `/v1/models`, `/v1/completions` (prompt strings, token-id
/// arrays and batches; `echo` + `logprobs` for scoring, with or without generated tokens),
/// `/v1/chat/completions` (the model's chat template, SSE streaming), plus vLLM's
/// `/tokenize`, `/detokenize`, `/tokenizer_info` (also llama-server's `/tokenize`) that lm-eval's
/// remote tokenizer uses. Without a model every route answers 404 `model_not_found`.
public struct InferenceAPI: Sendable {
    let catalog: (any ModelCatalog)?
    let metrics: InferenceMetrics

    public init(catalog: (any ModelCatalog)?, metrics: InferenceMetrics = InferenceMetrics()) {
        self.catalog = catalog
        self.metrics = metrics
    }

    /// One backend served as `modelID`.
    public init(backend: (any Backend)?, modelID: String, created: Int64 = Int64(Date().timeIntervalSince1970)) {
        self.init(
            catalog: backend.map { SingleModelCatalog(backend: $0, model: ServedModel(id: modelID, created: created)) })
    }

    /// Times a handler and counts its answers for `/metrics`.
    func measured(_ route: String, _ handler: @escaping Handler) -> Handler {
        let metrics = self.metrics
        return { req, context in
            let start = DispatchTime.now().uptimeNanoseconds
            func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
            do {
                let response = try await handler(req, context)
                metrics.request(route: route, status: response.status.code, seconds: seconds())
                return response
            } catch {
                let status = (error as? OpenAIError)?.status.code ?? ServiceErrors.mapper(error).kind.status.code
                metrics.request(
                    route: route, status: OpenAIError.applies(to: route) && status == 422 ? 400 : status,
                    seconds: seconds())
                throw error
            }
        }
    }

    func loadedModels() -> [String] {
        if let lazy = catalog as? LazyModelCatalog { return lazy.loadedModels }
        return catalog?.models().map(\.id) ?? []
    }

    public var routes: [Route] {
        [
            Route("GET", "/health", access: .anonymous, operationID: "inferenceHealth") { req, _ in
                _ = try Query(req, allowed: [])
                let served = catalog?.models().map { JSONValue.string($0.id) } ?? []
                return try .json([
                    "status": "ok", "models": .array(served),
                    "loaded": .array(loadedModels().map(JSONValue.string))
                ])
            },
            Route("GET", "/metrics", access: .anonymous, operationID: "inferenceMetrics") { req, _ in
                _ = try Query(req, allowed: [])
                return Response(
                    status: .ok, contentType: "text/plain; version=0.0.4",
                    bytes: Array(metrics.render(loaded: loadedModels()).utf8))
            },
            Route("GET", "/v1/models", access: .readers, operationID: "listServedModels") { req, _ in
                _ = try Query(req, allowed: [])
                let data = (catalog?.models() ?? []).map(Self.modelJSON)
                return try .json(["object": "list", "data": .array(data)])
            },
            Route("GET", "/v1/models/{model}", access: .readers, operationID: "retrieveServedModel") { req, _ in
                _ = try Query(req, allowed: [])
                let name = try req.parameter("model")
                let (model, _) = try resolve(name)
                return try .json(Self.modelJSON(model))
            },
            Route(
                "POST", "/v1/completions", access: .readers, operationID: "createCompletion",
                handler: measured("/v1/completions", completions)),
            Route(
                "POST", "/v1/chat/completions", access: .readers, operationID: "createChatCompletion",
                handler: measured("/v1/chat/completions", chat)),
            Route("POST", "/tokenize", access: .readers, operationID: "tokenize", handler: tokenize),
            Route("POST", "/detokenize", access: .readers, operationID: "detokenize", handler: detokenize),
            Route("GET", "/tokenizer_info", access: .readers, operationID: "tokenizerInfo", handler: tokenizerInfo)
        ]
    }

    static func modelJSON(_ m: ServedModel) -> JSONValue {
        ["id": .string(m.id), "object": "model", "created": .integer(m.created), "owned_by": .string(m.ownedBy)]
    }

    /// The served model `name` selects (nil: the default).
    func resolve(_ name: String?) throws -> (ServedModel, any Backend) {
        guard let catalog else {
            throw OpenAIError(
                status: .notFound, "no model is loaded (start 'assay serve --model FILE|NAME@VERSION')",
                param: "model", code: "model_not_found")
        }
        return try catalog.backend(for: name)
    }

    /// A generation request's body, its members checked against `allowed`, and the model it names.
    func generationBody(
        _ req: Request, allowed: Set<String>
    ) throws -> (object: [String: JSONValue], model: ServedModel, backend: any Backend) {
        let object = try req.jsonObject()
        try Self.checkMembers(object, allowed)
        let (model, backend) = try resolve(object)
        return (object, model, backend)
    }

    /// The backend of a request body's `model` member.
    func resolve(_ object: [String: JSONValue]) throws -> (ServedModel, any Backend) {
        switch object["model"] {
        case nil, .null?: return try resolve(nil as String?)
        case .string(let name)?: return try resolve(name)
        default: throw OpenAIError("'model' must be a string", param: "model")
        }
    }
}
