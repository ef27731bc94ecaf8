#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors of the socket layer (bind, listen, accept).
public struct SocketError: Error, Sendable, CustomStringConvertible, Equatable {
    public var operation: String
    public var code: Int32

    init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    public var description: String { "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))" }
}

/// Monotonic milliseconds, for deadlines.
enum MonotonicClock {
    static func milliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}

/// Thin wrappers over the socket calls the server needs.
enum SocketIO {
    enum ReadOutcome { case data, eof, timeout, stopped, failed }

    /// Opens a listening TCP socket on `host:port` (port 0 picks a free port); returns the fd and
    /// the bound port.
    static func listen(host: String, port: Int, backlog: Int32) throws(SocketError) -> (fd: Int32, port: Int) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var result: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &result)
        guard rc == 0, let first = result else { throw SocketError("getaddrinfo(\(host))", code: EINVAL) }
        defer { freeaddrinfo(result) }
        var lastError = SocketError("bind \(host):\(port)", code: EADDRNOTAVAIL)
        var info: UnsafeMutablePointer<addrinfo>? = first
        while let ai = info {
            defer { info = ai.pointee.ai_next }
            let fd = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 {
                lastError = SocketError("socket")
                continue
            }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if bind(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) != 0 {
                lastError = SocketError("bind \(host):\(port)")
                close(fd)
                continue
            }
            if Glibc.listen(fd, backlog) != 0 {
                lastError = SocketError("listen")
                close(fd)
                continue
            }
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let bound = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            guard bound == 0 else {
                close(fd)
                throw SocketError("getsockname")
            }
            let family = Int32(storage.ss_family)
            let boundPort: UInt16 = withUnsafePointer(to: &storage) { p in
                if family == AF_INET6 {
                    return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        UInt16(bigEndian: $0.pointee.sin6_port)
                    }
                }
                return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
            }
            return (fd, Int(boundPort))
        }
        throw lastError
    }

    /// Waits until `fd` is readable, the deadline passes, or (when `wakeFD` ≥ 0) the wake pipe
    /// becomes readable; then reads what is there into `buffer`.
    static func read(
        _ fd: Int32, into buffer: inout [UInt8], scratch: UnsafeMutableRawBufferPointer,
        deadline: Int64, wakeFD: Int32
    ) -> ReadOutcome {
        while true {
            let remaining = deadline - MonotonicClock.milliseconds()
            if remaining <= 0 { return .timeout }
            var fds = [
                pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)
            ]
            let rc = poll(&fds, wakeFD >= 0 ? 2 : 1, Int32(clamping: remaining))
            if rc < 0 {
                if errno == EINTR { continue }
                return .failed
            }
            if rc == 0 { return .timeout }
            if wakeFD >= 0 && fds[1].revents != 0 && fds[0].revents == 0 { return .stopped }
            let n = recv(fd, scratch.baseAddress, scratch.count, 0)
            if n > 0 {
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<n]))
                return .data
            }
            if n == 0 { return .eof }
            if errno == EINTR || errno == EAGAIN { continue }
            return .failed
        }
    }

    /// Writes everything (the socket has a send timeout); false when the peer is gone.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n > 0 {
                    offset += n
                    continue
                }
                if n < 0 && errno == EINTR { continue }
                return false
            }
            return true
        }
    }

    static func setTimeout(_ fd: Int32, option: Int32, milliseconds: Int64) {
        var tv = timeval(tv_sec: Int(milliseconds / 1000), tv_usec: Int((milliseconds % 1000) * 1000))
        setsockopt(fd, SOL_SOCKET, option, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Half-closes and drains briefly so an error response is not lost to a TCP reset when
    /// the client is still sending.
    static func lingeringClose(_ fd: Int32, scratch: UnsafeMutableRawBufferPointer, milliseconds: Int64 = 500) {
        shutdown(fd, Int32(SHUT_WR))
        let deadline = MonotonicClock.milliseconds() + milliseconds
        var drained = 0
        while drained < 1 << 20 {
            let remaining = deadline - MonotonicClock.milliseconds()
            if remaining <= 0 { break }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, Int32(remaining)) > 0 else { break }
            let n = recv(fd, scratch.baseAddress, scratch.count, 0)
            if n <= 0 { break }
            drained += n
        }
        close(fd)
    }
}
