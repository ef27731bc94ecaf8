import Foundation
import TestSupport
import Testing

@testable import AssayCLI

/// A version registered `adapter_of` a base, whose file is a GGUF LoRA adapter, runs as base +
/// adapter in `assay run --model M@V`, `assay eval` and the gate/serve paths (RunnableModel).
struct AdapterVersionTests {
    static func tokens(_ args: [String]) async throws -> [Int] {
        let output = OutputSink.capturing()
        let code = await AssayCommandLine.run(
            args + ["--prompt", "The capital of France is", "--max-tokens", "8", "--json"], output: output)
        #expect(code == ExitCode.success, "\(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        return try #require(json["tokens"] as? [Int])
    }

    @Test(.enabled(if: Fixtures.smolLMAvailableOrCI && Fixtures.referenceAvailableOrCI))
    func adapterVersionRunsAsBasePlusAdapter() async throws {
        let base = try Fixtures.requireSmolLM()
        let adapter = try Fixtures.require(Fixtures.reference("reference/smollm2-lora-r8.gguf"))
        let dir = TemporaryDirectory("adapter-version")
        let home = dir.path("reg").path
        let sink = OutputSink.capturing()
        #expect(await AssayCommandLine.run(["init", "--registry", home], output: sink) == ExitCode.success)
        #expect(
            await AssayCommandLine.run(
                ["model", "register", "smollm2@q4_1", base.path, "--format", "gguf", "--registry", home],
                output: sink) == ExitCode.success)
        // Without its base an adapter cannot run: a clear error, not a crash.
        #expect(
            await AssayCommandLine.run(
                ["model", "register", "smollm2@orphan", adapter.path, "--format", "gguf", "--registry", home],
                output: sink) == ExitCode.success)
        let orphan = OutputSink.capturing()
        #expect(
            await AssayCommandLine.run(
                ["run", "--model", "smollm2@orphan", "--prompt", "x", "--registry", home], output: orphan)
                == ExitCode.failure)
        #expect(orphan.stderr.contains("adapter_of"))

        #expect(
            await AssayCommandLine.run(
                [
                    "model", "register", "smollm2@lora-r8", adapter.path, "--format", "gguf",
                    "--base", "smollm2@q4_1", "--relation", "adapter_of", "--param", "scale=1",
                    "--registry", home
                ], output: sink) == ExitCode.success)
        let viaRegistry = try await Self.tokens(["run", "--model", "smollm2@lora-r8", "--registry", home])
        let viaFlag = try await Self.tokens(["run", "--model", base.path, "--lora", adapter.path])
        let baseOnly = try await Self.tokens(["run", "--model", "smollm2@q4_1", "--registry", home])
        #expect(viaRegistry == viaFlag)
        #expect(viaRegistry != baseOnly)

        let eval = OutputSink.capturing()
        let code = await AssayCommandLine.run(
            [
                "eval", "--model", "smollm2@lora-r8", "--suite", "general-knowledge", "--limit", "2",
                "--threads", "2", "--json", "--registry", home
            ], output: eval)
        #expect(code == ExitCode.success, "\(eval.stderr)")
        #expect(eval.stdout.contains("+lora:"), "the run records base + adapter as the model identity")
    }
}
