import Foundation
import Testing

/// `twin` doing what docs/lua-api.md says it does, for plugin authors working from the docs alone.
@Suite struct DocumentedCLITests {
    static var s2: String { TwinProcess.packageRoot.appendingPathComponent("reference/S2.json").path }

    /// "Set media_type and extension (used when -o names a folder)": `-o DIR` failed with
    /// "cannot rename into place (errno 21)"; `-o new/` names a folder to create.
    @Test func outputToAFolderUsesTheScenarioNameAndTheFormattersExtension() throws {
        let dir = try TwinProcess.scratchDirectory()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("existing"), withIntermediateDirectories: true)
        let r = try TwinProcess.run(["run", Self.s2, "--no-store", "--format", "json", "-o", "existing",
                                     "--format", "csv", "-o", "new/"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("existing/S2.json").path))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("new/S2.csv").path))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("new/S2-sessions.csv").path))
        #expect(r.stderr.contains("wrote json to existing/S2.json"), "\(r.stderr)")
    }

    /// `--format csv` to stdout holds every table (as sections), not just the summary.
    @Test func csvToStdoutKeepsEveryTable() throws {
        let dir = try TwinProcess.scratchDirectory()
        let r = try TwinProcess.run(["run", Self.s2, "--no-store", "--format", "csv"], in: dir)
        #expect(r.status == 0)
        for section in ["# summary", "# sessions", "# vehicles", "# trips", "# load_profile"] {
            #expect(r.stdout.contains(section), "\(section)")
        }
    }
}

extension DocumentedCLITests {
    /// docs/lua-api.md: "save [any block] as x.lua and run `twin run x.lua --no-store`". Blocks that
    /// only build, predict or fit made `twin run` exit 2 ("ran but made no run"); now they succeed,
    /// and only an explicit --format (which needs a run) is refused.
    @Test func aScriptThatMakesNoRunSucceeds() throws {
        let dir = try TwinProcess.scratchDirectory()
        try """
        local units = require "twin.units"
        local p = twin.predict.time_to_charge { type = twin.vehicle_type { name = "A", usable_kwh = 100,
          curve = { {0, 50}, {1, 50} } }, soc = 0.2, target = 0.8, charger_kw = 50 }
        print("minutes", units.s_to_min(p.seconds))
        """.write(to: dir.appendingPathComponent("x.lua"), atomically: true, encoding: .utf8)
        let plain = try TwinProcess.run(["run", "x.lua", "--no-store"], in: dir)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.hasPrefix("minutes"))
        #expect(plain.stderr.contains("made no run"))
        let stored = try TwinProcess.run(["run", "x.lua"], in: dir)
        #expect(stored.status == 0, "\(stored.stderr)")
        let formatted = try TwinProcess.run(["run", "x.lua", "--no-store", "--format", "json"], in: dir)
        #expect(formatted.status == 2)
        #expect(formatted.stderr.contains("x.lua ran but made no run"))
    }
}

extension DocumentedCLITests {
    /// docs/lua-api.md §4: with a store attached "every run is saved", `twin repl` included. Runs
    /// made at the prompt were never stored: twin.runs.list() stayed empty, `twin runs list` too.
    @Test func replRunsAreStoredAsTheyEnd() throws {
        let dir = try TwinProcess.scratchDirectory()
        let input = """
        r = twin.run(twin.load_scenario("\(TwinProcess.reference("S1.json"))"), { policy = "fcfs" })
        print("listed", #twin.runs.list(), twin.runs.list()[1].policy)
        print("peak", twin.runs.get(twin.runs.list()[1].id).summary.peak_kw == r.summary.peak_kw)
        """
        let repl = try TwinProcess.run(["repl", "--db", "runs.db"], in: dir, stdin: input)
        #expect(repl.status == 0, "\(repl.stderr)")
        #expect(repl.stdout.contains("listed\t1\tfcfs"), "\(repl.stdout)")
        #expect(repl.stdout.contains("peak\ttrue"), "\(repl.stdout)")
        #expect(repl.stderr.contains("stored run 1"), "\(repl.stderr)")
        let list = try TwinProcess.run(["runs", "list", "--db", "runs.db"], in: dir)
        #expect(list.stdout.contains("fcfs"), "\(list.stdout)")
    }
}

extension DocumentedCLITests {
    /// docs/lua-api.md §10: an error in a plugin names its file:line, "followed by a stack
    /// traceback". A .json scenario run printed the message alone.
    @Test func aPluginErrorInAJsonRunShowsItsTraceback() throws {
        let dir = try TwinProcess.scratchDirectory()
        let folder = dir.appendingPathComponent("plugins/policies")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
        local function helper(ctx) return ctx.nothing.field end
        return twin.policy { name = "broken", version = "1.0.0", api = "1", description = "x",
          allocate = function(ctx, params) local kw = helper(ctx); return kw end }
        """.write(to: folder.appendingPathComponent("broken.lua"), atomically: true, encoding: .utf8)
        let r = try TwinProcess.run(["run", Self.s2, "--policy", "broken", "--no-store"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("twin: error: plugins/policies/broken.lua:1: attempt to index a nil value"), "\(r.stderr)")
        #expect(r.stderr.contains("stack traceback:"), "\(r.stderr)")
        #expect(r.stderr.contains("plugins/policies/broken.lua:3:"), "\(r.stderr)")
    }
}
