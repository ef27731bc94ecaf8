import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Turns a request into a response. Never throws: failures are already responses.
public protocol HTTPResponder: Sendable {
    func respond(to request: Request) async -> Response
    /// How to receive the body of `request` (head only; `body` is empty). Default: `.buffer`.
    func bodyDisposition(for request: Request) -> BodyDisposition
}

extension HTTPResponder {
    public func bodyDisposition(for request: Request) -> BodyDisposition { .buffer }

    /// `respond(to:)` for synchronous callers: the server's connection threads (blocking
    /// sockets) and tests. The handler runs on the calling thread (see `blockingAwait`).
    public func respondBlocking(to request: Request) -> Response {
        do {
            return try blockingAwait { await respond(to: request) }
        } catch {
            return Problem(kind: .internalError, detail: "the server failed to handle the request").response
        }
    }
}

/// Transport settings of `HTTPServer`.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (tests).
    public var port: Int
    public var limits: HTTPLimits
    /// Time allowed for a request head: for a connection's first request counted from the
    /// connection's acceptance (an idle unauthenticated socket holds a slot at most this long),
    /// for later requests from their first byte; then 408 (slowloris).
    public var headerTimeout: Duration
    /// Time allowed to receive a request body.
    public var bodyTimeout: Duration
    /// How long an idle keep-alive connection stays open waiting for the next request.
    public var idleTimeout: Duration
    /// How long one blocked write may wait for the client to read.
    public var writeTimeout: Duration
    /// Most simultaneous connections; beyond it new connections get 503 and are closed.
    public var maxConnections: Int
    /// Most simultaneous connections from one client address (IPv6: one /64), so one client
    /// cannot take every slot; beyond it its new connections get 503.
    public var maxConnectionsPerClient: Int
    /// Stack size of each connection thread.
    public var threadStackBytes: Int

    public init(
        host: String = "127.0.0.1", port: Int = 8080, limits: HTTPLimits = HTTPLimits(),
        headerTimeout: Duration = .seconds(5), bodyTimeout: Duration = .seconds(60),
        idleTimeout: Duration = .seconds(30), writeTimeout: Duration = .seconds(30),
        maxConnections: Int = 512, maxConnectionsPerClient: Int? = nil, threadStackBytes: Int = 1 << 20
    ) {
        self.host = host
        self.port = port
        self.limits = limits
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.writeTimeout = writeTimeout
        self.maxConnections = maxConnections
        // Default: a quarter of all slots (at least 1).
        self.maxConnectionsPerClient = max(1, maxConnectionsPerClient ?? maxConnections / 4)
        self.threadStackBytes = threadStackBytes
    }
}

extension Duration {
    var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}

/// An HTTP/1.1 server on blocking sockets: one accept thread and one thread per connection
/// (bounded by `maxConnections`). Keep-alive and pipelining are served in order on each
/// connection; every read has a deadline. `shutdown()` stops accepting, closes idle
/// connections, lets in-flight requests finish (answering them with `Connection: close`).
public final class HTTPServer: Sendable {
    public let configuration: ServerConfiguration
    let responder: any HTTPResponder

    /// The listener, the connection counts and the shutdown flag.
    private struct State {
        var listenFD: Int32 = -1
        var boundPort = 0
        var active = 0
        var perClient: [String: Int] = [:]
        var accepting = false
        var stopping = false
        var served = 0
        // The wake pipe: written once on shutdown, never drained, so every poll on it wakes.
        var wakePipe: [Int32] = [-1, -1]
    }

    private let state = Mutex(State())
    /// Broadcast (holding its lock) after `accepting` or `active` change, for `waitUntilStopped`.
    private let stateChanged = NSCondition()

    public init(configuration: ServerConfiguration, responder: any HTTPResponder) {
        self.configuration = configuration
        self.responder = responder
    }

    deinit {
        for fd in state.withLock({ $0.wakePipe }) where fd >= 0 { close(fd) }
    }

    /// Binds, listens and starts accepting on a background thread. Returns the bound port.
    @discardableResult
    public func start() throws -> Int {
        let (fd, port) = try SocketIO.listen(host: configuration.host, port: configuration.port, backlog: 1024)
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else {
            close(fd)
            throw SocketError("pipe2")
        }
        for p in pipeFDs { _ = fcntl(p, F_SETFD, FD_CLOEXEC) }
        state.withLock {
            $0.listenFD = fd
            $0.boundPort = port
            $0.wakePipe = pipeFDs
            $0.accepting = true
        }
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.name = "assay-http-accept"
        thread.start()
        return port
    }

    /// The bound port (after `start`).
    public var port: Int { state.withLock { $0.boundPort } }

    /// Connections currently open.
    public var activeConnections: Int { state.withLock { $0.active } }

    /// Requests answered so far.
    public var requestsServed: Int { state.withLock { $0.served } }

    var isStopping: Bool { state.withLock { $0.stopping } }

    /// Stops accepting, wakes idle connections; in-flight requests finish. Idempotent.
    public func shutdown() {
        let first = state.withLock { state in
            guard !state.stopping else { return false }
            state.stopping = true
            if state.wakePipe[1] >= 0 {
                var byte: UInt8 = 1
                _ = write(state.wakePipe[1], &byte, 1)
            }
            return true
        }
        if first { signalChange() }
    }

    /// Blocks until the accept loop and every connection have finished (after `shutdown`).
    /// Returns false when `timeout` passed first.
    @discardableResult
    public func waitUntilStopped(timeout: Duration = .seconds(30)) -> Bool {
        let limit = Date(timeIntervalSinceNow: Double(timeout.milliseconds) / 1000)
        stateChanged.lock()
        defer { stateChanged.unlock() }
        while state.withLock({ $0.accepting || $0.active > 0 }) {
            if !stateChanged.wait(until: limit) { return false }
        }
        return true
    }

    /// Wakes `waitUntilStopped` after a change to the state it waits on. Taking the condition's
    /// lock orders the change before the waiter's next check, so no wake-up is lost.
    private func signalChange() {
        stateChanged.lock()
        stateChanged.broadcast()
        stateChanged.unlock()
    }

    private func acceptLoop(_ fd: Int32) {
        let wake = state.withLock { $0.wakePipe[0] }
        while true {
            var fds = [
                pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wake, events: Int16(POLLIN), revents: 0)
            ]
            let rc = poll(&fds, 2, -1)
            if rc < 0 && errno == EINTR { continue }
            if isStopping || fds[1].revents != 0 || rc < 0 { break }
            var peer = sockaddr_storage()
            var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(fd, $0, &peerLength) }
            }
            if client < 0 {
                if errno == EINTR || errno == EAGAIN || errno == ECONNABORTED { continue }
                if errno == EMFILE || errno == ENFILE {
                    usleep(10_000)
                    continue
                }
                break
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            SocketIO.setNoDelay(client)
            SocketIO.setTimeout(client, option: SO_SNDTIMEO, milliseconds: configuration.writeTimeout.milliseconds)
            let clientKey = Self.clientKey(peer)
            let limits = configuration
            let refusal: String? = state.withLock { state in
                guard state.active < limits.maxConnections else { return "too many connections; retry later" }
                guard state.perClient[clientKey, default: 0] < limits.maxConnectionsPerClient else {
                    return "too many connections from your address; retry later"
                }
                state.active += 1
                state.perClient[clientKey, default: 0] += 1
                return nil
            }
            if let refusal {
                SocketIO.setTimeout(client, option: SO_SNDTIMEO, milliseconds: 100)
                let problem = Problem(kind: .unavailable, detail: refusal)
                _ = SocketIO.writeAll(
                    client,
                    ResponseSerializer.head(
                        problem.response, version: "HTTP/1.1",
                        keepAlive: false, isHEAD: false, chunked: false))
                close(client)
                continue
            }
            let thread = Thread { [self] in
                HTTPConnection(fd: client, server: self, wakeFD: wake).run()
                state.withLock { state in
                    state.active -= 1
                    let left = state.perClient[clientKey, default: 1] - 1
                    state.perClient[clientKey] = left > 0 ? left : nil
                }
                signalChange()
            }
            thread.stackSize = configuration.threadStackBytes
            thread.name = "assay-http-conn"
            thread.start()
        }
        close(fd)
        state.withLock {
            $0.listenFD = -1
            $0.accepting = false
        }
        signalChange()
    }

    /// The per-client bucket of a peer address: the IPv4 address, or the /64 of an IPv6 one
    /// (IPv4-mapped IPv6 counts as IPv4).
    static func clientKey(_ peer: sockaddr_storage) -> String {
        var copy = peer
        switch Int32(peer.ss_family) {
        case AF_INET:
            return withUnsafeBytes(of: &copy) { raw in
                raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self).withMemoryRebound(
                    to: sockaddr_in.self, capacity: 1
                ) { p in
                    var address = p.pointee.sin_addr.s_addr
                    return withUnsafeBytes(of: &address) { $0.map(String.init).joined(separator: ".") }
                }
            }
        case AF_INET6:
            return withUnsafeBytes(of: &copy) { raw in
                let p = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                var address = p.pointee.sin6_addr
                let bytes = withUnsafeBytes(of: &address) { Array($0) }
                if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff {
                    return bytes[12..<16].map(String.init).joined(separator: ".")
                }
                return bytes[0..<8].map { String($0, radix: 16) }.joined(separator: ":") + "::/64"
            }
        default:
            return "other"
        }
    }

    func countServed() {
        state.withLock { $0.served += 1 }
    }
}

/// Serializes responses.
enum ResponseSerializer {
    /// Status line and headers (with framing headers) for `response`; the body bytes follow
    /// for a `.bytes` body unless `isHEAD`.
    static func head(_ response: Response, version: String, keepAlive: Bool, isHEAD: Bool, chunked: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out += Array("HTTP/1.1 \(response.status.code) \(response.status.reason)\r\n".utf8)
        for (name, value) in response.headers {
            let lower = name.lowercased()
            if lower == "content-length" || lower == "transfer-encoding" || lower == "connection" { continue }
            out += name.utf8
            out += [UInt8(ascii: ":"), UInt8(ascii: " ")]
            // Header values never carry CR, LF or NUL, whatever a handler put there.
            for b in value.utf8 where b != 0x0d && b != 0x0a && b != 0 { out.append(b) }
            out += [0x0d, 0x0a]
        }
        switch response.body {
        case .bytes(let bytes):
            out += Array("Content-Length: \(bytes.count)\r\n".utf8)
        case .stream:
            if chunked { out += Array("Transfer-Encoding: chunked\r\n".utf8) }
        }
        if !keepAlive {
            out += Array("Connection: close\r\n".utf8)
        } else if version == "HTTP/1.0" {
            out += Array("Connection: keep-alive\r\n".utf8)
        }
        out += [0x0d, 0x0a]
        if case .bytes(let bytes) = response.body, !isHEAD { out += bytes }
        return out
    }
}

/// Writes chunks of a streamed body to the socket.
final class SocketBodyWriter: BodyWriter, Sendable {
    private let fd: Int32
    private let chunked: Bool
    /// Whether the client has gone; the lock also keeps frames whole on the socket.
    private let failed = Mutex(false)

    init(fd: Int32, chunked: Bool) {
        self.fd = fd
        self.chunked = chunked
    }

    struct ClientGone: Error {}

    func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        let (fd, chunked) = (fd, chunked)
        try failed.withLock { (failed: inout Bool) throws(ClientGone) in
            guard !failed else { throw ClientGone() }
            var frame: [UInt8]
            if chunked {
                frame = Array(String(bytes.count, radix: 16).utf8) + [0x0d, 0x0a]
                frame += bytes
                frame += [0x0d, 0x0a]
            } else {
                frame = bytes
            }
            if !SocketIO.writeAll(fd, frame) {
                failed = true
                throw ClientGone()
            }
        }
    }

    /// Writes the last chunk; false when the client is gone.
    func finish() -> Bool {
        let (fd, chunked) = (fd, chunked)
        return failed.withLock { failed in
            guard !failed else { return false }
            if chunked && !SocketIO.writeAll(fd, Array("0\r\n\r\n".utf8)) { failed = true }
            return !failed
        }
    }
}
