import Foundation
import Hashing
import Storage
import TestSupport
import Testing

@_spi(RawSQL) @testable import Registry

struct NamesTests {
    @Test(arguments: ["a", "SmolLM2-135M", "qwen2.5_0.5b", String(repeating: "x", count: 128)])
    func validNames(name: String) { #expect(Names.isValidName(name)) }

    @Test(arguments: ["", "-a", ".a", "a b", "a/b", "a@b", "é", String(repeating: "x", count: 129)])
    func invalidNames(name: String) { #expect(!Names.isValidName(name)) }

    @Test func references() throws {
        let r = try VersionReference(parsing: "smollm2@1.0+q4")
        #expect(r.name == "smollm2" && r.version == "1.0+q4")
        #expect(throws: RegistryError.invalidReference("smollm2")) { try VersionReference(parsing: "smollm2") }
        #expect(throws: RegistryError.invalidName("bad name")) { try VersionReference(parsing: "bad name@1") }
        #expect(throws: RegistryError.invalidVersion("")) { try VersionReference(parsing: "a@") }
    }
}

struct ModelRegistrationTests {
    @Test func registersAndDetectsGGUF() throws {
        let r = try TestRegistry()
        let file = try r.ggufFile("m.gguf", "weights")
        let outcome = try r.registerModel("m@1", [file])
        #expect(outcome.isNew)
        let v = outcome.value
        #expect(v.digest == SHA256.hash(try Data(contentsOf: file)).hex)
        #expect(v.format == "gguf")
        #expect(v.artifacts.map(\.relativePath) == ["m.gguf"])
        #expect(try r.store.auditEvents().map(\.action) == ["model.create", "model_version.register"])
    }

    @Test func sameBytesAgainIsANoOp() throws {
        let r = try TestRegistry()
        let file = try r.ggufFile("m.gguf", "weights")
        try r.registerModel("m@1", [file])
        let events = try r.count("audit_events")
        let again = try r.registerModel("m@1", [file])
        #expect(!again.isNew)
        #expect(try r.count("audit_events") == events)
        #expect(try r.count("model_versions") == 1)
    }

    @Test func differentBytesUnderTheSameVersionFailAndChangeNothing() throws {
        let r = try TestRegistry()
        try r.registerModel("m@1", [try r.ggufFile("a.gguf", "one")])
        let before = try snapshot(r)
        #expect {
            try r.registerModel("m@1", [try r.ggufFile("b.gguf", "two")])
        } throws: { error in
            guard case RegistryError.versionConflict(let reference, _, _) = error else { return false }
            return reference.description == "m@1"
        }
        #expect(try snapshot(r) == before)
    }

    @Test func multiFileVersionsUseTheManifestDigest() throws {
        let r = try TestRegistry()
        let dir = r.dir.path("model")
        _ = try r.file("model/weights.gguf", "GGUF....")
        _ = try r.file("model/tokenizer/vocab.txt", "a\nb\n")
        let v = try r.registerModel("m@1", [dir]).value
        #expect(v.artifacts.map(\.relativePath) == ["tokenizer/vocab.txt", "weights.gguf"])
        let manifest = v.artifacts.map { "\($0.sha256)  \($0.relativePath)\n" }.joined()
        #expect(v.digest == SHA256.hash(Array(manifest.utf8)).hex)
        #expect(v.format == "gguf")
    }

    @Test func notAGGUFIsRejected() throws {
        let r = try TestRegistry()
        let file = try r.file("fake.gguf", "not gguf at all")
        #expect(throws: RegistryError.formatMismatch(path: file.path, expected: .gguf, detected: .unknown)) {
            try r.registerModel("m@1", [file])
        }
        #expect(try r.count("model_versions") == 0)
    }

    @Test func missingFileIsReported() throws {
        let r = try TestRegistry()
        let missing = r.dir.path("nope.gguf")
        #expect(throws: RegistryError.fileMissing(path: missing.path)) { try r.registerModel("m@1", [missing]) }
    }

    @Test func inspectorFactsAreStored() throws {
        struct FakeInspector: ArtifactInspector {
            func inspect(fileAt url: URL, format: ArtifactFormat) throws -> ArtifactFacts? {
                ArtifactFacts(
                    architecture: "llama", parameterCount: 134_515_008, quantization: "Q4_1", contextLength: 8192)
            }
        }
        let dir = TemporaryDirectory("registry")
        let store = try RegistryStore(home: dir.path("home"), actor: "t", create: true, inspector: FakeInspector())
        let file = dir.path("m.gguf")
        try Data("GGUF1234".utf8).write(to: file)
        let v = try store.registerModelVersion(
            ModelRegistration(
                reference: try ref("m@1"),
                files: try ArtifactInput.collect([file]))
        ).value
        #expect(v.artifacts[0].facts?.architecture == "llama")
        #expect(v.artifacts[0].facts?.contextLength == 8192)
    }

    @Test func versionsAreImmutableInTheDatabase() throws {
        let r = try TestRegistry()
        try r.registerModel("m@1", [try r.ggufFile("a.gguf", "one")])
        #expect(throws: StorageError.self) {
            try r.store.write { tx in
                try tx.database.run("UPDATE model_versions SET digest = ?", String(repeating: "0", count: 64))
            }
        }
        #expect(throws: StorageError.self) {
            try r.store.write { tx in try tx.database.run("DELETE FROM artifacts") }
        }
    }

    /// Opening an up-to-date registry and reading it must not need the write lock, so read
    /// commands work while another process is in the middle of a write transaction.
    @Test func readsDoNotWaitForAWriter() throws {
        let r = try TestRegistry()
        try r.registerModel("m@1", [try r.ggufFile("a.gguf", "one")])
        let writer = try Database(path: r.store.databasePath)
        try writer.execute("BEGIN IMMEDIATE")
        defer { try? writer.execute("ROLLBACK") }
        let reader = try RegistryStore(home: r.dir.path("home"), actor: "reader", busyTimeout: .milliseconds(100))
        #expect(try reader.models().map(\.name) == ["m"])
        #expect(try reader.verifyAudit().isIntact)
        #expect(throws: StorageError.self) {
            try reader.write { tx in try tx.appendAudit(action: "x", subject: "y", payload: [:]) }
        }
    }

    @Test func notInitializedIsAClearError() throws {
        let dir = TemporaryDirectory("registry")
        #expect(throws: RegistryError.notInitialized(path: dir.path("none").path)) {
            try RegistryStore(home: dir.path("none"), actor: "t")
        }
    }

    func snapshot(_ r: TestRegistry) throws -> [String] {
        try r.store.readDatabase { db in
            try ["models", "model_versions", "artifacts", "audit_events", "lineage_edges"].flatMap { table in
                try db.query("SELECT * FROM \(table) ORDER BY rowid").map { "\(table): \($0.values)" }
            }
        }
    }
}

struct DatasetRegistrationTests {
    @Test func datasetDigestIsTheManifestEvenForOneFile() throws {
        let r = try TestRegistry()
        let file = try r.file("rows.jsonl", "{\"x\":1}\n")
        let v = try r.registerDataset("rows@1", file).value
        let fileHash = SHA256.hash(try Data(contentsOf: file)).hex
        #expect(v.digest == SHA256.hash(Array("\(fileHash)  rows.jsonl\n".utf8)).hex)
        #expect(v.license == "CC-BY-4.0" && !v.containsPII && v.source == "unit test")
        #expect(!(try r.registerDataset("rows@1", file).isNew))
        _ = try r.file("rows.jsonl", "changed")
        #expect(throws: RegistryError.self) { try r.registerDataset("rows@1", file) }
        #expect(try r.count("dataset_versions") == 1)
    }
}

struct LineageTests {
    @Test func ancestorsDescendantsAndDatasets() throws {
        let r = try TestRegistry()
        try r.registerDataset("intents@1", try r.file("d.jsonl", "rows"))
        try r.registerModel("base@1", [try r.ggufFile("base.gguf", "b")])
        try r.registerModel(
            "ft@1", [try r.ggufFile("ft.gguf", "f")],
            lineage: [
                LineageLink(relation: .finetunedFrom, parent: try ref("base@1"), parameters: ["method": "lora"]),
                LineageLink(relation: .trainedOn, parent: try ref("intents@1"))
            ])
        try r.registerModel(
            "q4@1", [try r.ggufFile("q4.gguf", "q")],
            lineage: [
                LineageLink(relation: .quantizedFrom, parent: try ref("ft@1"), parameters: ["bits": 4])
            ])
        let up = try r.store.lineage(of: try ref("q4@1"))
        #expect(up.ancestors == [try ref("base@1"), try ref("ft@1")])
        #expect(up.ancestorEdges.count == 3)
        #expect(up.ancestorEdges.first { $0.relation == .quantizedFrom }?.parameters == #"{"bits":4}"#)
        let down = try r.store.lineage(of: try ref("base@1"))
        #expect(down.descendants == [try ref("ft@1"), try ref("q4@1")])
    }

    @Test func cyclesAreRejected() throws {
        let r = try TestRegistry()
        try r.registerModel("a@1", [try r.ggufFile("a.gguf", "a")])
        try r.registerModel(
            "b@1", [try r.ggufFile("b.gguf", "b")],
            lineage: [LineageLink(relation: .finetunedFrom, parent: try ref("a@1"))])
        try r.registerModel(
            "c@1", [try r.ggufFile("c.gguf", "c")],
            lineage: [LineageLink(relation: .quantizedFrom, parent: try ref("b@1"))])
        let events = try r.count("audit_events")
        #expect(throws: RegistryError.lineageCycle(child: try ref("a@1"), parent: try ref("c@1"))) {
            try r.store.addLineage(
                child: try ref("a@1"), link: LineageLink(relation: .distilledFrom, parent: try ref("c@1")))
        }
        #expect(throws: RegistryError.lineageCycle(child: try ref("a@1"), parent: try ref("a@1"))) {
            try r.store.addLineage(
                child: try ref("a@1"), link: LineageLink(relation: .mergedFrom, parent: try ref("a@1")))
        }
        #expect(try r.count("audit_events") == events)
        #expect(
            try r.store.addLineage(
                child: try ref("c@1"), link: LineageLink(relation: .mergedFrom, parent: try ref("a@1"))))
        #expect(
            !(try r.store.addLineage(
                child: try ref("c@1"), link: LineageLink(relation: .mergedFrom, parent: try ref("a@1")))))
    }

    @Test func unknownParentFailsTheWholeRegistration() throws {
        let r = try TestRegistry()
        #expect(throws: RegistryError.unknownModelVersion(try ref("ghost@1"))) {
            try r.registerModel(
                "m@1", [try r.ggufFile("m.gguf", "m")],
                lineage: [LineageLink(relation: .finetunedFrom, parent: try ref("ghost@1"))])
        }
        #expect(try r.count("model_versions") == 0)
        #expect(try r.count("audit_events") == 0)
    }
}

struct GGUFArtifactInspectorTests {
    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI))
    func readsSmolLM2HeaderFacts() throws {
        let model = try Fixtures.requireSmolLM()
        let dir = TemporaryDirectory("registry")
        let store = try RegistryStore(
            home: dir.path("home"), actor: "t", create: true, inspector: GGUFArtifactInspector())
        let version = try store.registerModelVersion(
            ModelRegistration(
                reference: try ref("smollm2-135m@1.0"), files: try ArtifactInput.collect([model]))
        ).value
        #expect(version.digest == Fixtures.smolLMSHA256)
        let facts = try #require(version.artifacts.first?.facts)
        #expect(facts.architecture == "llama")
        #expect(facts.contextLength == 8192)
        #expect((facts.parameterCount ?? 0) > 130_000_000 && (facts.parameterCount ?? 0) < 140_000_000)
        #expect(facts.quantization?.contains("Q4_1") == true)
    }

    @Test func corruptGGUFHeaderFailsTheRegistration() throws {
        let dir = TemporaryDirectory("registry")
        let store = try RegistryStore(
            home: dir.path("home"), actor: "t", create: true, inspector: GGUFArtifactInspector())
        let file = dir.path("broken.gguf")
        try Data("GGUF\u{03}\0\0\0 truncated".utf8).write(to: file)
        #expect {
            try store.registerModelVersion(
                ModelRegistration(reference: try ref("m@1"), files: try ArtifactInput.collect([file])))
        } throws: { error in
            if case RegistryError.inspectionFailed = error { return true }
            return false
        }
        #expect(try store.modelVersionCount() == 0)
    }
}

/// Issue 11: registered bytes are verified before use; the verification is cached by path,
/// size, mtime, ctime and inode, and any change re-hashes.
struct ArtifactVerificationTests {
    @Test func verificationIsCachedAndAChangedByteIsRefusedNamingBothDigests() throws {
        let r = try TestRegistry()
        let url = try r.file("m.bin", "abcdefgh")
        let version = try r.registerModel("m@1", [url]).value
        let artifact = try #require(version.artifacts.first)
        let verifier = ArtifactVerifier(home: r.store.home)
        #expect(try verifier.verify(artifact) == false) // hashed
        #expect(try verifier.verify(artifact) == true) // cached
        #expect(
            try verifier.verifiedArtifactPath(
                store: r.store, reference: try VersionReference(parsing: "m@1"), format: artifact.format
            ).path == url.path)
        // Same size, one byte changed.
        try Data("abcdefgX".utf8).write(to: url)
        do {
            try verifier.verify(artifact)
            Issue.record("a changed file was accepted")
        } catch {
            guard case .digestMismatch(let path, let registered, let actual) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(path == url.path && registered == artifact.sha256 && actual != registered)
            #expect(error.description.contains(registered) && error.description.contains(actual))
        }
        try Data("abcdefgh".utf8).write(to: url)
        #expect(try verifier.verify(artifact) == false) // re-hashed after the change, accepted again
        #expect(try verifier.verifyRegisteredFile(store: r.store, path: url.path) == 1)
        try FileManager.default.removeItem(at: url)
        #expect(throws: ArtifactVerificationError.missing(path: url.path)) { try verifier.verify(artifact) }
    }

    @Test func copiedFilesLiveInTheContentAddressedStore() throws {
        let r = try TestRegistry()
        let url = try r.file("m.bin", "weights")
        let stored = try ContentStore(home: r.store.home).ingest(ArtifactInput(url: url, relativePath: "m.bin"))
        let digest = try #require(stored.precomputedDigest).sha256.hex
        #expect(stored.url.lastPathComponent == digest && stored.relativePath == "m.bin")
        #expect(!FileManager.default.isWritableFile(atPath: stored.url.path) || getuid() == 0)
        let version = try r.store.registerModelVersion(
            ModelRegistration(reference: try VersionReference(parsing: "m@1"), files: [stored])
        ).value
        try Data("edited".utf8).write(to: url) // editing the original changes nothing
        try ArtifactVerifier(home: r.store.home).verify(try #require(version.artifacts.first))
    }
}
