import Foundation

/// A session-list scenario (schema_version 1, `/work/shared/reference/README.md`): plug-in sessions
/// on fixed chargers, as ACN-Sim replays them. Converted to a `Scenario` with ideal batteries
/// (efficiency 1, flat curve at the vehicle's maximum).
public struct SessionListScenario: Codable, Equatable, Sendable {
    public struct EVSE: Codable, Equatable, Sendable {
        public var id: String
        public var max_kw: Double
        public var min_kw: Double?
    }
    public struct SessionVehicle: Codable, Equatable, Sendable {
        public var id: String
        public var evse_id: String
        public var arrival_minute: Double
        public var departure_minute: Double
        public var requested_kwh: Double
        public var battery_capacity_kwh: Double
        public var initial_soc: Double
        public var charger_max_kw: Double
        public var vehicle_max_kw: Double
    }

    public var schema_version: Int
    public var name: String
    public var description: String?
    public var seed: UInt64?
    public var time_origin: String?
    public var period_minutes: Double
    public var horizon_minutes: Double
    public var site_limit_kw: Double
    public var voltage_v: Double?
    public var site_limit_a: Double?
    public var evses: [EVSE]
    public var vehicles: [SessionVehicle]

    /// Decodes the JSON text of a session-list file.
    /// - Throws: `ScenarioError` with the field path when a field is missing or mistyped.
    public static func decode(_ data: Data) throws -> SessionListScenario {
        do {
            let file = try JSONDecoder().decode(SessionListScenario.self, from: data)
            guard file.schema_version == 1 else {
                throw ScenarioError("schema_version", "unsupported version \(file.schema_version)", hint: "use schema_version 1")
            }
            return file
        } catch let error as DecodingError {
            let (path, message): (String, String)
            switch error {
            case let .keyNotFound(key, ctx): (path, message) = (pathText(ctx.codingPath + [key]), "missing")
            case let .typeMismatch(_, ctx): (path, message) = (pathText(ctx.codingPath), "wrong type: \(ctx.debugDescription)")
            case let .valueNotFound(_, ctx): (path, message) = (pathText(ctx.codingPath), "missing value")
            case let .dataCorrupted(ctx): (path, message) = (pathText(ctx.codingPath), "not valid JSON: \(ctx.debugDescription)")
            @unknown default: (path, message) = ("", "\(error)")
            }
            throw ScenarioError(path.isEmpty ? "(file)" : path, message, hint: "see the session-list schema in reference/README.md")
        }
    }

    static func pathText(_ keys: [CodingKey]) -> String {
        var text = ""
        for k in keys {
            if let i = k.intValue { text += "[\(i)]" } else { text += text.isEmpty ? k.stringValue : ".\(k.stringValue)" }
        }
        return text
    }

    /// Loads a session-list file and converts it to a scenario.
    public static func load(contentsOf url: URL) throws -> Scenario {
        try decode(Data(contentsOf: url)).scenario()
    }

    /// Minute 0 as UTC seconds: the ISO date-time in `time_origin` (read as UTC), else 0.
    public var originTime: Double {
        guard let text = time_origin,
              let range = text.range(of: #"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"#, options: .regularExpression) else { return 0 }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.date(from: String(text[range]) + "Z")?.timeIntervalSince1970 ?? 0
    }

    /// The scenario: one ideal vehicle type per (capacity, min(vehicle_max_kw, charger_max_kw)), each
    /// vehicle a visit on its EVSE (at the EVSE's max_kw)
    /// wanting `requested_kwh` (target SOC = initial + requested / capacity).
    public func scenario() throws -> Scenario {
        // The file's own fields first, so an error names what the user wrote (the scenario's
        // validation would name the converted fields).
        guard period_minutes > 0 else {
            throw ScenarioError("period_minutes", "must be > 0", hint: "give the control period in minutes")
        }
        guard horizon_minutes > 0 else {
            throw ScenarioError("horizon_minutes", "must be > 0", hint: "give the end of the simulation in minutes after minute 0")
        }
        guard site_limit_kw >= 0 else {
            throw ScenarioError("site_limit_kw", "must be >= 0", hint: "give the site's grid limit in kW")
        }
        for (i, e) in evses.enumerated() where !(e.max_kw >= 0) {
            throw ScenarioError("evses[\(i)].max_kw", "must be >= 0", hint: "give the charger's most power in kW")
        }
        let t0 = originTime
        var types: [VehicleType] = []
        var typeNames: [String: String] = [:]
        var fleet: [Vehicle] = []
        var visits: [Visit] = []
        let evseMax = Dictionary(evses.map { ($0.id, $0.max_kw) }, uniquingKeysWith: { a, _ in a })
        for (i, v) in vehicles.enumerated() {
            guard v.battery_capacity_kwh > 0 else {
                throw ScenarioError("vehicles[\(i)].battery_capacity_kwh", "must be > 0", hint: "give the capacity in kWh")
            }
            guard evseMax[v.evse_id] != nil else {
                throw ScenarioError("vehicles[\(i)].evse_id", "unknown charger '\(v.evse_id)'", hint: "use an id listed under evses")
            }
            guard v.departure_minute >= v.arrival_minute else {
                throw ScenarioError("vehicles[\(i)].departure_minute", "departure before arrival", hint: "check the session's minutes")
            }
            guard v.requested_kwh >= 0 else {
                throw ScenarioError("vehicles[\(i)].requested_kwh", "must be >= 0", hint: "give the energy the session asks for in kWh")
            }
            for (field, kw) in [("vehicle_max_kw", v.vehicle_max_kw), ("charger_max_kw", v.charger_max_kw)] where !(kw >= 0) {
                throw ScenarioError("vehicles[\(i)].\(field)", "must be >= 0", hint: "give the most power in kW")
            }
            guard v.initial_soc >= 0, v.initial_soc <= 1 else {
                throw ScenarioError("vehicles[\(i)].initial_soc", "must be between 0 and 1", hint: "give the SOC on arrival as a fraction")
            }
            // The session's own limits, vehicle_max_kw and charger_max_kw, both bound its power (as
            // the EVSE's max_kw does): a flat curve at the lower. Folded into the vehicle, not the
            // EVSE, so that another vehicle using the same EVSE later is not held to this one's limit.
            let maxKW = min(v.vehicle_max_kw, v.charger_max_kw)
            let key = "\(v.battery_capacity_kwh)/\(maxKW)"
            let typeName: String
            if let existing = typeNames[key] {
                typeName = existing
            } else {
                typeName = "ideal-\(types.count)"
                typeNames[key] = typeName
                types.append(VehicleType(name: typeName, usableKWh: v.battery_capacity_kwh, minSOC: 0, maxSOC: 1, reserveSOC: 0,
                                         curve: .flat(kw: maxKW), chargingEfficiency: 1))
            }
            fleet.append(Vehicle(id: v.id, typeName: typeName, initialSOC: v.initial_soc, atDepotAtStart: false))
            // A request beyond a full battery (as ACN-Data has) charges to full and counts as unmet
            // against the whole request, as in ACN-Sim.
            let target = v.initial_soc + v.requested_kwh / v.battery_capacity_kwh
            visits.append(Visit(vehicleID: v.id, arrival: t0 + v.arrival_minute * 60, departure: t0 + v.departure_minute * 60,
                                socAtArrival: v.initial_soc, targetSOC: min(1, target), chargerID: v.evse_id,
                                requestedKWh: target > 1 ? v.requested_kwh : nil))
        }
        let chargers = evses.map { Charger(id: $0.id, maxKW: $0.max_kw) }
        return Scenario(name: name, vehicleTypes: types, vehicles: fleet, visits: visits, chargers: chargers,
                        site: Site(gridLimitKW: site_limit_kw), start: t0, end: t0 + horizon_minutes * 60,
                        stepS: period_minutes * 60, timeZone: "UTC", seed: seed ?? 0)
    }
}
