import Testing

@testable import AssayCLI

/// An option declared in a command's help is read by its first name: its other names (shown or
/// hidden) and an integer's range come from the declaration, and help renders from it.
struct OptionDeclarationTests {
    static let declared: [CommandHelp.Option] = [
        .value(["--model", "-m"], "FILE", "Model file"),
        .integer("--ctx", "N", in: 16...64, "Context", hidden: "-c"),
        .flag("--chat", "Chat")
    ]

    @Test func otherNamesAndRangeComeFromTheDeclaration() throws {
        var args = Arguments(["-m", "x.gguf", "-c", "32", "--chat"])
        args.declare(Self.declared)
        let model = try args.option("--model")
        let context = try args.int("--ctx")
        let chat = args.flag("--chat")
        #expect(model == "x.gguf")
        #expect(context == 32)
        #expect(chat)
        try args.finish()
    }

    @Test func declaredRangeIsEnforced() {
        #expect(throws: CLIError.usage("--ctx must be in 16...64, got 8")) {
            var args = Arguments(["--ctx", "8"])
            args.declare(Self.declared)
            _ = try args.int("--ctx")
        }
    }

    @Test func undeclaredOtherNamesStayUnknown() throws {
        var args = Arguments(["-m", "x.gguf"])
        let model = try args.option("--model")
        #expect(model == nil)
        #expect(throws: CLIError.usage("unknown option '-m'")) { try args.finish() }
    }

    @Test func aFlagReadAsAValueIsAnInternalError() {
        #expect(throws: CLIError.self) {
            var args = Arguments(["--chat"])
            args.declare(Self.declared)
            _ = try args.option("--chat")
        }
    }

    @Test func helpLabelsRenderFromTheDeclaration() {
        #expect(Self.declared.map(\.label) == ["--model, -m FILE", "--ctx N", "--chat"])
        #expect(CommandHelp.Option("--pii / --no-pii", "PII").label == "--pii / --no-pii")
    }
}
