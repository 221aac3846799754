import Foundation
import Testing
import LuaHost
import TwinCore
@testable import TwinLua

/// The reference A and B variants (Tests/TwinCoreTests/ReferenceAVariantTests.swift and
/// ReferenceBVariantTests.swift hold the derivations) built as a modeller would, through the
/// documented Lua API (`twin.vehicle_type`, `twin.charger`, `twin.scenario` with visits, `twin.run`,
/// `twin.simulation`), checked against the same closed forms.
@Suite struct ReferenceVariantTests {
    static let prelude = """
    local a2 = twin.vehicle_type { name = "A2", usable_kwh = 120, efficiency = 0.9, reserve_soc = 0,
                                   curve = { {0, 30}, {0.2, 60}, {soc = 0.7, kw = 60}, {1.0, 12} } }
    local b2 = twin.vehicle_type { name = "B2", usable_kwh = 200, efficiency = 0.9, reserve_soc = 0,
                                   curve = { {0, 120}, {0.75, 120}, {1.0, 20} } }
    function single(soc, target, charger_kw, hours, step)
      return twin.scenario {
        name = "A2", start = 0, ["end"] = hours * 3600, step_s = step, vehicle_types = { a2 },
        vehicles = { { id = "V1", type = "A2", soc = soc, at_depot = false } },
        chargers = { twin.charger { id = "C1", max_kw = charger_kw } }, site = { grid_limit_kw = 10000 },
        visits = { { vehicle = "V1", arrival = 0, departure = hours * 3600, soc = soc, target_soc = target } },
      }
    end
    -- buses: { {soc, target, depart_h}, ... }, all arriving 20:00 on day 0 ("1970-01-01T20:00Z").
    function depot(buses, chargers_kw, site_kw, step, delay_s)
      local vehicles, visits, chargers = {}, {}, {}
      for i, b in ipairs(buses) do
        vehicles[i] = { id = "B" .. i, type = "B2", soc = b[1], at_depot = false }
        visits[i] = { vehicle = "B" .. i, arrival = "1970-01-01T20:00Z", departure = 72000 + b[3] * 3600,
                      soc = b[1], target_soc = b[2] }
      end
      for i, kw in ipairs(chargers_kw) do
        chargers[i] = twin.charger { id = "C" .. i, max_kw = kw, plug_in_delay_s = delay_s or 0 }
      end
      return twin.scenario { name = "B2", start = 72000, ["end"] = 72000 + 9 * 3600, step_s = step,
                             vehicle_types = { b2 }, vehicles = vehicles, chargers = chargers,
                             site = { grid_limit_kw = site_kw }, visits = visits }
    end
    function session_of(r, id)
      for _, s in ipairs(r.sessions) do if s.vehicle_id == id then return s end end
    end

    """

    func run(_ code: String) throws -> [Double] {
        let session = try makeSession()
        return try session.lua.run(Self.prelude + code, chunkName: "=variants").map { try #require($0.doubleValue) }
    }

    /// A2, 0.05 -> 0.95 behind 45 kW: curve, charger, curve; ln(1.2)/1.125 + 0.69375/0.3375 + ln(2.25)/1.2 h.
    @Test(arguments: [60.0, 300.0, 900.0, 6 * 3600.0])
    func caseA2CurveChargerCurve(stepS: Double) throws {
        let v = try run("""
        local r = twin.run(single(0.05, 0.95, 45, 6, \(stepS)), { policy = "uncontrolled" })
        local p = twin.predict.time_to_charge { type = "A2", soc = 0.05, target = 0.95, charger_kw = 45 }
        return r.sessions[1].charge_end, r.sessions[1].soc_out, r.summary.energy_kwh, r.summary.peak_kw, p.seconds
        """)
        let hours = log(45 / 37.5) / 1.125 + (127.0 / 160 - 0.1) / (0.0075 * 45) + log(45.0 / 20) / 1.2
        #expect(relativeError(hours, 2.8933943) < 1e-7)
        #expect(relativeError(v[0] / 3600, hours) < 1e-9)
        #expect(abs(v[1] - 0.95) < 1e-12)
        #expect(relativeError(v[2], 120) < 1e-9)
        // Peak booked per interval (see ReferenceAVariantTests): 45 kW unless one step spans it all.
        #expect(relativeError(v[3], stepS <= 900 ? 45 : 37.5) < 1e-9)
        #expect(relativeError(v[4] / 3600, hours) < 1e-9)
    }

    /// A2 from the breakpoint 0.2, 2 h, charger 100 kW: SOC (172 - 60 e^(-1.2 x 8/9)) / 160.
    @Test(arguments: [60.0, 900.0, 7200.0])
    func caseA2FromTheBreakpoint(stepS: Double) throws {
        let v = try run("""
        local r = twin.run(single(0.2, 1, 100, 2, \(stepS)))
        return r.vehicles[1].soc_end, r.summary.energy_kwh, r.summary.peak_kw
        """)
        let soc = (172 - 60 * exp(-1.2 * 8 / 9)) / 160
        #expect(relativeError(v[0], soc) < 1e-9)
        #expect(relativeError(v[1], 99.458977) < 1e-6)
        #expect(relativeError(v[2], 60) < 1e-9)
    }

    /// B2 greedy: proportional shares 1000/9 and 500/9 kW while the site (500 kW) binds, to 21:00.
    @Test(arguments: [300.0, 1234.0])
    func caseB2Greedy(stepS: Double) throws {
        let v = try run("""
        local buses = { {0.10, 0.9, 9}, {0.20, 0.9, 9}, {0.05, 0.9, 9}, {0.30, 0.95, 9}, {0.40, 0.95, 9}, {0.45, 0.9, 1} }
        local s = depot(buses, { 120, 120, 120, 60, 60, 60 }, 500, \(stepS))
        local sim = twin.simulation(s, { policy = "uncontrolled" })
        sim:run_until(72000 + 1800)
        local b1, b4 = sim:vehicle("B1"), sim:vehicle("B4")
        local r = sim:run():result()
        local out = { b1.power_kw, b4.power_kw, b1.soc, r.summary.energy_kwh, r.summary.peak_kw, r.summary.unmet_vehicles,
                      session_of(r, "B6").soc_out }
        for i = 1, 5 do out[#out + 1] = (session_of(r, "B" .. i).charge_end - 72000) / 3600 end
        return table.unpack(out)
        """)
        #expect(relativeError(v[0], 1000.0 / 9) < 1e-9)
        #expect(relativeError(v[1], 500.0 / 9) < 1e-9)
        #expect(relativeError(v[2], 0.35) < 1e-9)
        #expect(relativeError(v[3], 844.44444) < 1e-6)
        #expect(relativeError(v[4], 500) < 1e-9)
        #expect(v[5] == 1)
        #expect(relativeError(v[6], 0.70) < 1e-9)
        let done = [1.6628595, 1.4776744, 1.7554521, 2.5215547, 2.1511843]
        for i in 0..<5 { #expect(relativeError(v[7 + i], done[i]) < 1e-6, "B\(i + 1)") }
    }

    /// Greedy: X (0.5 -> 0.6) reaches its target while the site (150 kW) binds; Y gets its share at
    /// once: X done 8/27 h, Y done 8/27 + 0.55/0.54 + ln 2 / 1.8 = 1.6998966 h, whatever the step.
    @Test(arguments: [300.0, 3600.0])
    func caseB2TargetReachedFreesItsShare(stepS: Double) throws {
        let v = try run("""
        local r = twin.run(depot({ {0.5, 0.6, 9}, {0.1, 0.9, 9} }, { 120, 120 }, 150, \(stepS)))
        return (session_of(r, "B1").charge_end - 72000) / 3600, (session_of(r, "B2").charge_end - 72000) / 3600
        """)
        #expect(relativeError(v[0], 8.0 / 27) < 1e-9)
        #expect(relativeError(v[1], 1.6998966) < 1e-6)
    }

    /// B2 balanced: flat 111.52998 kW until the first departure (02:00), each bus at its target.
    @Test func caseB2Balanced() throws {
        let v = try run("""
        local buses = { {0.10, 0.9, 9}, {0.20, 0.9, 9}, {0.05, 0.9, 8}, {0.30, 0.95, 7}, {0.40, 0.95, 9}, {0.45, 0.9, 6} }
        local r = twin.run(depot(buses, { 120, 120, 120, 120, 120, 120 }, 1000, 300), { policy = "balanced" })
        local lo, hi = math.huge, 0
        for _, p in ipairs(r.load_profile) do
          if p.time < 72000 + 6 * 3600 - 1 then lo = math.min(lo, p.site_kw); hi = math.max(hi, p.site_kw) end
        end
        local worst = 0
        for i, b in ipairs(buses) do worst = math.max(worst, math.abs(session_of(r, "B" .. i).soc_out - b[2])) end
        return lo, hi, r.summary.peak_kw, r.summary.energy_kwh, worst, r.summary.unmet_vehicles
        """)
        #expect(relativeError(v[0], 111.52998) < 1e-6)
        #expect(relativeError(v[1], 111.52998) < 1e-6)
        #expect(relativeError(v[2], 111.52998) < 1e-6)
        #expect(relativeError(v[3], 4.0 * 200 / 0.9) < 1e-9)
        #expect(v[4] < 1e-9)
        #expect(v[5] == 0)
    }

    /// B2 with 3 chargers for 6 buses, FCFS: second-wave plug-in times T(0.6), T(0.5), T(0.3) and ends.
    @Test func caseB2ThreeChargersFCFS() throws {
        let v = try run("""
        local buses = { {0.5, 0.9, 9}, {0.3, 0.9, 9}, {0.6, 0.9, 9}, {0.2, 0.9, 9}, {0.4, 0.9, 9}, {0.1, 0.9, 9} }
        local r = twin.run(depot(buses, { 120, 120, 120 }, 1000, 300))
        local out = {}
        for i = 4, 6 do
          local s = session_of(r, "B" .. i)
          out[#out + 1] = (s.plug_in - 72000) / 3600
          out[#out + 1] = (s.charge_end - 72000) / 3600
        end
        out[#out + 1] = r.summary.peak_kw
        return table.unpack(out)
        """)
        let t = DepotB2Lua.aloneTo90H
        let want = [t(0.6), t(0.6) + t(0.2), t(0.5), t(0.5) + t(0.4), t(0.3), t(0.3) + t(0.1), 360]
        #expect(relativeError(want[1], 2.0664598) < 1e-7)
        for i in want.indices { #expect(relativeError(v[i], want[i]) < 1e-9, "value \(i)") }
    }
}

enum DepotB2Lua {
    /// Hours from `soc` to 0.9 alone on 120 kW (bus B2): (0.75 - soc) / 0.54 + ln 2 / 1.8.
    static func aloneTo90H(_ soc: Double) -> Double { (0.75 - soc) / 0.54 + log(2) / 1.8 }
}
