import Foundation
import Governance
import Hashing
import TestSupport
import Testing

@testable import Service

#if canImport(Glibc)
import Glibc
#endif

/// Issue 6, acceptance 2: hostile bytes and parameters get 4xx answers, the server stays up,
/// memory stays bounded, and the registry does not change.
struct HostileInputTests {
    static let sqlPayloads = [
        "' OR '1'='1", "x'; DROP TABLE models; --", "1 UNION SELECT token_sha256 FROM api_tokens",
        "\"; DELETE FROM audit_events; --", "%' --", "base@1.0' --", ") OR 1=1 /*"
    ]

    /// Raw requests and the statuses acceptable for each (all 4xx).
    static let rawCases: [(String, [UInt8], Set<Int>)] = {
        var cases: [(String, [UInt8], Set<Int>)] = []
        func add(_ name: String, _ text: String, _ statuses: Set<Int>) {
            cases.append((name, Array(text.utf8), statuses))
        }
        add(
            "long request line", "GET /" + String(repeating: "a", count: 10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", [414]
        )
        add(
            "huge header", "GET / HTTP/1.1\r\nHost: x\r\nX: " + String(repeating: "v", count: 40_000) + "\r\n\r\n",
            [431])
        add(
            "many headers", "GET / HTTP/1.1\r\nHost: x\r\n" + (0..<150).map { "H\($0): v\r\n" }.joined() + "\r\n", [431]
        )
        add(
            "oversized body",
            "POST /api/v1/models/base/versions HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n", [413])
        add(
            "oversized chunked",
            "POST /api/v1/models/base/versions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "FFFFFFF\r\n", [413])
        add("garbage", "\u{1}\u{2}\u{3} hello\r\n\r\n", [400])
        add("no version", "GET /\r\n\r\n", [400])
        add("bare LF", "GET /healthz HTTP/1.1\nHost: x\n\n", [400])
        add("NUL in header", "GET /healthz HTTP/1.1\r\nHost: x\u{0}y\r\n\r\n", [400])
        add("NUL in target", "GET /healthz\u{0} HTTP/1.1\r\nHost: x\r\n\r\n", [400])
        add(
            "smuggling",
            "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            [400])
        add("bad chunk", "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", [400])
        add("HTTP/9", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", [505])
        add("absolute form", "GET http://evil/ HTTP/1.1\r\nHost: x\r\n\r\n", [400])
        add("dot dot", "GET /api/v1/models/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", [400])
        add("encoded dot dot", "GET /api/v1/models/%2e%2e/versions HTTP/1.1\r\nHost: x\r\n\r\n", [400])
        add("encoded slash", "GET /api/v1/models/a%2Fb HTTP/1.1\r\nHost: x\r\n\r\n", [400])
        add("double encoded", "GET /api/v1/models/%252e%252e HTTP/1.1\r\nHost: x\r\n\r\n", [400, 401])
        add(
            "invalid JSON",
            "POST /api/v1/models/base/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 9\r\n\r\n{\"version", [400, 401])
        return cases
    }()

    @Test func hostileInputGets4xxAndChangesNothing() throws {
        let fixture = try ServiceFixture()
        let before = try fixture.snapshot()
        let config = ServerConfiguration(
            host: "127.0.0.1", port: 0, limits: HTTPLimits(maxBodyBytes: 1 << 20),
            headerTimeout: .seconds(5), bodyTimeout: .seconds(5), idleTimeout: .seconds(5))
        let server = HTTPServer(configuration: config, responder: fixture.service.router)
        try server.start()
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        let port = server.port
        let admin = try #require(fixture.tokens[.admin])

        func exchange(_ bytes: [UInt8]) throws -> Int? {
            let client = try RawClient(port: port)
            client.send(bytes)
            return client.readResponse()?.status
        }

        for _ in 0..<2 {
            for (name, bytes, statuses) in Self.rawCases {
                let status = try exchange(bytes)
                #expect(status.map(statuses.contains) == true, "\(name): \(status.map(String.init) ?? "no response")")
            }
            // Invalid JSON with a valid token reaches the handler: 400 invalid-json.
            let badJSON =
                "POST /api/v1/models/base/versions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(admin)\r\n"
                + "Content-Type: application/json\r\nContent-Length: 12\r\n\r\n{\"a\":[1,2,}}"
            #expect(try exchange(Array(badJSON.utf8)) == 400)
            // SQL metacharacters in every path parameter and every query parameter of every route.
            for route in fixture.service.router.routes {
                for payload in Self.sqlPayloads {
                    let encoded = PercentDecoding.encode(payload)
                    var targets: [String] = []
                    if route.pattern.contains("{") {
                        targets.append(
                            route.pattern.replacingOccurrences(of: "{name}", with: encoded)
                                .replacingOccurrences(of: "{version}", with: encoded).replacingOccurrences(
                                    of: "{id}", with: encoded))
                    }
                    for parameter in [
                        "name", "arch", "quant", "cursor", "limit", "direction", "depth", "after", "model", "status",
                        "suite", "metric", "task", "correct", "bogus"
                    ] {
                        let base = route.pattern.replacingOccurrences(of: "{name}", with: "base")
                            .replacingOccurrences(of: "{version}", with: "1.0").replacingOccurrences(
                                of: "{id}", with: "r1")
                        targets.append("\(base)?\(parameter)=\(encoded)")
                    }
                    for target in targets {
                        let body = route.method == "POST" ? "{\"version\":\"\(payload)\"}" : nil
                        let response = try fixture.request(route.method, target, token: admin, json: body)
                        #expect(
                            (400..<500).contains(response.status.code),
                            "\(route.method) \(target) -> \(response.status.code)")
                    }
                }
            }
        }
        // The server is up and the registry unchanged.
        #expect(try RawClient.get(port: port, "/healthz")?.status == 200)
        #expect(try RawClient.get(port: port, "/api/v1/models", token: admin)?.status == 200)
        #expect(try fixture.snapshot() == before)
    }

    /// Memory bound, measured on a separate `assay serve` process (tests share one process, so
    /// an in-process RSS reading would include whatever other tests allocate meanwhile): after a
    /// warm-up round of hostile requests, five more rounds grow its resident set by < 32 MB.
    @Test func servedProcessMemoryStaysBoundedUnderHostileInput() throws {
        let fixture = try ServiceFixture()
        let binary = try AssayExecutable.require()
        let log = fixture.directory.path("serve.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--port", "0", "--max-body-mb", "1"]
        var environment = ProcessInfo.processInfo.environment
        environment["ASSAY_HOME"] = fixture.home.path
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        defer {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }

        // The port from "listening on http://127.0.0.1:PORT".
        var port: Int?
        let deadline = Date().addingTimeInterval(60)
        while port == nil && process.isRunning && Date() < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "http://127.0.0.1:") {
                port = Int(text[range.upperBound...].prefix { $0.isNumber })
            } else {
                usleep(50_000)
            }
        }
        let bound = try #require(
            port, "assay serve did not report its port: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")

        func round() throws {
            for (name, bytes, statuses) in Self.rawCases {
                let client = try RawClient(port: bound)
                client.send(bytes)
                let status = client.readResponse()?.status
                #expect(status.map(statuses.contains) == true, "\(name): \(status.map(String.init) ?? "no response")")
            }
        }
        try round()
        let warm = AssayExecutable.residentKilobytes(pid: process.processIdentifier)
        #expect(warm > 0)
        for _ in 0..<5 { try round() }
        let growth = AssayExecutable.residentKilobytes(pid: process.processIdentifier) - warm
        #expect(growth < 32 * 1024, "assay serve RSS grew by \(growth) kB")
        #expect(try RawClient.get(port: bound, "/healthz")?.status == 200)

        // SIGTERM: graceful shutdown, exit 0.
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test func slowlorisAcrossManyConnectionsDoesNotStarveOthers() throws {
        let fixture = try ServiceFixture()
        let config = ServerConfiguration(
            host: "127.0.0.1", port: 0, headerTimeout: .milliseconds(700), maxConnections: 64,
            maxConnectionsPerClient: 64) // all test clients share 127.0.0.1
        let server = HTTPServer(configuration: config, responder: fixture.service.router)
        try server.start()
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        let trickling = try (0..<20).map { _ in try RawClient(port: server.port) }
        for c in trickling { c.send("GET /healthz HTTP/1.1\r\nHo") }
        // Others are served meanwhile.
        #expect(try RawClient.get(port: server.port, "/healthz")?.status == 200)
        for c in trickling { #expect(c.readResponse()?.status == 408) }
        // Their threads are released (after the brief lingering close).
        let deadline = Date().addingTimeInterval(20)
        while server.activeConnections > 0 && Date() < deadline { usleep(50_000) }
        #expect(server.activeConnections == 0)
    }
}
