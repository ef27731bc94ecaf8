import Foundation
import Governance
import Hashing
import JSON
import Registry
import Testing

@testable import Service

/// `POST …/versions/{version}/artifact`: a GGUF body streamed to the artifact store, hashed on
/// the way, registered like a server-side path.
struct ArtifactUploadTests {
    /// Bytes that pass as GGUF for the registry (magic first; no inspector in these tests).
    static func fakeGGUF(_ size: Int, seed: UInt8 = 1) -> [UInt8] {
        Array("GGUF".utf8) + (0..<(size - 4)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }
    }

    static func server(_ f: ServiceFixture, maxBody: Int = 4096, maxUpload: Int = 1 << 20) throws -> HTTPServer {
        let config = ServerConfiguration(
            host: "127.0.0.1", port: 0,
            limits: HTTPLimits(maxBodyBytes: maxBody, maxUploadBytes: maxUpload),
            // Room for the connections these tests open one after another: a closed one may
            // still be counted for a moment on a loaded machine (the per-client limit is a
            // quarter of this; the limits have their own tests).
            headerTimeout: .seconds(5), bodyTimeout: .seconds(5), maxConnections: 64)
        let server = HTTPServer(configuration: config, responder: f.service.router)
        try server.start()
        return server
    }

    static func head(_ path: String, token: String?, length: Int?, type: String = "application/octet-stream") -> String
    {
        var text = "POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Type: \(type)\r\n"
        if let token { text += "Authorization: Bearer \(token)\r\n" }
        text += length.map { "Content-Length: \($0)\r\n" } ?? "Transfer-Encoding: chunked\r\n"
        return text + "\r\n"
    }

    func incomingFiles(_ f: ServiceFixture) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: f.home.appendingPathComponent("artifacts/incoming").path))
            ?? []
    }

    @Test func streamsAnUploadLargerThanTheBodyLimitAndRegistersIt() throws {
        let f = try ServiceFixture()
        let server = try Self.server(f)
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        let bytes = Self.fakeGGUF(200_000)
        let path = "/api/v1/models/uploaded/versions/1.0/artifact?filename=up.Q4_1.gguf"
        let client = try RawClient(port: server.port)
        client.send(Self.head(path, token: f.tokens[.submitter], length: bytes.count))
        for start in stride(from: 0, to: bytes.count, by: 7000) {
            client.send(Array(bytes[start..<min(start + 7000, bytes.count)]))
        }
        let reply = try #require(client.readResponse())
        #expect(reply.status == 201, "\(reply.text)")
        let digest = SHA256.hash(bytes).hex
        #expect(reply.json?.objectValue?["digest"]?.stringValue == digest)
        #expect(reply.json?.objectValue?["format"] == "gguf")
        #expect(reply.headers["location"] == "/api/v1/models/uploaded/versions/1.0")
        let stored = f.home.appendingPathComponent("artifacts/sha256/\(digest)/up.Q4_1.gguf")
        #expect(try Data(contentsOf: stored) == Data(bytes))
        #expect(incomingFiles(f).isEmpty)
        let version = try RegistryStore(home: f.home, actor: "t").modelVersion(
            try VersionReference(parsing: "uploaded@1.0"))
        #expect(version.artifacts.first?.uri == stored.standardizedFileURL.path)
        #expect(version.createdBy == "actor-submitter")

        // The same bytes again (chunked this time): a no-op, 200.
        let again = try RawClient(port: server.port)
        again.send(Self.head(path, token: f.tokens[.admin], length: nil))
        for start in stride(from: 0, to: bytes.count, by: 50_000) {
            let chunk = Array(bytes[start..<min(start + 50_000, bytes.count)])
            again.send(String(chunk.count, radix: 16) + "\r\n")
            again.send(chunk)
            again.send("\r\n")
        }
        again.send("0\r\n\r\n")
        #expect(again.readResponse()?.status == 200)
        // Different bytes for the same version: conflict, and the new file is not kept.
        let other = Self.fakeGGUF(5000, seed: 9)
        let conflict = try RawClient(port: server.port)
        conflict.send(Self.head(path, token: f.tokens[.admin], length: other.count))
        conflict.send(other)
        #expect(conflict.readResponse()?.status == 409)
        let otherDir = f.home.appendingPathComponent("artifacts/sha256/\(SHA256.hash(other).hex)/up.Q4_1.gguf")
        #expect(!FileManager.default.fileExists(atPath: otherDir.path))
        #expect(incomingFiles(f).isEmpty)
    }

    @Test func refusesBeforeReadingTheBody() throws {
        let f = try ServiceFixture()
        let server = try Self.server(f, maxUpload: 100_000)
        defer {
            server.shutdown()
            server.waitUntilStopped()
        }
        let path = "/api/v1/models/uploaded/versions/1.0/artifact"
        let before = try f.snapshot()
        // Each answer arrives although no body byte was sent.
        for (token, length, type, expected) in [
            (f.tokens[.auditor], 50_000, "application/octet-stream", 403),
            (nil, 50_000, "application/octet-stream", 401),
            (f.tokens[.submitter], 500_000, "application/octet-stream", 413),
            (f.tokens[.submitter], 50_000, "application/json", 415)
        ] as [(String?, Int, String, Int)] {
            let client = try RawClient(port: server.port)
            client.send(Self.head(path, token: token, length: length, type: type))
            #expect(client.readResponse()?.status == expected, "expected \(expected)")
        }
        let bad = try RawClient(port: server.port)
        bad.send(
            Self.head(
                "/api/v1/models/uploaded/versions/1.0/artifact?filename=../x.gguf", token: f.tokens[.submitter],
                length: 10))
        #expect(bad.readResponse()?.status == 400)
        // Not GGUF: refused as soon as the magic is wrong; nothing kept.
        let notGGUF = try RawClient(port: server.port)
        notGGUF.send(Self.head(path, token: f.tokens[.submitter], length: 20_000))
        notGGUF.send(Array(repeating: UInt8(ascii: "x"), count: 20_000))
        #expect(notGGUF.readResponse()?.status == 422)
        // A client that disappears mid-upload leaves nothing behind.
        do {
            let gone = try RawClient(port: server.port)
            gone.send(Self.head(path, token: f.tokens[.submitter], length: 50_000))
            gone.send(Self.fakeGGUF(1000))
        }
        let deadline = Date().addingTimeInterval(10)
        while !incomingFiles(f).isEmpty && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        #expect(incomingFiles(f).isEmpty)
        #expect(try f.snapshot() == before)
        // Ordinary routes keep the small body limit.
        let big = try RawClient(port: server.port)
        big.send(
            "POST /api/v1/models/base/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer \(f.tokens[.submitter] ?? "")\r\nContent-Length: 50000\r\n\r\n")
        #expect(big.readResponse()?.status == 413)
    }

    @Test func inProcessCallsBufferThenRegister() throws {
        let f = try ServiceFixture()
        let bytes = Self.fakeGGUF(3000)
        let request = try Request(
            method: "POST", target: "/api/v1/models/inproc/versions/2/artifact",
            headers: [
                "Authorization": "Bearer \(f.tokens[.admin] ?? "")",
                "Content-Type": "application/octet-stream"
            ], body: bytes)
        let response = f.service.router.respondBlocking(to: request)
        #expect(response.status.code == 201)
        #expect(
            try JSONValue.parse(try response.collectBody()).objectValue?["digest"]?.stringValue
                == SHA256.hash(bytes).hex)
        #expect(incomingFiles(f).isEmpty)
    }
}
