import Governance
import JSON

/// Who may call a route.
public enum Access: Sendable, Hashable, CustomStringConvertible {
    /// No token needed (health, OpenAPI document).
    case anonymous
    /// A valid token whose actor holds at least one of these roles.
    case anyOf(Set<Role>)

    /// Every role: any authenticated actor with a role in the registry may read.
    public static let readers = Access.anyOf(Set(Role.allCases))

    public var description: String {
        switch self {
        case .anonymous: return "anonymous"
        case .anyOf(let roles): return roles.sorted().map(\.rawValue).joined(separator: "|")
        }
    }

    /// True when an actor holding `roles` may call the route.
    public func permits(_ roles: Set<Role>) -> Bool {
        switch self {
        case .anonymous: return true
        case .anyOf(let required): return !required.isDisjoint(with: roles)
        }
    }
}

/// What the router learned about the caller; handed to handlers.
public struct RequestContext: Sendable {
    /// The authenticated actor (nil on anonymous routes without a token).
    public var actor: String?
    public var roles: Set<Role> = []

    /// The actor, or a 401 problem (for handlers of authenticated routes).
    public func requireActor() throws -> String {
        guard let actor else { throw Problem(kind: .unauthorized, detail: "a bearer token is required") }
        return actor
    }
}

/// A handler: a function of the request (path parameters filled in) and its context.
public typealias Handler = @Sendable (Request, RequestContext) async throws -> Response

/// Makes the sink a streamed request body is written to, once the route matched and the
/// caller was authorized (path parameters filled in; the body not yet read).
public typealias BodySinkFactory = @Sendable (Request, RequestContext) throws -> any RequestBodySink

/// One route: method, path pattern (`/v1/models/{name}`), access and handler.
public struct Route: Sendable {
    public var method: String
    public var pattern: String
    public var access: Access
    /// Stable name, matching `operationId` in the OpenAPI document.
    public var operationID: String
    public var handler: Handler
    /// Set on routes whose body is streamed to a sink instead of buffered (uploads): the body
    /// limit is then `HTTPLimits.maxUploadBytes`, and the handler finds the sink in
    /// `Request.streamedBody`.
    public var streamsBody: BodySinkFactory?

    public init(
        _ method: String, _ pattern: String, access: Access, operationID: String,
        streamsBody: BodySinkFactory? = nil, handler: @escaping Handler
    ) {
        self.method = method
        self.pattern = pattern
        self.access = access
        self.operationID = operationID
        self.streamsBody = streamsBody
        self.handler = handler
    }

    var segments: [Segment] {
        pattern.split(separator: "/", omittingEmptySubsequences: true).map { part in
            part.hasPrefix("{") && part.hasSuffix("}")
                ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
    }

    enum Segment: Equatable {
        case literal(String)
        case parameter(String)
    }
}

/// Decides who the bearer of a token is and which roles they hold.
public protocol AccessControl: Sendable {
    /// The actor owning `token`, or nil when the token is unknown or revoked.
    func actor(forToken token: String) throws -> String?
    /// The roles `actor` currently holds.
    func roles(of actor: String) throws -> Set<Role>
}

/// Maps (method, path) to a route, checks access, runs the handler and turns every error into
/// a problem response. Built once; immutable.
public struct Router: HTTPResponder {
    public let routes: [Route]
    let compiled: [(route: Route, segments: [Route.Segment])]
    let accessControl: any AccessControl
    let errorMapper: @Sendable (any Error) -> Problem
    let hasStreamingRoutes: Bool

    public init(
        routes: [Route], accessControl: any AccessControl,
        errorMapper: @escaping @Sendable (any Error) -> Problem = Router.defaultErrorMapper
    ) {
        self.routes = routes
        self.compiled = routes.map { ($0, $0.segments) }
        self.hasStreamingRoutes = routes.contains { $0.streamsBody != nil }
        self.accessControl = accessControl
        self.errorMapper = errorMapper
    }

    /// Problems pass through; anything else is a 500 without internals.
    public static let defaultErrorMapper: @Sendable (any Error) -> Problem = { error in
        if let convertible = error as? any ProblemConvertible { return convertible.problem }
        return Problem(kind: .internalError, detail: "the server failed to handle the request")
    }

    public func respond(to request: Request) async -> Response {
        do {
            return try await route(request)
        } catch {
            if OpenAIError.applies(to: request.rawPath) {
                return OpenAIError.response(for: error, mapped: errorMapper(error))
            }
            return errorMapper(error).response
        }
    }

    /// Streaming routes get a sink once the caller is authorized, so nobody without the route's
    /// role can make the server store a single byte; refusals are answered before the body is read.
    public func bodyDisposition(for request: Request) -> BodyDisposition {
        guard hasStreamingRoutes, request.method != "GET", request.method != "HEAD" else { return .buffer }
        guard let (route, parameters) = try? match(request), let factory = route.streamsBody else { return .buffer }
        do {
            let context = try authorize(request, access: route.access)
            var request = request
            request.parameters = parameters
            return .stream(try factory(request, context))
        } catch {
            return .reject(errorMapper(error).response)
        }
    }

    /// Splits and decodes the path. Encoded slashes, dot segments, NUL and bad escapes are
    /// rejected (400) before any matching: a name can never walk the file system.
    static func decodePath(_ rawPath: String) throws(Problem) -> [String] {
        guard rawPath.hasPrefix("/") else { throw Problem(kind: .badRequest, detail: "the path must start with '/'") }
        var segments: [String] = []
        for raw in rawPath.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst() {
            let decoded: String
            do { decoded = try PercentDecoding.decode(raw, plusAsSpace: false) } catch {
                throw Problem(kind: .badRequest, detail: error.detail)
            }
            if decoded == "." || decoded == ".." {
                throw Problem(kind: .badRequest, detail: "dot segments are not allowed in paths")
            }
            if decoded.utf8.contains(UInt8(ascii: "/")) || decoded.utf8.contains(UInt8(ascii: "\\")) {
                throw Problem(kind: .badRequest, detail: "encoded slashes are not allowed in path segments")
            }
            if decoded.utf8.contains(where: { $0 < 0x20 || $0 == 0x7f }) {
                throw Problem(kind: .badRequest, detail: "control characters are not allowed in paths")
            }
            segments.append(decoded)
        }
        // "/" is the empty list; a trailing slash leaves an empty last segment (no route has one).
        if segments == [""] { segments = [] }
        return segments
    }

    /// The route and parameters for `request`, or a 404/405 problem. Concrete segments win over
    /// templated ones (OpenAPI's rule): `/api/v1/evaluations/import` belongs to the import route
    /// alone, never to `/api/v1/evaluations/{id}`, so its `Allow` lists only what is documented there.
    func match(_ request: Request) throws(Problem) -> (Route, [String: String]) {
        let segments = try Self.decodePath(request.rawPath)
        let method = request.method == "HEAD" ? "GET" : request.method
        var best: [Int] = []
        var candidates: [(route: Route, parameters: [String: String])] = []
        for (route, pattern) in compiled where pattern.count == segments.count {
            var parameters: [String: String] = [:]
            var matched = true
            for (part, segment) in zip(pattern, segments) {
                switch part {
                case .literal(let text): if text != segment { matched = false }
                case .parameter(let name):
                    if segment.isEmpty { matched = false } else { parameters[name] = segment }
                }
                if !matched { break }
            }
            guard matched else { continue }
            let specificity = pattern.map { part -> Int in
                if case .literal = part { return 1 }
                return 0
            }
            if candidates.isEmpty || best.lexicographicallyPrecedes(specificity) {
                best = specificity
                candidates = [(route, parameters)]
            } else if specificity == best {
                candidates.append((route, parameters))
            }
        }
        if let hit = candidates.first(where: { $0.route.method == method }) { return (hit.route, hit.parameters) }
        var allowed = candidates.map(\.route.method)
        guard allowed.isEmpty else {
            if allowed.contains("GET") { allowed.append("HEAD") }
            throw Problem(
                kind: .methodNotAllowed, detail: "\(request.method) is not allowed here",
                headers: ["Allow": allowed.joined(separator: ", ")])
        }
        throw Problem(kind: .notFound, detail: "no such resource")
    }

    private func route(_ request: Request) async throws -> Response {
        let (route, parameters) = try match(request)
        let context = try authorize(request, access: route.access)
        var request = request
        request.parameters = parameters
        if let factory = route.streamsBody, request.streamedBody == nil {
            // Called directly (not through the server): the buffered body goes to a sink too.
            let sink = try factory(request, context)
            defer { sink.abandon() }
            try sink.write(request.body[...])
            request.streamedBody = sink
            request.body = []
            return try await route.handler(request, context)
        }
        return try await route.handler(request, context)
    }

    /// 401 without a valid token; 403 when the actor's roles do not satisfy the route. Runs
    /// before the handler, so the answer never depends on whether a resource exists.
    func authorize(_ request: Request, access: Access) throws -> RequestContext {
        let header = request.headers["Authorization"]
        if case .anonymous = access {
            // Anonymous routes never fail on credentials; a valid token still names the caller.
            guard let token = header.flatMap(Self.bearerToken), let actor = try? accessControl.actor(forToken: token)
            else {
                return RequestContext()
            }
            return RequestContext(actor: actor, roles: (try? accessControl.roles(of: actor)) ?? [])
        }
        let challenge: HTTPHeaders = ["WWW-Authenticate": "Bearer realm=\"assay\""]
        guard let header else {
            throw Problem(kind: .unauthorized, detail: "a bearer token is required", headers: challenge)
        }
        guard let token = Self.bearerToken(header) else {
            throw Problem(
                kind: .unauthorized, detail: "malformed Authorization header (expected 'Bearer TOKEN')",
                headers: challenge)
        }
        guard let actor = try accessControl.actor(forToken: token) else {
            throw Problem(
                kind: .unauthorized, detail: "the token is unknown or revoked",
                headers: ["WWW-Authenticate": "Bearer realm=\"assay\", error=\"invalid_token\""])
        }
        let roles = try accessControl.roles(of: actor)
        guard access.permits(roles) else {
            throw Problem(kind: .forbidden, detail: "actor '\(actor)' lacks a role this route requires (\(access))")
        }
        return RequestContext(actor: actor, roles: roles)
    }

    static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty, parts[1].utf8.count <= 256 else {
            return nil
        }
        return String(parts[1])
    }
}

extension Response {
    /// A JSON response (compact, keys sorted).
    public static func json(_ value: JSONValue, status: HTTPStatus = .ok) throws -> Response {
        Response(status: status, contentType: "application/json", bytes: try value.canonicalBytes())
    }
}

extension Request {
    /// Path parameter `name` (set by the router).
    public func parameter(_ name: String) throws -> String {
        guard let value = parameters[name] else {
            throw Problem(kind: .internalError, detail: "route parameter '\(name)' missing")
        }
        return value
    }

    /// The JSON object body, or an empty object when there is no body (optional bodies).
    public func optionalJSONObject() throws -> [String: JSONValue] {
        body.isEmpty && headers["Content-Type"] == nil ? [:] : try jsonObject()
    }

    /// The body parsed as a JSON object; 415 unless the content type is JSON, 400 when invalid.
    public func jsonObject() throws -> [String: JSONValue] {
        let type = headers["Content-Type"]?.split(separator: ";").first?.trimmingOWS().lowercased()
        guard type == "application/json" else {
            throw Problem(kind: .unsupportedMediaType, detail: "send the body as application/json")
        }
        let value: JSONValue
        do { value = try JSONValue.parse(body) } catch {
            throw Problem(kind: .invalidJSON, detail: error.description)
        }
        guard let object = value.objectValue else {
            throw Problem(kind: .invalidJSON, detail: "the body must be a JSON object")
        }
        return object
    }
}
