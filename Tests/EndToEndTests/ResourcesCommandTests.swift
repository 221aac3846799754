import Foundation
import Testing

/// A vehicle type saved by one `twin run`, reused by the next, and managed with `twin resources`.
@Suite struct ResourcesCommandTests {
    @Test func savedTypeIsReusedByTheNextScriptAndListed() throws {
        let dir = try TwinProcess.scratchDirectory()
        try """
        local e12 = twin.vehicle_type { name = "E12", usable_kwh = 350, efficiency = 0.95,
                                        curve = { {0, 150}, {0.8, 150}, {1.0, 30} }, kwh_per_km = 1.1 }
        twin.store.save("vehicle_type", "E12", e12)
        twin.store.save("depot", "north", { chargers = { twin.charger { id = "C1", max_kw = 150 } }, site = { grid_limit_kw = 400 } })
        twin.run(twin.scenario { name = "save", start = 0, ["end"] = 3600, vehicle_types = { e12 },
                                 vehicles = { { id = "B1", type = "E12" } }, site = { grid_limit_kw = 100 } })
        """.write(to: dir.appendingPathComponent("save.lua"), atomically: true, encoding: .utf8)
        try """
        local e12 = twin.store.load("vehicle_type", "E12")
        local depot = twin.store.load("depot", "north")
        local r = twin.run(twin.scenario {
          name = "reuse", start = 0, ["end"] = 86400, vehicle_types = { e12 },
          vehicles = { { id = "B12", type = "E12", soc = 0.3, at_depot = false } },
          chargers = depot.chargers, site = depot.site,
          visits = { { vehicle = "B12", arrival = 3600, departure = 50000, soc = 0.3, target_soc = 0.9 } },
        }, { policy = "uncontrolled" })
        print(string.format("delivered=%.3f", r.summary.delivered_kwh))
        """.write(to: dir.appendingPathComponent("reuse.lua"), atomically: true, encoding: .utf8)

        let save = try TwinProcess.run(["run", "save.lua", "--quiet"], in: dir)
        #expect(save.status == 0, "\(save.stderr)")
        let reuse = try TwinProcess.run(["run", "reuse.lua", "--quiet"], in: dir)
        #expect(reuse.status == 0, "\(reuse.stderr)")
        #expect(reuse.stdout.contains("delivered=210.000"), "\(reuse.stdout)")

        let list = try TwinProcess.run(["resources", "list"], in: dir)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("vehicle_type") && list.stdout.contains("E12"))
        #expect(list.stdout.contains("depot") && list.stdout.contains("north"))
        let onlyTypes = try TwinProcess.run(["resources", "list", "--kind", "vehicle_type"], in: dir)
        #expect(!onlyTypes.stdout.contains("north"))
        let show = try TwinProcess.run(["resources", "show", "vehicle_type", "E12"], in: dir)
        #expect(show.stdout.contains("\"usable_kwh\" : 350"), "\(show.stdout)")

        let noStore = try TwinProcess.run(["run", "reuse.lua", "--no-store", "--quiet"], in: dir)
        #expect(noStore.status != 0)
        #expect(noStore.stderr.contains("no store attached"), "\(noStore.stderr)")

        try #"{ "usable_kwh": 200, "curve": [[0, 100], [1, 100]] }"#.write(to: dir.appendingPathComponent("midi.json"), atomically: true, encoding: .utf8)
        let imported = try TwinProcess.run(["resources", "import", "vehicle_type", "MIDI", "midi.json"], in: dir)
        #expect(imported.status == 0, "\(imported.stderr)")
        try #"{ "usable_kwh": -5, "curve": [[0, 100]] }"#.write(to: dir.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let bad = try TwinProcess.run(["resources", "import", "vehicle_type", "BAD", "bad.json"], in: dir)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("vehicle_type.usable_kwh: must be > 0"), "\(bad.stderr)")
        let removed = try TwinProcess.run(["resources", "rm", "vehicle_type", "MIDI"], in: dir)
        #expect(removed.status == 0)
        let after = try TwinProcess.run(["resources", "list", "--kind", "vehicle_type"], in: dir)
        #expect(!after.stdout.contains("MIDI") && after.stdout.contains("E12"))
    }
}
