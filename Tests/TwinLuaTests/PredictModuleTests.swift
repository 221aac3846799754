import Foundation
import LuaHost
import Testing
import TwinCore
@testable import TwinLua

/// `twin.predict` / `twin.fit` from Lua: inline and named types, numbers against TwinCore, errors.
@Suite struct PredictModuleTests {
    static let batteryA = VehicleType(name: "A", usableKWh: 100, reserveSOC: 0, curve: ChargingCurve([(0, 42), (0.5, 42), (1.0, 1)]),
                                      chargingEfficiency: 0.95)

    func makeState(store: ConsumptionModelStore? = nil) throws -> LuaState {
        let state = try LuaState()
        let twin = state.register(module: "twin", functions: [:])
        registerPredictionAPI(on: state, twinModule: twin, vehicleTypeLookup: { $0 == "A" ? Self.batteryA : nil }, modelStore: store)
        return state
    }

    @Test func timeToChargeInlineType() throws {
        let state = try makeState()
        let out = try state.run("""
            local r = twin.predict.time_to_charge{ type = { usable_kwh = 100, curve = {{0, 42}, {0.5, 42}, {1.0, 1}}, efficiency = 0.95 },
                                                   soc = 0.5, target = 0.9, charger_kw = 100 }
            local last = r.profile[#r.profile]
            return r.seconds, r.drawn_kwh, last[1], last.soc, #r.profile
            """)
        #expect(abs(out[0].doubleValue! / 3600 - 1.9492505) / 1.9492505 < 1e-6)
        #expect(abs(out[1].doubleValue! - 0.4 * 100 / 0.95) < 1e-9)
        #expect(out[2].doubleValue == out[0].doubleValue)
        #expect(out[3].doubleValue == 0.9)
        #expect((out[4].integerValue ?? 0) > 2)
    }

    @Test func timeToChargeByNameMatchesTwinCore() throws {
        let state = try makeState()
        let out = try state.run("return twin.predict.time_to_charge{ type = 'A', soc = 0, target = 0.5, charger_kw = 1000 }.seconds")
        let direct = try ChargePrediction.timeToCharge(type: Self.batteryA, soc: 0, targetSOC: 0.5, chargerKW: 1000)
        #expect(out[0].doubleValue == direct.seconds)
    }

    @Test func errorsAreLuaErrors() throws {
        let state = try makeState()
        let below = try state.run("return pcall(twin.predict.time_to_charge, { type = 'A', soc = 0.5, target = 0.2, charger_kw = 100 })")
        #expect(below[0] == .bool(false))
        #expect(below[1].stringValue?.contains("below the SOC now") == true)
        let zero = try state.run("return pcall(twin.predict.time_to_charge, { type = 'A', soc = 0.5, target = 0.9, charger_kw = 0 })")
        #expect(zero[1].stringValue?.contains("charger_kw") == true)
        let unknown = try state.run("return pcall(twin.predict.time_to_charge, { type = 'Z9', soc = 0.5, target = 0.9, charger_kw = 50 })")
        #expect(unknown[1].stringValue?.contains("unknown vehicle type 'Z9'") == true)
        let missing = try state.run("return pcall(twin.predict.range_remaining, { type = 'A', temp_c = 5 })")
        #expect(missing[1].stringValue?.contains("soc") == true)
    }

    @Test func rangeRemainingWithKWhPerKM() throws {
        let state = try makeState()
        let out = try state.run("""
            local r = twin.predict.range_remaining{ type = 'A', soc = 0.6, reserve = 0.1, temp_c = 30, kwh_per_km = 1.25 }
            return r.km, r.dominant, r.terms.traction_kwh_per_km
            """)
        #expect(abs(out[0].doubleValue! - 50 / 1.25) < 1e-9)
        #expect(out[1] == .string("traction"))
        #expect(out[2].doubleValue == 1.25)
    }

    @Test func fitThenPredictWithStoredModel() throws {
        // 40 trips, kWh/km = 1.0 + 0.03 heating degrees + 0.02 cooling degrees, exactly.
        var lines = ["vehicle,start,end,distance_km,energy_kwh,ambient_c"]
        for i in 0..<40 {
            let ambient = -10 + Double(i), km = 10 + Double(i % 7)
            let perKM = 1.0 + 0.03 * max(0, 18 - ambient) + 0.02 * max(0, ambient - 22)
            let start = 1_704_067_200 + i * 7200
            let iso = ISO8601DateFormatter()
            lines.append("B1,\(iso.string(from: Date(timeIntervalSince1970: Double(start)))),\(iso.string(from: Date(timeIntervalSince1970: Double(start + 3600)))),\(km),\(km * perKM),\(ambient)")
        }
        let csv = FileManager.default.temporaryDirectory.appendingPathComponent("predict-fit-\(UUID().uuidString).csv")
        try lines.joined(separator: "\n").write(to: csv, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: csv) }
        let store = InMemoryConsumptionModelStore()
        let state = try makeState(store: store)
        let out = try state.run("""
            local m = twin.fit.consumption{ csv = '\(csv.path)', name = 'winter', k = 5 }
            local r = twin.predict.range_remaining{ type = 'A', soc = 0.6, reserve = 0.1, temp_c = 8, model = 'winter' }
            local r2 = twin.predict.range_remaining{ type = 'A', soc = 0.6, reserve = 0.1, temp_c = 8, model = m }
            return m.name, r.kwh_per_km, r2.kwh_per_km, r.dominant
            """)
        #expect(out[0] == .string("winter"))
        #expect(store.models["winter"] != nil)
        #expect(abs(out[1].doubleValue! - 1.3) < 1e-6)
        #expect(out[2].doubleValue == out[1].doubleValue)
        #expect(out[3] == .string("traction"))
    }
}
