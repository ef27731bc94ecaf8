import Foundation
import TestSupport
import Testing

@testable import AssayCLI
@testable import Registry

/// Issue 12: CLI-side hardening (credentials in --endpoint, broken pipes).
struct HardeningCLITests {
    /// Item 4: an endpoint with credentials is refused without echoing them, nothing recorded.
    @Test func endpointCredentialsAreNeitherRecordedNorPrinted() async throws {
        let cli = CLIHarness()
        #expect(await cli.run("init", "--trust-actor-env").code == 0)
        let model = cli.dir.path("m.gguf")
        try registryTestGGUF(tag: "m").write(to: model)
        #expect(await cli.run("model", "register", "m@1", model.path).code == 0)
        for endpoint in ["http://bob:hunter2@127.0.0.1:9", "http://127.0.0.1:9/v1?token=hunter2"] {
            let result = await cli.run(
                "eval", "--backend", "openai", "--endpoint", endpoint, "--model", "m@1",
                "--suite", "general-knowledge", "--limit", "1")
            #expect(result.code != 0)
            #expect(!result.stderr.contains("hunter2"), "\(result.stderr)")
            #expect(!result.stdout.contains("hunter2"))
            #expect(result.stderr.contains("REDACTED"))
        }
        let log = await cli.run("audit", "log", "--json")
        #expect(!log.stdout.contains("hunter2"))
    }

    /// Item 11: stdout closed by the reader (`assay … | head -1`) ends the command quietly
    /// instead of trapping in `FileHandle.write`.
    @Test func closedStdoutDoesNotCrash() throws {
        let binary = try AssayExecutable.require()
        let dir = TemporaryDirectory("epipe")
        let home = dir.path("home")
        for (arguments, runInit) in [(["--help"], false), (["audit", "log", "--json"], true), (["model", "list"], true)]
        {
            if runInit {
                let p = Process()
                p.executableURL = binary
                p.arguments = ["init", "--registry", home.path]
                p.standardOutput = FileHandle.nullDevice
                p.standardError = FileHandle.nullDevice
                try p.run()
                p.waitUntilExit()
            }
            let pipe = Pipe()
            try pipe.fileHandleForReading.close() // the reader is gone before the first write
            let errors = Pipe()
            let process = Process()
            process.executableURL = binary
            process.arguments = arguments + ["--registry", home.path]
            process.standardOutput = pipe.fileHandleForWriting
            process.standardError = errors.fileHandleForWriting
            try process.run()
            try pipe.fileHandleForWriting.close()
            try errors.fileHandleForWriting.close()
            let stderr = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationReason == .exit, "\(arguments): killed by signal \(process.terminationStatus)")
            #expect(process.terminationStatus == 0, "\(arguments)")
            #expect(!String(decoding: stderr, as: UTF8.self).contains("Fatal error"))
        }
    }
}

extension HardeningCLITests {
    /// Item 9: `webhook add` refuses literal private addresses without --allow-private-webhooks.
    @Test func webhookAddRefusesPrivateAddresses() async throws {
        let cli = CLIHarness()
        #expect(await cli.run("init", "--trust-actor-env").code == 0)
        for url in [
            "http://169.254.169.254/latest", "http://127.0.0.1:22/", "http://[::1]/x", "http://10.0.0.8/h",
            "http://localhost/x"
        ] {
            let result = await cli.run("webhook", "add", url, "--events", "*")
            #expect(result.code == 2, "\(url)")
            #expect(result.stderr.contains("--allow-private-webhooks"))
        }
        #expect(
            await cli.run("webhook", "add", "http://127.0.0.1:22/", "--events", "*", "--allow-private-webhooks").code
                == 0)
    }
}
