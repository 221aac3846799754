import Foundation
import TwinLua

/// The REPL's `:commands`, which act on the session rather than evaluate Lua.
final class ReplCommands {
    enum Outcome { case next, quit }

    private let session: Session
    /// Lists stored runs for `:runs`; nil when the session has no store.
    private let listRuns: (() throws -> String)?
    /// The API reference `:help NAME` searches (docs/lua-api.md of the installation).
    private let apiReference: String?

    init(session: Session, listRuns: (() throws -> String)?, apiReference: String?) {
        self.session = session
        self.listRuns = listRuns
        self.apiReference = apiReference
    }

    static let overview = """
    :help [name]   this text, or the reference for a function or plugin (:help twin.run, :help llf)
    :plugins       the plugins found, with kind, version and source
    :reload        re-read every plugin (the loaded scenario and results stay)
    :load FILE     run a Lua script in this session
    :runs          the runs stored in the database
    :quit          leave (Ctrl-D does too)
    Anything else is Lua: `1 + 1`, `s = twin.load_scenario("reference/S1.json")`, `twin.run(s, {policy = "llf"})`.
    """

    func handle(_ line: String, console: Console) -> Outcome {
        let words = line.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1).map(String.init)
        let argument = words.count > 1 ? words[1].trimmingCharacters(in: .whitespaces) : nil
        do {
            switch words[0] {
            case ":quit", ":q", ":exit":
                return .quit
            case ":help", ":h":
                console.out(help(argument))
            case ":plugins":
                console.out(PluginListing.table(session.registry))
            case ":reload":
                try session.reloadPlugins()
                console.out("reloaded \(session.registry.all.count) plugins")
            case ":load":
                guard let argument else {
                    console.note("usage: :load FILE")
                    return .next
                }
                try session.runScript(path: argument)
            case ":runs":
                guard let listRuns else {
                    console.note("no run database in this session (started with --no-store)")
                    return .next
                }
                console.out(try listRuns())
            default:
                console.note("unknown command \(words[0]); :help lists them")
            }
        } catch {
            console.note("error: \(error)")
        }
        return .next
    }

    private func help(_ name: String?) -> String {
        guard let name, !name.isEmpty else { return Self.overview }
        if let entry = session.registry.plugin(name) {
            return PluginListing.details(entry)
        }
        if let section = apiReference.flatMap({ Self.section(of: $0, mentioning: name) }) {
            return section
        }
        return "no help for '\(name)': try :plugins, or a name like twin.run, twin.scenario, sim:run_until"
    }

    /// The Markdown section whose heading mentions `name`, up to the next heading of the same level.
    static func section(of markdown: String, mentioning name: String) -> String? {
        let lines = markdown.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix("#") && $0.contains(name) }) else { return nil }
        let level = lines[start].prefix(while: { $0 == "#" }).count
        var end = start + 1
        while end < lines.count {
            let hashes = lines[end].prefix(while: { $0 == "#" }).count
            if hashes > 0 && hashes <= level && lines[end].dropFirst(hashes).hasPrefix(" ") { break }
            end += 1
        }
        return lines[start..<end].joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
