import Foundation
import ModelFormat
import TestSupport
import Testing

@testable import AssayCLI
@_spi(RawSQL) @testable import Registry

/// A tiny but valid GGUF file (llama architecture, one F32 tensor) whose bytes depend on `tag`.
func registryTestGGUF(tag: String) throws -> Data {
    var writer = GGUFWriter()
    writer.set("general.architecture", .string("llama"))
    writer.set("general.name", .string(tag))
    writer.set("llama.context_length", .uint32(2048))
    let values = (0..<8).map { Float($0) + Float(tag.utf8.reduce(0) { $0 &+ Int($1) } % 97) }
    try writer.addTensor(
        name: "token_embd.weight", dimensions: [4, 2], type: .f32,
        bytes: values.withUnsafeBytes { Array($0) })
    return Data(try writer.encode())
}

/// Runs `assay` in-process against a registry in its own temporary directory.
struct CLIHarness {
    let dir = TemporaryDirectory("cli")
    var home: URL { dir.path("home") }

    struct Result {
        var code: Int32
        var stdout: String
        var stderr: String
    }

    @discardableResult
    func run(_ argv: String...) async -> Result {
        await run(argv)
    }

    @discardableResult
    func run(_ argv: [String]) async -> Result {
        let output = OutputSink.capturing()
        let code = await AssayCommandLine.run(
            argv, environment: ["ASSAY_HOME": home.path, "ASSAY_ACTOR": "alice"],
            output: output, workingDirectory: dir.url)
        return Result(code: code, stdout: output.stdout, stderr: output.stderr)
    }

    /// Writes a small file (a valid tiny GGUF tagged with `body` unless `gguf` is false) and
    /// returns its path.
    func file(_ name: String, _ body: String, gguf: Bool = true) throws -> String {
        let url = dir.path(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try (gguf ? registryTestGGUF(tag: body) : Data(body.utf8)).write(to: url)
        return url.path
    }

    func store() throws -> RegistryStore { try RegistryStore(home: home, actor: "test") }

    /// Every row of the registry's tables, for "nothing changed" comparisons.
    func snapshot() throws -> [String] {
        try store().readDatabase { db in
            let tables = try db.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .map { try $0.get(0, as: String.self) }
            return try tables.flatMap { table in
                try db.query("SELECT * FROM \"\(table)\"").map { "\(table): \($0.values)" }.sorted()
            }
        }
    }
}

struct RegistryCommandsTests {
    @Test func initIsIdempotent() async throws {
        let cli = CLIHarness()
        let first = await cli.run("init", "--trust-actor-env")
        #expect(first.code == 0)
        #expect(first.stdout.contains("Initialized registry"))
        let second = await cli.run("init", "--json")
        #expect(second.code == 0)
        #expect(second.stdout.contains("\"created\" : false"))
    }

    @Test func commandsBeforeInitFailWithOneLine() async throws {
        let cli = CLIHarness()
        let result = await cli.run("model", "list")
        #expect(result.code == 1)
        #expect(result.stderr.contains("no registry at") && result.stderr.contains("assay init"))
    }

    /// Acceptance 2: same file twice is a no-op; different bytes under the same version fail
    /// and leave the database unchanged.
    @Test func registerIsIdempotentAndConflictsChangeNothing() async throws {
        let cli = CLIHarness()
        await cli.run("init", "--trust-actor-env")
        let a = try cli.file("a.gguf", "weights-a")
        let b = try cli.file("b.gguf", "weights-b")
        let first = await cli.run("model", "register", "smol@1.0", a)
        #expect(first.code == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Registered smol@1.0"))
        let before = try cli.snapshot()
        let again = await cli.run("model", "register", "smol@1.0", a)
        #expect(again.code == 0)
        #expect(again.stdout.contains("already registered"))
        #expect(try cli.snapshot() == before)
        let conflict = await cli.run("model", "register", "smol@1.0", b)
        #expect(conflict.code == 1)
        #expect(conflict.stderr.contains("already registered with different content"))
        #expect(conflict.stderr.split(separator: "\n").count == 1)
        #expect(try cli.snapshot() == before)
    }

    @Test(arguments: [
        (["model", "register", "bad name@1", "x.gguf"], "invalid name"),
        (["model", "register", "m@1", "missing.gguf"], "file not found"),
        (["model", "register", "m@1", "plain.gguf"], "is not a GGUF file"),
        (["model", "register", "m@1", "truncated.gguf"], "cannot read the header of"),
        (["model", "register", "m@1", "good.gguf", "--base", "ghost@1"], "unknown model version ghost@1"),
        (["model", "register", "m@1", "good.gguf", "--trained-on", "ghost@1"], "unknown dataset version ghost@1"),
        (["model", "register", "m@1", "good.gguf", "--relation", "sideways", "--base", "a@1"], "relation 'sideways'"),
        (["model", "show", "nope@1"], "unknown model version nope@1"),
        (["dataset", "register", "d@1", "good.gguf", "--license", "MIT"], "--pii or --no-pii")
    ])
    func errorsAreOneLineWithNonZeroExit(argv: [String], message: String) async throws {
        let cli = CLIHarness()
        await cli.run("init", "--trust-actor-env")
        _ = try cli.file("good.gguf", "w")
        _ = try cli.file("plain.gguf", "not gguf", gguf: false)
        _ = try cli.file("truncated.gguf", "GGUF\u{03}\0\0\0 cut short", gguf: false)
        let result = await cli.run(argv)
        #expect(result.code != 0)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(result.stderr.hasPrefix("assay: error: "))
        #expect(result.stderr.split(separator: "\n").count <= 2) // the cause, plus a --help hint for usage errors
        #expect(result.stdout.isEmpty)
    }

    @Test func lineageTreeDatasetsAndCycles() async throws {
        let cli = CLIHarness()
        await cli.run("init", "--trust-actor-env")
        let data = try cli.file("intents.jsonl", "{\"text\":\"hi\"}\n", gguf: false)
        let ds = await cli.run(
            "dataset", "register", "intents@1", data, "--license", "CC-BY-4.0", "--no-pii",
            "--source", "tickets", "--description", "support intents")
        #expect(ds.code == 0, "\(ds.stderr)")
        #expect(await cli.run("model", "register", "base@1", try cli.file("base.gguf", "b")).code == 0)
        let ft = await cli.run(
            "model", "register", "ft@1", try cli.file("ft.gguf", "f"), "--base", "base@1",
            "--param", "method=lora", "--trained-on", "intents@1")
        #expect(ft.code == 0, "\(ft.stderr)")
        let q = await cli.run(
            "model", "register", "q4@1", try cli.file("q4.gguf", "q"), "--base", "ft@1",
            "--relation", "quantized_from", "--param", "bits=4")
        #expect(q.code == 0, "\(q.stderr)")

        let tree = await cli.run("lineage", "show", "q4@1")
        #expect(tree.code == 0)
        #expect(tree.stdout.contains("└── quantized_from ft@1 {\"bits\":4}"))
        #expect(tree.stdout.contains("finetuned_from base@1 {\"method\":\"lora\"}"))
        #expect(tree.stdout.contains("trained_on dataset intents@1"))
        let down = await cli.run("lineage", "show", "base@1", "--json")
        let graph = try #require(try JSONSerialization.jsonObject(with: Data(down.stdout.utf8)) as? [String: Any])
        let descendants = try #require(graph["descendants"] as? [[String: Any]])
        #expect(descendants.compactMap { $0["child"] as? String } == ["ft@1", "q4@1"])
        #expect(graph["root"] as? String == "base@1")

        let cycle = await cli.run("lineage", "add", "base@1", "--parent", "q4@1", "--relation", "distilled_from")
        #expect(cycle.code == 1)
        #expect(cycle.stderr.contains("lineage cycle"))

        let show = await cli.run("model", "show", "ft@1", "--json")
        let version = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        #expect((version["lineage"] as? [[String: Any]])?.count == 2)
        let artifact = try #require((version["artifacts"] as? [[String: Any]])?.first)
        #expect(artifact["architecture"] as? String == "llama" && artifact["parameter_count"] as? Int == 8)
        #expect(artifact["quantization"] as? String == "F32" && artifact["context_length"] as? Int == 2048)
        // Lineage parameters are objects, not JSON text.
        let parameters = (version["lineage"] as? [[String: Any]])?.compactMap { $0["parameters"] as? [String: Any] }
        #expect(parameters?.contains { $0["method"] as? String == "lora" } == true)
        #expect(await cli.run("model", "show", "ft@1").stdout.contains("architecture llama, parameters 8"))
        let list = await cli.run("model", "list", "--json")
        let models = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])
        #expect((models["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["base", "ft", "q4"])
        let dsShow = await cli.run("dataset", "show", "intents@1")
        #expect(dsShow.stdout.contains("support intents"))
        #expect(await cli.run("dataset", "list", "intents").stdout.contains("CC-BY-4.0"))

        let log = await cli.run("audit", "log", "--json")
        let events = try JSONDecoder().decode(AuditLogJSON.self, from: Data(log.stdout.utf8)).items
        #expect(events.map(\.action).contains("model_version.register"))
        // Everything but `init --trust-actor-env`'s settings event (by the OS user) was done as alice.
        #expect(events.filter { $0.action != "registry.settings" }.allSatisfy { $0.actor == "alice" })
        let verify = await cli.run("audit", "verify")
        #expect(verify.code == 0)
        #expect(verify.stdout.contains("audit chain intact: \(events.count) events"))
    }

    @Test func everyRegistryCommandHasHelp() async throws {
        let cli = CLIHarness()
        for path in [
            ["init"], ["model", "register"], ["model", "list"], ["model", "show"], ["dataset", "register"],
            ["dataset", "list"], ["dataset", "show"], ["lineage", "show"], ["lineage", "add"],
            ["audit", "verify"], ["audit", "log"]
        ] {
            let result = await cli.run(path + ["--help"])
            #expect(result.code == 0)
            #expect(result.stdout.contains("USAGE: assay \(path.joined(separator: " "))"))
        }
    }
}

/// `assay audit log --json`: `{"items": [event]}` with the API's event members.
struct AuditLogJSON: Decodable {
    struct Event: Decodable {
        var seq: Int64
        var action: String
        var actor: String
    }
    var items: [Event]
}
