import Foundation

/// Runs `python3` for cross-checks against reference implementations (e.g. `cryptography`).
public enum Python {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// True when `python3 -c "import MODULE"` succeeds.
    public static func hasModule(_ module: String) -> Bool {
        (try? run("import \(module)", arguments: []))?.status == 0
    }

    /// Runs `script` with `python3 -c` and `arguments`; waits for it.
    public static func run(_ script: String, arguments: [String], environment: [String: String] = [:]) throws -> Output
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes concurrently so neither fills up.
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { usleep(1000) }
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData.value, as: UTF8.self))
    }

    final class LockedData: @unchecked Sendable {
        private let lock = NSLock()
        private var data: Data?
        func set(_ d: Data) { lock.withLock { data = d } }
        var isSet: Bool { lock.withLock { data != nil } }
        var value: Data { lock.withLock { data ?? Data() } }
    }
}

extension Fixtures {
    /// True when python3 can import `module`, or under CI (where a missing module must fail loudly).
    public static func pythonModuleAvailableOrCI(_ module: String) -> Bool { isCI || Python.hasModule(module) }
}
