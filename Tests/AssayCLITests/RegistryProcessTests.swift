import CSQLite
import Foundation
import Storage
import TestSupport
import Testing

@_spi(RawSQL) @testable import Registry

/// Acceptance tests that run the built `assay` executable as separate processes.
struct RegistryProcessTests {
    /// The `assay` binary built next to the test bundle (`swift build --build-tests` builds it).
    static var assayBinary: URL? { AssayExecutable.url }

    static func requireBinary() throws -> URL { try AssayExecutable.require() }

    /// Polls with `BEGIN IMMEDIATE` (busy timeout zero) until another connection holds the
    /// write lock; false if `process` exits or `timeout` passes first.
    static func waitForWriteLock(_ probe: Database, while process: Process, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            do {
                try probe.execute("BEGIN IMMEDIATE")
                try probe.execute("ROLLBACK")
            } catch {
                if error.isBusy { return true }
            }
            usleep(20_000)
        }
        return false
    }

    static func launch(_ binary: URL, _ arguments: [String], home: URL, extra: [String: String] = [:]) throws -> Process
    {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["ASSAY_HOME"] = home.path
        env["ASSAY_ACTOR"] = "proc"
        for (k, v) in extra { env[k] = v }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Acceptance 3: two processes registering 200 versions each at the same time.
    /// Each "process" is a shell loop running `assay model register` 200 times.
    @Test func twoProcessesTwoHundredVersionsEach() async throws {
        let binary = try Self.requireBinary()
        let dir = TemporaryDirectory("procs")
        let home = dir.path("home")
        let initProcess = try Self.launch(binary, ["init", "--trust-actor-env"], home: home)
        initProcess.waitUntilExit()
        #expect(initProcess.terminationStatus == 0)
        for writer in ["a", "b"] {
            let folder = dir.path(writer)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 1...200 {
                try registryTestGGUF(tag: "\(writer) \(i)").write(to: folder.appendingPathComponent("\(i).gguf"))
            }
        }
        let script = """
            for i in $(seq 1 200); do "$ASSAY" model register "writer-$W@$i" "$DIR/$W/$i.gguf" --quiet >/dev/null || exit 1; done
            """
        var processes: [Process] = []
        for writer in ["a", "b"] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", script]
            var env = ProcessInfo.processInfo.environment
            env["ASSAY"] = binary.path
            env["ASSAY_HOME"] = home.path
            env["W"] = writer
            env["DIR"] = dir.url.path
            p.environment = env
            try p.run()
            processes.append(p)
        }
        for p in processes {
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
        let store = try RegistryStore(home: home, actor: "check")
        #expect(try store.modelVersionCount() == 400)
        #expect(try store.verifyAudit().isIntact)
        #expect(try store.verifyAudit().eventCount == 403) // + init's registry.settings event
    }

    /// Acceptance 5: kill -9 while the registration transaction is open (held open by the
    /// crash-test hook) leaves an intact database with no trace of the version; a retry works.
    @Test func killDuringRegistrationLeavesAConsistentDatabase() async throws {
        let binary = try Self.requireBinary()
        let dir = TemporaryDirectory("kill")
        let home = dir.path("home")
        let initProcess = try Self.launch(binary, ["init", "--trust-actor-env"], home: home)
        initProcess.waitUntilExit()
        let model = dir.path("model")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        for i in 0..<500 {
            try Data("part \(i)".utf8).write(to: model.appendingPathComponent(String(format: "shard-%04d.bin", i)))
        }
        try registryTestGGUF(tag: "weights").write(to: model.appendingPathComponent("model.gguf"))

        // Opened before the writer starts; BEGIN IMMEDIATE on it is refused at once while the
        // writer holds the write lock.
        let probe = try Database(path: home.appendingPathComponent("registry.sqlite").path, busyTimeout: .zero)
        let process = try Self.launch(
            binary, ["model", "register", "big@1", model.path], home: home,
            extra: ["ASSAY_TEST_PAUSE_BEFORE_COMMIT_MS": "300000"])
        // Poll until the writer holds the lock. Deadline-based (not a count of sleeps) because a
        // loaded CI machine running the suite in parallel can take many seconds to get the child
        // to its transaction; the child then waits up to 5 minutes before COMMIT, so the kill
        // below always lands inside the open transaction.
        let locked = Self.waitForWriteLock(probe, while: process, timeout: 240)
        #expect(locked, "the registration never took the write lock")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        let store = try RegistryStore(home: home, actor: "check")
        #expect(try store.integrityCheck() == "ok")
        #expect(try store.readDatabase { try $0.scalar("SELECT count(*) FROM model_versions", as: Int.self) } == 0)
        #expect(try store.readDatabase { try $0.scalar("SELECT count(*) FROM artifacts", as: Int.self) } == 0)
        #expect(try store.verifyAudit().isIntact)

        let retry = try Self.launch(binary, ["model", "register", "big@1", model.path], home: home)
        retry.waitUntilExit()
        #expect(retry.terminationStatus == 0)
        #expect(try store.modelVersion(try VersionReference(parsing: "big@1")).artifacts.count == 501)
        #expect(try store.integrityCheck() == "ok")
    }

    /// Acceptance 4: change one byte of an audit row with the sqlite3 shell (dropping the
    /// trigger first, as an attacker would); `assay audit verify` exits 1 naming that event.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") || Fixtures.isCI))
    func tamperingWithTheSqliteShellIsDetected() async throws {
        let binary = try Self.requireBinary()
        let dir = TemporaryDirectory("tamper")
        let home = dir.path("home")
        _ = try Self.launch(binary, ["init", "--trust-actor-env"], home: home).waitUntilExitReturning()
        for i in 1...3 {
            let file = dir.path("m\(i).gguf")
            try registryTestGGUF(tag: "\(i)").write(to: file)
            _ = try Self.launch(binary, ["model", "register", "m@\(i)", file.path], home: home).waitUntilExitReturning()
        }
        let db = home.appendingPathComponent("registry.sqlite").path
        let sql = """
            DROP TRIGGER audit_events_no_update;
            UPDATE audit_events SET actor = 'mallory' WHERE seq = 3;
            CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
            """
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        shell.arguments = [db, sql]
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)

        let verify = Process()
        verify.executableURL = binary
        verify.arguments = ["audit", "verify"]
        verify.environment = ["ASSAY_HOME": home.path, "PATH": "/usr/bin:/bin"]
        let stderr = Pipe()
        verify.standardError = stderr
        verify.standardOutput = FileHandle.nullDevice
        try verify.run()
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        verify.waitUntilExit()
        #expect(verify.terminationStatus == 1)
        #expect(message.contains("audit chain broken at event 3"), "\(message)")
    }
}

extension Process {
    /// Waits and returns the exit status.
    func waitUntilExitReturning() -> Int32 {
        waitUntilExit()
        return terminationStatus
    }
}
