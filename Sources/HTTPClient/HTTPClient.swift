import Glibc

/// The one outbound HTTP/1.1 client: one request per connection (`Connection: close`), plain
/// HTTP, blocking sockets with every step under one deadline. Used by webhook delivery (status
/// line only, an address filter against SSRF), the OpenAI-compatible backend and
/// `eval import --server` (whole answer, bounded).
public enum HTTPClient {
    /// How much of the answer to read.
    public enum ReadMode: Sendable, Equatable {
        /// Only the final status line (interim 1xx skipped); at most 16 KiB of head, no body.
        case statusLine
        /// Head and body (Content-Length, chunked, or until close), at most `limit` bytes.
        case whole(limit: Int)
    }

    /// An answer. With `.statusLine`, `headers` and `body` are empty.
    public struct Response: Sendable {
        public var status: Int
        /// Names lowercased.
        public var headers: [(String, String)]
        public var body: [UInt8]

        public init(status: Int, headers: [(String, String)], body: [UInt8]) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    /// What went wrong, in one line. `refusedAddress` is set when the address filter refused
    /// every address of the host (the filter's reason).
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        public var refusedAddress: String?
        public init(_ description: String, refusedAddress: String? = nil) {
            self.description = description
            self.refusedAddress = refusedAddress
        }
    }

    /// Decides per resolved address whether it may be contacted: a reason to refuse, or nil.
    public typealias AddressFilter = @Sendable (UnsafePointer<sockaddr>) -> String?

    /// Sends `method url` with `headers` and `body`; `timeoutMilliseconds` bounds connect, send and read.
    public static func send(
        _ method: String, _ url: HTTPURL, headers: [(String, String)], body: [UInt8],
        timeoutMilliseconds: Int64, read mode: ReadMode,
        addressFilter: AddressFilter? = nil
    ) throws(Failure) -> Response {
        let deadline = monotonicMilliseconds() + timeoutMilliseconds
        let fd = try connect(url.host, url.port, deadline: deadline, filter: addressFilter)
        defer { close(fd) }
        var head = "\(method) \(url.target) HTTP/1.1\r\nHost: \(url.hostHeader)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        try writeAll(fd, Array(head.utf8) + body, deadline: deadline)
        switch mode {
        case .statusLine: return Response(status: try readStatus(fd, deadline: deadline), headers: [], body: [])
        case .whole(let limit): return try parse(try readAll(fd, deadline: deadline, limit: limit))
        }
    }

    // MARK: reading

    static func readStatus(_ fd: Int32, deadline: Int64) throws(Failure) -> Int {
        var buffer: [UInt8] = []
        while true {
            if let lineEnd = buffer.firstIndex(of: 0x0a) {
                let line = String(decoding: buffer[..<lineEnd], as: UTF8.self)
                let parts = line.split(separator: " ")
                guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let code = Int(parts[1]),
                    (100...599).contains(code)
                else {
                    throw Failure("the receiver did not answer with HTTP")
                }
                if code >= 200 { return code }
                guard let end = find(buffer, [13, 10, 13, 10]) else {
                    if buffer.count > 16 * 1024 { throw Failure("answer head too large") }
                    guard try readMore(fd, &buffer, deadline: deadline) else {
                        throw Failure("connection closed before an answer")
                    }
                    continue
                }
                buffer.removeSubrange(0..<(end + 4))
                continue
            }
            if buffer.count > 16 * 1024 { throw Failure("answer head too large") }
            guard try readMore(fd, &buffer, deadline: deadline) else {
                throw Failure("connection closed before an answer")
            }
        }
    }

    static func readAll(_ fd: Int32, deadline: Int64, limit: Int) throws(Failure) -> [UInt8] {
        var data: [UInt8] = []
        while try readMore(fd, &data, deadline: deadline) {
            if data.count > limit { throw Failure("the answer is larger than \(limit) bytes") }
        }
        return data
    }

    /// Appends what arrives before `deadline`; false at end of stream.
    static func readMore(_ fd: Int32, _ buffer: inout [UInt8], deadline: Int64) throws(Failure) -> Bool {
        var scratch = [UInt8](repeating: 0, count: 65536)
        while true {
            let remaining = deadline - monotonicMilliseconds()
            guard remaining > 0 else { throw Failure("no answer in time") }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, Int32(clamping: remaining))
            if ready == 0 { throw Failure("no answer in time") }
            if ready < 0 {
                if errno == EINTR { continue }
                throw Failure("reading the answer failed (errno \(errno))")
            }
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                buffer += scratch[0..<n]
                return true
            }
            if n == 0 { return false }
            if errno == EINTR || errno == EAGAIN { continue }
            throw Failure("reading the answer failed (errno \(errno))")
        }
    }

    /// Splits a whole answer into status, headers and (de-chunked, length-trimmed) body.
    static func parse(_ data: [UInt8]) throws(Failure) -> Response {
        guard let headEnd = find(data, [13, 10, 13, 10]) else { throw Failure("no complete response head") }
        let lines = String(decoding: data[0..<headEnd], as: UTF8.self).split(
            separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw Failure("bad status line '\(lines[0].prefix(100))'")
        }
        var headers: [(String, String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]).lowercased(), trimmed(line[line.index(after: colon)...])))
        }
        var body = Array(data[(headEnd + 4)...])
        if headers.contains(where: { $0.0 == "transfer-encoding" && $0.1.lowercased().contains("chunked") }) {
            body = try dechunk(body)
        } else if let length = headers.first(where: { $0.0 == "content-length" }).flatMap({ Int($0.1) }),
            length <= body.count
        {
            body = Array(body[0..<length])
        }
        if (100..<200).contains(status) { return try parse(body) }
        return Response(status: status, headers: headers, body: body)
    }

    static func dechunk(_ bytes: [UInt8]) throws(Failure) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            guard let lineEnd = (i..<max(i, bytes.count - 1)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 })
            else {
                throw Failure("truncated chunked body")
            }
            let sizeText = String(decoding: bytes[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(trimmed(sizeText), radix: 16), size >= 0 else { throw Failure("bad chunk size") }
            i = lineEnd + 2
            if size == 0 { break }
            guard size <= bytes.count - i else { throw Failure("truncated chunk") }
            out += bytes[i..<(i + size)]
            i += size + 2
        }
        return out
    }

    static func trimmed(_ text: Substring) -> String {
        String(
            text.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed()
        )
    }

    static func find(_ bytes: [UInt8], _ needle: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        return (0...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    // MARK: connecting and writing

    /// Connects (non-blocking connect, polled until `deadline`), trying every address of `host`
    /// that `filter` allows.
    static func connect(_ host: String, _ port: Int, deadline: Int64, filter: AddressFilter?) throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else {
            throw Failure("cannot resolve \(host)")
        }
        defer { freeaddrinfo(result) }
        var lastError: Int32 = 0
        var refused: String?
        var info: UnsafeMutablePointer<addrinfo>? = first
        while let ai = info {
            info = ai.pointee.ai_next
            if let filter, let reason = filter(ai.pointee.ai_addr) {
                refused = reason
                continue
            }
            let fd = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 {
                lastError = errno
                continue
            }
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            var rc = Glibc.connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen)
            if rc != 0 && errno == EINPROGRESS {
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let remaining = max(1, deadline - monotonicMilliseconds())
                if poll(&p, 1, Int32(clamping: remaining)) == 1 {
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                    rc = error == 0 ? 0 : -1
                    lastError = error
                } else {
                    lastError = ETIMEDOUT
                }
            } else if rc != 0 {
                lastError = errno
            }
            if rc == 0 { return fd } // stays non-blocking; reads and writes poll against the deadline
            close(fd)
        }
        if let refused, lastError == 0 {
            throw Failure("the address of \(host) is \(refused)", refusedAddress: refused)
        }
        throw Failure("cannot connect to \(host):\(port): \(String(cString: strerror(lastError)))")
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], deadline: Int64) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                offset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno == EAGAIN {
                let remaining = deadline - monotonicMilliseconds()
                guard remaining > 0 else { throw Failure("sending timed out") }
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&p, 1, Int32(clamping: remaining))
                continue
            }
            throw Failure("sending failed (errno \(errno))")
        }
    }

    /// Milliseconds of CLOCK_MONOTONIC.
    static func monotonicMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
