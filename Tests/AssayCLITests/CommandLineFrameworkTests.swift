import Foundation
import Testing

@testable import AssayCLI

struct ArgumentsTests {
    @Test func optionsFlagsAndPositionalsInAnyOrder() throws {
        var args = Arguments(["a", "--limit", "5", "--json", "b", "--name=x", "--tag", "t1", "--tag", "t2"])
        let json = args.flag("--json")
        #expect(json)
        #expect(try args.int("--limit") == 5)
        #expect(try args.option("--name") == "x")
        #expect(try args.options("--tag") == ["t1", "t2"])
        #expect(args.remainingPositionals() == ["a", "b"])
        try args.finish()
    }

    @Test func unknownOptionIsRejected() throws {
        var args = Arguments(["--bogus", "file"])
        _ = args.positional()
        #expect(throws: CLIError.usage("unknown option '--bogus'")) { try args.finish() }
    }

    @Test func extraPositionalIsRejected() throws {
        var args = Arguments(["one", "two"])
        _ = args.positional()
        #expect(throws: CLIError.usage("unexpected argument 'two'")) { try args.finish() }
    }

    @Test func missingValueAndBadIntegers() throws {
        #expect(throws: CLIError.usage("option --limit needs a value")) {
            var args = Arguments(["--limit"])
            _ = try args.int("--limit")
        }
        #expect(throws: CLIError.usage("--limit expects an integer, got 'many'")) {
            var args = Arguments(["--limit", "many"])
            _ = try args.int("--limit")
        }
        #expect(throws: CLIError.self) {
            var args = Arguments(["--threads", "0"])
            _ = try args.int("--threads", range: 1...256)
        }
        #expect(throws: CLIError.usage("option --seed given more than once")) {
            var args = Arguments(["--seed", "1", "--seed", "2"])
            _ = try args.option("--seed")
        }
    }

    @Test func doubleDashEndsOptions() throws {
        var args = Arguments(["--json", "--", "--not-an-option", "-x"])
        let json = args.flag("--json")
        #expect(json)
        #expect(args.remainingPositionals() == ["--not-an-option", "-x"])
        try args.finish()
    }

    @Test func negativeNumbersArePositional() throws {
        var args = Arguments(["-1.5"])
        let value = args.positional()
        #expect(value == "-1.5")
        try args.finish()
    }
}

struct CommandLineDispatchTests {
    @Test func rootHelpListsGroupsAndSucceeds() async {
        let output = OutputSink.capturing()
        let code = await AssayCommandLine.run(["--help"], output: output)
        #expect(code == ExitCode.success)
        #expect(output.stdout.contains("USAGE: assay <command>"))
    }

    @Test func unknownCommandFailsWithUsageCode() async {
        let output = OutputSink.capturing()
        let code = await AssayCommandLine.run(["frobnicate"], output: output)
        #expect(code == ExitCode.usage)
        #expect(output.stderr.contains("unknown command 'frobnicate'"))
        #expect(output.stdout.isEmpty)
    }

    @Test func noArgumentsPrintsHelpWithUsageCode() async {
        let output = OutputSink.capturing()
        let code = await AssayCommandLine.run([], output: output)
        #expect(code == ExitCode.usage)
        #expect(output.stdout.contains("COMMANDS:"))
    }

    @Test func registryHomeAndActorPrecedence() {
        let cwd = URL(fileURLWithPath: "/tmp/work")
        var globals = GlobalOptions()
        var context = CommandContext(
            globals: globals, environment: [:], output: .capturing(),
            workingDirectory: cwd)
        #expect(context.registryHome.path == "/tmp/work/.assay")
        context.environment = ["ASSAY_HOME": "/srv/assay", "ASSAY_ACTOR": "ci-bot", "USER": "alice"]
        #expect(context.registryHome.path == "/srv/assay")
        #expect(context.actor == "ci-bot")
        globals.registry = "reg"
        globals.actor = "bob"
        context.globals = globals
        #expect(context.registryHome.path == "/tmp/work/reg")
        #expect(context.actor == "bob")
    }

    @Test func textTableAlignsColumns() {
        var table = TextTable(["name", "n"], rightAligned: [1])
        table.add(["alpha", "5"])
        table.add(["b", "123"])
        #expect(table.render() == "name     n\n-----  ---\nalpha    5\nb      123\n")
    }
}
