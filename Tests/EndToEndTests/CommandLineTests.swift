import Foundation
import Testing

/// `twin` as a user types it: help, version, usage errors and their exit codes.
@Suite struct CommandLineTests {
    @Test func versionAndHelpExitZero() throws {
        let dir = try TwinProcess.scratchDirectory()
        let version = try TwinProcess.run(["--version"], in: dir)
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("twin "))
        let help = try TwinProcess.run(["--help"], in: dir)
        #expect(help.status == 0)
        for command in ["run", "repl", "check", "plugins", "runs"] {
            #expect(help.stdout.contains("  \(command) "), "overview lists \(command)")
            let page = try TwinProcess.run(["help", command], in: dir)
            #expect(page.status == 0)
            #expect(page.stdout.contains("USAGE: twin \(command)"))
        }
    }

    @Test func unknownCommandAndOptionAreUsageErrors() throws {
        let dir = try TwinProcess.scratchDirectory()
        let unknown = try TwinProcess.run(["frobnicate"], in: dir)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.hasPrefix("twin: error: unknown command 'frobnicate'"))
        let badOption = try TwinProcess.run(["run", "x.json", "--colour"], in: dir)
        #expect(badOption.status == 2)
        #expect(badOption.stderr.contains("unknown option '--colour'"))
        let missing = try TwinProcess.run(["run"], in: dir)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("missing argument FILE"))
        let orphanOutput = try TwinProcess.run(["run", "x.json", "-o", "a.html"], in: dir)
        #expect(orphanOutput.status == 2)
        #expect(orphanOutput.stderr.contains("must follow the --format"))
    }

    @Test func badInputFilesExitTwoNamingThePlace() throws {
        let dir = try TwinProcess.scratchDirectory()
        let missing = try TwinProcess.run(["run", "nowhere.json", "--no-store"], in: dir)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no such file: nowhere.json"))

        try "{ \"schema_version\": 1, \"name\": ".write(to: dir.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)
        let malformed = try TwinProcess.run(["run", "broken.json", "--no-store"], in: dir)
        #expect(malformed.status == 2)
        #expect(malformed.stderr.contains("broken.json"))

        try "local x = \nprint(x +)\n".write(to: dir.appendingPathComponent("syntax.lua"), atomically: true, encoding: .utf8)
        let syntax = try TwinProcess.run(["run", "syntax.lua", "--no-store"], in: dir)
        #expect(syntax.status == 2)
        #expect(syntax.stderr.contains("syntax.lua:2:"))

        let unknownPolicy = try TwinProcess.run(["run", TwinProcess.reference("S1.json"), "--policy", "no_such_policy", "--no-store"], in: dir)
        #expect(unknownPolicy.status == 2)
        #expect(unknownPolicy.stderr.contains("no_such_policy"))
        #expect(!unknownPolicy.stderr.contains("Fatal error"))
    }

    @Test func aScenarioValueFoundBadBeforeTheRunExitsTwoAndStoresNothing() throws {
        let dir = try TwinProcess.scratchDirectory()
        let text = try String(contentsOfFile: TwinProcess.reference("S1.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"site_limit_kw\": 1200.0", with: "\"site_limit_kw\": -5")
        #expect(text.contains("-5"))
        try text.write(to: dir.appendingPathComponent("negative.json"), atomically: true, encoding: .utf8)
        let bad = try TwinProcess.run(["run", "negative.json", "--policy", "llf"], in: dir)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("site_limit_kw: must be >= 0"), "names the field: \(bad.stderr)")
        let runs = try TwinProcess.run(["runs", "list"], in: dir)
        #expect(!runs.stdout.contains("failed"), "a bad input is not a failed run: \(runs.stdout)")
    }

    @Test func jsonToStdoutCarriesOnlyTheResult() throws {
        let dir = try TwinProcess.scratchDirectory()
        let run = try TwinProcess.run(["run", TwinProcess.reference("S2.json"), "--policy", "llf", "--format", "json", "-o", "-", "--no-store"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let summary = try #require(object?["summary"] as? [String: Any])
        let delivered = try #require(summary["delivered_kwh"] as? Double)
        let peak = try #require(summary["peak_kw"] as? Double)
        // Reference C, S2 with LLF: ACN-Sim delivers all 7040.4 kWh; tolerance 0.5%.
        #expect(abs(delivered - 7040.4) / 7040.4 < 0.005)
        #expect(peak <= 600 + 1e-6)
        let sessions = try #require(object?["sessions"] as? [[String: Any]])
        #expect(sessions.count == 40)
        #expect(sessions.allSatisfy { $0["vehicle_id"] != nil && $0["drawn_kwh"] != nil && $0["wanted_kwh"] != nil })
    }

    @Test func pluginsListAndShow() throws {
        let dir = try TwinProcess.scratchDirectory()
        let list = try TwinProcess.run(["plugins"], in: dir)
        #expect(list.status == 0)
        for name in ["llf", "fcfs", "edf", "round_robin", "balanced", "peak_shaving", "tou_price", "uncontrolled",
                     "first_free", "highest_soc", "before_departure", "summary", "json", "csv", "markdown", "html"] {
            #expect(list.stdout.contains(name), "lists \(name)")
        }
        let show = try TwinProcess.run(["plugins", "show", "peak_shaving"], in: dir)
        #expect(show.status == 0)
        #expect(show.stdout.contains("target_kw"))
        #expect(show.stdout.contains("kW"))
        let unknown = try TwinProcess.run(["plugins", "show", "nope"], in: dir)
        #expect(unknown.status == 2)
    }

    @Test func checkValidatesWithoutRunning() throws {
        let dir = try TwinProcess.scratchDirectory()
        let good = try TwinProcess.run(["check", TwinProcess.reference("S1.json")], in: dir)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("ok"))
        let text = try String(contentsOfFile: TwinProcess.reference("S1.json"), encoding: .utf8)
            .replacingOccurrences(of: "\"battery_capacity_kwh\": 300.0", with: "\"battery_capacity_kwh\": -300.0")
        try text.write(to: dir.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let bad = try TwinProcess.run(["check", "bad.json"], in: dir)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("capacity"))

        // A study script: every twin.run is prepared (scenario, policy, parameters) but not simulated.
        let demo = try TwinProcess.run(["check", TwinProcess.packageRoot.appendingPathComponent("scripts/demo.lua").path], in: dir)
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stderr.contains("policy 'llf'") && demo.stderr.contains("not simulated"))
        try "local s = twin.load_scenario(\"\(TwinProcess.reference("S1.json"))\")\ntwin.run(s, { policy = \"nope\" })\n"
            .write(to: dir.appendingPathComponent("study.lua"), atomically: true, encoding: .utf8)
        let study = try TwinProcess.run(["check", "study.lua"], in: dir)
        #expect(study.status == 2)
        #expect(study.stderr.contains("study.lua:2: unknown policy 'nope'"))
        try "local t = twin.vehicle_type { name = \"X\", usable_kwh = -5, curve = { {0, 50}, {1, 50} } }\n"
            .write(to: dir.appendingPathComponent("types.lua"), atomically: true, encoding: .utf8)
        let types = try TwinProcess.run(["check", "types.lua"], in: dir)
        #expect(types.status == 2)
        #expect(types.stderr.contains("types.lua:1: vehicle_type.usable_kwh"))
    }
}

extension TwinProcess {
    /// A reference scenario shipped in the repository's `reference/` folder.
    static func reference(_ name: String) -> String {
        packageRoot.appendingPathComponent("reference/\(name)").path
    }
}
