import JSON

/// An RFC 9457 problem: what every error response carries, as `application/problem+json`
/// `{type, title, status, detail}`. `type` URIs are stable; clients switch on them.
public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problem types this service emits. The raw value is the last path segment of `type`.
    public enum Kind: String, Sendable, CaseIterable {
        case badRequest = "bad-request"
        case invalidJSON = "invalid-json"
        case validation = "validation-failed"
        case unauthorized = "unauthorized"
        case forbidden = "forbidden"
        case notFound = "not-found"
        case methodNotAllowed = "method-not-allowed"
        case timeout = "request-timeout"
        case conflict = "conflict"
        case preconditionFailed = "precondition-failed"
        case preconditionRequired = "precondition-required"
        case contentTooLarge = "content-too-large"
        case uriTooLong = "uri-too-long"
        case headersTooLarge = "header-fields-too-large"
        case unsupportedMediaType = "unsupported-media-type"
        case expectationFailed = "expectation-failed"
        case internalError = "internal-error"
        case notImplemented = "not-implemented"
        case unavailable = "service-unavailable"
        case versionNotSupported = "http-version-not-supported"
        case noModel = "no-model-loaded"

        public var status: HTTPStatus {
            switch self {
            case .badRequest, .invalidJSON: return .badRequest
            case .validation: return .unprocessableContent
            case .unauthorized: return .unauthorized
            case .forbidden: return .forbidden
            case .notFound, .noModel: return .notFound
            case .methodNotAllowed: return .methodNotAllowed
            case .timeout: return .requestTimeout
            case .conflict: return .conflict
            case .preconditionFailed: return .preconditionFailed
            case .preconditionRequired: return .preconditionRequired
            case .contentTooLarge: return .contentTooLarge
            case .uriTooLong: return .uriTooLong
            case .headersTooLarge: return .headerFieldsTooLarge
            case .unsupportedMediaType: return .unsupportedMediaType
            case .expectationFailed: return .expectationFailed
            case .internalError: return .internalServerError
            case .notImplemented: return .notImplemented
            case .unavailable: return .serviceUnavailable
            case .versionNotSupported: return .httpVersionNotSupported
            }
        }

        public var title: String {
            switch self {
            case .badRequest: return "Bad request"
            case .invalidJSON: return "Invalid JSON body"
            case .validation: return "Validation failed"
            case .unauthorized: return "Authentication required"
            case .forbidden: return "Forbidden"
            case .notFound: return "Not found"
            case .methodNotAllowed: return "Method not allowed"
            case .timeout: return "Request timeout"
            case .conflict: return "Conflict"
            case .preconditionFailed: return "Precondition failed"
            case .preconditionRequired: return "Precondition required"
            case .contentTooLarge: return "Content too large"
            case .uriTooLong: return "URI too long"
            case .headersTooLarge: return "Header fields too large"
            case .unsupportedMediaType: return "Unsupported media type"
            case .expectationFailed: return "Expectation failed"
            case .internalError: return "Internal error"
            case .notImplemented: return "Not implemented"
            case .unavailable: return "Service unavailable"
            case .versionNotSupported: return "HTTP version not supported"
            case .noModel: return "No model loaded"
            }
        }

        /// The stable `type` URI.
        public var typeURI: String { Problem.typeBase + rawValue }

        init?(status: Int) {
            guard let kind = Kind.allCases.first(where: { $0.status.code == status }) else { return nil }
            self = kind
        }
    }

    /// Prefix of every `type` URI.
    public static let typeBase = "https://assay.dev/problems/"

    public var kind: Kind
    public var detail: String
    /// Extra response headers (`Allow`, `WWW-Authenticate`).
    public var headers: HTTPHeaders

    /// Longest `detail` sent (characters): error bodies never echo large inputs.
    public static let maxDetailLength = 500

    public init(kind: Kind, detail: String, headers: HTTPHeaders = [:]) {
        self.kind = kind
        self.detail =
            detail.count <= Self.maxDetailLength
            ? detail : String(detail.prefix(Self.maxDetailLength)) + "… (truncated)"
        self.headers = headers
    }

    /// A transport error as a problem.
    public init(httpError: HTTPError) {
        self.init(kind: Kind(status: httpError.status.code) ?? .badRequest, detail: httpError.detail)
    }

    public static func == (lhs: Problem, rhs: Problem) -> Bool {
        lhs.kind == rhs.kind && lhs.detail == rhs.detail
    }

    public var description: String { "\(kind.status.code) \(kind.rawValue): \(detail)" }

    /// The JSON members.
    public var json: JSONValue {
        [
            "type": .string(kind.typeURI), "title": .string(kind.title), "status": .integer(Int64(kind.status.code)),
            "detail": .string(detail)
        ]
    }

    /// The `application/problem+json` response.
    public var response: Response {
        var response = Response(
            status: kind.status, contentType: "application/problem+json",
            bytes: (try? json.canonicalBytes()) ?? [])
        for (name, value) in headers { response.headers.add(name, value) }
        return response
    }
}

/// Errors that know their problem representation.
public protocol ProblemConvertible: Error {
    var problem: Problem { get }
}

extension Problem: ProblemConvertible {
    public var problem: Problem { self }
}

extension HTTPError: ProblemConvertible {
    public var problem: Problem { Problem(httpError: self) }
}
