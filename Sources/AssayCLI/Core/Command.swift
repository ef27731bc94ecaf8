import Foundation

/// One `assay` subcommand. Parsing and validation happen in `init(arguments:)` (no side
/// effects); `run` does the work. Commands parse from `[String]`, so tests run them in-process
/// through `AssayCommandLine.run(_:environment:output:)`.
///
/// To add a command: create a file under Sources/AssayCLI/Commands/, declare a struct
/// conforming to `Command`, and list it in `CommandTree.root` (CommandTree.swift).
public protocol Command: Sendable {
    /// The command's name and help text: `help.name` is the word that selects it under its group.
    static var help: CommandHelp { get }
    /// Parses and validates, consuming everything it accepts; the runner then rejects whatever is
    /// left (`arguments.finish()`). A command that validates its values after reading them calls
    /// `finish()` itself first, so an unknown option is reported before a bad value.
    init(arguments: inout Arguments) throws(CLIError)
    /// Runs the command and returns the process exit code.
    func run(context: CommandContext) async throws -> Int32
}

extension Command {
    /// The word that selects this command under its group, e.g. "register".
    public static var name: String { help.name }
}

/// A command's name and help text (rendered by `--help` and in `assay help`).
public struct CommandHelp: Sendable {
    /// The word that selects the command under its group, e.g. "register".
    public var name: String
    public var abstract: String
    /// Usage line(s) after "assay <path>", e.g. "NAME@VERSION FILE [--json]".
    public var usage: String
    public var discussion: String
    public var options: [Option]
    public var examples: [String]

    public init(
        _ name: String, abstract: String, usage: String, discussion: String = "",
        options: [Option] = [], examples: [String] = []
    ) {
        self.name = name
        self.abstract = abstract
        self.usage = usage
        self.discussion = discussion
        self.options = options
        self.examples = examples
    }

    func render(path: String) -> String {
        var out = "\(abstract)\n\nUSAGE: \(path) \(usage)\n"
        if !discussion.isEmpty { out += "\n\(discussion)\n" }
        let all = options + GlobalOptions.help
        out += "\nOPTIONS:\n"
        let width = min(34, (all.map(\.label.count).max() ?? 0) + 2)
        for option in all {
            let pad = String(repeating: " ", count: max(1, width - option.label.count))
            out += "  \(option.label)\(pad)\(option.summary)\n"
        }
        if !examples.isEmpty {
            out += "\nEXAMPLES:\n"
            for example in examples { out += "  \(example)\n" }
        }
        return out
    }
}

/// A named group of commands and nested groups (`assay model register`). A group may have a
/// default command, run when no subcommand is named (`assay eval --model …` runs an
/// evaluation; `assay eval show RUN` shows one).
public struct CommandGroup: Sendable {
    public enum Child: Sendable {
        case command(any Command.Type)
        case group(CommandGroup)

        var name: String {
            switch self {
            case .command(let c): return c.name
            case .group(let g): return g.name
            }
        }

        var abstract: String {
            switch self {
            case .command(let c): return c.help.abstract
            case .group(let g): return g.abstract
            }
        }
    }

    public var name: String
    public var abstract: String
    /// Runs when the next word is an option (or nothing) rather than a subcommand.
    public var defaultCommand: (any Command.Type)?
    public var children: [Child]

    func render(path: String) -> String {
        var out: String
        if let defaultCommand {
            out = defaultCommand.help.render(path: path)
            out += "\nSUBCOMMANDS:\n"
        } else {
            out = "\(abstract)\n\nUSAGE: \(path) <command> [options]\n\nCOMMANDS:\n"
        }
        let width = (children.map(\.name.count).max() ?? 0) + 3
        for child in children {
            let pad = String(repeating: " ", count: max(1, width - child.name.count))
            out += "  \(child.name)\(pad)\(child.abstract)\n"
        }
        if defaultCommand == nil {
            out += "\nGLOBAL OPTIONS (accepted by every command, anywhere on the line):\n"
            let globalWidth = (GlobalOptions.help.map(\.label.count).max() ?? 0) + 2
            for option in GlobalOptions.help {
                out +=
                    "  \(option.label)\(String(repeating: " ", count: max(1, globalWidth - option.label.count)))\(option.summary)\n"
            }
        }
        out += "\nSee '\(path) <command> --help' for details.\n"
        return out
    }
}
