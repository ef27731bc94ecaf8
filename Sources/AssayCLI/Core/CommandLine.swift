import Evaluation
import Foundation
import Registry

/// Runs the `assay` command line: resolves the subcommand path, handles `--help`, global
/// options and errors, and maps outcomes to exit codes.
public enum AssayCommandLine {
    /// Entry point of the executable.
    public static func main() async {
        // Writes to a closed pipe must surface as EPIPE errors, not kill the process.
        signal(SIGPIPE, SIG_IGN)
        let code = await run(
            Array(CommandLine.arguments.dropFirst()),
            environment: ProcessInfo.processInfo.environment,
            output: .standard())
        exit(code)
    }

    /// Runs one command line in-process and returns its exit code. Tests use this with a
    /// capturing `OutputSink` and their own environment (e.g. `ASSAY_HOME`).
    public static func run(
        _ argv: [String],
        environment: [String: String] = [:],
        output: OutputSink,
        workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) async -> Int32 {
        var arguments = Arguments(argv)
        let wantsHelp = arguments.flag("-h", "--help")
        let globals: GlobalOptions
        do {
            globals = try GlobalOptions.extract(from: &arguments)
        } catch {
            output.err("assay: error: \(error.description)\nSee 'assay --help'.\n")
            return ExitCode.usage
        }

        // Walk down the tree while the next word names a group or command.
        var group = CommandTree.root
        var path = "assay"
        if arguments.first == "help" {
            _ = arguments.positional()
            return await run(
                arguments.remaining + ["--help"], environment: environment,
                output: output, workingDirectory: workingDirectory)
        }
        if arguments.first == "--version" || arguments.first == "version" {
            output.out("assay \(AssayVersion.current)\n")
            return ExitCode.success
        }
        while true {
            let word = arguments.first
            let namesChild = word.map { w in group.children.contains { $0.name == w } } ?? false
            if let defaultCommand = group.defaultCommand, !namesChild {
                // A misspelt subcommand ('assay eval shwo RUN') is reported as such, not as the
                // default command's missing options.
                if let word, !word.hasPrefix("-"), let suggestion = closest(to: word, in: group.children.map(\.name)) {
                    output.err(
                        "assay: error: unknown command '\(word)' for '\(path)'. Did you mean '\(suggestion)'?\n"
                            + "See '\(path) --help'.\n")
                    return ExitCode.usage
                }
                if wantsHelp {
                    output.out(group.render(path: path))
                    return ExitCode.success
                }
                let context = CommandContext(
                    globals: globals, environment: environment,
                    output: output, workingDirectory: workingDirectory)
                return await execute(defaultCommand, arguments: &arguments, path: path, context: context)
            }
            guard let word, !word.hasPrefix("-") else {
                if wantsHelp || arguments.first == nil {
                    output.out(group.render(path: path))
                    return wantsHelp ? ExitCode.success : ExitCode.usage
                }
                output.err(
                    "assay: error: unknown option '\(arguments.first ?? "")' for '\(path)'\n"
                        + "See '\(path) --help'.\n")
                return ExitCode.usage
            }
            guard let child = group.children.first(where: { $0.name == word }) else {
                let suggestion =
                    closest(to: word, in: group.children.map(\.name))
                    .map { " Did you mean '\($0)'?" } ?? ""
                output.err(
                    "assay: error: unknown command '\(word)' for '\(path)'.\(suggestion)\n"
                        + "See '\(path) --help'.\n")
                return ExitCode.usage
            }
            _ = arguments.positional()
            path += " \(word)"
            switch child {
            case .group(let next):
                group = next
                continue
            case .command(let type):
                if wantsHelp {
                    output.out(type.help.render(path: path))
                    return ExitCode.success
                }
                let context = CommandContext(
                    globals: globals, environment: environment,
                    output: output, workingDirectory: workingDirectory)
                return await execute(type, arguments: &arguments, path: path, context: context)
            }
        }
    }

    private static func execute(
        _ type: any Command.Type, arguments: inout Arguments, path: String,
        context: CommandContext
    ) async -> Int32 {
        let command: any Command
        arguments.declare(type.help.options)
        do {
            command = try type.init(arguments: &arguments)
            try arguments.finish()
        } catch {
            context.output.err("assay: error: \(error.description)\nSee '\(path) --help'.\n")
            return ExitCode.usage
        }
        do {
            return try await command.run(context: context)
        } catch let error as CLIError {
            switch error {
            case .usage(let message):
                context.output.err("assay: error: \(Redaction.redact(message))\nSee '\(path) --help'.\n")
                return ExitCode.usage
            case .failure(let message):
                context.output.err("assay: error: \(Redaction.redact(message))\n")
                return ExitCode.failure
            case .exit(let code, let message):
                if !message.isEmpty { context.output.err("assay: \(message)\n") }
                return code
            }
        } catch {
            context.output.err("assay: error: \(oneLine(error))\n")
            return ExitCode.failure
        }
    }

    /// One-line description of any error (library errors describe themselves).
    static func oneLine(_ error: any Error) -> String {
        // Foundation file errors: "PATH: reason", not "Error Domain=NSCocoaErrorDomain Code=4 …".
        if !(error is CLIError), let file = FileErrors.oneLine(error) { return Redaction.redact(file) }
        return Redaction.redact(String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " "))
    }

    private static func closest(to word: String, in names: [String]) -> String? {
        let scored = names.map { ($0, editDistance(word, $0)) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 < $1.1 }?.0
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// The version printed by `assay --version` and recorded in outputs.
public enum AssayVersion {
    public static let current = "0.1.0"
}
