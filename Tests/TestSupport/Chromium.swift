import Foundation

/// Headless Chromium (Debian's `chromium`, installed by scripts/setup.sh) for checking rendered
/// HTML: layout is measured in the DOM by an injected script, never compared as pixels.
public enum Chromium {
    /// The browser executable on PATH, if any.
    public static var executable: URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            for name in ["chromium", "chromium-browser", "google-chrome"] {
                let url = URL(fileURLWithPath: String(dir)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
        }
        return nil
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Runs headless Chromium on `file` with `arguments` (e.g. `--dump-dom`) in a private profile
    /// under `workDirectory`; returns stdout. Fails with stderr's tail when the browser fails.
    public static func run(_ file: URL, _ arguments: [String], workDirectory: URL) throws -> String {
        guard let executable else {
            throw Failure(description: "chromium is not installed (scripts/setup.sh installs it)")
        }
        let profile = workDirectory.appendingPathComponent("chromium-profile")
        let errURL = workDirectory.appendingPathComponent("chromium-stderr.txt")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=\(profile.path)", "--window-size=1280,1000"
            ] + arguments + [file.absoluteString]
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = workDirectory.path
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
            throw Failure(description: "chromium exited \(process.terminationStatus): \(err.suffix(800))")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The serialized DOM after the page (and its scripts) ran.
    public static func dumpDOM(_ file: URL, workDirectory: URL) throws -> String {
        try run(file, ["--dump-dom", "--virtual-time-budget=3000"], workDirectory: workDirectory)
    }

    /// Prints `file` to `pdf` (Chromium's print path: `@media print` applies).
    public static func printToPDF(_ file: URL, pdf: URL, workDirectory: URL) throws {
        _ = try run(file, ["--print-to-pdf=\(pdf.path)", "--no-pdf-header-footer"], workDirectory: workDirectory)
    }
}

extension Fixtures {
    /// True when headless Chromium is installed, or under CI (where its absence must fail loudly).
    public static var chromiumAvailableOrCI: Bool { isCI || Chromium.executable != nil }
}
