import Foundation
import Testing
import LuaHost
import TwinCore
@testable import TwinLua

@Suite struct MoreTests {
    @Test func mathRandomIsSeededFromTheRunSeed() throws {
        let dir = makeTempDir()
        write(policyPlugin("lottery", body: """
            local r = {}
            for i, s in ipairs(ctx.sessions) do r[i] = math.random() < 0.5 and s.max_kw or 0 end
            return r
        """), to: dir + "/plugins/policies/lottery.lua")
        let session = try makeSession(cwd: dir)
        let sc = try session.loadScenario(path: referencePath("S2.json"))
        let a = try session.run(scenario: sc, policy: "lottery", seed: 1).result
        let b = try session.run(scenario: sc, policy: "lottery", seed: 1).result
        let c = try session.run(scenario: sc, policy: "lottery", seed: 2).result
        #expect(a.sessions == b.sessions)
        #expect(a.seed == 1 && c.seed == 2)
        #expect(a.sessions != c.sessions)
        // A plugin cannot reseed for everyone.
        write(policyPlugin("reseed", body: "    math.randomseed(1)\n    return {}"), to: dir + "/plugins/policies/reseed.lua")
        let s2 = try makeSession(cwd: dir)
        #expect(throws: SessionError.self) { try s2.run(scenario: sc, policy: "reseed") }
    }

    @Test func blocksCSVAndWeatherSeriesAndStdlibInScripts() throws {
        let dir = makeTempDir()
        write("""
        block_id,vehicle_id,trip_id,departure,arrival,distance_km,elevation_gain_m,elevation_loss_m,route_id
        BL1,B01,T1,2026-01-12T06:00,2026-01-12T08:00,40,100,100,R1
        BL1,B01,T2,2026-01-12T09:00,2026-01-12T11:00,40,,,R1
        BL2,B02,T1,2026-01-12T07:00,2026-01-12T10:00,70,,,R2
        """, to: dir + "/data/blocks.csv")
        write("time,ambient_c\n2026-01-12T00:00Z,-10\n2026-01-12T12:00Z,0\n", to: dir + "/data/temps.csv")
        let session = try makeSession(cwd: dir)
        let out = try session.lua.run("""
        local json = require "twin.json"
        local blocks = twin.blocks_csv("data/blocks.csv")
        local t = twin.vehicle_type { name = "E12", usable_kwh = 350, curve = { {0, 150}, {1, 150} }, hvac = { constant_kw = 6 } }
        local function scen(weather)
          return twin.scenario { name = "csv", start = "2026-01-12T00:00", ["end"] = "2026-01-13T00:00", time_zone = "UTC",
            vehicle_types = { t }, vehicles = { { id = "B01", type = "E12" }, { id = "B02", type = "E12" } },
            chargers = { { id = "C1", max_kw = 150 } }, site = { grid_limit_kw = 500 }, weather = weather, blocks = { blocks } }
        end
        local r1 = twin.run(scen(twin.weather { csv = "data/temps.csv" }), { policy = "fcfs" })
        local r2 = twin.run(scen(twin.weather { hourly = { -10, -5, 0 }, start = "2026-01-12T00:00" }), { policy = "fcfs" })
        return #blocks, #blocks[1].trips, #r1.trips, r1.trips[1].ambient_c, r2.trips[1].ambient_c, json.encode({ 1 })
        """, chunkName: "@s.lua")
        #expect(out[0] == .integer(2))
        #expect(out[1] == .integer(2))
        #expect(out[2] == .integer(3))
        #expect(abs(out[3].doubleValue! - (-10 + 10.0 * 7 / 12)) < 1e-9)   // trip midpoint 07:00, -10 at 00:00 to 0 at 12:00
        #expect(abs(out[4].doubleValue! - 0) < 1e-9)    // hourly series holds its last value
        #expect(out[5].stringValue?.contains("1") == true)
    }

    @Test func isoTimesAreLocalInTheScenarioZone() {
        #expect(TwinTime.parse("2026-01-12T05:30", timeZone: "Europe/Berlin") == 1_768_192_200)
        #expect(TwinTime.parse("2026-07-12T05:30", timeZone: "Europe/Berlin") == TwinTime.parse("2026-07-12T03:30Z", timeZone: "UTC"))
        #expect(TwinTime.parse("2026-01-12T05:30:00+01:00", timeZone: "UTC") == 1_768_192_200)
        #expect(TwinTime.parse("2026-01-12", timeZone: "UTC") == 1_768_176_000)
        #expect(TwinTime.parse("12/01/2026", timeZone: "UTC") == nil)
        #expect(TwinTime.iso(1_768_192_200, timeZone: "Europe/Berlin") == "2026-01-12T05:30:00")
    }
}

@Suite struct SessionLoopTests {
    @Test func progressChunksDoNotChangeTheResult() throws {
        let session = try makeSession()
        let sc = try session.loadScenario(path: referencePath("S2.json"))
        let plain = try session.run(scenario: sc, policy: "llf").result
        var reports: [(Double, Double, Double)] = []
        session.progress = { now, start, end in reports.append((now, start, end)) }
        let chunked = try session.run(scenario: sc, policy: "llf").result
        #expect(chunked.summary == plain.summary)
        #expect(chunked.sessions == plain.sessions)
        #expect(!reports.isEmpty)
        #expect(reports.allSatisfy { $0.1 == sc.start && $0.2 == sc.end && $0.0 >= sc.start && $0.0 <= sc.end })
    }

    @Test func aFailingPluginInAScriptRunGivesThePluginPositionAndTheStateGoesOn() throws {
        let dir = makeTempDir()
        write(policyPlugin("spin", body: "    while true do end"), to: dir + "/plugins/policies/spin.lua")
        write("local s = twin.load_scenario('\(referencePath("S1.json"))')\nlocal r = twin.run(s, { policy = 'spin' })\n", to: dir + "/script.lua")
        let session = try makeSession(cwd: dir)
        session.pluginInstructionLimit = 1_000_000
        do {
            try session.runScript(path: "script.lua")
            Issue.record("expected failure")
        } catch let e as LuaError {
            #expect(e.message.hasPrefix("plugins/policies/spin.lua:5: instruction limit exceeded"), "\(e.message)")
        }
        let ok = try session.lua.run("return tostring(twin.run(twin.load_scenario('\(referencePath("S1.json"))'), { policy = 'edf' }))", chunkName: "=repl")
        #expect(ok.first?.stringValue?.hasPrefix("<result S1 edf") == true, "\(ok)")
    }
}
