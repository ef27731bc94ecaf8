import Foundation
import Hashing
import TestSupport
import Testing

@testable import Service

#if canImport(Glibc)
import Glibc
#endif

/// Issue 12 item 10: idle unauthenticated sockets from one client cannot lock everybody out.
struct ConnectionExhaustionTests {
    /// A TCP connection from a chosen loopback source address (all of 127/8 is local on Linux).
    static func connect(from source: String, to port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        var remote = sockaddr_in()
        remote.sin_family = sa_family_t(AF_INET)
        remote.sin_port = in_port_t(UInt16(port).bigEndian)
        remote.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        let connected = withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, connected == 0 else {
            close(fd)
            return nil
        }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    static func send(_ fd: Int32, _ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until EOF or timeout; returns what arrived.
    static func readAll(_ fd: Int32) -> String {
        var out: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out += scratch[0..<n]
            if String(decoding: out, as: UTF8.self).contains("\r\n\r\n") && out.count > 12 { break }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func server(maxConnections: Int, perClient: Int, headerTimeout: Duration = .seconds(30)) throws -> HTTPServer
    {
        let service = AssayService(
            routes: AssayService.baseRoutes, accessControl: StaticAccessControl(tokens: [:], grants: [:]))
        let server = HTTPServer(
            configuration: ServerConfiguration(
                host: "127.0.0.1", port: 0, headerTimeout: headerTimeout,
                maxConnections: maxConnections, maxConnectionsPerClient: perClient),
            responder: service.router)
        try server.start()
        return server
    }

    @Test func oneClientsIdleSocketsLeaveRoomForOthers() throws {
        let server = try Self.server(maxConnections: 16, perClient: 4)
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        // One client opens 12 idle connections: 4 are admitted, the rest answered 503 at once.
        var idle: [Int32] = []
        defer { for socket in idle { close(socket) } }
        var refused = 0
        for _ in 0..<12 {
            guard let fd = Self.connect(from: "127.0.0.1", to: server.port) else { continue }
            idle.append(fd)
        }
        for fd in idle.suffix(8) where Self.readAll(fd).contains(" 503 ") { refused += 1 }
        #expect(refused == 8)
        // Another client is served normally.
        let other = try #require(Self.connect(from: "127.0.0.2", to: server.port))
        defer { close(other) }
        Self.send(other, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(Self.readAll(other).hasPrefix("HTTP/1.1 200"))
    }

    /// A client trickling its first request head byte by byte cannot stretch the deadline:
    /// the head must be complete within headerTimeout of connecting.
    @Test func firstHeadDeadlineCountsFromTheConnection() throws {
        let server = try Self.server(maxConnections: 8, perClient: 8, headerTimeout: .milliseconds(800))
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        let fd = try #require(Self.connect(from: "127.0.0.1", to: server.port))
        defer { close(fd) }
        let head = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        // 2.4 s for the whole head, one byte at a time: well past the 0.8 s deadline.
        for byte in head.utf8 {
            Self.send(fd, String(decoding: [byte], as: UTF8.self))
            usleep(70_000)
        }
        let answer = Self.readAll(fd)
        #expect(!answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
    }
}
