import Foundation
import TestSupport
import Testing

@testable import Registry

#if canImport(Glibc)
import Glibc
#endif

/// Issue 12 item 1: the registry's own files are never opened as artifacts.
struct ArtifactSafetyTests {
    func register(_ r: TestRegistry, _ url: URL) throws {
        try r.registerModel("victim@1", [url])
    }

    func expectRefused(_ r: TestRegistry, _ url: URL, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sourceLocation: sourceLocation) {
            try register(r, url)
        } throws: { error in
            guard case RegistryError.artifactInsideRegistry = error else { return false }
            return true
        }
    }

    @Test func refusesTheDatabaseItsWALAndTheHome() throws {
        let r = try TestRegistry()
        let home = r.dir.path("home")
        // A write so the WAL exists while this connection is open.
        try r.registerModel("first@1", [try r.ggufFile("first.gguf", "a")])
        expectRefused(r, home.appendingPathComponent("registry.sqlite"))
        if FileManager.default.fileExists(atPath: home.appendingPathComponent("registry.sqlite-wal").path) {
            expectRefused(r, home.appendingPathComponent("registry.sqlite-wal"))
        }
        expectRefused(r, home)
        // A directory that contains the home.
        expectRefused(r, r.dir.url)
        #expect(try r.count("model_versions") == 1)
    }

    @Test func refusesSymbolicAndHardLinksToTheDatabase() throws {
        let r = try TestRegistry()
        let home = r.dir.path("home")
        let outside = r.dir.path("elsewhere")
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let symlink = outside.appendingPathComponent("model.gguf")
        try FileManager.default.createSymbolicLink(
            at: symlink, withDestinationURL: home.appendingPathComponent("registry.sqlite"))
        expectRefused(r, symlink)
        let homeLink = r.dir.path("home-link")
        try FileManager.default.createSymbolicLink(at: homeLink, withDestinationURL: home)
        expectRefused(r, homeLink)
        let hard = r.dir.path("hard.gguf")
        #expect(Glibc.link(home.appendingPathComponent("registry.sqlite").path, hard.path) == 0)
        expectRefused(r, hard)
        // Datasets too.
        #expect(throws: RegistryError.artifactInsideRegistry(path: symlink.path)) {
            try r.registerDataset("d@1", symlink)
        }
    }

    @Test func uploadStoreInsideTheHomeIsAllowed() throws {
        let r = try TestRegistry()
        let stored = r.dir.path("home/artifacts/sha256/abc/model.gguf")
        try FileManager.default.createDirectory(
            at: stored.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("GGUF\u{03}\0\0\0x".utf8).write(to: stored)
        try register(r, stored)
        #expect(try r.count("model_versions") == 1)
    }

    /// Issue 12 item 2: a symbolic link inside a registered directory may not leave the roots.
    @Test func collectWithinRootsRefusesEscapingLinks() throws {
        let dir = TemporaryDirectory("collect-roots")
        let root = dir.path("root")
        let model = root.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        try Data("GGUF".utf8).write(to: model.appendingPathComponent("weights.gguf"))
        let canonicalRoot = try #require(ArtifactSafety.canonicalPath(root.path))
        #expect(try ArtifactInput.collect([model], within: [canonicalRoot]).count == 1)
        let secret = dir.path("secret.txt")
        try Data("secret".utf8).write(to: secret)
        try FileManager.default.createSymbolicLink(
            at: model.appendingPathComponent("passwd"), withDestinationURL: secret)
        #expect(throws: RegistryError.artifactOutsideRoots(path: model.appendingPathComponent("passwd").path)) {
            try ArtifactInput.collect([model], within: [canonicalRoot])
        }
        // A linked directory: refused or not descended into, never collected.
        try FileManager.default.removeItem(at: model.appendingPathComponent("passwd"))
        let outsideDir = dir.path("outside")
        try FileManager.default.createDirectory(at: outsideDir, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: outsideDir.appendingPathComponent("f"))
        try FileManager.default.createSymbolicLink(
            at: model.appendingPathComponent("sub"), withDestinationURL: outsideDir)
        if let inputs = try? ArtifactInput.collect([model], within: [canonicalRoot]) {
            #expect(inputs.map(\.relativePath) == ["weights.gguf"])
            #expect(inputs.allSatisfy { ArtifactSafety.isInside($0.url.path, canonicalRoot) })
        }
    }
}
