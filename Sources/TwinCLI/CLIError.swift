/// An error the `twin` command reports to the user, with the exit code it maps to.
///
/// Exit codes: 0 ok; 1 the run failed (a plugin error, for instance); 2 bad usage or bad input.
public enum CLIError: Error, CustomStringConvertible {
    /// The command line is wrong; the message says which argument and points at `twin help`.
    case usage(String, command: String?)
    /// An input file or value is wrong (missing file, malformed scenario, unknown plugin).
    case badInput(String)
    /// The run itself failed (plugin error, store failure).
    case runFailed(String)

    /// The process exit code for this error.
    public var exitCode: Int32 {
        switch self {
        case .usage, .badInput: return 2
        case .runFailed: return 1
        }
    }

    public var description: String {
        switch self {
        case let .usage(message, command):
            let help = command.map { "twin help \($0)" } ?? "twin --help"
            return "\(message)\n(see '\(help)' for usage)"
        case let .badInput(message), let .runFailed(message):
            return message
        }
    }
}
