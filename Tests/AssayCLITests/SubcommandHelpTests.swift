import Foundation
import Testing

@testable import AssayCLI

/// Issue 13/15: one type per subcommand, so every subcommand has its own help.
struct SubcommandHelpTests {
    func run(_ argv: String...) async -> (code: Int32, out: String, err: String) { await run(argv) }

    func run(_ argv: [String]) async -> (code: Int32, out: String, err: String) {
        let output = OutputSink.capturing()
        let code = await AssayCommandLine.run(argv, environment: [:], output: output)
        return (code, output.stdout, output.stderr)
    }

    /// Every command path in the tree, e.g. ["eval", "show"].
    static func paths(_ group: CommandGroup, _ prefix: [String] = []) -> [[String]] {
        var out: [[String]] = group.defaultCommand == nil ? [] : [prefix]
        for child in group.children {
            switch child {
            case .command(let c): out.append(prefix + [c.name])
            case .group(let g): out += paths(g, prefix + [g.name])
            }
        }
        return out
    }

    @Test func evalShowHelpIsShowsHelp() async {
        let show = await run("eval", "show", "--help")
        #expect(show.code == 0)
        #expect(show.out.contains("USAGE: assay eval show RUN [--json]"), "\(show.out)")
        #expect(!show.out.contains("--suite"), "show's help must not be eval's")
        let list = await run("eval", "list", "--help")
        #expect(list.out.contains("USAGE: assay eval list [--model NAME@VERSION]"))
        let imported = await run("eval", "import", "--help")
        #expect(imported.out.contains("--server URL") && !imported.out.contains("--shots"))
    }

    @Test func evalHelpShowsTheRunAndItsSubcommands() async {
        let eval = await run("eval", "--help")
        #expect(eval.code == 0)
        #expect(eval.out.contains("USAGE: assay eval --model NAME@VERSION --suite ID"))
        #expect(eval.out.contains("SUBCOMMANDS:"))
        for sub in ["compare", "import", "list", "show"] { #expect(eval.out.contains("\n  \(sub) "), "\(sub)") }
        // `assay help eval show` is the same as `assay eval show --help`.
        #expect(await run("help", "eval", "show").out == (await run("eval", "show", "--help")).out)
    }

    @Test func rootHelpListsGlobalOptions() async {
        let root = await run("--help")
        #expect(root.code == 0)
        #expect(root.out.contains("GLOBAL OPTIONS"))
        for option in ["--registry PATH", "--actor NAME", "--json", "--quiet", "-h, --help"] {
            #expect(root.out.contains(option), "\(option)")
        }
        #expect(root.out.contains("\n  eval "))
    }

    @Test func everyCommandHasItsOwnHelp() async {
        let paths = Self.paths(CommandTree.root)
        #expect(paths.contains(["eval"]) && paths.contains(["eval", "show"]) && paths.count > 40)
        for path in paths {
            let help = await run(path + ["--help"])
            #expect(help.code == 0, "\(path)")
            #expect(
                help.out.contains("USAGE: assay \(path.joined(separator: " "))"), "\(path): \(help.out.prefix(200))")
            #expect(help.out.contains("--registry PATH"), "\(path): global options missing")
        }
    }

    @Test func subcommandUsageErrorsPointAtTheSubcommandsHelp() async {
        let missing = await run("eval", "import")
        #expect(missing.code == ExitCode.usage)
        #expect(
            missing.err
                == "assay: error: missing DIR or FILE: the shard results to merge\nSee 'assay eval import --help'.\n")
        let noModel = await run("eval", "--suite", "x")
        #expect(noModel.code == ExitCode.usage)
        #expect(noModel.err.contains("missing --model") && noModel.err.contains("See 'assay eval --help'."))
        let misspelt = await run("eval", "shwo", "run-1")
        #expect(misspelt.code == ExitCode.usage)
        #expect(
            misspelt.err
                == "assay: error: unknown command 'shwo' for 'assay eval'. Did you mean 'show'?\nSee 'assay eval --help'.\n"
        )
        let extra = await run("eval", "show")
        #expect(extra.err.contains("missing RUN") && extra.err.contains("See 'assay eval show --help'."))
    }
}
