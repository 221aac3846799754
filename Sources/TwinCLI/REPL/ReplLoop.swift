import Foundation
import LuaHost
import TwinLua

/// The interactive face of a `Session`: reads Lua, evaluates it in the session's state (the same
/// one `twin run` used), prints values, and handles `:commands`. Errors print and the loop goes on.
final class ReplLoop {
    private let session: Session
    private let console: Console
    private let reader: LineReader
    private let interactive: Bool
    private let commands: ReplCommands

    init(session: Session, console: Console, reader: LineReader, interactive: Bool, commands: ReplCommands) {
        self.session = session
        self.console = console
        self.reader = reader
        self.interactive = interactive
        self.commands = commands
    }

    /// Reads and evaluates until end of input or `:quit`. Returns the exit code.
    func run() -> Int32 {
        if interactive {
            console.note("twin \(TwinCLI.version) REPL: Lua 5.4 with the `twin` module. :help for help, :quit or Ctrl-D to leave.")
        }
        var pending = ""
        while true {
            let prompt = interactive ? (pending.isEmpty ? "twin> " : ">> ") : ""
            let line: String?
            do {
                line = try reader.readLine(prompt: prompt)
            } catch {
                pending = ""  // Ctrl-C at the prompt clears what was typed.
                continue
            }
            guard let line else { break }
            if pending.isEmpty, line.trimmingCharacters(in: .whitespaces).hasPrefix(":") {
                reader.remember(line)
                if commands.handle(line, console: console) == .quit { break }
                continue
            }
            pending = pending.isEmpty ? line : pending + "\n" + line
            if pending.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                pending = ""
                continue
            }
            switch evaluate(pending) {
            case .incomplete:
                continue
            case .done:
                reader.remember(pending)
                pending = ""
            }
        }
        return 0
    }

    private enum Outcome { case done, incomplete }

    /// Compiles `source` as an expression first (so `1 + 1` prints 2 without `return`), then as
    /// statements; an `<eof>` syntax error means the entry continues on the next line.
    private func evaluate(_ source: String) -> Outcome {
        let lua = session.lua
        let function: LuaRef
        do {
            function = try lua.load("return " + source, chunkName: "=stdin")
        } catch {
            do {
                function = try lua.load(ChunkRewriter.persistLocals(source), chunkName: "=stdin")
            } catch let error as LuaError where error.isIncompleteInput {
                return .incomplete
            } catch {
                console.note(describe(error))
                return .done
            }
        }
        lua.clearCancellation()
        session.clearCancellation()
        do {
            // Values are rendered inside Lua, so a 10,000-row table never crosses into Swift.
            let shown = try lua.call(try showingRunner(), [.function(function)])
            if let text = shown.first?.stringValue, !text.isEmpty { console.out(text) }
        } catch {
            console.note(describe(error))
        }
        return .done
    }

    private var cachedRunner: LuaRef?

    /// `function(f)` that calls `f` and returns its results rendered by `twin.repl.show`, tab-separated.
    private func showingRunner() throws -> LuaRef {
        if let cachedRunner { return cachedRunner }
        let source = """
        local repl = require "twin.repl"
        return function(f)
          local r = table.pack(f())
          local out = {}
          for i = 1, r.n do out[i] = repl.show(r[i]) end
          return table.concat(out, "\t")
        end
        """
        guard case let .function(ref)? = try session.lua.run(source, chunkName: "=repl").first else {
            throw CLIError.runFailed("the REPL's value printer (stdlib/twin/repl.lua) did not load")
        }
        cachedRunner = ref
        return ref
    }

    private func describe(_ error: Error) -> String {
        if let lua = error as? LuaError {
            switch lua.kind {
            case .cancelled: return "interrupted"
            default:
                let trace = lua.traceback.map { "\n" + $0 } ?? ""
                return "error: \(lua.message)\(interactive ? "" : trace)"
            }
        }
        return "error: \(error)"
    }

    /// Completion candidates for the word before the cursor, from the live Lua state.
    static func completer(for session: Session) -> (String) -> [String] {
        { word in
            guard let complete = try? session.lua.run("return require('twin.repl').complete", chunkName: "=repl").first,
                  case let .function(ref) = complete,
                  let result = try? session.lua.call(ref, [.string(word)]).first,
                  case let .table(table) = result else { return [] }
            return table.array.compactMap(\.stringValue)
        }
    }
}
