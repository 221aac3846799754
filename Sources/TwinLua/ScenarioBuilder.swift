import Foundation
import LuaHost
import TwinCore

/// ISO 8601 local-time parsing in a scenario's time zone.
public enum TwinTime {
    /// UTC seconds from a number or ISO text ("2026-01-12T05:30" local in `timeZone`; "Z" or an offset explicit).
    public static func parse(_ text: String, timeZone: String) -> Double? {
        let pattern = #"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$"#
        guard let re = try? NSRegularExpression(pattern: pattern),
              let m = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return nil }
        func group(_ i: Int) -> String? {
            guard let r = Range(m.range(at: i), in: text) else { return nil }
            return String(text[r])
        }
        var c = DateComponents()
        c.year = Int(group(1)!); c.month = Int(group(2)!); c.day = Int(group(3)!)
        c.hour = Int(group(4) ?? "0"); c.minute = Int(group(5) ?? "0"); c.second = Int(group(6) ?? "0")
        guard let mo = c.month, (1...12).contains(mo), let d = c.day, (1...31).contains(d),
              (0...24).contains(c.hour!), (0...59).contains(c.minute!), (0...60).contains(c.second!) else { return nil }
        var cal = Calendar(identifier: .gregorian)
        if let z = group(8) {
            if z == "Z" { cal.timeZone = TimeZone(identifier: "UTC")! } else {
                let digits = z.dropFirst().filter(\.isNumber)
                let h = Int(digits.prefix(2)) ?? 0, mm = Int(digits.suffix(2)) ?? 0
                let secs = (h * 3600 + mm * 60) * (z.hasPrefix("-") ? -1 : 1)
                guard let tz = TimeZone(secondsFromGMT: secs) else { return nil }
                cal.timeZone = tz
            }
        } else {
            guard let tz = TimeZone(identifier: timeZone) else { return nil }
            cal.timeZone = tz
        }
        guard let date = cal.date(from: c) else { return nil }
        var t = date.timeIntervalSince1970
        if let f = group(7), let frac = Double("0" + f) { t += frac }
        return t
    }

    /// Local ISO text of a UTC time in a zone.
    public static func iso(_ t: Double, timeZone: String) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return f.string(from: Date(timeIntervalSince1970: t))
    }
}

/// An error in a scenario table, naming the field path.
struct FieldError: Error, CustomStringConvertible {
    var path: String
    var message: String
    var description: String { "\(path): \(message)" }
}

/// Builds TwinCore values from Lua tables, with field paths in errors (1-based, as Lua counts).
struct ScenarioBuilder {
    var timeZone = "UTC"
    var baseDirectory: String
    /// Resolves `consumption = "fitted:<name>"` (the session's models, then the store's); nil: none known.
    var modelLookup: ((String) throws -> ConsumptionModel?)? = nil

    func fail(_ path: String, _ m: String) -> FieldError { FieldError(path: path, message: m) }

    func table(_ v: LuaValue, _ path: String) throws -> LuaTable {
        guard let t = v.tableValue else { throw fail(path, "a table is expected, got \(Self.typeName(v))") }
        return t
    }

    static func typeName(_ v: LuaValue) -> String {
        switch v {
        case .nil: return "nil"
        case .bool: return "boolean"
        case .integer, .number: return "number"
        case .string, .bytes: return "string"
        case .table: return "table"
        case .function: return "function"
        default: return "userdata"
        }
    }

    func number(_ t: LuaTable, _ key: String, _ path: String, default d: Double? = nil, min lo: Double? = nil,
                max hi: Double? = nil, positive: Bool = false) throws -> Double {
        let v = t[key]
        let p = path.isEmpty ? key : "\(path).\(key)"
        guard let x = v.doubleValue ?? (v == .nil ? d : nil) else {
            if v == .nil { throw fail(p, "missing (a number is required)") }
            throw fail(p, "a number is expected, got \(Self.typeName(v))")
        }
        guard x.isFinite else { throw fail(p, "must be finite") }
        if positive, !(x > 0) { throw fail(p, "must be > 0") }
        if let lo, x < lo { throw fail(p, "must be >= \(lo.clean)") }
        if let hi, x > hi { throw fail(p, "must be <= \(hi.clean)") }
        return x
    }

    func string(_ t: LuaTable, _ key: String, _ path: String, default d: String? = nil) throws -> String {
        let v = t[key]
        let p = path.isEmpty ? key : "\(path).\(key)"
        if let s = v.stringValue, !s.isEmpty { return s }
        if let i = v.integerValue { return String(i) }
        if v == .nil, let d { return d }
        if v == .nil { throw fail(p, "missing (text is required)") }
        throw fail(p, "text is expected, got \(Self.typeName(v))")
    }

    func time(_ t: LuaTable, _ key: String, _ path: String, default d: Double? = nil) throws -> Double {
        let v = t[key]
        let p = path.isEmpty ? key : "\(path).\(key)"
        if let x = v.doubleValue { return x }
        if let s = v.stringValue {
            guard let x = TwinTime.parse(s, timeZone: timeZone) else {
                throw fail(p, "'\(s)' is not an ISO 8601 time (e.g. 2026-01-12T05:30, local in \(timeZone))")
            }
            return x
        }
        if v == .nil, let d { return d }
        if v == .nil { throw fail(p, "missing (a time is required: UTC seconds or ISO text)") }
        throw fail(p, "a time is expected (UTC seconds or ISO text), got \(Self.typeName(v))")
    }

    func array(_ t: LuaTable, _ key: String, _ path: String) throws -> [LuaValue] {
        let v = t[key]
        if v == .nil { return [] }
        guard let a = v.tableValue else { throw fail("\(path.isEmpty ? "" : path + ".")\(key)", "an array is expected") }
        return a.array
    }

    func vehicleType(_ v: LuaValue, _ path: String) throws -> VehicleType {
        let t = try table(v, path)
        let name = try string(t, "name", path)
        let curveItems = try array(t, "curve", path)
        if curveItems.isEmpty { throw fail("\(path).curve", "needs at least one {soc, kw} point") }
        var points: [ChargingCurve.Point] = []
        for (i, item) in curveItems.enumerated() {
            let cp = "\(path).curve[\(i + 1)]"
            let pt = try table(item, cp)
            guard let soc = (pt.array.first ?? pt["soc"]).doubleValue else { throw fail("\(cp).soc", "a number is expected") }
            guard let kw = (pt.array.count > 1 ? pt.array[1] : pt["kw"]).doubleValue else { throw fail("\(cp).kw", "a number is expected") }
            guard soc >= 0, soc <= 1 else { throw fail("\(cp).soc", "must be in [0, 1]") }
            guard kw >= 0 else { throw fail("\(cp).kw", "must be >= 0") }
            if let prev = points.last, !(soc > prev.soc) { throw fail("\(cp).soc", "must increase (sort the points by soc)") }
            points.append(.init(soc: soc, kw: kw))
        }
        var hvac = HVACModel.none
        if t["hvac"] != .nil {
            let hp = "\(path).hvac"
            let h = try table(t["hvac"], hp)
            if h["constant_kw"] != .nil {
                hvac = .table([.init(ambientC: 0, kw: try number(h, "constant_kw", hp, min: 0))])
            } else if h["table"] != .nil {
                var rows: [HVACModel.TemperaturePower] = []
                for (i, r) in try array(h, "table", hp).enumerated() {
                    let rt = try table(r, "\(hp).table[\(i + 1)]")
                    guard rt.array.count >= 2, let c = rt.array[0].doubleValue, let kw = rt.array[1].doubleValue else {
                        throw fail("\(hp).table[\(i + 1)]", "a {ambient_c, kw} pair is expected")
                    }
                    if let prev = rows.last, !(c > prev.ambientC) { throw fail("\(hp).table[\(i + 1)]", "temperatures must increase") }
                    rows.append(.init(ambientC: c, kw: kw))
                }
                hvac = .table(rows)
            } else {
                let cop = try number(h, "cop", hp, default: 2.5, positive: true)
                hvac = .heatPump(setpointC: try number(h, "setpoint_c", hp, default: 18), uaKWPerK: try number(h, "ua_kw_per_k", hp, min: 0),
                                 heatingCOP: cop, coolingCOP: try number(h, "cooling_cop", hp, default: cop, positive: true),
                                 auxiliaryKW: try number(h, "auxiliary_kw", hp, default: 0, min: 0),
                                 maxKW: h["max_kw"] == .nil ? nil : try number(h, "max_kw", hp, positive: true))
            }
        }
        let minSOC = try number(t, "min_soc", path, default: 0, min: 0, max: 1)
        let maxSOC = try number(t, "max_soc", path, default: 1, min: 0, max: 1)
        if !(minSOC < maxSOC) { throw fail("\(path).max_soc", "must be greater than min_soc") }
        return VehicleType(name: name, usableKWh: try number(t, "usable_kwh", path, positive: true), minSOC: minSOC, maxSOC: maxSOC,
                           reserveSOC: try number(t, "reserve_soc", path, default: 0.1, min: 0, max: 1),
                           curve: ChargingCurve(points: points),
                           chargingEfficiency: try number(t, "efficiency", path, default: 0.95, max: 1, positive: true),
                           baseKWhPerKM: try number(t, "kwh_per_km", path, default: 1.2, min: 0),
                           massKG: try number(t, "mass_kg", path, default: 18000, min: 0),
                           drivetrainEfficiency: try number(t, "drivetrain_efficiency", path, default: 0.9, max: 1, positive: true),
                           regenerationEfficiency: try number(t, "regen_efficiency", path, default: 0.6, min: 0, max: 1), hvac: hvac,
                           fittedConsumption: try consumption(t["consumption"], "\(path).consumption"))
    }

    /// `consumption = "fitted:<name>"` (a model by name), a model table, or nil / `"physics"` (the
    /// type's `kwh_per_km` and `hvac`).
    func consumption(_ v: LuaValue, _ path: String) throws -> ConsumptionModel? {
        switch v {
        case .nil: return nil
        case let .string(spec):
            if spec == "physics" { return nil }
            guard spec.hasPrefix("fitted:"), spec.count > "fitted:".count else {
                throw fail(path, "expected \"fitted:<model name>\" (a model from twin.fit.consumption or the store) or \"physics\", got '\(spec)'")
            }
            let name = String(spec.dropFirst("fitted:".count))
            let found: ConsumptionModel?
            do { found = try modelLookup?(name) } catch { throw fail(path, "consumption model '\(name)': \(error)") }
            guard let model = found else {
                throw fail(path, "no consumption model '\(name)'; fit one first with twin.fit.consumption{ csv = ..., name = \"\(name)\" } or save one with twin.store.save(\"consumption_model\", \"\(name)\", model)")
            }
            return model
        case let .table(t):
            do { return try PredictionLua.model(from: t) } catch { throw fail(path, "not a consumption model table: \(error)") }
        default:
            throw fail(path, "expected \"fitted:<model name>\" or a model table, got \(Self.typeName(v))")
        }
    }

    func charger(_ v: LuaValue, _ path: String) throws -> Charger {
        let t = try table(v, path)
        let cab = t["cabinet"] == .nil ? t["cabinet_id"].stringValue : try string(t, "cabinet", path)
        return Charger(id: try string(t, "id", path), maxKW: try number(t, "max_kw", path, positive: true),
                       connectors: Int(try number(t, "connectors", path, default: 1, min: 1)), cabinetID: cab,
                       plugInDelayS: try number(t, "plug_in_delay_s", path, default: 0, min: 0))
    }

    func cabinet(_ v: LuaValue, _ path: String) throws -> PowerCabinet {
        let t = try table(v, path)
        return PowerCabinet(id: try string(t, "id", path), maxKW: try number(t, "max_kw", path, min: 0))
    }

    /// A series: { constant_c } | { hourly = {...}, start = } | { times = {...}, values_c = {...} } | { csv = path }.
    func series(_ v: LuaValue, _ path: String, valueKey: String, constantKey: String) throws -> TimeSeries {
        if let x = v.doubleValue { return .constant(x) }
        let t = try table(v, path)
        if t[constantKey] != .nil { return .constant(try number(t, constantKey, path)) }
        if t["hourly"] != .nil {
            let start = try time(t, "start", path)
            let values = try array(t, "hourly", path).enumerated().map { i, x -> Double in
                guard let d = x.doubleValue else { throw fail("\(path).hourly[\(i + 1)]", "a number is expected") }
                return d
            }
            if values.isEmpty { throw fail("\(path).hourly", "needs at least one value") }
            return TimeSeries(times: values.indices.map { start + Double($0) * 3600 }, values: values)
        }
        if t["times"] != .nil {
            let times = try array(t, "times", path).enumerated().map { i, x -> Double in
                let p = "\(path).times[\(i + 1)]"
                if let d = x.doubleValue { return d }
                if let s = x.stringValue, let d = TwinTime.parse(s, timeZone: timeZone) { return d }
                throw fail(p, "a time is expected (UTC seconds or ISO text)")
            }
            let values = try array(t, valueKey, path).enumerated().map { i, x -> Double in
                guard let d = x.doubleValue else { throw fail("\(path).\(valueKey)[\(i + 1)]", "a number is expected") }
                return d
            }
            guard times.count == values.count, !times.isEmpty else {
                throw fail("\(path).\(valueKey)", "needs one value per time (\(times.count) times, \(values.count) values)")
            }
            for i in times.indices.dropFirst() where !(times[i] > times[i - 1]) { throw fail("\(path).times[\(i + 1)]", "must increase") }
            return TimeSeries(times: times, values: values)
        }
        if t["csv"] != .nil {
            let file = try string(t, "csv", path)
            let full = file.hasPrefix("/") ? file : (baseDirectory as NSString).appendingPathComponent(file)
            guard let text = try? String(contentsOfFile: full, encoding: .utf8) else { throw fail("\(path).csv", "cannot read '\(file)'") }
            let rows = CSV.parse(text)
            guard let header = rows.first, let ti = header.firstIndex(of: "time"),
                  let vi = header.firstIndex(of: valueKey == "values_c" ? "ambient_c" : "value") ?? header.indices.last.flatMap({ $0 == ti ? nil : $0 }) else {
                throw fail("\(path).csv", "'\(file)' needs columns time and \(valueKey == "values_c" ? "ambient_c" : "value")")
            }
            var times: [Double] = [], values: [Double] = []
            for (r, row) in rows.dropFirst().enumerated() where row.count > max(ti, vi) {
                guard let tt = Double(row[ti]) ?? TwinTime.parse(row[ti], timeZone: timeZone), let vv = Double(row[vi]) else {
                    throw fail("\(path).csv", "\(file):\(r + 2): bad time or value")
                }
                times.append(tt); values.append(vv)
            }
            if times.isEmpty { throw fail("\(path).csv", "'\(file)' has no rows") }
            return TimeSeries(times: times, values: values)
        }
        throw fail(path, "give \(constantKey), hourly + start, times + \(valueKey), or csv")
    }

    func tariff(_ v: LuaValue, _ path: String) throws -> Tariff {
        let t = try table(v, path)
        var bands: [Tariff.Band] = []
        for (i, b) in try array(t, "bands", path).enumerated() {
            let bp = "\(path).bands[\(i + 1)]"
            let bt = try table(b, bp)
            bands.append(.init(startHour: try number(bt, "from_h", bp, min: 0, max: 24), endHour: try number(bt, "to_h", bp, min: 0, max: 24),
                               pricePerKWh: try number(bt, "price", bp)))
        }
        return Tariff(bands: bands, defaultPricePerKWh: try number(t, "default_price", path, default: 0),
                      demandChargePerKW: try number(t, "demand_charge_per_kw", path, default: 0, min: 0))
    }

    func trip(_ v: LuaValue, _ path: String, defaultID: String) throws -> Trip {
        let t = try table(v, path)
        let dep = try time(t, "departure", path), arr = try time(t, "arrival", path)
        if arr < dep { throw fail("\(path).arrival", "is before departure") }
        return Trip(id: try string(t, "id", path, default: defaultID), routeID: t["route"].stringValue ?? t["route_id"].stringValue,
                    departure: dep, arrival: arr, distanceKM: try number(t, "distance_km", path, min: 0),
                    elevationGainM: try number(t, "elevation_gain_m", path, default: 0, min: 0),
                    elevationLossM: try number(t, "elevation_loss_m", path, default: 0, min: 0))
    }

    func block(_ v: LuaValue, _ path: String) throws -> Block {
        let t = try table(v, path)
        let items = try array(t, "trips", path)
        if items.isEmpty { throw fail("\(path).trips", "needs at least one trip") }
        var trips: [Trip] = []
        for (i, x) in items.enumerated() {
            let tr = try trip(x, "\(path).trips[\(i + 1)]", defaultID: "T\(i + 1)")
            if let prev = trips.last, tr.departure < prev.arrival {
                throw fail("\(path).trips[\(i + 1)].departure", "is before the previous trip's arrival")
            }
            trips.append(tr)
        }
        let vehicle = t["vehicle"] == .nil ? try string(t, "vehicle_id", path) : try string(t, "vehicle", path)
        return Block(id: try string(t, "id", path), vehicleID: vehicle,
                     pullOut: t["pull_out"] == .nil ? nil : try trip(t["pull_out"], "\(path).pull_out", defaultID: "pull_out"),
                     trips: trips,
                     pullIn: t["pull_in"] == .nil ? nil : try trip(t["pull_in"], "\(path).pull_in", defaultID: "pull_in"))
    }

    func scenario(_ v: LuaValue) throws -> Scenario {
        var b = self
        let t = try table(v, "scenario")
        let zone = try string(t, "time_zone", "", default: "UTC")
        guard TimeZone(identifier: zone) != nil else { throw fail("time_zone", "unknown time zone '\(zone)' (use an IANA name such as Europe/Berlin)") }
        b.timeZone = zone
        let start = try b.time(t, "start", "")
        let end = try b.time(t, "end", "")
        if !(end > start) { throw fail("end", "must be after start") }
        var types: [VehicleType] = []
        for (i, x) in try array(t, "vehicle_types", "").enumerated() { types.append(try b.vehicleType(x, "vehicle_types[\(i + 1)]")) }
        var vehicles: [Vehicle] = []
        for (i, x) in try array(t, "vehicles", "").enumerated() {
            let p = "vehicles[\(i + 1)]"
            let vt = try table(x, p)
            let type = try string(vt, "type", p)
            if !types.contains(where: { $0.name == type }) {
                throw fail("\(p).type", "unknown vehicle type '\(type)' (types: \(types.map(\.name).joined(separator: ", ")))")
            }
            vehicles.append(Vehicle(id: try string(vt, "id", p), typeName: type, initialSOC: try number(vt, "soc", p, default: 1, min: 0, max: 1),
                                    atDepotAtStart: vt["at_depot"] == .bool(false) ? false : true))
        }
        var cabinets: [PowerCabinet] = []
        for (i, x) in try array(t, "cabinets", "").enumerated() { cabinets.append(try b.cabinet(x, "cabinets[\(i + 1)]")) }
        var chargers: [Charger] = []
        for (i, x) in try array(t, "chargers", "").enumerated() {
            let c = try b.charger(x, "chargers[\(i + 1)]")
            if let cab = c.cabinetID, !cabinets.contains(where: { $0.id == cab }) {
                throw fail("chargers[\(i + 1)].cabinet", "unknown cabinet '\(cab)' (declare it under cabinets)")
            }
            chargers.append(c)
        }
        let siteT = t["site"] == .nil ? LuaTable() : try table(t["site"], "site")
        let base: TimeSeries? = siteT["base_load_kw"] == .nil ? nil
            : try b.series(siteT["base_load_kw"], "site.base_load_kw", valueKey: "values_kw", constantKey: "constant_kw")
        let site = Site(gridLimitKW: try number(siteT, "grid_limit_kw", "site", min: 0), baseLoadKW: base)
        let tariff = t["tariff"] == .nil ? Tariff() : try b.tariff(t["tariff"], "tariff")
        let weather = t["weather"] == .nil ? Weather.constant(15)
            : Weather(temperatureC: try b.series(t["weather"], "weather", valueKey: "values_c", constantKey: "constant_c"))
        var blocks: [Block] = []
        for (i, x) in try array(t, "blocks", "").enumerated() {
            if let inner = x.tableValue, inner["id"] == .nil, !inner.array.isEmpty {
                for (j, y) in inner.array.enumerated() { blocks.append(try b.block(y, "blocks[\(i + 1)][\(j + 1)]")) }
            } else {
                blocks.append(try b.block(x, "blocks[\(i + 1)]"))
            }
        }
        for (i, bl) in blocks.enumerated() where !vehicles.contains(where: { $0.id == bl.vehicleID }) {
            throw fail("blocks[\(i + 1)].vehicle", "unknown vehicle '\(bl.vehicleID)'")
        }
        var visits: [Visit] = []
        for (i, x) in try array(t, "visits", "").enumerated() {
            let p = "visits[\(i + 1)]"
            let vt = try table(x, p)
            let vid = try string(vt, "vehicle", p)
            guard vehicles.contains(where: { $0.id == vid }) else { throw fail("\(p).vehicle", "unknown vehicle '\(vid)'") }
            visits.append(Visit(vehicleID: vid, arrival: try b.time(vt, "arrival", p), departure: try b.time(vt, "departure", p),
                                socAtArrival: vt["soc"].doubleValue, targetSOC: vt["target_soc"].doubleValue,
                                chargerID: vt["charger"].stringValue))
        }
        let seed = t["seed"].integerValue.map { UInt64(bitPattern: $0) } ?? 0
        let s = Scenario(name: try string(t, "name", "", default: "scenario"), vehicleTypes: types, vehicles: vehicles, blocks: blocks,
                         visits: visits, chargers: chargers, cabinets: cabinets, site: site, tariff: tariff, weather: weather,
                         start: start, end: end, stepS: try number(t, "step_s", "", default: 300, positive: true), timeZone: zone, seed: seed)
        do { try s.validate() } catch let e as ScenarioError {
            throw fail(Self.oneBased(e.fieldPath), "\(e.message) (\(e.hint))")
        }
        return s
    }

    /// Core paths are 0-based (`vehicles[0]`); Lua users count from 1.
    static func oneBased(_ path: String) -> String {
        var out = "", digits = "", inBracket = false
        for ch in path {
            if ch == "[" { inBracket = true; out.append(ch); continue }
            if inBracket, ch.isNumber { digits.append(ch); continue }
            if inBracket, ch == "]" { out += String((Int(digits) ?? 0) + 1); digits = ""; inBracket = false }
            out.append(ch)
        }
        return out
    }
}

/// Minimal CSV (quotes, commas, CRLF).
enum CSV {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var it = Array(text).makeIterator()
        var pending: Character? = nil
        while let c = pending ?? it.next() {
            pending = nil
            if quoted {
                if c == "\"" { if let n = it.next() { if n == "\"" { field.append("\"") } else { quoted = false; pending = n } } else { quoted = false } }
                else { field.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { row.append(field); field = "" }
            else if c == "\n" || c == "\r\n" { row.append(field); field = ""; if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }; row = [] }
            else if c == "\r" { continue }
            else { field.append(c) }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows.map { $0.map { $0.trimmingCharacters(in: .whitespaces) } }
    }
}

extension Double {
    var clean: String { self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self) }
}
