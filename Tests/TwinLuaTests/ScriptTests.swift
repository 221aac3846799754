import Foundation
import Testing
import LuaHost
import TwinCore
@testable import TwinLua

@Suite struct ScriptTests {
    static let depotScript = """
    local e12 = twin.vehicle_type {
      name = "E12", usable_kwh = 350, min_soc = 0.05, max_soc = 1.0, reserve_soc = 0.15,
      curve = { {0, 150}, {0.8, 150}, {1.0, 30} }, efficiency = 0.95, kwh_per_km = 1.1,
      hvac = { setpoint_c = 18, ua_kw_per_k = 0.35, cop = 2.5 },
    }
    local chargers = {}
    for i = 1, 2 do chargers[i] = twin.charger { id = string.format("C%02d", i), max_kw = 150, cabinet = "CAB1" } end
    local blocks = {}
    for i = 1, 3 do
      blocks[i] = twin.block { id = "BL" .. i, vehicle = "B0" .. i, trips = {
        { id = "T1", departure = "2026-01-12T06:00", arrival = "2026-01-12T09:00", distance_km = 60, route = "R7" },
        { id = "T2", departure = "2026-01-12T15:00", arrival = "2026-01-12T18:00", distance_km = 60,
          elevation_gain_m = 120, elevation_loss_m = 110 },
      } }
    end
    scenario = twin.scenario {
      name = "small depot", start = "2026-01-12T00:00", ["end"] = "2026-01-13T00:00", time_zone = "Europe/Berlin",
      step_s = 300, seed = 42, vehicle_types = { e12 },
      vehicles = { { id = "B01", type = "E12", soc = 0.9 }, { id = "B02", type = "E12", soc = 0.8 }, { id = "B03", type = "E12", soc = 0.7 } },
      chargers = chargers, cabinets = { twin.cabinet { id = "CAB1", max_kw = 200 } },
      site = { grid_limit_kw = 250, base_load_kw = 20 },
      tariff = twin.tariff { default_price = 0.25, bands = { { from_h = 0, to_h = 6, price = 0.12 } }, demand_charge_per_kw = 9.5 },
      weather = twin.weather { constant_c = -5 }, blocks = blocks,
    }
    result = twin.run(scenario, { policy = "edf", behaviours = { "first_free", "before_departure" } })
    """

    @Test func aScriptBuildsADepotWithBlocksAndRunsIt() throws {
        let dir = makeTempDir()
        write(Self.depotScript, to: dir + "/depot.lua")
        let session = try makeSession(cwd: dir)
        try session.runScript(path: "depot.lua")
        let run = try #require(session.runs.last)
        let r = run.result
        #expect(r.scenarioName == "small depot")
        #expect(r.policyName == "edf")
        #expect(run.behaviours.map(\.name) == ["first_free", "before_departure"])
        #expect(run.scenarioSource?.path == "depot.lua")
        #expect(r.trips.count == 6)
        #expect(r.trips.allSatisfy { $0.hvacKWh > 0 })
        #expect(r.startTime == 1_768_172_400)  // 2026-01-12T00:00 Berlin = 23:00Z the day before
        #expect(r.trips.first!.departureTime == 1_768_194_000)  // 06:00 local
        #expect(r.summary.energyKWh > 100)
        #expect(r.summary.peakKW <= 250 + 1e-9)
        #expect(r.events.contains { $0.kind == .preconditionStart })
        // The result object from Lua: fields and tostring.
        let text = try session.lua.run("return tostring(result), result.summary.peak_kw, #result.trips, tostring(scenario)", chunkName: "=t")
        #expect(text[0].stringValue?.hasPrefix("<result small depot edf energy=") == true)
        #expect(relativeError(text[1].doubleValue!, r.summary.peakKW) < 1e-12)
        #expect(text[2] == .integer(6))
        #expect(text[3] == .string("<scenario small depot 3 vehicles 2 chargers 2026-01-12..2026-01-13>"))
        let copy = try session.lua.run("local s = scenario:with{ seed = 7, step_s = 60 }; return s.seed, s.step_s, s.name", chunkName: "=t")
        #expect(copy == [.integer(7), .number(60), .string("small depot")])
    }

    @Test func constructorErrorsNameTheFieldPathAndScriptLine() throws {
        let dir = makeTempDir()
        write("""
        local ok = 1
        local t = twin.vehicle_type { name = "E12", usable_kwh = 350,
          curve = { {0, 150}, {0.9, 150}, {0.8, 30} } }
        """, to: dir + "/bad.lua")
        let session = try makeSession(cwd: dir)
        do {
            try session.runScript(path: "bad.lua")
            Issue.record("expected an error")
        } catch let e as LuaError {
            #expect(e.message.hasPrefix("bad.lua:2: vehicle_type.curve[3].soc: must increase"), "\(e.message)")
        }
        do {
            try session.lua.run("twin.scenario { name = 'x', start = 0, ['end'] = 10, vehicle_types = {}, vehicles = { { id = 'B', type = 'E9' } }, site = { grid_limit_kw = 1 } }", chunkName: "@repl")
            Issue.record("expected an error")
        } catch let e as LuaError {
            #expect(e.message.hasPrefix("repl:1: vehicles[1].type: unknown vehicle type 'E9'"), "\(e.message)")
        }
        do {
            try session.lua.run("twin.scenario { name = 'x', start = '2026-13-01T00:00', ['end'] = 10, site = { grid_limit_kw = 1 } }", chunkName: "@repl")
            Issue.record("expected an error")
        } catch let e as LuaError {
            #expect(e.message.contains("start: '2026-13-01T00:00' is not an ISO 8601 time"), "\(e.message)")
        }
    }

    @Test func simulationSteppingRunUntilThenVehicle() throws {
        let session = try makeSession()
        try session.lua.run("""
        local bus = twin.vehicle_type { name = "bus300", usable_kwh = 300, min_soc = 0, max_soc = 1, reserve_soc = 0,
          curve = { {0, 150}, {0.8, 150}, {1.0, 15} }, efficiency = 0.95 }
        local vehicles, visits, chargers = {}, {}, {}
        for i = 0, 9 do
          vehicles[#vehicles + 1] = { id = "BUS-" .. i, type = "bus300", soc = 0.3, at_depot = false }
          visits[#visits + 1] = { vehicle = "BUS-" .. i, arrival = 72000, departure = 72000 + 9 * 3600, soc = 0.3, target_soc = 0.9 }
          chargers[#chargers + 1] = { id = "C" .. i, max_kw = 150 }
        end
        B = twin.scenario { name = "B", start = "1970-01-01T20:00Z", ["end"] = "1970-01-02T05:00Z", step_s = 300,
          vehicle_types = { bus }, vehicles = vehicles, visits = visits, chargers = chargers, site = { grid_limit_kw = 1000 } }
        sim = twin.simulation(B, { policy = "uncontrolled" })
        """, chunkName: "@t.lua")
        let out = try session.lua.run("""
        sim:run_until(72000 + 1.5789474 * 3600)
        local v = sim:vehicle("BUS-3")
        local mid = { v.soc, v.state, v.charger, v.power_kw, tostring(v), sim.now, sim.now_iso }
        sim:run_until("1970-01-01T23:00Z")
        local later = sim:vehicle("BUS-3")
        local r = sim:result()
        return mid[1], mid[2], mid[3], mid[4], mid[5], mid[6], mid[7], later.soc, r.summary.energy_kwh, tostring(sim:step())
        """, chunkName: "@t.lua")
        #expect(abs(out[0].doubleValue! - 0.8) < 1e-7)
        #expect(out[1] == .string("plugged"))
        #expect(out[2] == .string("C3"))
        #expect(abs(out[3].doubleValue! - 100) < 1e-9)
        #expect(out[4] == .string("<vehicle BUS-3 bus300 soc=0.80 plugged@C3>"))
        #expect(out[6].stringValue?.hasPrefix("1970-01-01T21:34:44") == true)
        #expect(abs(out[7].doubleValue! - 0.9) < 1e-9)
        #expect(relativeError(out[8].doubleValue!, 1894.7368) < 1e-6)
        #expect(out[9] == .string("false"))
    }

    @Test func jsonFormatterOutputParsesWithTheRequiredKeys() throws {
        let dir = makeTempDir()
        let session = try makeSession(cwd: dir)
        let r = try session.run(scenario: DepotB.scenario(), policy: "balanced").result
        let out = try session.write(format: "json", result: r)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(out.data)) as? [String: Any])
        for key in ["scenario", "policy", "seed", "start", "end", "step_s", "site_limit_kw", "time_zone", "summary", "sessions",
                    "vehicles", "trips", "load_profile", "warnings"] {
            #expect(obj[key] != nil, "missing \(key)")
        }
        let summary = try #require(obj["summary"] as? [String: Any])
        for key in RunSummary.metricNames { #expect(summary[key] != nil, "summary.\(key)") }
        #expect(relativeError((summary["peak_kw"] as! NSNumber).doubleValue, 210.5263) < 1e-6)
        #expect((obj["sessions"] as! [Any]).count == 10)
        // With a path: written atomically, the returned text is the file's.
        let written = try session.write(format: "json", result: r, to: "out.json")
        #expect(FileManager.default.contents(atPath: dir + "/out.json").map { [UInt8]($0) } == written.data)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.json"])
        // csv uses out:sibling: siblings next to the main file, nothing else.
        _ = try session.write(format: "csv", result: r, to: "run.csv")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(files.contains("run.csv") && files.contains("run-sessions.csv"), "\(files)")
        // From a script: result:write.
        try session.lua.run("r = twin.run(twin.load_scenario('\(referencePath("S1.json"))'), { policy = 'fcfs' }); text = r:write('summary'); path = r:write('markdown', 'report.md')", chunkName: "=t")
        #expect(session.lua.global("path") == .string("report.md"))
        #expect(FileManager.default.fileExists(atPath: dir + "/report.md"))
        #expect((session.lua.global("text").stringValue ?? "").contains("fcfs"))
    }

    @Test func aFormatterCannotWriteOutsideItsOutput() throws {
        let dir = makeTempDir()
        let victim = dir + "/victim.txt"
        for (name, body) in [("evil_io", "io.open('\(victim)', 'w'):write('x')"), ("evil_os", "os.remove('\(victim)')"),
                             ("evil_sibling", "out:sibling('/../../victim.txt'):write('x')"),
                             ("evil_load", "load(string.dump(function() end))"),
                             ("evil_require", "require('io')")] {
            write("""
            return twin.formatter { name = "\(name)", version = "1", api = "1", write = function(result, out, params)
              out:write("partial")
              \(body)
            end }
            """, to: dir + "/plugins/formatters/\(name).lua")
        }
        write("keep", to: victim)
        let session = try makeSession(cwd: dir)
        let r = try session.run(scenario: DepotB.scenario(), policy: "llf").result
        for name in ["evil_io", "evil_os", "evil_sibling", "evil_load", "evil_require"] {
            do {
                _ = try session.write(format: name, result: r, to: "out-\(name).txt")
                Issue.record("\(name) should fail")
            } catch let e as SessionError {
                #expect(e.message.hasPrefix("plugins/formatters/\(name).lua:3:"), "\(e.message)")
            }
            // Nothing half-written.
            #expect(!FileManager.default.fileExists(atPath: dir + "/out-\(name).txt"))
        }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(files == ["plugins", "victim.txt"], "\(files)")
    }

    @Test func theBundledPureLuaHarnessPasses() throws {
        let session = try makeSession(cwd: packageRoot())
        let old = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(packageRoot())
        defer { FileManager.default.changeCurrentDirectoryPath(old) }
        try session.lua.run("""
        exit_code = nil
        local real_exit = os.exit
        os.exit = function(code) exit_code = (code == true or code == nil) and 0 or (code == false and 1 or code); error("__exit__", 0) end
        local ok, err = pcall(dofile, "tests/lua/run.lua")
        os.exit = real_exit
        if not ok and err ~= "__exit__" then error(err, 0) end
        """, chunkName: "=harness")
        #expect(session.lua.global("exit_code") == .integer(0))
    }

    @Test func pluginsAndRunsFromScripts() throws {
        let session = try makeSession()
        let out = try session.lua.run("""
        local n, llf = 0, nil
        for _, p in ipairs(twin.plugins()) do n = n + 1; if p.name == "llf" then llf = p end end
        local m = twin.plugin("before_departure")
        local ok, err = pcall(twin.runs.list)
        return n, llf.kind, llf.path, m.params.minutes.default, m.params.minutes.unit, ok, err
        """, chunkName: "=t")
        #expect(out[0] == .integer(19))
        #expect(out[1] == .string("policy"))
        #expect(out[2] == .string("plugins/policies/llf.lua"))
        #expect(out[3].doubleValue == 20)
        #expect(out[4] == .string("min"))
        #expect(out[5] == .bool(false))
        #expect(out[6].stringValue?.contains("no run store attached") == true)
        #expect(out[6].stringValue?.hasPrefix("t:4:") == true, "the error names the caller's line: \(out[6])")
        // With a history attached.
        final class Memory: RunHistory {
            var results: [RunResult] = []
            func list(limit: Int) throws -> [RunSummaryRow] {
                results.enumerated().map { RunSummaryRow(id: Int64($0.offset + 1), scenario: $0.element.scenarioName, policy: $0.element.policyName,
                                                         status: "done", startedAt: 0, peakKW: $0.element.summary.peakKW, energyKWh: nil) }
            }
            func get(id: Int64) throws -> RunResult { results[Int(id) - 1] }
        }
        let mem = Memory()
        mem.results.append(try session.run(scenario: DepotB.scenario(), policy: "balanced").result)
        session.history = mem
        let got = try session.lua.run("local l = twin.runs.list(5); local r = twin.runs.get(l[1].id); return l[1].policy, tostring(r), r:write('json'):sub(1, 1)", chunkName: "=t")
        #expect(got[0] == .string("balanced"))
        #expect(got[1].stringValue?.hasPrefix("<result B balanced energy=1894.7kWh peak=210.5kW unmet=0>") == true)
        #expect(got[2] == .string("{"))
    }

    @Test func overridesFromTheCommandLineWinAndSaySo() throws {
        let notes = NoteSink()
        let session = try makeSession(set: ["peak_shaving.target_kw": "500"], policy: "peak_shaving", seed: 9, notes: notes)
        try session.lua.run("r = twin.run(twin.load_scenario('\(referencePath("S2.json"))'), { policy = 'llf', seed = 1, params = { ['peak_shaving.target_kw'] = 300 } })", chunkName: "=t")
        let run = try #require(session.runs.last)
        #expect(run.policyName == "peak_shaving")
        #expect(run.seed == 9)
        #expect(run.paramsJSON == "{\"peak_shaving\":{\"target_kw\":500}}")
        #expect(notes.lines.contains("--policy peak_shaving overrides the script's policy 'llf'"))
        #expect(notes.lines.contains("--seed 9 overrides the script's seed 1"))
        #expect(notes.lines.contains("--set peak_shaving.target_kw=500 overrides the script's value"))
        #expect(run.result.summary.peakKW <= 600 + 1e-6)
    }

    @Test func checkValidatesWithoutRunning() throws {
        let dir = makeTempDir()
        write(Self.depotScript.replacingOccurrences(of: "result = twin.run", with: "return scenario --").replacingOccurrences(of: "scenario = twin.scenario", with: "local scenario = twin.scenario"), to: dir + "/depot.lua")
        let session = try makeSession(cwd: dir)
        #expect(try session.check(path: "depot.lua").first?.contains("scenario 'small depot' OK") == true)
        #expect(try session.check(path: referencePath("S1.json")).first?.contains("40 vehicles") == true)
        #expect(try session.check(path: packageRoot() + "/plugins/policies/llf.lua").first?.contains("policy 'llf' 1.0.0 OK") == true)
        #expect(session.runs.isEmpty)
        write("{\"schema_version\": 1, \"name\": 3}", to: dir + "/bad.json")
        #expect(throws: SessionError.self) { try session.check(path: "bad.json") }
    }

    @Test func cancelStopsARun() throws {
        let session = try makeSession()
        var calls = 0
        session.progress = { _, _, _ in calls += 1; session.cancel() }
        #expect(throws: SimulationError.self) { try session.run(scenario: DepotB.scenario(), policy: "llf") }
        #expect(calls == 1)
        session.progress = nil
        #expect(try session.run(scenario: DepotB.scenario(), policy: "llf").result.summary.unmetVehicles == 0)
    }

    /// `hvac.max_kw` caps the heat pump's electrical power in the trips the engine drives.
    @Test func heatPumpRatingCapsTripHVACEnergy() throws {
        let session = try makeSession()
        let out = try session.lua.run("""
        local function run(max_kw)
          local t = twin.vehicle_type { name = "H", usable_kwh = 350, curve = { {0, 150}, {1, 150} },
            hvac = { setpoint_c = 20, ua_kw_per_k = 0.5, cop = 2.5, auxiliary_kw = 1, max_kw = max_kw } }
          local sc = twin.scenario { name = "hvac", start = 0, ["end"] = 86400, vehicle_types = { t },
            vehicles = { { id = "B1", type = "H", soc = 1.0 } }, weather = { constant_c = -10 },
            chargers = { twin.charger { id = "C1", max_kw = 150 } }, site = { grid_limit_kw = 500 },
            blocks = { twin.block { id = "BL1", vehicle = "B1", trips = {
              { id = "T1", departure = 6 * 3600, arrival = 8 * 3600, distance_km = 40 } } } } }
          return twin.run(sc, { policy = "uncontrolled" }).trips[1].hvac_kwh
        end
        return run(nil), run(5)
        """, chunkName: "=hvac")
        // 2 h at -10 C: 7 kW asked (1 + 0.5 x 30 / 2.5) -> 14 kWh; rated 5 kW -> 10 kWh.
        #expect(abs((out[0].doubleValue ?? 0) - 14) < 1e-9)
        #expect(abs((out[1].doubleValue ?? 0) - 10) < 1e-9)
    }
}
