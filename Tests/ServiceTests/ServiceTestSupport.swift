import Foundation
import TestSupport

@testable import Governance
@testable import InferenceCore
@testable import Registry
@testable import Service

#if canImport(Glibc)
import Glibc
import JSON
#endif

/// A raw TCP client for socket-level tests: sends exact bytes, reads responses.
final class RawClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard rc == 0 else {
            close(fd)
            throw SocketError("connect")
        }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Sends bytes; false when the server already closed.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    private func fill() -> Bool {
        var scratch = [UInt8](repeating: 0, count: 65536)
        let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return false }
        buffer += scratch[0..<n]
        return true
    }

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        var json: JSONValue? { try? JSONValue.parse(body) }
    }

    /// Reads one response (Content-Length or chunked); nil when the connection closed first.
    func readResponse(isHEAD: Bool = false) -> Reply? {
        while true {
            if let end = find([13, 10, 13, 10]) {
                let head = String(decoding: buffer[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
                let status = Int(head[0].split(separator: " ")[1]) ?? 0
                var headers: [String: String] = [:]
                for line in head.dropFirst() {
                    if let c = line.firstIndex(of: ":") {
                        headers[line[..<c].lowercased()] = line[line.index(after: c)...].trimmingCharacters(
                            in: .whitespaces)
                    }
                }
                var bodyStart = end + 4
                if headers["transfer-encoding"] == "chunked" {
                    var body: [UInt8] = []
                    while true {
                        guard let lineEnd = find([13, 10], from: bodyStart) else {
                            if !fill() { return nil }
                            continue
                        }
                        let size = Int(String(decoding: buffer[bodyStart..<lineEnd], as: UTF8.self), radix: 16) ?? 0
                        while buffer.count < lineEnd + 2 + size + 2 { if !fill() { return nil } }
                        body += buffer[(lineEnd + 2)..<(lineEnd + 2 + size)]
                        bodyStart = lineEnd + 2 + size + 2
                        if size == 0 { break }
                    }
                    buffer.removeSubrange(0..<bodyStart)
                    return Reply(status: status, headers: headers, body: body)
                }
                let length = isHEAD ? 0 : Int(headers["content-length"] ?? "0") ?? 0
                while buffer.count < bodyStart + length { if !fill() { return nil } }
                let body = Array(buffer[bodyStart..<(bodyStart + length)])
                buffer.removeSubrange(0..<(bodyStart + length))
                return Reply(status: status, headers: headers, body: body)
            }
            if !fill() { return nil }
        }
    }

    /// True when the server closed the connection (EOF) within the receive timeout.
    func isClosedByServer() -> Bool {
        while fill() {}
        return true
    }

    private func find(_ needle: [UInt8], from: Int = 0) -> Int? {
        guard buffer.count >= needle.count + from else { return nil }
        for i in from...(buffer.count - needle.count) where Array(buffer[i..<(i + needle.count)]) == needle { return i }
        return nil
    }
}

extension RawClient {
    /// One GET with optional bearer token.
    static func get(port: Int, _ path: String, token: String? = nil) throws -> Reply? {
        let client = try RawClient(port: port)
        var request = "GET \(path) HTTP/1.1\r\nHost: localhost\r\n"
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        client.send(request + "\r\n")
        return client.readResponse()
    }
}

/// A registry with one model version, one dataset, one lineage edge, an actor per role with a
/// token, and a service over it.
final class ServiceFixture: @unchecked Sendable {
    let directory = TemporaryDirectory("assay-service")
    let home: URL
    let pool: RegistryPool
    /// role → token secret of an actor holding exactly that role.
    var tokens: [Role: String] = [:]
    /// Token of an actor with no role at all.
    var roleless = ""
    var revoked = ""
    let service: AssayService

    init(backend: (any Backend)? = nil, policy: PolicyBinding? = nil) throws {
        home = directory.path("home")
        let admin = try RegistryStore(home: home, actor: "bootstrap", create: true)
        let files = directory.path("files")
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        let weights = files.appendingPathComponent("base.bin")
        try Data("base weights".utf8).write(to: weights)
        let tuned = files.appendingPathComponent("tuned.bin")
        try Data("tuned weights".utf8).write(to: tuned)
        let data = files.appendingPathComponent("train.jsonl")
        try Data("{\"x\":1}\n".utf8).write(to: data)
        _ = try admin.registerModelVersion(
            ModelRegistration(
                reference: try VersionReference(parsing: "base@1.0"),
                files: [ArtifactInput(url: weights, relativePath: "base.bin")]))
        _ = try admin.registerDatasetVersion(
            DatasetRegistration(
                reference: try VersionReference(parsing: "train@1"),
                files: [ArtifactInput(url: data, relativePath: "train.jsonl")],
                license: "MIT", containsPII: false))
        _ = try admin.registerModelVersion(
            ModelRegistration(
                reference: try VersionReference(parsing: "tuned@1.0"),
                files: [ArtifactInput(url: tuned, relativePath: "tuned.bin")],
                lineage: [
                    LineageLink(relation: .finetunedFrom, parent: try VersionReference(parsing: "base@1.0")),
                    LineageLink(relation: .trainedOn, parent: try VersionReference(parsing: "train@1"))
                ]))
        for role in Role.allCases {
            let actor = "actor-\(role.rawValue)"
            try admin.write { tx in _ = try GovernanceRecords.grantRole(tx, actor: actor, role: role.rawValue) }
            tokens[role] = try Self.ownToken(home: home, actor: actor).secret
        }
        roleless = try Self.ownToken(home: home, actor: "nobody").secret
        let gone = try Self.ownToken(home: home, actor: "actor-admin")
        revoked = gone.secret
        _ = try admin.revokeToken(id: gone.token.id)
        pool = try RegistryPool(home: home, readerCount: 2)
        service = AssayService(
            pool: pool, backend: backend, modelID: "test-model",
            options: APIOptions(artifactRoots: [files], policy: policy))
    }

    var filesDirectory: URL { directory.path("files") }

    /// A policy with one tier needing no suites, no card fields and one approval.
    static let simplePolicy = PolicyBinding(
        policy: Policy(
            version: 3, defaultTier: "standard",
            tiers: ["standard": RiskTier(requiredSuites: [], maxRegression: 0.05, quorum: 1)]),
        digest: String(repeating: "ab", count: 32), source: "test")

    /// A token for a new actor holding `roles`.
    func token(for actor: String, roles: [Role]) throws -> String {
        let store = try RegistryStore(home: home, actor: "bootstrap")
        for role in roles {
            try store.write { tx in _ = try GovernanceRecords.grantRole(tx, actor: actor, role: role.rawValue) }
        }
        return try Self.ownToken(home: home, actor: actor).secret
    }

    /// A token `actor` creates for themselves (anyone may; only admins create tokens for others).
    static func ownToken(home: URL, actor: String) throws -> IssuedToken {
        try RegistryStore(home: home, actor: actor).createToken(for: actor)
    }

    /// Everything observable about the registry's contents.
    func snapshot() throws -> String {
        let store = try RegistryStore(home: home, actor: "snapshot")
        let verification = try store.verifyAudit()
        let models = try store.models().map { "\($0.name):\($0.versionCount)" }
        let datasets = try store.datasets().map { "\($0.name):\($0.versionCount)" }
        let tokens = try store.tokens().map { "\($0.id):\($0.revokedAt ?? "-")" }
        return
            "\(verification.eventCount) \(verification.headHash) \(models) \(datasets) \(tokens) \(try store.integrityCheck())"
    }

    func request(
        _ method: String, _ target: String, token: String? = nil, json: String? = nil,
        headers: HTTPHeaders = [:]
    ) throws -> Response {
        var h = headers
        if let token { h.add("Authorization", "Bearer \(token)") }
        if json != nil { h.add("Content-Type", "application/json") }
        let request = try Request(method: method, target: target, headers: h, body: Array((json ?? "").utf8))
        return service.router.respondBlocking(to: request)
    }
}
