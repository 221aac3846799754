import Foundation
import Testing
import LuaHost
import TwinCore
@testable import TwinLua

/// A depot where sessions come and go every few ticks (queueing at 5 chargers in 2 cabinets), so
/// the reused session views are created, reordered and dropped many times.
enum ChurnDepot {
    static let type = VehicleType(name: "bus300", usableKWh: 300, minSOC: 0, maxSOC: 1, reserveSOC: 0,
                                  curve: ChargingCurve([(0, 150), (0.8, 150), (1.0, 15)]), chargingEfficiency: 0.93)
    static func scenario() -> Scenario {
        let buses = (0..<9).map { Vehicle(id: "BUS-\($0)", typeName: "bus300", initialSOC: 0.3, atDepotAtStart: false) }
        var visits: [Visit] = []
        for d in 0..<3 {
            for (b, bus) in buses.enumerated() {
                let arrival = Double(d) * 86_400 + Double(b) * 1_700
                visits.append(Visit(vehicleID: bus.id, arrival: arrival, departure: arrival + 5 * 3600 + Double(b % 4) * 1_300,
                                    socAtArrival: 0.15 + 0.05 * Double(b), targetSOC: b % 3 == 0 ? 0.8 : 0.95))
            }
        }
        let chargers = (0..<5).map { Charger(id: "C\($0)", maxKW: $0 == 4 ? 50 : 150, cabinetID: $0 < 4 ? "K\($0 / 2)" : nil) }
        return Scenario(name: "churn", vehicleTypes: [type], vehicles: buses, visits: visits, chargers: chargers,
                        cabinets: [PowerCabinet(id: "K0", maxKW: 200), PowerCabinet(id: "K1", maxKW: 250)],
                        site: Site(gridLimitKW: 420), start: 0, end: 3 * 86_400, stepS: 300)
    }
}

@Suite struct SessionViewTests {
    static let fields = ["id", "vehicle_id", "charger_id", "cabinet_id", "arrival", "departure", "soc", "target_soc",
                         "energy_wanted_kwh", "max_kw", "charger_max_kw", "vehicle_max_kw", "efficiency", "capacity_kwh"]

    func run(_ policy: String, body: String) throws -> (RunResult, RunResult) {
        let dir = makeTempDir()
        write(policyPlugin(policy, body: body), to: dir + "/plugins/policies/\(policy).lua")
        let session = try makeSession(cwd: dir)
        let reference = try session.run(scenario: ChurnDepot.scenario(), policy: "llf").result
        let r = try session.run(scenario: ChurnDepot.scenario(), policy: policy).result
        return (reference, r)
    }

    /// Every field of every view, copied to plain tables each tick and allocated through the slow
    /// path (which reads only those copies), gives exactly the fast path's run: the views show
    /// the engine's values at every tick, through creation, reordering and removal.
    @Test(arguments: ["index", "pairs"])
    func viewsShowTheEnginesValuesEveryTick(_ how: String) throws {
        let copy = how == "index"
            ? "for _, k in ipairs(F) do t[k] = s[k] end"
            : "for k, v in pairs(s) do t[k] = v end"
        let (reference, r) = try run("mirror_\(how)", body: """
            local F = { \(Self.fields.map { "\"\($0)\"" }.joined(separator: ", ")) }
            local plain = {}
            for i, s in ipairs(ctx.sessions) do
              local t = {}
              \(copy)
              for _, k in ipairs(F) do
                if k ~= "cabinet_id" and t[k] == nil then error("field " .. k .. " missing") end
              end
              plain[i] = t
            end
            return twin.alloc.sorted({ now = ctx.now, step_s = ctx.step_s, headroom_kw = ctx.headroom_kw, sessions = plain }, "laxity")
        """)
        #expect(r.sessions.count > 20)
        #expect(r.summary == reference.summary)
        #expect(r.sessions == reference.sessions)
        #expect(r.loadProfile == reference.loadProfile)
    }

    /// A Lua key function reading the per-tick fields through the views matches the built-in key.
    @Test func aKeyFunctionSeesTheSameFieldsAsTheBuiltInKey() throws {
        let (reference, r) = try run("llf_lua", body: """
            local now = ctx.now
            return twin.alloc.sorted(ctx, function(s) return (s.departure - now) - s.energy_wanted_kwh / (s.vehicle_max_kw * s.efficiency) * 3600 end)
        """)
        #expect(r.summary == reference.summary)
        #expect(r.sessions == reference.sessions)
    }

    /// A plugin that scribbles over the views and empties ctx.sessions after allocating: the next
    /// tick still gets every session with the engine's per-tick values, and the run is the same.
    @Test func editsToViewsLastOneCallAndCannotBreakTheRun() throws {
        let (reference, r) = try run("vandal", body: """
            if #ctx.sessions == 0 then error("ctx.sessions is empty") end
            for _, s in ipairs(ctx.sessions) do
              if s.soc > 1 or s.max_kw > 150 or s.energy_wanted_kwh < 0 then error("saw last tick's edits") end
            end
            local kw = twin.alloc.sorted(ctx, "laxity")
            for _, s in ipairs(ctx.sessions) do
              s.soc, s.max_kw, s.energy_wanted_kwh, s.vehicle_max_kw, s.note = 5, 1e9, -1, 1e9, "mine"
              if s.soc ~= 5 or s.note ~= "mine" then error("edits not visible within the call") end
            end
            for i = #ctx.sessions, 1, -1 do ctx.sessions[i] = nil end
            return kw
        """)
        #expect(r.summary == reference.summary)
        #expect(r.sessions == reference.sessions)
        #expect(r.loadProfile == reference.loadProfile)
    }

    /// The same table for the same session on every tick it is shown.
    @Test func viewsAreReusedAcrossTicks() throws {
        let dir = makeTempDir()
        write(policyPlugin("keeper", body: """
            KEPT = KEPT or {}
            for _, s in ipairs(ctx.sessions) do
              local old = KEPT[s.id]
              if old ~= nil and not rawequal(old, s) then error("a new table for session " .. s.id) end
              KEPT[s.id] = s
            end
            return twin.alloc.fair_share(ctx)
        """), to: dir + "/plugins/policies/keeper.lua")
        let session = try makeSession(cwd: dir)
        let r = try session.run(scenario: ChurnDepot.scenario(), policy: "keeper").result
        #expect(r.sessions.count > 20)
    }

    /// Answers with holes are zeros; a non-number still names the index.
    @Test func answersWithHolesAndWrongTypes() throws {
        let dir = makeTempDir()
        write(policyPlugin("holes", body: """
            local kw = twin.alloc.sorted(ctx, "laxity")
            kw[1] = nil
            return kw
        """), to: dir + "/plugins/policies/holes.lua")
        write(policyPlugin("proxy", body: """
            local kw = twin.alloc.sorted(ctx, "laxity")
            return setmetatable({}, { __index = kw })
        """), to: dir + "/plugins/policies/proxy.lua")
        write(policyPlugin("late_string", body: """
            local kw = {}
            for i = 1, #ctx.sessions do kw[i] = 1 end
            kw[#kw] = "x"
            return kw
        """), to: dir + "/plugins/policies/late_string.lua")
        let session = try makeSession(cwd: dir)
        let r = try session.run(scenario: ChurnDepot.scenario(), policy: "holes").result
        let reference = try session.run(scenario: ChurnDepot.scenario(), policy: "llf").result
        #expect(r.summary.energyKWh > 0)
        #expect(r.summary != reference.summary)
        let proxy = try session.run(scenario: ChurnDepot.scenario(), policy: "proxy").result
        #expect(proxy.summary == reference.summary)
        do {
            _ = try session.run(scenario: ChurnDepot.scenario(), policy: "late_string")
            Issue.record("expected failure")
        } catch let e as SessionError {
            #expect(e.message.contains("plugins/policies/late_string.lua: allocate returned a string at index"), "\(e.message)")
        }
    }
}
