import Foundation
import LuaHost
import TwinCore

/// `RunResult` as the plain Lua table of docs/plugin-contract.md (snake_case fields).
enum ResultTable {
    static func n(_ d: Double) -> LuaValue { .number(d) }
    static func opt(_ d: Double?) -> LuaValue { d.map { .number($0) } ?? .nil }
    static func s(_ t: String?) -> LuaValue { t.map { .string($0) } ?? .nil }

    static func value(_ r: RunResult) -> LuaValue {
        var summary = LuaTable()
        for (name, v) in r.summary.metrics {
            if name == "unmet_vehicles" || name == "missed_departures" || name == "clamps" {
                summary[name] = .integer(Int64(v))
            } else {
                summary[name] = .number(v)
            }
        }
        let sessions = r.sessions.map { x -> LuaValue in
            .table(LuaTable(fields: [
                "id": .integer(Int64(x.id)), "vehicle_id": .string(x.vehicleID), "charger_id": .string(x.chargerID),
                "arrival": n(x.arrivalTime), "plug_in": n(x.plugInTime), "charge_start": opt(x.chargeStartTime),
                "charge_end": opt(x.chargeEndTime), "unplug": n(x.unplugTime), "departure": n(x.departureTime),
                "soc_in": n(x.socIn), "soc_out": n(x.socOut), "wanted_kwh": n(x.wantedKWh), "drawn_kwh": n(x.drawnKWh),
                "delivered_kwh": n(x.deliveredKWh), "clamps": .integer(Int64(x.clamps)),
            ].filter { $0.value != .nil }))
        }
        let vehicles = r.vehicles.map { x -> LuaValue in
            .table(LuaTable(fields: [
                "id": .string(x.id), "type": .string(x.typeName), "soc_start": n(x.socStart), "soc_end": n(x.socEnd),
                "soc_min": n(x.socMin), "drawn_kwh": n(x.drawnKWh), "trip_energy_kwh": n(x.tripEnergyKWh),
                "trips": .integer(Int64(x.trips)), "shortfall_kwh": n(x.shortfallKWh), "below_reserve": .bool(x.belowReserve),
            ]))
        }
        let trips = r.trips.map { x -> LuaValue in
            .table(LuaTable(fields: [
                "vehicle_id": .string(x.vehicleID), "block_id": .string(x.blockID), "trip_id": .string(x.tripID),
                "route_id": s(x.routeID), "departure": n(x.departureTime), "arrival": n(x.arrivalTime),
                "distance_km": n(x.distanceKM), "ambient_c": n(x.ambientC), "energy_kwh": n(x.energyKWh),
                "traction_kwh": n(x.tractionKWh), "hvac_kwh": n(x.hvacKWh), "climb_kwh": n(x.climbKWh),
                "regen_kwh": n(x.regenKWh), "soc_before": n(x.socBefore), "soc_after": n(x.socAfter),
                "shortfall_kwh": n(x.shortfallKWh), "below_reserve": .bool(x.belowReserve),
            ].filter { $0.value != .nil }))
        }
        let load = r.loadProfile.map { x -> LuaValue in
            .table(LuaTable(fields: ["time": n(x.time), "chargers_kw": n(x.chargersKW), "base_kw": n(x.baseKW),
                                     "site_kw": n(x.siteKW), "plugged": .integer(Int64(x.plugged))]))
        }
        let events = r.events.map { x -> LuaValue in
            .table(LuaTable(fields: ["time": n(x.time), "kind": .string(x.kind.rawValue), "vehicle_id": .string(x.vehicleID),
                                     "charger_id": s(x.chargerID), "soc": n(x.soc), "power_kw": n(x.powerKW)]
                .filter { $0.value != .nil }))
        }
        return .table(LuaTable(fields: [
            "scenario": .string(r.scenarioName), "policy": .string(r.policyName),
            "seed": .integer(Int64(bitPattern: r.seed)), "start": n(r.startTime), "end": n(r.endTime),
            "step_s": n(r.stepS), "site_limit_kw": n(r.siteLimitKW), "time_zone": .string(r.timeZone),
            "warnings": .table(LuaTable(array: r.warnings.map { .string($0) })),
            "summary": .table(summary),
            "sessions": .table(LuaTable(array: sessions)), "vehicles": .table(LuaTable(array: vehicles)),
            "trips": .table(LuaTable(array: trips)), "load_profile": .table(LuaTable(array: load)),
            "events": .table(LuaTable(array: events)),
        ]))
    }
}
