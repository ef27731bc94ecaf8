import Foundation
import JSON
import Synchronization

/// Options every command accepts, wherever they appear on the command line.
public struct GlobalOptions: Sendable {
    /// `--registry PATH`
    public var registry: String?
    /// `--actor NAME`
    public var actor: String?
    /// `--json`: machine-readable output on stdout.
    public var json: Bool = false
    /// `--quiet`: no progress output.
    public var quiet: Bool = false

    static let help: [CommandHelp.Option] = [
        .init("--registry PATH", "Registry home (default: $ASSAY_HOME, else ./.assay)"),
        .init(
            "--actor NAME",
            "Act as NAME (also $ASSAY_ACTOR); honoured only for admins or registries that trust the environment"),
        .init("--json", "Print machine-readable JSON on stdout"),
        .init("--quiet", "No progress output on stderr"),
        .init("-h, --help", "Show help for this command")
    ]

    /// Removes the global options from `arguments`.
    static func extract(from arguments: inout Arguments) throws(CLIError) -> GlobalOptions {
        var options = GlobalOptions()
        options.registry = try arguments.option("--registry")
        options.actor = try arguments.option("--actor")
        options.json = arguments.flag("--json")
        options.quiet = arguments.flag("--quiet", "-q")
        return options
    }
}

/// Where command output goes. The process uses the real stdout/stderr; tests capture.
public final class OutputSink: Sendable {
    /// What the sink has collected (capturing) and which real streams have gone away.
    private struct State {
        var capturedOut = ""
        var capturedErr = ""
        // Set once a stream's reader has gone away (EPIPE); later output to it is dropped.
        var stdoutClosed = false
        var stderrClosed = false
    }

    private let state = Mutex(State())
    private let capture: Bool
    /// When set, `out` goes to this sink's stderr (see `diagnostics()`).
    private let stdoutToStderrOf: OutputSink?

    /// The process's standard streams.
    public static func standard() -> OutputSink { OutputSink(capture: false) }
    /// Collects everything in memory (for tests).
    public static func capturing() -> OutputSink { OutputSink(capture: true) }

    private init(capture: Bool, stdoutToStderrOf: OutputSink? = nil) {
        self.capture = capture
        self.stdoutToStderrOf = stdoutToStderrOf
    }

    /// A sink that writes both streams to this sink's stderr: for a command run inside another
    /// whose stdout must stay clean (e.g. `assay gate --json` running missing evaluations).
    public func diagnostics() -> OutputSink { OutputSink(capture: capture, stdoutToStderrOf: self) }

    public func out(_ text: String) { emit(text, toStdout: true) }

    public func err(_ text: String) { emit(text, toStdout: false) }

    /// Sends `text` where this sink's stdout (or stderr) goes: the parent's stderr, memory, or the stream.
    private func emit(_ text: String, toStdout: Bool) {
        if let parent = stdoutToStderrOf {
            parent.err(text)
        } else if capture {
            state.withLock { state in
                if toStdout { state.capturedOut += text } else { state.capturedErr += text }
            }
        } else {
            write(text, to: toStdout ? STDOUT_FILENO : STDERR_FILENO)
        }
    }

    /// True once stdout's reader went away (e.g. `assay … | head -1`): further output is
    /// discarded and the command finishes normally.
    public var isStdoutClosed: Bool { state.withLock { $0.stdoutClosed } }

    /// Writes all of `text` with write(2). A closed pipe (EPIPE; SIGPIPE is ignored by `main`)
    /// or any other write error marks the stream closed instead of trapping, as
    /// `FileHandle.write` would. Holds the mutex throughout, so concurrent writers never interleave.
    private func write(_ text: String, to fd: Int32) {
        state.withLock { state in
            guard !(fd == STDOUT_FILENO ? state.stdoutClosed : state.stderrClosed) else { return }
            var bytes = Array(text.utf8)
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeMutableBytes { raw in
                    Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                }
                if n > 0 {
                    offset += n
                    continue
                }
                if n < 0 && errno == EINTR { continue }
                if fd == STDOUT_FILENO { state.stdoutClosed = true } else { state.stderrClosed = true }
                return
            }
        }
    }

    public var stdout: String { state.withLock { $0.capturedOut } }
    public var stderr: String { state.withLock { $0.capturedErr } }

    /// True when stderr is an interactive terminal (progress bars) and not captured.
    public var stderrIsTTY: Bool { !capture && isatty(2) == 1 }
}

/// Everything a command needs from its surroundings.
public struct CommandContext: Sendable {
    public var globals: GlobalOptions
    public var environment: [String: String]
    public var output: OutputSink
    /// Current directory used to resolve relative paths.
    public var workingDirectory: URL

    /// `--registry`, else `$ASSAY_HOME`, else `./.assay`.
    public var registryHome: URL {
        if let path = globals.registry, !path.isEmpty { return resolve(path) }
        if let path = environment["ASSAY_HOME"], !path.isEmpty { return resolve(path) }
        return workingDirectory.appendingPathComponent(".assay")
    }

    /// The actor the user claims to be: `--actor`, else `$ASSAY_ACTOR` (nil when neither is set).
    /// Honoured only as `openRegistry` decides (see docs/governance.md, "Identity").
    public var declaredActor: String? {
        if let actor = globals.actor, !actor.isEmpty { return actor }
        if let actor = environment["ASSAY_ACTOR"], !actor.isEmpty { return actor }
        return nil
    }

    /// The OS user running the command (from the password database, not the environment).
    public var osUser: String {
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "uid-\(getuid())"
    }

    /// Who is acting when the environment is trusted: the declared actor, else the OS user.
    /// Registry operations use `openRegistry()`, which applies the trust rules.
    public var actor: String { declaredActor ?? osUser }

    public var json: Bool { globals.json }

    /// Resolves a user-supplied path against the working directory.
    public func resolve(_ path: String) -> URL {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL }
        if path == "~" || path.hasPrefix("~/"), let home = environment["HOME"] {
            return URL(fileURLWithPath: home + path.dropFirst()).standardizedFileURL
        }
        return workingDirectory.appendingPathComponent(path).standardizedFileURL
    }

    /// The UTF-8 text of the file at the user-supplied `path`.
    func readText(_ path: String) throws(CLIError) -> String {
        do {
            return try String(contentsOf: resolve(path), encoding: .utf8)
        } catch {
            throw .failure("\(path): cannot read UTF-8 text (\(error.localizedDescription))")
        }
    }

    /// Writes a line to stdout.
    public func print(_ text: String = "") { output.out(text + "\n") }

    /// Writes a line to stderr (diagnostics, progress).
    public func printError(_ text: String) { output.err(text + "\n") }

    /// Progress/status line on stderr unless `--quiet`.
    public func progress(_ text: String) {
        if !globals.quiet { output.err(text + "\n") }
    }

    /// Prints any Encodable value as pretty, key-sorted JSON on stdout.
    /// Prints `value` as `--json` output: pretty-printed, keys sorted, member names snake_case
    /// (see `JSONKeyStyle`).
    public func printJSON<T: Encodable>(_ value: T) throws {
        try printJSON(value, renamingKeys: !(value is EncodableJSON))
    }

    /// Prints a document whose format already fixes its member names (the results document,
    /// `results.json`): exactly as written to its file, data keys such as task ids untouched.
    func printDocument<T: Encodable>(_ value: T) throws {
        try printJSON(value, renamingKeys: false)
    }

    private func printJSON<T: Encodable>(_ value: T, renamingKeys: Bool) throws {
        var text = try Self.jsonText(value)
        if renamingKeys, let parsed = try? JSONValue.parse(Array(text.utf8)) {
            text = try Self.jsonText(EncodableJSON(JSONKeyStyle.snakeCased(parsed)))
        }
        output.out(text)
    }

    /// `value` as the CLI writes JSON (stdout, export and checkpoint files): `JSONOutput`'s
    /// pretty form (keys sorted, slashes unescaped, a final newline).
    static func jsonText<T: Encodable>(_ value: T) throws -> String { try JSONOutput.text(value, pretty: true) }

    /// Writes `text` to the file `path` (`--out FILE`, replacing it) and reports `done(url)` as
    /// progress; without a path, to stdout.
    func write(_ text: String, toFile path: String?, done: (URL) -> String) throws {
        guard let path else {
            output.out(text)
            return
        }
        let url = resolve(path)
        try text.write(to: url, atomically: true, encoding: .utf8)
        progress(done(url))
    }
}
