import Foundation
import Testing
import TwinLua

/// Runs every ```lua example of docs/lua-api.md and every script in scripts/, so the reference
/// and the demo cannot drift from what the host does.
///
/// Convention (stated at the top of docs/lua-api.md): a block whose first line is
/// `-- plugin: <kind>/<file>.lua` is a plugin file; all of them are written to one temporary plugin
/// folder that every other block's session sees. Every other block is a complete chunk run in a
/// fresh trusted `Session` whose working directory is the repository root.
struct DocExample: Sendable, CustomStringConvertible {
    /// 1-based line of the opening fence in docs/lua-api.md.
    var line: Int
    var code: String
    /// `policies/foo.lua` for plugin blocks.
    var pluginPath: String?
    var description: String { "docs/lua-api.md:\(line)" + (pluginPath.map { " (plugin \($0))" } ?? "") }
}

enum DocExamples {
    static let repoRoot: String = {
        // Tests/TwinLuaTests/DocExamplesTests.swift -> repository root
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let docPath = repoRoot + "/docs/lua-api.md"

    /// The ```lua blocks of the reference, in order.
    static let all: [DocExample] = {
        guard let text = try? String(contentsOfFile: docPath, encoding: .utf8) else { return [] }
        var examples: [DocExample] = []
        var current: [String]? = nil
        var start = 0
        for (i, raw) in text.components(separatedBy: "\n").enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if current == nil {
                if line == "```lua" { current = []; start = i + 1 }
            } else if line == "```" {
                let code = current!.joined(separator: "\n") + "\n"
                var plugin: String? = nil
                if let first = current!.first, first.hasPrefix("-- plugin:") {
                    plugin = first.dropFirst("-- plugin:".count).trimmingCharacters(in: .whitespaces)
                }
                examples.append(DocExample(line: start, code: code, pluginPath: plugin))
                current = nil
            } else {
                current!.append(raw)
            }
        }
        return examples
    }()

    static var chunks: [DocExample] { all.filter { $0.pluginPath == nil } }
    static var plugins: [DocExample] { all.filter { $0.pluginPath != nil } }

    /// Scripts under scripts/ (not scripts/data/), sorted.
    static let scripts: [String] = {
        let dir = repoRoot + "/scripts"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".lua") }.sorted().map { "scripts/" + $0 }
    }()

    /// A temporary plugin folder holding every plugin block, made once per test process.
    static let pluginDirectory: String = {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("twin-doc-plugins-\(ProcessInfo.processInfo.processIdentifier)").path
        try? FileManager.default.removeItem(atPath: dir)
        for example in plugins {
            let file = dir + "/" + example.pluginPath!
            try? FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                     withIntermediateDirectories: true)
            try? example.code.write(toFile: file, atomically: true, encoding: .utf8)
        }
        return dir
    }()

    /// A fresh trusted session over the repository, seeing the doc's plugins; no run history, an
    /// empty in-memory resource library (`twin.store`).
    static func session() throws -> Session {
        var options = SessionOptions(pluginDirectories: [pluginDirectory], workingDirectory: repoRoot,
                                     notes: { _ in }, home: repoRoot)
        options.environment["TWIN_PLUGIN_PATH"] = nil
        let session = try Session(options: options)
        session.resources = InMemoryResourceLibrary()
        // The runaway example must fail fast, not after the default budget.
        session.pluginInstructionLimit = 5_000_000
        return session
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? SessionError { return e.message + (e.traceback.map { "\n" + $0 } ?? "") }
        return String(describing: error)
    }
}

@Suite("docs/lua-api.md and scripts/ examples")
struct DocExamplesTests {
    @Test("the reference has examples for every entry point")
    func referenceHasExamples() {
        #expect(DocExamples.chunks.count >= 30, "found \(DocExamples.chunks.count) runnable blocks")
        #expect(DocExamples.plugins.count >= 4)
        let all = DocExamples.all.map(\.code).joined()
        for entry in ["twin.vehicle_type", "twin.charger", "twin.cabinet", "twin.weather", "twin.tariff",
                      "twin.block", "twin.blocks_csv", "twin.scenario", "twin.load_scenario", "twin.run",
                      "twin.simulation", ":write(", "twin.runs.list", "twin.runs.get", "twin.plugins()",
                      "twin.plugin(", "twin.predict.time_to_charge", "twin.predict.range_remaining",
                      "twin.fit.consumption", "twin.store.save", "twin.store.load", "twin.store.list",
                      "twin.store.delete", ":time_to_charge(", ":range_remaining", "\"fitted:", "twin.alloc.sorted", "twin.alloc.balanced",
                      "twin.policy", "twin.behaviour", "twin.formatter", "on_arrival", "precondition",
                      "\"twin.units\"", "\"twin.csv\"", "\"twin.json\"", "\"twin.stats\"", "\"twin.svg\"",
                      "\"twin.tablex\""] {
            #expect(all.contains(entry), "no example uses \(entry)")
        }
    }

    @Test("plugin blocks load as plugins", arguments: DocExamples.plugins)
    func pluginBlockLoads(_ example: DocExample) throws {
        let session = try DocExamples.session()
        let file = DocExamples.pluginDirectory + "/" + example.pluginPath!
        do {
            let entry = try session.registry.check(file: file)
            let stem = ((example.pluginPath! as NSString).lastPathComponent as NSString).deletingPathExtension
            #expect(entry.name == stem)
        } catch {
            Issue.record("\(example): \(DocExamples.describe(error))")
        }
    }

    @Test("lua blocks run in a fresh trusted session", arguments: DocExamples.chunks)
    func chunkRuns(_ example: DocExample) throws {
        let session = try DocExamples.session()
        do {
            _ = try session.lua.run(example.code, chunkName: "@docs/lua-api.md:\(example.line)")
        } catch {
            Issue.record("\(example): \(DocExamples.describe(error))")
        }
    }

    @Test("scripts run", arguments: DocExamples.scripts)
    func scriptRuns(_ path: String) throws {
        let session = try DocExamples.session()
        let started = Date()
        do {
            try session.runScript(path: path)
            #expect(!session.runs.isEmpty, "\(path) made no twin.run")
        } catch {
            Issue.record("\(path): \(DocExamples.describe(error))")
        }
        print("\(path): \(session.runs.count) run(s) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
    }
}
