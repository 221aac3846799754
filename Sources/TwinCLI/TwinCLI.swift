import Foundation

/// The `twin` command line as a library, so tests can call it and `main.swift` stays one line.
public enum TwinCLI {
    /// The host version, also recorded with every stored run.
    public static let version = "0.1.0"

    /// Every subcommand, in the order `twin --help` lists them.
    static var commands: [TwinCommand] { registeredCommands }

    /// Runs `twin` with `arguments` (without the program name) and returns the exit code.
    /// Never crashes on bad input: every failure becomes `twin: error: ...` on stderr and 1 or 2.
    public static func main(arguments: [String]) -> Int32 {
        let console = Console()
        guard let first = arguments.first else {
            console.note(overview)
            return 2
        }
        switch first {
        case "--help", "-h":
            console.out(overview)
            return 0
        case "--version":
            console.out("twin \(version)")
            return 0
        case "help":
            return showHelp(for: arguments.dropFirst().first, console: console)
        default:
            break
        }
        guard let command = commands.first(where: { $0.name == first }) else {
            return fail(CLIError.usage("unknown command '\(first)'", command: nil), console: console)
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            console.out(command.help)
            return 0
        }
        do {
            let parsed = try command.spec.parse(rest, command: command.name)
            return try command.run(parsed, console: console)
        } catch {
            return fail(error, console: console)
        }
    }

    /// Prints an error the way every command does and maps it to an exit code.
    static func fail(_ error: Error, console: Console) -> Int32 {
        if let cli = error as? CLIError {
            console.note("twin: error: \(cli)")
            return cli.exitCode
        }
        console.note("twin: error: \(error)")
        return 1
    }

    static func showHelp(for name: String?, console: Console) -> Int32 {
        guard let name else {
            console.out(overview)
            return 0
        }
        guard let command = commands.first(where: { $0.name == name }) else {
            return fail(CLIError.usage("no help for unknown command '\(name)'", command: nil), console: console)
        }
        console.out(command.help)
        return 0
    }

    static var overview: String {
        let width = (commands.map(\.name.count).max() ?? 8) + 2
        let lines = commands.map { "  " + $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + $0.summary }
        return """
        twin \(version): a digital twin of an electric-bus depot (Swift engine, Lua plugins, SQLite history)

        USAGE: twin COMMAND [options]

        COMMANDS:
        \(lines.joined(separator: "\n"))

        Run 'twin help COMMAND' for a command's options and examples.
        Exit codes: 0 ok, 1 the run failed, 2 bad usage or bad input.
        """
    }
}
