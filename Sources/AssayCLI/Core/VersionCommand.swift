import Registry

/// A command whose one argument is a registered version, NAME@VERSION (`model show`,
/// `dataset show`, `lineage show`): its parsing, written once.
protocol VersionCommand: Command {
    var reference: VersionReference { get }
    init(reference: VersionReference)
}

extension VersionCommand {
    init(arguments: inout Arguments) throws(CLIError) {
        let reference = try arguments.reference()
        self.init(reference: reference)
    }
}
