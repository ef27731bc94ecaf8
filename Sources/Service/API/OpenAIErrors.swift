import InferenceCore
import JSON

/// An error in OpenAI's shape, `{"error": {"message", "type", "param", "code"}}`, which the
/// `openai` client and lm-eval read. Every error on `/v1/*` is rendered this way; elsewhere it
/// is a problem+json like the rest of the API.
public struct OpenAIError: Error, Sendable, Equatable, ProblemConvertible {
    public var status: HTTPStatus
    public var message: String
    /// The request member at fault, if one is.
    public var param: String?
    /// A machine-readable code ("model_not_found", "context_length_exceeded", ...).
    public var code: String?

    public init(status: HTTPStatus = .badRequest, _ message: String, param: String? = nil, code: String? = nil) {
        self.status = status
        self.message = message
        self.param = param
        self.code = code
    }

    /// A problem raised elsewhere (router, auth, validation), in OpenAI's shape. Validation
    /// failures become 400 as OpenAI answers them; a detail that starts with a quoted member
    /// name ("'temperature' must ...") names that member as `param`.
    public init(_ problem: Problem) {
        let status: HTTPStatus =
            problem.kind == .validation || problem.kind == .invalidJSON ? .badRequest : problem.kind.status
        var param: String?
        if problem.detail.hasPrefix("'"), let end = problem.detail.dropFirst().firstIndex(of: "'") {
            param = String(problem.detail[problem.detail.index(after: problem.detail.startIndex)..<end])
        } else if problem.detail.hasPrefix("unknown member '"), problem.detail.hasSuffix("'") {
            param = String(problem.detail.dropFirst("unknown member '".count).dropLast())
        }
        let code: String? =
            switch problem.kind {
            case .noModel: "model_not_found"
            case .unauthorized: "invalid_api_key"
            default: nil
            }
        self.init(status: status, problem.detail, param: param, code: code)
    }

    /// The engine's failures that are the request's fault are 400s, not 500s.
    static func from(_ error: InferenceError) -> OpenAIError? {
        switch error {
        case .contextOverflow(let requested, let capacity):
            return OpenAIError(
                "this model's context is \(capacity) tokens; the request needs \(requested)",
                param: "prompt", code: "context_length_exceeded")
        case .invalidToken(let token, let size):
            return OpenAIError(
                "token id \(token) is outside the vocabulary (0..<\(size))", param: "prompt", code: "invalid_token")
        case .invalidRequest(let message):
            return OpenAIError(message, param: message.contains("prompt") ? "prompt" : nil)
        default:
            return nil
        }
    }

    /// OpenAI's error `type` for a status.
    var type: String {
        switch status.code {
        case 401: return "authentication_error"
        case 403: return "permission_error"
        case 404: return "not_found_error"
        case 429: return "rate_limit_error"
        case 400..<500: return "invalid_request_error"
        default: return "server_error"
        }
    }

    public var json: JSONValue {
        [
            "error": [
                "message": .string(message), "type": .string(type), "param": param.map(JSONValue.string) ?? .null,
                "code": code.map(JSONValue.string) ?? .null
            ]
        ]
    }

    public var response: Response {
        let body =
            (try? json.canonicalBytes())
            ?? Array(#"{"error":{"message":"error","type":"server_error","param":null,"code":null}}"#.utf8)
        return Response(status: status, contentType: "application/json", bytes: body)
    }

    public var problem: Problem {
        let kind: Problem.Kind =
            switch status.code {
            case 400: .validation
            case 404: .notFound
            case 501: .notImplemented
            case 500...: .internalError
            default: Problem.Kind.allCases.first { $0.status == status } ?? .badRequest
            }
        return Problem(kind: kind, detail: message)
    }

    /// Whether errors on `path` use this shape.
    public static func applies(to path: String) -> Bool { path.hasPrefix("/v1/") || path == "/v1" }

    /// The response for `error` on an OpenAI route (`mapped` is the service's problem for it).
    public static func response(for error: any Error, mapped: Problem) -> Response {
        let shaped = (error as? OpenAIError) ?? OpenAIError(mapped)
        var response = shaped.response
        if error as? OpenAIError == nil {
            for (name, value) in mapped.headers { response.headers.add(name, value) }
        }
        return response
    }
}
