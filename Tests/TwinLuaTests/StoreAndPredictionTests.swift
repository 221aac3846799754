import Foundation
import LuaHost
import Testing
import TwinCore
@testable import TwinLua

/// `twin.store` over an in-memory library, `sim:vehicle(id)` predictions, `consumption = "fitted:<name>"`.
@Suite struct StoreAndPredictionTests {
    static let typeAndScenario = """
        local function scenario(e12)
          return twin.scenario {
            name = "one bus", start = 0, ["end"] = 86400, step_s = 300,
            vehicle_types = { e12 },
            vehicles = { { id = "B12", type = "E12", soc = 0.3, at_depot = false } },
            chargers = { twin.charger { id = "C1", max_kw = 150 } }, site = { grid_limit_kw = 1000 },
            visits = { { vehicle = "B12", arrival = 3600, departure = 3600 + 12 * 3600, soc = 0.3, target_soc = 0.9 } },
          }
        end

        """

    @Test func storeRoundTripInMemory() throws {
        let library = InMemoryResourceLibrary()
        let a = try makeSession()
        a.resources = library
        try a.lua.run("""
            local e12 = twin.vehicle_type { name = "E12", usable_kwh = 350, efficiency = 0.95,
                                            curve = { {0, 150}, {0.8, 150}, {1.0, 30} }, kwh_per_km = 1.1 }
            twin.store.save("vehicle_type", "E12", e12)
            twin.store.save("charger", "HPC", { max_kw = 300 })       -- id defaults to the name
            twin.store.save("depot", "north", { chargers = { twin.charger { id = "C1", max_kw = 150, cabinet = "K1" } },
                                                cabinets = { twin.cabinet { id = "K1", max_kw = 200 } },
                                                site = { grid_limit_kw = 500 }, tariff = twin.tariff { default_price = 0.2 } })
            """)
        #expect(try library.list(kind: nil).map { "\($0.kind)/\($0.name)" } == ["charger/HPC", "depot/north", "vehicle_type/E12"])
        #expect(try library.load(kind: "vehicle_type", name: "E12")?.contains("_kind") == false)

        // A second session over the same library builds and runs a scenario from the stored pieces.
        let b = try makeSession()
        b.resources = library
        let out = try b.lua.run(Self.typeAndScenario + """
            local e12 = twin.store.load("vehicle_type", "E12")
            local depot = twin.store.load("depot", "north")
            local hpc = twin.store.load("charger", "HPC")
            assert(e12._kind == "vehicle_type" and e12.curve[2][1] == 0.8 and hpc.id == "HPC" and hpc.max_kw == 300)
            local r = twin.run(scenario(e12), { policy = "uncontrolled" })
            local s2 = twin.scenario { name = "depot", start = 0, ["end"] = 3600, vehicle_types = { e12 },
                                       vehicles = { { id = "B1", type = "E12" } }, chargers = depot.chargers,
                                       cabinets = depot.cabinets, site = depot.site, tariff = depot.tariff }
            local list = twin.store.list("vehicle_type")
            local ttc = twin.predict.time_to_charge { type = "E12", soc = 0.3, target = 0.9, charger_kw = 150 }
            local gone = twin.store.delete("charger", "HPC")
            local again = twin.store.delete("charger", "HPC")
            local ok, err = pcall(twin.store.load, "charger", "HPC")
            return r.summary.delivered_kwh, s2.charger_count, #list, list[1].name, type(list[1].updated_at), ttc.seconds,
                   gone, again, ok, err
            """)
        #expect(abs(out[0].doubleValue! - 0.6 * 350) < 1e-6)
        #expect(out[1].integerValue == 1)
        #expect(out[2].integerValue == 1 && out[3].stringValue == "E12" && out[4].stringValue == "string")
        #expect((out[5].doubleValue ?? 0) > 0)
        #expect(out[6] == .bool(true) && out[7] == .bool(false) && out[8] == .bool(false))
        #expect(out[9].stringValue?.contains("no charger 'HPC' in the store") == true)
    }

    @Test func storeErrorsNameTheField() throws {
        let s = try makeSession()
        let none = try s.lua.run("return pcall(twin.store.list)")
        #expect(none[1].stringValue?.contains("no store attached") == true)
        s.resources = InMemoryResourceLibrary()
        let bad = try s.lua.run("""
            return select(2, pcall(twin.store.save, "vehicle_type", "X", { usable_kwh = 100, curve = { {0.5, 10}, {0.2, 10} } })),
                   select(2, pcall(twin.store.save, "bus", "X", {})),
                   select(2, pcall(twin.store.save, "depot", "D", { chargers = { { id = "C", max_kw = 50, cabinet = "K" } } })),
                   select(2, pcall(twin.store.save, "depot", "D", { pumps = 3 }))
            """)
        #expect(bad[0].stringValue?.contains("vehicle_type.curve[2].soc: must increase") == true)
        #expect(bad[1].stringValue?.contains("unknown resource kind 'bus'") == true)
        #expect(bad[2].stringValue?.contains("depot.chargers[1].cabinet: unknown cabinet 'K'") == true)
        #expect(bad[3].stringValue?.contains("depot.pumps: not a depot field") == true)
        #expect(try s.resources!.list(kind: nil).isEmpty)
    }

    @Test func vehicleTimeToChargeMatchesPredictAndSimulation() throws {
        let s = try makeSession()
        let out = try s.lua.run(Self.typeAndScenario + """
            local e12 = twin.vehicle_type { name = "E12", usable_kwh = 350, efficiency = 0.95,
                                            curve = { {0, 150}, {0.8, 150}, {1.0, 30} } }
            local sim = twin.simulation(scenario(e12), { policy = "uncontrolled" })
            sim:run_until(3600 + 1200)
            local v = sim:vehicle("B12")
            local live = v:time_to_charge(0.9)
            local byName = twin.predict.time_to_charge { type = "E12", soc = v.soc, target = 0.9, charger_kw = 150 }
            local range = v:range_remaining { reserve = 0.1, temp_c = 15 }
            local rangeByName = twin.predict.range_remaining { type = "E12", soc = v.soc, reserve = 0.1, temp_c = 15 }
            local now = sim.now
            local r = sim:run():result()
            return live.seconds, byName.seconds, r.sessions[1].charge_end - now, now, v.soc, range.km, rangeByName.km,
                   live.drawn_kwh, byName.drawn_kwh
            """)
        let live = out[0].doubleValue!, byName = out[1].doubleValue!, simulated = out[2].doubleValue!
        #expect(out[3].doubleValue == 4800)
        #expect(out[4].doubleValue! > 0.3 && out[4].doubleValue! < 0.9)
        #expect(abs(live - byName) < 1e-6)
        #expect(abs(live - simulated) < 1e-6, "predicted \(live) s, simulated \(simulated) s")
        #expect(abs(out[5].doubleValue! - out[6].doubleValue!) < 1e-6)
        #expect(abs(out[7].doubleValue! - out[8].doubleValue!) < 1e-6)
    }

    /// Trips whose energy is 0.9 + 0.03 x heating degrees + 0.004 x speed kWh/km, with a little noise.
    static func syntheticTrips() -> String {
        var lines = ["vehicle,start,end,distance_km,energy_kwh,ambient_c"]
        for i in 0..<48 {
            let ambient = -10 + Double(i % 12) * 3.5
            let distance = 20 + Double(i % 5) * 6
            let speed = 12 + Double(i % 7) * 2
            let perKM = 0.9 + 0.03 * max(0, 18 - ambient) + 0.004 * speed + (i % 2 == 0 ? 0.01 : -0.01)
            let start = 1_764_576_000 + Double(i) * 86400
            let end = start + distance / speed * 3600
            func iso(_ t: Double) -> String {
                let f = ISO8601DateFormatter()
                return f.string(from: Date(timeIntervalSince1970: t.rounded()))
            }
            lines.append("B\(i % 4),\(iso(start)),\(iso(end)),\(distance),\(String(format: "%.4f", perKM * distance)),\(ambient)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A relative `csv` path is read from the session's working directory (as every other file a
    /// script names), not the process's: the test process runs elsewhere.
    @Test func fitReadsARelativePathFromTheWorkingDirectory() throws {
        let dir = makeTempDir()
        write(Self.syntheticTrips(), to: dir + "/trips.csv")
        #expect(FileManager.default.currentDirectoryPath != dir)
        let s = try makeSession(cwd: dir)
        let out = try s.lua.run("local m = twin.fit.consumption { csv = 'trips.csv', name = 'rel', k = 4 }; return m.name",
                                chunkName: "=t")
        #expect(out == [.string("rel")])
    }

    @Test func fittedConsumptionDrivesTripEnergy() throws {
        let dir = makeTempDir()
        write(Self.syntheticTrips(), to: dir + "/trips.csv")
        let s = try makeSession(cwd: dir)
        let out = try s.lua.run("""
            local m = twin.fit.consumption { csv = "\(dir)/trips.csv", name = "x", k = 4 }
            local e = twin.vehicle_type { name = "F", usable_kwh = 350, curve = { {0, 150}, {1, 150} }, mass_kg = 14000,
                                          drivetrain_efficiency = 0.9, regen_efficiency = 0.6, consumption = "fitted:x" }
            local sc = twin.scenario {
              name = "fitted", start = 0, ["end"] = 86400, vehicle_types = { e },
              vehicles = { { id = "B1", type = "F", soc = 1.0 } }, weather = { constant_c = -5 },
              chargers = { twin.charger { id = "C1", max_kw = 150 } }, site = { grid_limit_kw = 500 },
              blocks = { twin.block { id = "BL1", vehicle = "B1", trips = {
                { id = "T1", departure = 6 * 3600, arrival = 8 * 3600, distance_km = 40, elevation_gain_m = 120, elevation_loss_m = 110 } } } },
            }
            local r = twin.run(sc, { policy = "uncontrolled" })
            local ok, err = pcall(twin.scenario, { name = "bad", start = 0, ["end"] = 10,
              vehicle_types = { { name = "G", usable_kwh = 100, curve = { {0, 50} }, consumption = "fitted:nope" } } })
            return r.trips[1].energy_kwh, r.trips[1].climb_kwh, r.trips[1].regen_kwh, err
            """)
        let model = try #require(s.fittedModels["x"])
        #expect(!model.features.contains { $0.feature == .grade })
        let perKM = model.predictKWhPerKM(ambientC: -5, avgSpeedKMH: 40 / 2, gradeMPerKM: 10.0 / 40)
        let potential = 14000 * 9.80665 / 3.6e6
        let expected = 40 * perKM + potential * 120 / 0.9 - potential * 110 * 0.6
        #expect(abs(out[0].doubleValue! - expected) < 1e-6, "trip \(out[0]) vs model \(expected)")
        #expect(abs(out[1].doubleValue! - potential * 120 / 0.9) < 1e-9)
        #expect(abs(out[2].doubleValue! - potential * 110 * 0.6) < 1e-9)
        #expect(out[3].stringValue?.contains("vehicle_types[1].consumption: no consumption model 'nope'") == true)

        // The same model, saved to and found through a library by a fresh session.
        let library = InMemoryResourceLibrary()
        s.resources = library
        try s.lua.run("twin.store.save('consumption_model', 'y', twin.fit.consumption { csv = '\(dir)/trips.csv', name = 'y', k = 4 })")
        let t = try makeSession(cwd: dir)
        t.resources = library
        let found = try t.lua.run("""
            local e = twin.vehicle_type { name = "F", usable_kwh = 350, curve = { {0, 150}, {1, 150} }, consumption = "fitted:y" }
            return twin.predict.range_remaining { type = "F", soc = 0.9, temp_c = -5, model = "y" }.kwh_per_km
            """)
        #expect((found[0].doubleValue ?? 0) > 0.9)
    }
}
