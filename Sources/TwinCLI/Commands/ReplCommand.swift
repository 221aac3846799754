import Foundation
import TwinLua
import TwinStore

/// `twin repl [FILE]`: the interactive face of the session.
struct ReplCommand: TwinCommand {
    let name = "repl"
    let summary = "Interactive Lua with the twin module: load, step, inspect, change, re-run"
    let help = """
    USAGE: twin repl [FILE] [--plugins DIR] [--db PATH] [--no-store]

    Runs FILE first if given (its last run is bound as `result`), then reads Lua: an expression prints its value, an unfinished
    chunk continues on a '>>' line, locals persist across lines. Tab completes globals, fields
    and methods; history is kept in ~/.twin_history. Ctrl-C stops a running simulation or clears
    the line; Ctrl-D quits. With stdin not a terminal it reads plainly, without prompts.

    COMMANDS: :help [name]  :plugins  :reload  :load FILE  :runs  :quit

    EXAMPLE:
      twin repl
      twin> s = twin.load_scenario("reference/S2.json")
      twin> r = twin.run(s, { policy = "llf" })
      twin> r.summary.peak_kw
    """
    var spec: CommandLineSpec {
        CommandLineSpec(valued: ["--plugins", "--db", "--seed", "--policy", "--set"], flags: ["--no-store"],
                        positionals: ["file"], requiredPositionals: 0)
    }

    func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        let session = try SessionFactory.make(arguments, console: console)
        let store = try StoreLocation.path(arguments, console: console).map { path in
            try storeCall { try RunStore(path: path) }
        }
        if let store { session.attach(store: store) }
        if let file = arguments.positionals.first {
            do {
                try session.runScript(path: file)
                // Like `twin run -i`: the script's last run is at hand as `result`.
                if let last = session.runs.last { try session.bindForREPL(result: last) }
            } catch {
                throw ErrorClassifier.classify(error)
            }
        }
        return Self.startREPL(session: session, console: console, store: store)
    }

    /// Opens the prompt over `session` (also used by `twin run -i`).
    static func startREPL(session: Session, console: Console, store: RunStore?) -> Int32 {
        if let store {
            session.attach(store: store)
            // Each run made at the prompt is stored as it ends (twin.runs.list sees it at once).
            session.runFinished = { run in
                do {
                    let id = try store.saveRun(RunRecorder.metadata(run, file: run.scenarioSource?.path ?? "(repl)"),
                                               result: run.result)
                    console.note("stored run \(id) in \(store.path) (twin runs show \(id))")
                } catch {
                    console.note("could not store the run: \(error)")
                }
            }
        }
        let interactive = console.stdinIsTerminal
        let reader: LineReader = interactive
            ? EditLineReader(historyPath: (console.environment["HOME"] ?? console.workingDirectory) + "/.twin_history",
                             completer: ReplLoop.completer(for: session))
            : PlainLineReader()
        let listRuns: (() throws -> String)? = store.map { store in
            {
                let rows = try store.listRuns(limit: 20)
                return rows.isEmpty ? "no runs stored yet"
                    : rows.map { "\($0.id)  \($0.startedAt)  \($0.status.rawValue)  \($0.scenarioName)  \($0.policy)" }.joined(separator: "\n")
            }
        }
        let reference = try? String(contentsOfFile: session.home + "/docs/lua-api.md", encoding: .utf8)
        let commands = ReplCommands(session: session, listRuns: listRuns, apiReference: reference)
        let interrupt = InterruptHandler.install(session: session)
        defer { interrupt.uninstall() }
        return ReplLoop(session: session, console: console, reader: reader, interactive: interactive, commands: commands).run()
    }
}
