import Tokenizers

/// `--chat [--system TEXT]` (`assay run`, `assay tokenize`): the text becomes one user message,
/// after an optional system message, rendered in the model's chat format.
struct ChatOptions {
    /// `--chat` was given.
    var enabled: Bool
    var system: String?

    /// Reads the options; `validated()` checks them once every argument is read.
    init(arguments: inout Arguments) throws(CLIError) {
        enabled = arguments.flag("--chat")
        system = try arguments.option("--system")
    }

    /// The options when `--chat` is given, nil without it; `--system` without `--chat` is an error.
    func validated() throws(CLIError) -> ChatOptions? {
        if system != nil && !enabled { throw .usage("--system needs --chat") }
        return enabled ? self : nil
    }

    /// The turn to render: the system message, if any, then the user's `text`.
    func messages(user text: String) -> [ChatMessage] {
        (system.map { [ChatMessage(role: "system", content: $0)] } ?? []) + [ChatMessage(role: "user", content: text)]
    }
}
