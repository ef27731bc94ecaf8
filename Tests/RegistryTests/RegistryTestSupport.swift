import Foundation
import TestSupport

@_spi(RawSQL) @testable import Registry

/// A fresh registry in its own temporary directory.
struct TestRegistry {
    let dir: TemporaryDirectory
    let store: RegistryStore

    init(actor: String = "tester") throws {
        dir = TemporaryDirectory("registry")
        store = try RegistryStore(home: dir.path("home"), actor: actor, create: true)
    }

    /// Writes `contents` to a file in the test directory and returns its URL.
    func file(_ name: String, _ contents: String) throws -> URL {
        let url = dir.path(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
        return url
    }

    /// A tiny file with GGUF magic.
    func ggufFile(_ name: String, _ tag: String) throws -> URL {
        try file(name, "GGUF\u{03}\0\0\0" + tag)
    }

    @discardableResult
    func registerModel(_ ref: String, _ files: [URL], lineage: [LineageLink] = []) throws -> RegistrationOutcome<
        ModelVersion
    > {
        try store.registerModelVersion(
            ModelRegistration(
                reference: try VersionReference(parsing: ref),
                files: try ArtifactInput.collect(files), lineage: lineage))
    }

    @discardableResult
    func registerDataset(_ ref: String, _ url: URL) throws -> RegistrationOutcome<DatasetVersion> {
        try store.registerDatasetVersion(
            DatasetRegistration(
                reference: try VersionReference(parsing: ref),
                files: try ArtifactInput.collect([url]),
                license: "CC-BY-4.0", containsPII: false,
                source: "unit test", description: "rows"))
    }

    func count(_ table: String) throws -> Int {
        try store.readDatabase { db in try db.scalar("SELECT count(*) FROM \(table)", as: Int.self) ?? 0 }
    }
}

func ref(_ text: String) throws -> VersionReference { try VersionReference(parsing: text) }
