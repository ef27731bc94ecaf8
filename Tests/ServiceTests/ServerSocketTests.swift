import Foundation
import Governance
import Hashing
import Testing

@testable import Service

#if canImport(Glibc)
import Glibc
#endif

/// Socket-level behaviour against a server on an ephemeral port.
struct ServerSocketTests {
    static func server(
        _ configure: (inout ServerConfiguration) -> Void = { _ in },
        routes extra: [Route] = []
    ) throws -> HTTPServer {
        var config = ServerConfiguration(
            host: "127.0.0.1", port: 0, limits: HTTPLimits(maxBodyBytes: 1 << 20),
            headerTimeout: .milliseconds(800), bodyTimeout: .seconds(2),
            idleTimeout: .seconds(2), maxConnections: 64)
        configure(&config)
        let routes =
            AssayService.baseRoutes + extra + [
                Route("POST", "/echo", access: .anonymous, operationID: "echo") { req, _ in
                    Response(status: .ok, contentType: "application/octet-stream", bytes: req.body)
                },
                Route("GET", "/slow", access: .anonymous, operationID: "slow") { _, _ in
                    try await Task.sleep(for: .milliseconds(500))
                    return try .json(["slow": true])
                },
                Route("GET", "/stream", access: .anonymous, operationID: "stream") { _, _ in
                    Response(
                        status: .ok, headers: ["Content-Type": "text/event-stream"],
                        body: .stream { w in
                            for i in 0..<3 { try w.write(Array("data: \(i)\n\n".utf8)) }
                        })
                }
            ]
        let service = AssayService(routes: routes, accessControl: StaticAccessControl(tokens: [:], grants: [:]))
        let server = HTTPServer(configuration: config, responder: service.router)
        try server.start()
        return server
    }

    @Test func keepAliveAndPipelining() throws {
        let server = try Self.server()
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        let client = try RawClient(port: server.port)
        client.send(
            "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        #expect(client.readResponse()?.status == 200)
        let echo = client.readResponse()
        #expect(echo?.text == "hello")
        #expect(client.readResponse()?.status == 404)
        client.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let last = client.readResponse()
        #expect(last?.status == 200)
        #expect(last?.headers["connection"] == "close")
        #expect(client.isClosedByServer())
    }

    @Test func chunkedRequestAndStreamedResponse() throws {
        let server = try Self.server()
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        let client = try RawClient(port: server.port)
        client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
        client.send("2\r\nde\r\n0\r\n\r\n")
        #expect(client.readResponse()?.text == "abcde")
        client.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        let stream = client.readResponse()
        #expect(stream?.headers["transfer-encoding"] == "chunked")
        #expect(stream?.text == "data: 0\n\ndata: 1\n\ndata: 2\n\n")
        // Still usable after a stream.
        client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(client.readResponse()?.status == 200)
    }

    @Test func http10ClosesAndHeadHasNoBody() throws {
        let server = try Self.server()
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        let client = try RawClient(port: server.port)
        client.send("HEAD /healthz HTTP/1.0\r\n\r\n")
        let reply = client.readResponse(isHEAD: true)
        #expect(reply?.status == 200)
        #expect(reply?.headers["content-length"] == "15")
        #expect(client.isClosedByServer())
    }

    @Test func slowlorisIsCutOffWith408() throws {
        let server = try Self.server()
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        let client = try RawClient(port: server.port)
        let start = Date()
        client.send("GET /healthz HTTP/1.1\r\n")
        var trickled = 0
        while Date().timeIntervalSince(start) < 8 && client.send("X") {
            trickled += 1
            usleep(100_000)
        }
        let reply = client.readResponse()
        #expect(reply?.status == 408)
        // Cut off by the 0.8 s header deadline, not by the client giving up at 8 s (the bound is
        // loose: a loaded CI machine may be late by seconds).
        #expect(Date().timeIntervalSince(start) < 6)
        // The server is still fine.
        #expect(try RawClient.get(port: server.port, "/healthz")?.status == 200)
    }

    @Test func idleConnectionsAreClosed() throws {
        let server = try Self.server { $0.headerTimeout = .milliseconds(300) }
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        let client = try RawClient(port: server.port)
        let start = Date()
        #expect(client.readResponse() == nil)
        #expect(Date().timeIntervalSince(start) < 8) // closed by the 0.3 s deadline, not the client's 10 s timeout
    }

    @Test func connectionLimitAnswers503() throws {
        let server = try Self.server { $0.maxConnections = 2 }
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        let a = try RawClient(port: server.port)
        let b = try RawClient(port: server.port)
        a.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        b.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(a.readResponse()?.status == 200 && b.readResponse()?.status == 200)
        let c = try RawClient(port: server.port)
        #expect(c.readResponse()?.status == 503)
    }

    @Test func gracefulShutdownFinishesInFlightRequests() throws {
        let server = try Self.server()
        let port = server.port
        let client = try RawClient(port: port)
        let idle = try RawClient(port: port)
        idle.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(idle.readResponse()?.status == 200)
        client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(100_000)
        server.shutdown()
        let reply = client.readResponse()
        #expect(reply?.status == 200)
        #expect(reply?.headers["connection"] == "close")
        #expect(server.waitUntilStopped(timeout: .seconds(5)))
        #expect(idle.isClosedByServer())
        #expect(throws: (any Error).self) { _ = try RawClient(port: port) }
    }
}
