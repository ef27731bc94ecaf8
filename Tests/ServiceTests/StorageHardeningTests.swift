import Foundation
import Hashing
import Registry
import Testing

@testable import Service

#if canImport(Glibc)
import Glibc
#endif

/// Issue 12 items 1, 2 and 8 through the service.
struct StorageHardeningTests {
    /// The registry home under an artifact root, and a link to the database under a root:
    /// refused with 403, the database file never opened as an artifact.
    @Test func refusesRegistryFilesUnderAnArtifactRoot() throws {
        let f = try ServiceFixture()
        let wide = AssayService(pool: f.pool, options: APIOptions(artifactRoots: [f.directory.url]))
        func post(_ body: String) throws -> Int {
            var h = HTTPHeaders()
            h.add("Authorization", "Bearer \(f.tokens[.submitter]!)")
            h.add("Content-Type", "application/json")
            return wide.router.respondBlocking(
                to: try Request(
                    method: "POST", target: "/api/v1/models/base/versions",
                    headers: h, body: Array(body.utf8))
            ).status.code
        }
        let database = f.home.appendingPathComponent("registry.sqlite").path
        #expect(try post(#"{"version":"9.0","files":["\#(database)"]}"#) == 403)
        #expect(try post(#"{"version":"9.1","files":["\#(f.home.path)"]}"#) == 403)
        let link = f.filesDirectory.appendingPathComponent("innocent.gguf")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: database)
        #expect(
            try f.request(
                "POST", "/api/v1/models/base/versions", token: f.tokens[.submitter],
                json: #"{"version":"9.2","files":["\#(link.path)"]}"#
            ).status.code == 403)
        #expect(try RegistryStore(home: f.home, actor: "t").verifyAudit().isIntact)
    }

    /// A registered directory holding a link to /etc/passwd: 403, nothing recorded.
    @Test func linksInsideARegisteredDirectoryCannotEscapeTheRoot() throws {
        let f = try ServiceFixture()
        let folder = f.filesDirectory.appendingPathComponent("bundle")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("weights".utf8).write(to: folder.appendingPathComponent("w.bin"))
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("passwd").path,
            withDestinationPath: "/etc/passwd")
        let before = try f.snapshot()
        let reply = try f.request(
            "POST", "/api/v1/models/base/versions", token: f.tokens[.submitter],
            json: #"{"version":"5.0","files":["\#(folder.path)"]}"#)
        #expect(reply.status.code == 403)
        #expect(try f.snapshot() == before)
    }

    /// Issue 12 item 8: partial uploads left by a crash are removed at start; a live one is kept.
    @Test func abandonedPartialUploadsAreRemovedAtStart() throws {
        let f = try ServiceFixture()
        let incoming = f.home.appendingPathComponent("artifacts/incoming")
        try FileManager.default.createDirectory(at: incoming, withIntermediateDirectories: true)
        for i in 0..<3 {
            try Data("GGUF partial".utf8).write(to: incoming.appendingPathComponent("upload-dead\(i).part"))
        }
        let live = try ArtifactUpload(directory: incoming)
        try live.write(Array("GGUF".utf8)[...])
        #expect(AssayService.removeAbandonedUploads(home: f.home) == 3)
        let left = try FileManager.default.contentsOfDirectory(atPath: incoming.path)
        #expect(left == [live.temporaryURL.lastPathComponent])
        live.abandon()
        #expect(AssayService.removeAbandonedUploads(home: f.home) == 0)
    }
}
