import Foundation

extension VehicleType {
    /// A vehicle type from its snake_case document, the shape of `twin.vehicle_type{...}` and of a
    /// stored `vehicle_type` resource: `usable_kwh`, `curve = {{soc, kw}, ...}`, `efficiency`,
    /// `kwh_per_km`, `reserve_soc`, `min_soc`, `max_soc`, `mass_kg`, `drivetrain_efficiency`,
    /// `regen_efficiency`, `hvac = {setpoint_c, ua_kw_per_k, cop | heating_cop + cooling_cop,
    /// auxiliary_kw} | {table = {{c, kw}, ...}} | {constant_kw}`. Values are `Double`/`Int`/`NSNumber`,
    /// `String`, arrays and dictionaries (as from `JSONSerialization` or a converted Lua table).
    /// A document in the Swift `Codable` shape (`usableKWh`, ...) is read as such by ``decodeDocument(_:)``.
    ///
    /// - Throws: ``PredictionError/invalidInput(name:reason:)`` naming the field.
    public init(document: [String: Any], defaultName: String = "inline") throws {
        func number(_ key: String) throws -> Double? {
            guard let raw = document[key] else { return nil }
            guard let value = Self.double(raw) else {
                throw PredictionError.invalidInput(name: key, reason: "must be a number; got \(raw)")
            }
            return value
        }
        guard let usable = try number("usable_kwh") ?? number("battery_kwh") else {
            throw PredictionError.invalidInput(name: "usable_kwh", reason: "missing: give the usable battery energy in kWh")
        }
        guard let rawCurve = document["curve"] as? [Any], !rawCurve.isEmpty else {
            throw PredictionError.invalidInput(name: "curve", reason: "missing: give {{soc, kw}, ...} (kW drawn at the charger by SOC)")
        }
        var points: [ChargingCurve.Point] = []
        for (i, entry) in rawCurve.enumerated() {
            let pair: [Double]? = (entry as? [Any]).flatMap { items in
                let values = items.compactMap(Self.double)
                return values.count == 2 && items.count == 2 ? values : nil
            } ?? (entry as? [String: Any]).flatMap { d in
                guard let s = d["soc"].flatMap(Self.double), let k = d["kw"].flatMap(Self.double) else { return nil }
                return [s, k]
            }
            guard let pair else {
                throw PredictionError.invalidInput(name: "curve[\(i + 1)]", reason: "must be {soc, kw}; got \(entry)")
            }
            points.append(ChargingCurve.Point(soc: pair[0], kw: pair[1]))
        }
        var hvac = HVACModel.none
        if let raw = document["hvac"] {
            guard let h = raw as? [String: Any] else {
                throw PredictionError.invalidInput(name: "hvac", reason: "must be a table ({setpoint_c, ua_kw_per_k, cop}, {table = ...} or {constant_kw})")
            }
            hvac = try Self.hvac(from: h)
        }
        self.init(name: (document["name"] as? String) ?? defaultName, usableKWh: usable,
                  minSOC: try number("min_soc") ?? 0, maxSOC: try number("max_soc") ?? 1,
                  reserveSOC: try number("reserve_soc") ?? 0.1, curve: ChargingCurve(points: points),
                  chargingEfficiency: try number("efficiency") ?? 0.95, baseKWhPerKM: try number("kwh_per_km") ?? 1.2,
                  massKG: try number("mass_kg") ?? 18000, drivetrainEfficiency: try number("drivetrain_efficiency") ?? 0.9,
                  regenerationEfficiency: try number("regen_efficiency") ?? 0.6, hvac: hvac)
        try validateForPrediction()
    }

    /// Reads a stored `vehicle_type` JSON document: the snake_case shape, else the `Codable` shape.
    public static func decodeDocument(_ json: String, name: String) throws -> VehicleType {
        let data = Data(json.utf8)
        if let type = try? JSONDecoder().decode(VehicleType.self, from: data) { return type }
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw PredictionError.invalidInput(name: "vehicle_type '\(name)'", reason: "stored document is not a JSON object")
        }
        return try VehicleType(document: object, defaultName: name)
    }

    static func double(_ raw: Any) -> Double? {
        if type(of: raw) == Bool.self { return nil }
        if let d = raw as? Double { return d }
        if let i = raw as? Int { return Double(i) }
        if let i = raw as? Int64 { return Double(i) }
        if let n = raw as? NSNumber { return n.doubleValue }
        return nil
    }

    static func hvac(from h: [String: Any]) throws -> HVACModel {
        if let c = h["constant_kw"] {
            guard let kw = double(c), kw >= 0 else { throw PredictionError.invalidInput(name: "hvac.constant_kw", reason: "must be kW >= 0") }
            return .table([.init(ambientC: 0, kw: kw)])
        }
        if let rows = h["table"] as? [Any] {
            var out: [HVACModel.TemperaturePower] = []
            for (i, row) in rows.enumerated() {
                guard let pair = row as? [Any], pair.count == 2, let t = double(pair[0]), let kw = double(pair[1]) else {
                    throw PredictionError.invalidInput(name: "hvac.table[\(i + 1)]", reason: "must be {ambient_c, kw}")
                }
                if let last = out.last, !(t > last.ambientC) {
                    throw PredictionError.invalidInput(name: "hvac.table[\(i + 1)]", reason: "temperatures must increase")
                }
                out.append(.init(ambientC: t, kw: kw))
            }
            return .table(out)
        }
        guard let setpoint = h["setpoint_c"].flatMap(double), let ua = h["ua_kw_per_k"].flatMap(double) else {
            throw PredictionError.invalidInput(name: "hvac", reason: "give setpoint_c and ua_kw_per_k (and cop), or table = {{c, kw}, ...}, or constant_kw")
        }
        let cop = h["cop"].flatMap(double) ?? 2.5
        let heating = h["heating_cop"].flatMap(double) ?? cop, cooling = h["cooling_cop"].flatMap(double) ?? cop
        guard heating > 0, cooling > 0 else { throw PredictionError.invalidInput(name: "hvac.cop", reason: "must be > 0") }
        return .heatPump(setpointC: setpoint, uaKWPerK: ua, heatingCOP: heating, coolingCOP: cooling,
                         auxiliaryKW: h["auxiliary_kw"].flatMap(double) ?? 0, maxKW: h["max_kw"].flatMap(double))
    }
}
