/// Errors the command line reports itself (as opposed to errors from the library modules,
/// which are printed through their own descriptions).
public enum CLIError: Error, CustomStringConvertible, Equatable {
    /// Wrong arguments: printed with a pointer to `--help`, exit code 2.
    case usage(String)
    /// A failure with a one-line cause, exit code 1.
    case failure(String)
    /// Stop with a specific exit code and message (empty message prints nothing).
    case exit(code: Int32, message: String)

    public var description: String {
        switch self {
        case .usage(let message): return message
        case .failure(let message): return message
        case .exit(_, let message): return message
        }
    }
}

/// Exit codes shared by every command.
public enum ExitCode {
    public static let success: Int32 = 0
    /// The command ran but the answer is "no" (e.g. audit chain broken, gate regression).
    public static let failure: Int32 = 1
    /// Bad usage or an error that prevented an answer.
    public static let usage: Int32 = 2
}
