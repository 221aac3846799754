import Foundation

/// One `twin` subcommand: its name, help text, accepted arguments and action.
protocol TwinCommand {
    /// The word after `twin` (`run`, `repl`, `plugins`, ...).
    var name: String { get }
    /// One line for `twin --help`.
    var summary: String { get }
    /// Full help for `twin help NAME`: usage line, options, examples.
    var help: String { get }
    /// Options and positionals this command accepts.
    var spec: CommandLineSpec { get }
    /// Runs the command. Returns the exit code; throws `CLIError` for usage, input and run failures.
    func run(_ arguments: ParsedArguments, console: Console) throws -> Int32
}

/// Where a command writes: stdout carries results only; notes, progress and errors go to stderr.
class Console {
    /// The process environment (`TWIN_DB`, `TWIN_PLUGIN_PATH`, `HOME`).
    let environment: [String: String]
    /// The working directory commands resolve relative paths against.
    let workingDirectory: String

    init(environment: [String: String] = ProcessInfo.processInfo.environment,
         workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// Writes to standard output, unbuffered relative to `note`.
    func out(_ text: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((text + terminator).utf8))
    }

    /// Writes a note (progress, where outputs went, warnings) to standard error.
    func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// True when standard error is a terminal (progress bars only then).
    var stderrIsTerminal: Bool { isatty(2) != 0 }
    var stdinIsTerminal: Bool { isatty(0) != 0 }
}
