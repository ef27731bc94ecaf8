import Foundation
import Synchronization

/// An HTTP status code with its reason phrase.
public struct HTTPStatus: Sendable, Hashable, CustomStringConvertible {
    public var code: Int
    public var reason: String

    public init(_ code: Int, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code) \(reason)" }

    public static let ok = HTTPStatus(200, "OK")
    public static let created = HTTPStatus(201, "Created")
    public static let noContent = HTTPStatus(204, "No Content")
    public static let badRequest = HTTPStatus(400, "Bad Request")
    public static let unauthorized = HTTPStatus(401, "Unauthorized")
    public static let forbidden = HTTPStatus(403, "Forbidden")
    public static let notFound = HTTPStatus(404, "Not Found")
    public static let methodNotAllowed = HTTPStatus(405, "Method Not Allowed")
    public static let requestTimeout = HTTPStatus(408, "Request Timeout")
    public static let conflict = HTTPStatus(409, "Conflict")
    public static let lengthRequired = HTTPStatus(411, "Length Required")
    public static let preconditionFailed = HTTPStatus(412, "Precondition Failed")
    public static let contentTooLarge = HTTPStatus(413, "Content Too Large")
    public static let uriTooLong = HTTPStatus(414, "URI Too Long")
    public static let unsupportedMediaType = HTTPStatus(415, "Unsupported Media Type")
    public static let expectationFailed = HTTPStatus(417, "Expectation Failed")
    public static let unprocessableContent = HTTPStatus(422, "Unprocessable Content")
    public static let preconditionRequired = HTTPStatus(428, "Precondition Required")
    public static let headerFieldsTooLarge = HTTPStatus(431, "Request Header Fields Too Large")
    public static let internalServerError = HTTPStatus(500, "Internal Server Error")
    public static let notImplemented = HTTPStatus(501, "Not Implemented")
    public static let serviceUnavailable = HTTPStatus(503, "Service Unavailable")
    public static let httpVersionNotSupported = HTTPStatus(505, "HTTP Version Not Supported")
}

/// Header fields in arrival order; lookups ignore ASCII case.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [(name: String, value: String)] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// Appends a field (does not replace).
    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every field named `name` with one field.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        fields.append((name: name, value: value))
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { Self.equalsIgnoringCase($0.name, name) }
    }

    /// The first value of `name`.
    public subscript(_ name: String) -> String? {
        fields.first { Self.equalsIgnoringCase($0.name, name) }?.value
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.filter { Self.equalsIgnoringCase($0.name, name) }.map(\.value)
    }

    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        let x = a.utf8
        let y = b.utf8
        guard x.count == y.count else { return false }
        for (p, q) in zip(x, y) where p != q {
            guard (p | 0x20) == (q | 0x20), (p | 0x20) >= UInt8(ascii: "a"), (p | 0x20) <= UInt8(ascii: "z") else {
                return false
            }
        }
        return true
    }
}

/// A parsed HTTP request as handlers see it.
public struct Request: Sendable {
    /// Method token as sent (case-sensitive, e.g. "GET").
    public var method: String
    /// The request target as sent (origin-form: path and optional query).
    public var target: String
    /// The raw (still percent-encoded) path part of the target.
    public var rawPath: String
    /// Decoded query parameters in order (a name may repeat).
    public var query: [(name: String, value: String)]
    /// "HTTP/1.1" or "HTTP/1.0".
    public var version: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Path parameters filled in by the router (decoded segments).
    public var parameters: [String: String] = [:]
    /// The sink a streamed body was written to (routes that stream their body; `body` is then
    /// empty). See `BodyDisposition`.
    public var streamedBody: (any RequestBodySink)?

    public init(
        method: String, target: String, version: String = "HTTP/1.1", headers: HTTPHeaders = [:],
        body: [UInt8] = []
    ) throws(HTTPError) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        let (path, query) = try TargetParser.split(target)
        self.rawPath = path
        self.query = query
    }

    /// The first value of query parameter `name`.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }
}

/// What a handler returns.
public struct Response: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: Body

    /// A complete body, or a stream written chunk by chunk (chunked transfer coding).
    public enum Body: Sendable {
        case bytes([UInt8])
        case stream(@Sendable (BodyWriter) throws -> Void)
    }

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A complete body with its content type.
    public init(status: HTTPStatus = .ok, contentType: String, bytes: [UInt8]) {
        self.status = status
        self.headers = ["Content-Type": contentType]
        self.body = .bytes(bytes)
    }

    /// The complete body bytes (streams are run into memory; for tests and small streams).
    public func collectBody() throws -> [UInt8] {
        switch body {
        case .bytes(let b): return b
        case .stream(let produce):
            let collector = CollectingBodyWriter()
            try produce(collector)
            return collector.bytes
        }
    }
}

/// Receives the chunks of a streamed response body. Thread-safe: a generator may call it from
/// another thread than the connection's, one call at a time.
public protocol BodyWriter: Sendable {
    /// Writes one chunk; throws when the client has gone.
    func write(_ bytes: [UInt8]) throws
}

/// A `BodyWriter` that keeps everything in memory.
public final class CollectingBodyWriter: BodyWriter, Sendable {
    private let storage = Mutex<[UInt8]>([])

    public init() {}

    public func write(_ bytes: [UInt8]) throws {
        storage.withLock { $0 += bytes }
    }

    public var bytes: [UInt8] { storage.withLock { $0 } }
}

/// Receives a request body as it arrives, instead of the server buffering it (uploads).
/// Called from the connection's thread only, in order.
public protocol RequestBodySink: AnyObject, Sendable {
    /// Consumes the next bytes of the body; a thrown error stops the upload and becomes the
    /// response (a `ProblemConvertible` error keeps its status; anything else is a 500).
    func write(_ bytes: ArraySlice<UInt8>) throws
    /// The body did not arrive completely (client gone, timeout, framing error): discard it.
    func abandon()
}

/// How the server receives the body of a request whose head has arrived, decided before any
/// body byte is read.
public enum BodyDisposition: Sendable {
    /// Read it into memory, up to `HTTPLimits.maxBodyBytes`.
    case buffer
    /// Hand it to the sink as it arrives, up to `HTTPLimits.maxUploadBytes`; the request then
    /// reaches the responder with `streamedBody` set and an empty `body`.
    case stream(any RequestBodySink)
    /// Answer with this response without reading the body, and close the connection.
    case reject(Response)
}

/// A protocol-level failure: becomes a response with `status` (and closes the connection when
/// the transport raised it).
public struct HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: HTTPStatus
    public var detail: String

    init(_ status: HTTPStatus, _ detail: String) {
        self.status = status
        self.detail = detail
    }

    public var description: String { "\(status): \(detail)" }
}

/// Splits an origin-form target into its raw path and decoded query.
enum TargetParser {
    static func split(_ target: String) throws(HTTPError) -> (path: String, query: [(name: String, value: String)]) {
        let bytes = Array(target.utf8)
        guard bytes.first == UInt8(ascii: "/") else {
            throw HTTPError(.badRequest, "the request target must be an absolute path (origin-form)")
        }
        let q = bytes.firstIndex(of: UInt8(ascii: "?"))
        let pathBytes = bytes[..<(q ?? bytes.endIndex)]
        var query: [(name: String, value: String)] = []
        if let q {
            for pair in bytes[(q + 1)...].split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
                let eq = pair.firstIndex(of: UInt8(ascii: "="))
                let name = try PercentDecoding.decode(pair[..<(eq ?? pair.endIndex)], plusAsSpace: true)
                let value =
                    try eq.map { e throws(HTTPError) in try PercentDecoding.decode(pair[(e + 1)...], plusAsSpace: true)
                    } ?? ""
                query.append((name: name, value: value))
            }
        }
        return (String(decoding: pathBytes, as: UTF8.self), query)
    }
}

/// Strict percent-decoding: malformed escapes, NUL and invalid UTF-8 are errors.
enum PercentDecoding {
    static func decode<C: Collection>(_ bytes: C, plusAsSpace: Bool) throws(HTTPError) -> String
    where C.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "%") {
                let h = bytes.index(after: i)
                guard h != bytes.endIndex, bytes.index(after: h) != bytes.endIndex,
                    let hi = hexValue(bytes[h]), let lo = hexValue(bytes[bytes.index(after: h)])
                else {
                    throw HTTPError(.badRequest, "malformed percent-encoding in the request target")
                }
                out.append(hi << 4 | lo)
                i = bytes.index(h, offsetBy: 2)
                continue
            }
            out.append(plusAsSpace && b == UInt8(ascii: "+") ? UInt8(ascii: " ") : b)
            i = bytes.index(after: i)
        }
        guard !out.contains(0) else { throw HTTPError(.badRequest, "NUL byte in the request target") }
        guard let text = String(validating: out, as: UTF8.self) else {
            throw HTTPError(.badRequest, "the request target does not decode to UTF-8")
        }
        return text
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Encodes everything outside RFC 3986 unreserved characters.
    static func encode(_ text: String) -> String {
        var out = ""
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(b >> 4)], hex[Int(b & 0xf)]], as: UTF8.self)
            }
        }
        return out
    }
}
