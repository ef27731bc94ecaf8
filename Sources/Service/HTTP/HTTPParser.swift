/// Size limits the transport enforces before any handler runs.
public struct HTTPLimits: Sendable, Equatable {
    /// Longest request line (method, target, version); beyond it: 414.
    public var maxRequestLineBytes: Int = 8 * 1024
    /// Longest request head (request line and all header lines); beyond it: 431.
    public var maxHeaderBytes: Int = 32 * 1024
    /// Most header fields; beyond it: 431.
    public var maxHeaderCount: Int = 100
    /// Largest request body read into memory (after chunked decoding); beyond it: 413.
    public var maxBodyBytes: Int = 16 * 1024 * 1024
    /// Largest body of a route that streams its body to disk (artifact uploads); beyond it: 413.
    public var maxUploadBytes: Int = 8 << 30

    public init(
        maxRequestLineBytes: Int = 8 * 1024, maxHeaderBytes: Int = 32 * 1024, maxHeaderCount: Int = 100,
        maxBodyBytes: Int = 16 * 1024 * 1024, maxUploadBytes: Int = 8 << 30
    ) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.maxUploadBytes = maxUploadBytes
    }

    /// The largest body any route accepts (the parser's first check; the connection applies
    /// the route's own limit once it knows how the body is received).
    var maxAnyBodyBytes: Int { max(maxBodyBytes, maxUploadBytes) }
}

/// How the body of a request is delimited.
enum BodyFraming: Equatable {
    case none
    case length(Int)
    case chunked
}

/// A parsed request head (everything before the body).
struct RequestHead {
    var method: String
    var target: String
    var version: String
    var headers: HTTPHeaders
    var framing: BodyFraming
    /// False when the client asked to close (or HTTP/1.0 without keep-alive).
    var keepAlive: Bool
    var expectsContinue: Bool
}

/// Finds and parses request heads in a byte buffer. Strict RFC 9112: CRLF line endings only,
/// token method and field names, no obs-fold, no whitespace before the colon, one Host for
/// HTTP/1.1, Content-Length and Transfer-Encoding never together.
struct RequestHeadParser {
    let limits: HTTPLimits

    enum Outcome {
        /// More bytes needed.
        case incomplete
        /// A head ending at `end` (index just past the blank line).
        case complete(RequestHead, end: Int)
    }

    /// Scans `buffer[start...]`; `scanFrom` lets the caller resume where the last scan stopped
    /// (updated in place), so a trickled head costs linear time in total.
    func parse(_ buffer: [UInt8], start: Int, scanFrom: inout Int) throws(HTTPError) -> Outcome {
        var i = max(scanFrom, start)
        let lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r")
        var firstLineEnd: Int? = nil
        // Find the first LF to check the request-line limit, then the blank line.
        while i < buffer.count {
            if buffer[i] == lf {
                guard i > start, buffer[i - 1] == cr else {
                    throw HTTPError(.badRequest, "bare LF in the request head (lines must end with CRLF)")
                }
                if firstLineEnd == nil { firstLineEnd = i }
                if i - start >= 3, buffer[i - 2] == lf {
                    scanFrom = i + 1
                    return .complete(try parseHead(buffer, start: start, end: i + 1), end: i + 1)
                }
            } else if buffer[i] == 0 {
                throw HTTPError(.badRequest, "NUL byte in the request head")
            }
            i += 1
        }
        scanFrom = i
        let length = buffer.count - start
        if length > limits.maxHeaderBytes {
            throw HTTPError(.headerFieldsTooLarge, "request head exceeds \(limits.maxHeaderBytes) bytes")
        }
        if !containsLF(buffer, from: start, to: buffer.count), length > limits.maxRequestLineBytes {
            throw HTTPError(.uriTooLong, "request line exceeds \(limits.maxRequestLineBytes) bytes")
        }
        return .incomplete
    }

    private func containsLF(_ b: [UInt8], from: Int, to: Int) -> Bool {
        var i = from
        while i < to {
            if b[i] == UInt8(ascii: "\n") { return true }
            i += 1
        }
        return false
    }

    /// Parses a complete head `buffer[start..<end]` (ends with CRLFCRLF).
    func parseHead(_ buffer: [UInt8], start: Int, end: Int) throws(HTTPError) -> RequestHead {
        // Split into lines without CRLF; the last two are empty.
        var lines: [Range<Int>] = []
        var lineStart = start
        var i = start
        while i < end {
            if buffer[i] == UInt8(ascii: "\n") {
                lines.append(lineStart..<(i - 1))
                lineStart = i + 1
            }
            i += 1
        }
        guard let requestLine = lines.first, !requestLine.isEmpty else {
            throw HTTPError(.badRequest, "empty request line")
        }
        if requestLine.count > limits.maxRequestLineBytes {
            throw HTTPError(.uriTooLong, "request line exceeds \(limits.maxRequestLineBytes) bytes")
        }
        if end - start > limits.maxHeaderBytes {
            throw HTTPError(.headerFieldsTooLarge, "request head exceeds \(limits.maxHeaderBytes) bytes")
        }
        let (method, target, version) = try parseRequestLine(buffer[requestLine])
        let fieldLines = lines.dropFirst().filter { !$0.isEmpty }
        if fieldLines.count > limits.maxHeaderCount {
            throw HTTPError(.headerFieldsTooLarge, "more than \(limits.maxHeaderCount) header fields")
        }
        var headers = HTTPHeaders()
        for line in fieldLines {
            let (name, value) = try parseField(buffer[line])
            headers.add(name, value)
        }
        return try interpret(method: method, target: target, version: version, headers: headers)
    }

    private func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPError) -> (String, String, String) {
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw HTTPError(.badRequest, "malformed request line (expected METHOD SP TARGET SP VERSION)")
        }
        let method = parts[0]
        let target = parts[1]
        let version = parts[2]
        guard !method.isEmpty, method.allSatisfy(HTTPSyntax.isTokenChar) else {
            throw HTTPError(.badRequest, "malformed method")
        }
        guard !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else {
            throw HTTPError(.badRequest, "malformed request target")
        }
        let isAsterisk = target.count == 1 && target.first == UInt8(ascii: "*")
        guard target.first == UInt8(ascii: "/") || isAsterisk else {
            throw HTTPError(.badRequest, "the request target must be an absolute path (origin-form)")
        }
        let v = Array(version)
        guard v.count == 8, v.starts(with: Array("HTTP/".utf8)), HTTPSyntax.isDigit(v[5]), v[6] == UInt8(ascii: "."),
            HTTPSyntax.isDigit(v[7])
        else {
            throw HTTPError(.badRequest, "malformed HTTP version")
        }
        guard v[5] == UInt8(ascii: "1"), v[7] == UInt8(ascii: "0") || v[7] == UInt8(ascii: "1") else {
            throw HTTPError(.httpVersionNotSupported, "only HTTP/1.0 and HTTP/1.1 are supported")
        }
        return (
            String(decoding: method, as: UTF8.self), String(decoding: target, as: UTF8.self),
            String(decoding: v, as: UTF8.self)
        )
    }

    private func parseField(_ line: ArraySlice<UInt8>) throws(HTTPError) -> (String, String) {
        guard let first = line.first, first != UInt8(ascii: " "), first != UInt8(ascii: "\t") else {
            throw HTTPError(.badRequest, "obsolete line folding is not accepted")
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            throw HTTPError(.badRequest, "header line without a colon")
        }
        let name = line[line.startIndex..<colon]
        guard !name.isEmpty, name.allSatisfy(HTTPSyntax.isTokenChar) else {
            throw HTTPError(.badRequest, "malformed header field name")
        }
        var valueStart = colon + 1
        var valueEnd = line.endIndex
        while valueStart < valueEnd, HTTPSyntax.isOWS(line[valueStart]) { valueStart += 1 }
        while valueEnd > valueStart, HTTPSyntax.isOWS(line[valueEnd - 1]) { valueEnd -= 1 }
        let value = line[valueStart..<valueEnd]
        guard value.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7f) }) else {
            throw HTTPError(.badRequest, "control character in a header field value")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    private func interpret(
        method: String, target: String, version: String,
        headers: HTTPHeaders
    ) throws(HTTPError) -> RequestHead {
        let isHTTP11 = version == "HTTP/1.1"
        let hosts = headers.values("Host")
        if isHTTP11 && hosts.count != 1 {
            throw HTTPError(.badRequest, hosts.isEmpty ? "missing Host header" : "more than one Host header")
        }
        if target == "*" && method != "OPTIONS" {
            throw HTTPError(.badRequest, "asterisk-form target is only valid for OPTIONS")
        }
        let connectionTokens = headers.values("Connection").flatMap {
            $0.split(separator: ",").map { $0.trimmingOWS().lowercased() }
        }
        let keepAlive = isHTTP11 ? !connectionTokens.contains("close") : connectionTokens.contains("keep-alive")

        let transferEncodings = headers.values("Transfer-Encoding")
        let lengths = headers.values("Content-Length")
        var framing = BodyFraming.none
        if !transferEncodings.isEmpty {
            guard isHTTP11 else { throw HTTPError(.badRequest, "Transfer-Encoding in an HTTP/1.0 request") }
            guard lengths.isEmpty else {
                throw HTTPError(.badRequest, "both Transfer-Encoding and Content-Length")
            }
            let codings = transferEncodings.flatMap { $0.split(separator: ",").map { $0.trimmingOWS().lowercased() } }
            guard codings == ["chunked"] else {
                throw HTTPError(.notImplemented, "unsupported transfer coding (only chunked)")
            }
            framing = .chunked
        } else if !lengths.isEmpty {
            guard lengths.count == 1, let text = lengths.first, !text.isEmpty, text.utf8.count <= 18,
                text.utf8.allSatisfy(HTTPSyntax.isDigit), let n = Int(text)
            else {
                throw HTTPError(.badRequest, "invalid Content-Length")
            }
            if n > limits.maxAnyBodyBytes {
                throw HTTPError(.contentTooLarge, "request body exceeds \(limits.maxAnyBodyBytes) bytes")
            }
            framing = n == 0 ? .none : .length(n)
        }
        var expectsContinue = false
        if let expect = headers["Expect"] {
            guard expect.lowercased() == "100-continue" else {
                throw HTTPError(.expectationFailed, "unsupported expectation")
            }
            expectsContinue = isHTTP11
        }
        return RequestHead(
            method: method, target: target, version: version, headers: headers, framing: framing,
            keepAlive: keepAlive, expectsContinue: expectsContinue)
    }
}

/// Incremental decoder of a chunked request body (RFC 9112 §7.1). Chunk extensions are
/// skipped; trailer fields are read and dropped.
struct ChunkedDecoder {
    enum State: Equatable {
        case size
        case data(remaining: Int)
        case dataCRLF, trailer, done
    }

    private(set) var state: State = .size
    private(set) var body: [UInt8] = []
    let maxBodyBytes: Int
    /// Longest chunk-size line or trailer line accepted.
    static let maxLineBytes = 4096
    private var trailerBytes = 0
    /// Body bytes decoded so far (including any already taken).
    private(set) var total = 0

    init(maxBodyBytes: Int) { self.maxBodyBytes = maxBodyBytes }

    /// Returns the bytes decoded since the last call and forgets them (streamed bodies).
    mutating func takeBody() -> [UInt8] {
        defer { body.removeAll(keepingCapacity: true) }
        return body
    }

    var isDone: Bool { state == .done }

    /// Consumes what it can from `buffer[index...]`, advancing `index`.
    mutating func feed(_ buffer: [UInt8], index: inout Int) throws(HTTPError) {
        while index < buffer.count && state != .done {
            switch state {
            case .size:
                guard let lineEnd = try lineEnd(buffer, from: index) else { return }
                let line = buffer[index..<(lineEnd - 1)]
                let sizePart = line.prefix { $0 != UInt8(ascii: ";") }
                guard !sizePart.isEmpty, sizePart.count <= 15,
                    sizePart.allSatisfy({ PercentDecoding.hexValue($0) != nil })
                else {
                    throw HTTPError(.badRequest, "malformed chunk size")
                }
                let size = sizePart.reduce(0) { $0 << 4 | Int(PercentDecoding.hexValue($1)!) }
                if total + size > maxBodyBytes {
                    throw HTTPError(.contentTooLarge, "request body exceeds \(maxBodyBytes) bytes")
                }
                index = lineEnd + 1
                state = size == 0 ? .trailer : .data(remaining: size)
            case .data(let remaining):
                let n = min(remaining, buffer.count - index)
                body += buffer[index..<(index + n)]
                total += n
                index += n
                state = remaining - n == 0 ? .dataCRLF : .data(remaining: remaining - n)
            case .dataCRLF:
                guard buffer.count - index >= 2 else { return }
                guard buffer[index] == UInt8(ascii: "\r"), buffer[index + 1] == UInt8(ascii: "\n") else {
                    throw HTTPError(.badRequest, "chunk data not followed by CRLF")
                }
                index += 2
                state = .size
            case .trailer:
                guard let lineEnd = try lineEnd(buffer, from: index) else { return }
                trailerBytes += lineEnd + 1 - index
                if trailerBytes > 32 * 1024 { throw HTTPError(.headerFieldsTooLarge, "trailer section too large") }
                let empty = lineEnd - index == 1
                index = lineEnd + 1
                if empty { state = .done }
            case .done:
                return
            }
        }
    }

    /// Index of the LF ending the line starting at `from`, or nil if not yet received.
    private func lineEnd(_ buffer: [UInt8], from: Int) throws(HTTPError) -> Int? {
        var i = from
        while i < buffer.count {
            if buffer[i] == UInt8(ascii: "\n") {
                guard i > from, buffer[i - 1] == UInt8(ascii: "\r") else {
                    throw HTTPError(.badRequest, "bare LF in chunked framing")
                }
                return i
            }
            if buffer[i] == 0 { throw HTTPError(.badRequest, "NUL byte in chunked framing") }
            i += 1
            if i - from > Self.maxLineBytes { throw HTTPError(.badRequest, "chunk line too long") }
        }
        return nil
    }
}

enum HTTPSyntax {
    /// RFC 9110 tchar.
    static func isTokenChar(_ c: UInt8) -> Bool { tokenTable[Int(c)] }

    private static let tokenTable: [Bool] = (0..<256).map { i in
        let c = UInt8(i)
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(c)
        }
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    static func isOWS(_ c: UInt8) -> Bool { c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") }
}

extension StringProtocol {
    func trimmingOWS() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
