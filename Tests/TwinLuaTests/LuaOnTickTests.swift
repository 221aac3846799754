import Foundation
import Testing
import LuaHost
import TwinCore
@testable import TwinLua

/// Counts ticks and plugged vehicles in Swift (the reference for the Lua hook).
final class LuaTickReference: DepotBehaviour {
    let name = "tick_counter"
    var lines: [String] = []
    var wantsTick: Bool { true }
    func onTick(now: Double, vehicles: [VehicleView]) throws {
        let socs = vehicles.map { String(format: "%.6f", $0.soc) }.joined(separator: ",")
        let chargers = vehicles.map { "C\($0.chargerIndex)" }.joined(separator: ",")
        lines.append("\(lines.count + 1) \(Int(now)) \(vehicles.map(\.id).joined(separator: ",")) \(socs) \(chargers)")
    }
}

@Suite struct LuaOnTickTests {
    /// A Lua behaviour's on_tick sees every control tick with the plugged vehicles, like a Swift
    /// behaviour does; two behaviours both get it; the run's physics do not change.
    @Test func aLuaBehaviourCountsTicks() throws {
        let dir = makeTempDir()
        write("""
        local count = 0
        return twin.behaviour { name = "ticks", version = "1", api = "1",
          on_tick = function(ctx, params)
            count = count + 1
            local ids, socs, chargers = {}, {}, {}
            for i, v in ipairs(ctx.vehicles) do
              if type(v.plugged) ~= "boolean" or type(v.state) ~= "string" or type(v.type) ~= "string" then error("bad vehicle view") end
              ids[i] = v.id
              socs[i] = string.format("%.6f", v.soc)
              chargers[i] = v.charger_id
            end
            print(count .. " " .. math.tointeger(ctx.now) .. " " .. table.concat(ids, ",") .. " " .. table.concat(socs, ",")
              .. " " .. table.concat(chargers, ","))
          end }
        """, to: dir + "/plugins/behaviours/ticks.lua")
        write("""
        local n = 0
        return twin.behaviour { name = "also", version = "1", api = "1",
          on_tick = function(ctx) n = n + 1; if n % 50 == 0 then print("also " .. n) end end }
        """, to: dir + "/plugins/behaviours/also.lua")
        let notes = NoteSink()
        let session = try makeSession(cwd: dir, notes: notes)
        let lua = try session.run(scenario: ChurnDepot.scenario(), policy: "llf", behaviours: ["ticks", "also"]).result

        let counter = LuaTickReference()
        let swift = try Simulation(scenario: ChurnDepot.scenario(), policy: SortedPolicy(name: "llf", key: .laxity),
                                   behaviour: counter).result()
        let ticks = notes.lines.filter { !$0.hasPrefix("also ") }
        #expect(counter.lines.count > 100)
        #expect(ticks == counter.lines)
        #expect(notes.lines.filter { $0.hasPrefix("also ") }.count == counter.lines.count / 50)
        #expect(lua.summary == swift.summary)
    }

    /// No on_tick hook: the engine is not asked to build tick views.
    @Test func withoutTheHookNoTicks() throws {
        let dir = makeTempDir()
        write("""
        return twin.behaviour { name = "quiet", version = "1", api = "1", on_arrival = function() return nil end }
        """, to: dir + "/plugins/behaviours/quiet.lua")
        let session = try makeSession(cwd: dir)
        let sim = try session.simulation(scenario: ChurnDepot.scenario(), policy: "llf", behaviours: ["quiet"])
        #expect(sim.behaviour.wantsTick == false)
    }
}
