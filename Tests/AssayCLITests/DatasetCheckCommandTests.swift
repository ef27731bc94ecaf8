import Foundation
import JSON
import TestSupport
import Testing

@testable import AssayCLI

/// `assay dataset check` and the check run by `dataset register` (issue 14).
struct DatasetCheckCommandTests {
    @Test func registerChecksAndReportsFileLineErrorsDuplicatesAndPII() async throws {
        let cli = CLIHarness()
        await cli.run("init", "--trust-actor-env")
        let lines = [
            #"{"messages":[{"role":"user","content":"How do I reset my password on the portal today?"},{"role":"assistant","content":"Open settings and choose reset; mail help@example.com if stuck."}]}"#,
            #"{"messages":[{"role":"user","content":"How do I reset my password on the portal today?"},{"role":"assistant","content":"Open settings and choose reset; mail help@example.com if stuck."}]}"#,
            #"{"messages":[{"role":"robot","content":"beep"}]}"#,
            #"{"messages": [oops"#,
            #"{"prompt":"a","completion":"b"}"#
        ]
        let data = try cli.file("chat.jsonl", lines.joined(separator: "\n") + "\n", gguf: false)
        let registered = await cli.run("dataset", "register", "chat@1", data, "--license", "MIT", "--no-pii")
        #expect(registered.code == 0, "\(registered.stderr)")
        #expect(registered.stdout.contains("chat.jsonl:3: messages[0] has unknown role 'robot'"))
        #expect(registered.stdout.contains("chat.jsonl:4: invalid JSON"))
        #expect(registered.stdout.contains("chat.jsonl:5: prompt_completion record in a chat file"))
        #expect(registered.stdout.contains("exact duplicates: 1"))
        #expect(registered.stdout.contains("NO (undeclared)"))

        let json = await cli.run("dataset", "check", "chat@1", "--json")
        #expect(json.code == 0, "\(json.stderr)")
        let root = try JSONValue.parse(json.stdout)
        guard case .object(let o) = root, case .object(let report)? = o["report"],
            case .object(let validation)? = report["validation"],
            case .object(let pii)? = report["pii"]
        else {
            Issue.record("unexpected JSON: \(json.stdout.prefix(300))")
            return
        }
        #expect(validation["invalid_records"] == .integer(3))
        #expect(pii["undeclared"] == .bool(true))
        #expect(o["report_sha256"]?.stringValue?.count == 64)
        // The same bytes give the same report digest (content-addressed, stored once).
        let again = await cli.run("dataset", "check", "chat@1", "--json")
        #expect(try JSONValue.parse(again.stdout).objectValue?["report_sha256"] == o["report_sha256"])

        let strict = await cli.run("dataset", "check", "chat@1", "--strict")
        #expect(strict.code == 1)
        let show = await cli.run("dataset", "show", "chat@1", "--json")
        #expect(show.stdout.contains("\"quality_check\""))
        #expect(show.stdout.contains("\"digest\""))
        #expect(await cli.run("dataset", "show", "chat@1").stdout.contains("quality check:"))
        let audit = try cli.store().auditEvents().filter { $0.action == "dataset_version.check" }
        #expect(audit.count == 4) // register, --json, again, --strict
    }

    @Test func movedOrChangedDataIsAClearError() async throws {
        let cli = CLIHarness()
        await cli.run("init", "--trust-actor-env")
        let data = try cli.file("d/text.txt", "one line of text\nanother line\n", gguf: false)
        #expect(
            await cli.run("dataset", "register", "t@1", data, "--license", "not a licence", "--no-pii", "--no-check")
                .code == 0)
        let first = await cli.run("dataset", "check", "t@1")
        #expect(first.code == 0)
        #expect(first.stdout.contains("not SPDX"))
        try FileManager.default.moveItem(atPath: data, toPath: cli.dir.path("moved.txt").path)
        let missing = await cli.run("dataset", "check", "t@1")
        #expect(missing.code != 0)
        #expect(missing.stderr.contains("is not available at"), "\(missing.stderr)")
        #expect(await cli.run("dataset", "check", "t@1", cli.dir.path("moved.txt").path).code == 0)
        try Data("changed\n".utf8).write(to: cli.dir.path("moved.txt"))
        let changed = await cli.run("dataset", "check", "t@1")
        #expect(changed.code != 0)
        #expect(changed.stderr.contains("changed since it was registered"), "\(changed.stderr)")
        #expect(changed.stderr.split(separator: "\n").count == 1)
        let bad = await cli.run("dataset", "check", "t@1", "--near-threshold", "2")
        #expect(bad.code != 0 && bad.stderr.contains("--near-threshold"))
    }
}

/// `assay eval --exclude-contaminated` end to end on the real SmolLM2 file (issue 14).
struct ExcludeContaminatedEvalTests {
    @Test(.enabled(if: Fixtures.modelAvailableOrCI(Fixtures.smolLMPath)))
    func scoresWithAndWithoutTheContaminatedItems() async throws {
        let model = try Fixtures.requireModel(Fixtures.smolLMPath)
        let cli = CLIHarness()
        await cli.run("init", "--trust-actor-env")
        let data = try cli.file(
            "ft.jsonl",
            #"{"prompt":"Which is the longest river in South America?","completion":"The Amazon."}"# + "\n"
                + #"{"prompt":"kalo mire tosa velo","completion":"dorpi quazen"}"# + "\n", gguf: false)
        #expect(await cli.run("dataset", "register", "ft-data@1", data, "--license", "MIT", "--no-pii").code == 0)
        let registered = await cli.run("model", "register", "smol@1", model.path, "--trained-on", "ft-data@1")
        #expect(registered.code == 0, "\(registered.stderr)")
        let result = await cli.run(
            "eval", "--model", "smol@1", "--suite", "general-knowledge", "--limit", "6", "--shots", "0",
            "--threads", "2", "--exclude-contaminated", "--json")
        #expect(result.code == 0, "\(result.stderr)")
        let root = try JSONValue.parse(result.stdout)
        guard case .object(let o) = root, case .object(let d)? = o["decontaminated"],
            case .array(let tasks)? = d["tasks"],
            case .object(let task)? = tasks.first
        else {
            Issue.record("no decontaminated scores: \(result.stdout.prefix(400))")
            return
        }
        #expect(task["items"] == .integer(6))
        // (camelCase today; snake_case once the CLI's --json keys are normalised)
        #expect((task["cleanItems"] ?? task["clean_items"]) == .integer(5))
        #expect((task["excludedItems"] ?? task["excluded_items"]) == .array([.string("gk-0001")]))
        #expect(o["results"] != nil)
        let text = await cli.run(
            "eval", "--model", "smol@1", "--suite", "general-knowledge", "--limit", "6", "--shots", "0",
            "--threads", "2", "--exclude-contaminated")
        #expect(text.stdout.contains("CLEAN ACC"), "\(text.stdout)")
    }
}
