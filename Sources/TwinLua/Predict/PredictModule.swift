import Foundation
import LuaHost
import TwinCore

/// Registers `twin.predict.time_to_charge`, `twin.predict.range_remaining` and
/// `twin.fit.consumption` (docs/scripting-contract.md, "Predictions") on `twinModule`.
///
/// - Parameters:
///   - state: the trusted Lua state.
///   - twinModule: the `twin` table; `predict` and `fit` sub-tables are set on it (replacing any).
///   - vehicleTypeLookup: resolves `type = "E12"` (scenario types, stored resources, ...).
///   - modelStore: saves fitted models and resolves `model = "name"`; nil: models are not stored,
///     and `model` must be given as a model table (what `twin.fit.consumption` returns).
///   - resolvePath: turns a relative `csv` path into the file to read (the session resolves it
///     against its working directory, as every other path a script gives); by default as given.
public func registerPredictionAPI(on state: LuaState, twinModule: LuaRef,
                                  vehicleTypeLookup: @escaping (String) -> VehicleType?,
                                  modelStore: ConsumptionModelStore?,
                                  resolvePath: @escaping (String) -> String = { $0 }) {
    let predict = state.newTable()
    state.set(predict, .string("time_to_charge"), to: state.function("time_to_charge") { frame in
        let args = try frame.table(at: 1)
        let type = try PredictionLua.vehicleType(args["type"], lookup: vehicleTypeLookup)
        let soc = try PredictionLua.number(args, "soc")
        let estimate = try PredictionLua.mapping {
            try ChargePrediction.timeToCharge(
                type: type, soc: soc, targetSOC: try PredictionLua.optionalNumber(args, "target") ?? type.maxSOC,
                chargerKW: try PredictionLua.number(args, "charger_kw"),
                siteShareKW: try PredictionLua.optionalNumber(args, "site_share_kw"),
                ambientC: try PredictionLua.optionalNumber(args, "temp_c"))
        }
        frame.push(PredictionLua.value(estimate))
    })
    state.set(predict, .string("range_remaining"), to: state.function("range_remaining") { frame in
        let args = try frame.table(at: 1)
        let type = try PredictionLua.vehicleType(args["type"], lookup: vehicleTypeLookup)
        let consumption = try PredictionLua.consumptionSource(args, modelStore: modelStore)
        let profile = try PredictionLua.drivingProfile(args)
        let estimate = try PredictionLua.mapping {
            try ChargePrediction.rangeRemaining(type: type, soc: try PredictionLua.number(args, "soc"),
                                                reserveSOC: try PredictionLua.optionalNumber(args, "reserve"),
                                                ambientC: try PredictionLua.optionalNumber(args, "temp_c") ?? 15,
                                                profile: profile, consumption: consumption)
        }
        frame.push(PredictionLua.value(estimate))
    })
    state.set(twinModule, .string("predict"), to: predict)

    let fit = state.newTable()
    state.set(fit, .string("consumption"), to: state.function("consumption") { frame in
        let args = try frame.table(at: 1)
        guard let csv = args["csv"].stringValue else {
            throw LuaArgumentError(index: 1, reason: "csv: give the telematics file path (columns \(TelematicsCSV.requiredColumns.joined(separator: ", ")))")
        }
        var options = ConsumptionFitOptions(name: args["name"].stringValue ?? "consumption",
                                            ridgeLambda: try PredictionLua.optionalNumber(args, "ridge") ?? 0)
        if let split = args["split"].stringValue {
            guard split == "time" else { throw LuaArgumentError(index: 1, reason: "split: only \"time\" is supported (or give k for k-fold)") }
            options.validation = .timeSplit(trainFraction: try PredictionLua.optionalNumber(args, "train_fraction") ?? 0.8)
        } else if let k = try PredictionLua.optionalNumber(args, "k") {
            guard let folds = Int(exactly: k), folds >= 2 else { throw LuaArgumentError(index: 1, reason: "k: must be an integer >= 2") }
            options.validation = .kFold(k: folds, seed: UInt64(try PredictionLua.optionalNumber(args, "seed") ?? 0))
        }
        let model = try PredictionLua.mapping {
            let records = try TelematicsCSV.read(contentsOf: URL(fileURLWithPath: resolvePath(csv)))
            return try ConsumptionFitter.fit(records.map(ConsumptionSample.init), options: options)
        }
        if let modelStore { try PredictionLua.mapping { try modelStore.save(model) } }
        frame.push(try PredictionLua.value(model))
    })
    state.set(twinModule, .string("fit"), to: fit)
}

/// Conversions between Lua values and the prediction types, shared with the `sim:vehicle(id)`
/// methods (TwinLua pushes ``value(_:)-(TimeToChargeEstimate)`` for `:time_to_charge(target)`).
public enum PredictionLua {
    /// A time-to-charge estimate as Lua sees it: `{ seconds, drawn_kwh, charging_kwh, hvac_kwh,
    /// hvac_kw, limit_kw, profile = { {t_s, kw, soc}, ... } }` (each profile row also has the fields
    /// `t_s`, `kw`, `soc`).
    public static func value(_ e: TimeToChargeEstimate) -> LuaValue {
        let rows: [LuaValue] = e.profile.map { p in
            .table(LuaTable(array: [.number(p.tS), .number(p.kw), .number(p.soc)],
                            fields: ["t_s": .number(p.tS), "kw": .number(p.kw), "soc": .number(p.soc)]))
        }
        return .table(LuaTable(fields: [
            "seconds": .number(e.seconds), "drawn_kwh": .number(e.drawnKWh), "charging_kwh": .number(e.chargingKWh),
            "hvac_kwh": .number(e.hvacKWh), "hvac_kw": .number(e.hvacKW), "limit_kw": .number(e.limitKW),
            "soc": .number(e.fromSOC), "target": .number(e.targetSOC), "profile": .table(LuaTable(array: rows)),
        ]))
    }

    /// A range estimate as Lua sees it: `{ km, kwh_per_km, available_kwh, reserve, dominant,
    /// terms = { traction_kwh_per_km, hvac_kwh_per_km, climb_kwh_per_km, regen_kwh_per_km } }`.
    public static func value(_ r: RangeEstimate) -> LuaValue {
        .table(LuaTable(fields: [
            "km": .number(r.km), "kwh_per_km": .number(r.kWhPerKM), "available_kwh": .number(r.availableKWh),
            "reserve": .number(r.reserveSOC), "dominant": .string(r.dominant.rawValue),
            "terms": .table(LuaTable(fields: [
                "traction_kwh_per_km": .number(r.perKM.tractionKWh), "hvac_kwh_per_km": .number(r.perKM.hvacKWh),
                "climb_kwh_per_km": .number(r.perKM.climbKWh), "regen_kwh_per_km": .number(r.perKM.regenKWh),
            ])),
        ]))
    }

    /// The model document (the JSON of ``ConsumptionModel/jsonData()``) as a Lua table.
    public static func value(_ model: ConsumptionModel) throws -> LuaValue {
        try luaValue(JSONSerialization.jsonObject(with: model.jsonData()))
    }

    /// A model from a table shaped like ``value(_:)-(ConsumptionModel)``.
    public static func model(from table: LuaTable) throws -> ConsumptionModel {
        let data = try JSONSerialization.data(withJSONObject: plain(.table(table)) ?? [:])
        return try ConsumptionModel.decode(from: data)
    }

    /// A vehicle type given by name (through `lookup`) or inline as a table.
    public static func vehicleType(_ value: LuaValue, lookup: (String) -> VehicleType?) throws -> VehicleType {
        switch value {
        case let .string(name):
            guard let type = lookup(name) else { throw LuaScriptError(PredictionError.unknownVehicleType(name).description) }
            return type
        case .table:
            guard let document = plain(value) as? [String: Any] else {
                throw LuaArgumentError(index: 1, reason: "type: expected a vehicle type table with usable_kwh, curve, ...")
            }
            return try mapping { try VehicleType(document: document) }
        default:
            throw LuaArgumentError(index: 1, reason: "type: expected a vehicle type name or table (usable_kwh, curve = {{soc, kw}, ...}, efficiency, ...)")
        }
    }

    /// The consumption of a range estimate: `kwh_per_km = x`, `model = "name" | model table`, or the type's.
    static func consumptionSource(_ args: LuaTable, modelStore: ConsumptionModelStore?) throws -> ConsumptionSource {
        var consumption = ConsumptionSource.vehicleType
        if let perKM = try optionalNumber(args, "kwh_per_km") {
            consumption = .kWhPerKM(perKM)
        }
        switch args["model"] {
        case .nil: break
        case let .string(name):
            guard let store = modelStore else {
                throw LuaScriptError("model '\(name)': no model store is attached; pass the model table returned by twin.fit.consumption instead")
            }
            guard let model = try mapping({ try store.load(name) }) else {
                throw LuaScriptError("no consumption model '\(name)'; fit one with twin.fit.consumption{ csv = ..., name = '\(name)' }")
            }
            consumption = .model(model)
        case let .table(table):
            consumption = .model(try mapping { try model(from: table) })
        default:
            throw LuaArgumentError(index: 1, reason: "model: expected a model name or a model table")
        }
        if case .model = consumption, args["kwh_per_km"] != .nil {
            throw LuaArgumentError(index: 1, reason: "give kwh_per_km or model, not both")
        }
        return consumption
    }

    /// The driving profile of a range estimate: `avg_speed_kmh`, `grade_m_per_km` (or
    /// `elevation_gain_m_per_km` / `elevation_loss_m_per_km`), `stops_per_km`, `dwell_s`.
    static func drivingProfile(_ args: LuaTable) throws -> DrivingProfile {
        let gain = try optionalNumber(args, "elevation_gain_m_per_km")
        let loss = try optionalNumber(args, "elevation_loss_m_per_km")
        let grade = try optionalNumber(args, "grade_m_per_km") ?? 0
        return DrivingProfile(
            avgSpeedKMH: try optionalNumber(args, "avg_speed_kmh") ?? DrivingProfile.default.avgSpeedKMH,
            elevationGainMPerKM: gain ?? max(0, grade), elevationLossMPerKM: loss ?? max(0, -grade),
            stopsPerKM: try optionalNumber(args, "stops_per_km") ?? 0,
            dwellPerStopS: try optionalNumber(args, "dwell_s") ?? 0)
    }

    static func number(_ args: LuaTable, _ key: String) throws -> Double {
        guard let value = try optionalNumber(args, key) else { throw LuaArgumentError(index: 1, reason: "\(key): missing (a number)") }
        return value
    }

    static func optionalNumber(_ args: LuaTable, _ key: String) throws -> Double? {
        let value = args[key]
        if value == .nil { return nil }
        guard let d = value.doubleValue else { throw LuaArgumentError(index: 1, reason: "\(key): expected a number, got \(value)") }
        return d
    }

    /// Runs `body`, turning domain errors into a Lua script error with their message.
    static func mapping<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as LuaArgumentError { throw e } catch let e as LuaScriptError { throw e } catch {
            throw LuaScriptError(String(describing: error))
        }
    }

    /// A Lua value as Foundation objects (tables with only an array part become arrays).
    static func plain(_ value: LuaValue) -> Any? {
        switch value {
        case .nil: return nil
        case let .bool(b): return b
        case let .integer(i): return Int(i)
        case let .number(d): return d
        case let .string(s): return s
        case let .table(t):
            if t.fields.isEmpty, t.otherKeys.isEmpty { return t.array.map { plain($0) ?? NSNull() } }
            var out: [String: Any] = [:]
            for (k, v) in t.fields { out[k] = plain(v) }
            return out
        default: return nil
        }
    }

    static func luaValue(_ object: Any) -> LuaValue {
        switch object {
        case let s as String: return .string(s)
        case let b as Bool where type(of: object) == Bool.self: return .bool(b)
        case let i as Int: return .number(Double(i))
        case let d as Double: return .number(d)
        case let n as NSNumber: return .number(n.doubleValue)
        case let a as [Any]: return .table(LuaTable(array: a.map(luaValue)))
        case let d as [String: Any]: return .table(LuaTable(fields: d.mapValues(luaValue)))
        default: return .nil
        }
    }
}
