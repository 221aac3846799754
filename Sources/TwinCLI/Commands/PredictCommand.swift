import Foundation
import TwinCore
import TwinLua
import TwinStore

/// `twin predict time-to-charge|range`: the physics estimators of issue 7 on one vehicle type.
struct PredictCommand: TwinCommand {
    let name = "predict"
    let summary = "Predict time to charge or range remaining for a vehicle type"
    var help: String {
        """
        Usage: twin predict time-to-charge (--type NAME | TYPE OPTIONS) --soc S --target S --charger-kw KW
                                           [--site-share-kw KW] [--temp-c C] [--format text|json]
               twin predict range (--type NAME | TYPE OPTIONS) --soc S [--temp-c C] [--reserve S]
                                  [--kwh-per-km X | --model NAME|FILE.json] [--avg-speed-kmh V]
                                  [--grade-m-per-km G] [--format text|json]

        A vehicle type is a stored resource of kind "vehicle_type" (--type NAME, from --db), or given
        inline (inline options also override a stored type's fields):
          --battery-kwh KWH  usable energy        --curve SOC:KW,SOC:KW,...  kW drawn at the charger by SOC
          --efficiency F     charging efficiency   --kwh-per-km X  base consumption   --reserve S  reserve SOC
        time-to-charge integrates the curve exactly as the simulator does; with --temp-c the cabin HVAC
        of the type runs while plugged and takes its power from the charger first.
        range: kilometres until the reserve SOC; --model uses a fitted consumption model (from
        `twin fit consumption`, stored resource "consumption_model" or a model JSON file) instead of
        the type's traction + HVAC.
        --format json prints seconds, drawn_kwh, ... (time-to-charge) or km, kwh_per_km, dominant, terms (range).

        Examples:
          twin predict time-to-charge --battery-kwh 100 --curve 0:42,0.5:42,1:1 --efficiency 0.95 --soc 0.5 --target 0.9 --charger-kw 100
          twin predict range --type E12 --soc 0.6 --temp-c 30 --model winter --format json
        """
    }
    let spec = CommandLineSpec(
        valued: ["--type", "--battery-kwh", "--curve", "--efficiency", "--kwh-per-km", "--reserve", "--soc", "--target",
                 "--charger-kw", "--site-share-kw", "--temp-c", "--model", "--avg-speed-kmh", "--grade-m-per-km",
                 "--format", "--db"],
        flags: [], positionals: ["subcommand"], requiredPositionals: 1)

    func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        let json = try Self.isJSON(arguments, command: name)
        let store = LazyStore(arguments: arguments, console: console)
        let needsCurve = arguments.positionals[0] != "range"
        let type = try Self.vehicleType(arguments, command: name, needsCurve: needsCurve) { typeName in
            try store.open().loadResource(kind: "vehicle_type", name: typeName)
        }
        switch arguments.positionals[0] {
        case "time-to-charge":
            let estimate = try Self.timeToCharge(arguments, type: type, command: name)
            console.out(json ? Self.json(estimate) : Self.text(estimate))
        case "range":
            let estimate = try Self.range(arguments, type: type, command: name) { modelName in
                try Self.loadModel(modelName, workingDirectory: console.workingDirectory) {
                    try store.open().loadResource(kind: "consumption_model", name: $0)
                }
            }
            console.out(json ? Self.json(estimate) : Self.text(estimate))
        case let other:
            throw CLIError.usage("unknown subcommand '\(other)': use time-to-charge or range", command: name)
        }
        return 0
    }

    // MARK: Parsing (pure, for tests)

    static func isJSON(_ arguments: ParsedArguments, command: String) throws -> Bool {
        switch arguments.value("--format") ?? "text" {
        case "text": return false
        case "json": return true
        case let other: throw CLIError.usage("--format: '\(other)' is not text or json", command: command)
        }
    }

    static func number(_ arguments: ParsedArguments, _ option: String, command: String) throws -> Double? {
        guard let text = arguments.value(option) else { return nil }
        guard let value = Double(text), value.isFinite else {
            throw CLIError.usage("\(option): expected a number, got '\(text)'", command: command)
        }
        return value
    }

    static func required(_ arguments: ParsedArguments, _ option: String, command: String) throws -> Double {
        guard let value = try number(arguments, option, command: command) else {
            throw CLIError.usage("missing \(option)", command: command)
        }
        return value
    }

    /// `0:42,0.5:42,1:1` -> curve points.
    static func parseCurve(_ text: String, command: String) throws -> ChargingCurve {
        var points: [ChargingCurve.Point] = []
        for item in text.split(separator: ",") {
            let parts = item.split(separator: ":")
            guard parts.count == 2, let soc = Double(parts[0]), let kw = Double(parts[1]) else {
                throw CLIError.usage("--curve: '\(item)' is not SOC:KW (e.g. --curve 0:150,0.8:150,1:30)", command: command)
            }
            points.append(ChargingCurve.Point(soc: soc, kw: kw))
        }
        guard !points.isEmpty else { throw CLIError.usage("--curve: give at least one SOC:KW point", command: command) }
        return ChargingCurve(points: points)
    }

    /// The type from `--type NAME` (via `loadStored`, which returns the stored JSON) and/or inline options.
    /// - Parameter needsCurve: false for `range`, which never charges: an inline type then needs
    ///   only `--battery-kwh` (its curve is a placeholder the range estimate does not read).
    static func vehicleType(_ arguments: ParsedArguments, command: String, needsCurve: Bool = true,
                            loadStored: (String) throws -> String?) throws -> VehicleType {
        var type: VehicleType
        if let typeName = arguments.value("--type") {
            let json: String?
            do { json = try loadStored(typeName) } catch let error as CLIError { throw error } catch {
                throw CLIError.runFailed("cannot read vehicle type '\(typeName)' from the store: \(error)")
            }
            guard let json else {
                throw CLIError.badInput(PredictionError.unknownVehicleType(typeName).description
                    + " (no resource of kind vehicle_type named '\(typeName)' in the store; or use --battery-kwh, --curve, --efficiency)")
            }
            do { type = try VehicleType.decodeDocument(json, name: typeName) } catch {
                throw CLIError.badInput("stored vehicle type '\(typeName)': \(error)")
            }
        } else {
            let curve = arguments.value("--curve")
            guard let battery = try number(arguments, "--battery-kwh", command: command), curve != nil || !needsCurve else {
                let inline = needsCurve ? "--battery-kwh KWH --curve SOC:KW,... [--efficiency F]" : "--battery-kwh KWH [--kwh-per-km K]"
                throw CLIError.usage("give a vehicle type: --type NAME, or inline \(inline)", command: command)
            }
            type = VehicleType(name: "inline", usableKWh: battery,
                               curve: try curve.map { try parseCurve($0, command: command) } ?? .flat(kw: 1))
        }
        if let battery = try number(arguments, "--battery-kwh", command: command) { type.usableKWh = battery }
        if let curve = arguments.value("--curve") { type.curve = try parseCurve(curve, command: command) }
        if let efficiency = try number(arguments, "--efficiency", command: command) { type.chargingEfficiency = efficiency }
        if let perKM = try number(arguments, "--kwh-per-km", command: command) { type.baseKWhPerKM = perKM }
        if let reserve = try number(arguments, "--reserve", command: command) { type.reserveSOC = reserve }
        return type
    }

    static func timeToCharge(_ arguments: ParsedArguments, type: VehicleType, command: String) throws -> TimeToChargeEstimate {
        let soc = try required(arguments, "--soc", command: command)
        let target = try number(arguments, "--target", command: command) ?? type.maxSOC
        let chargerKW = try required(arguments, "--charger-kw", command: command)
        do {
            return try ChargePrediction.timeToCharge(type: type, soc: soc, targetSOC: target, chargerKW: chargerKW,
                                                     siteShareKW: try number(arguments, "--site-share-kw", command: command),
                                                     ambientC: try number(arguments, "--temp-c", command: command))
        } catch let error as PredictionError {
            throw CLIError.badInput(error.description)
        }
    }

    static func range(_ arguments: ParsedArguments, type: VehicleType, command: String,
                      loadModel: (String) throws -> ConsumptionModel) throws -> RangeEstimate {
        let soc = try required(arguments, "--soc", command: command)
        var consumption = ConsumptionSource.vehicleType
        if let modelName = arguments.value("--model") {
            if arguments.value("--kwh-per-km") != nil {
                throw CLIError.usage("give --kwh-per-km or --model, not both", command: command)
            }
            consumption = .model(try loadModel(modelName))
        }
        let grade = try number(arguments, "--grade-m-per-km", command: command) ?? 0
        let profile = DrivingProfile(avgSpeedKMH: try number(arguments, "--avg-speed-kmh", command: command) ?? DrivingProfile.default.avgSpeedKMH,
                                     gradeMPerKM: grade)
        do {
            return try ChargePrediction.rangeRemaining(type: type, soc: soc, reserveSOC: nil,
                                                       ambientC: try number(arguments, "--temp-c", command: command) ?? 15,
                                                       profile: profile, consumption: consumption)
        } catch let error as PredictionError {
            throw CLIError.badInput(error.description)
        }
    }

    /// A model from a JSON file (a path that exists) or from the store's `consumption_model` resources.
    static func loadModel(_ name: String, workingDirectory: String, loadStored: (String) throws -> String?) throws -> ConsumptionModel {
        let path = name.hasPrefix("/") ? name : (workingDirectory as NSString).appendingPathComponent(name)
        let data: Data
        if FileManager.default.fileExists(atPath: path), let fileData = FileManager.default.contents(atPath: path) {
            data = fileData
        } else {
            let json: String?
            do { json = try loadStored(name) } catch let error as CLIError { throw error } catch {
                throw CLIError.runFailed("cannot read consumption model '\(name)' from the store: \(error)")
            }
            guard let json else {
                throw CLIError.badInput("no consumption model '\(name)' (neither a file nor a stored consumption_model); fit one with 'twin fit consumption FILE.csv --name \(name)'")
            }
            data = Data(json.utf8)
        }
        do { return try ConsumptionModel.decode(from: data) } catch {
            throw CLIError.badInput("consumption model '\(name)': \(error)")
        }
    }

    // MARK: Output (pure, for tests)

    static func text(_ e: TimeToChargeEstimate) -> String {
        var line = String(format: "%.4f -> %.4f SOC: ", e.fromSOC, e.targetSOC) + duration(e.seconds)
            + String(format: " (%.0f s), %.3f kWh drawn", e.seconds, e.drawnKWh)
        if e.hvacKWh > 0 { line += String(format: " (%.3f kWh to the battery, %.3f kWh cabin HVAC at %.2f kW)", e.chargingKWh, e.hvacKWh, e.hvacKW) }
        return line
    }

    static func text(_ r: RangeEstimate) -> String {
        String(format: "%.1f km to reserve SOC %.3f at %.4f kWh/km (%.2f kWh available); dominant term: ",
               r.km, r.reserveSOC, r.kWhPerKM, r.availableKWh) + r.dominant.rawValue
            + String(format: " (traction %.4f, hvac %.4f, climbing %.4f, regen -%.4f kWh/km)",
                     r.perKM.tractionKWh, r.perKM.hvacKWh, r.perKM.climbKWh, r.perKM.regenKWh)
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return String(format: "%d h %02d min %02d s", total / 3600, (total % 3600) / 60, total % 60)
    }

    static func json(_ e: TimeToChargeEstimate) -> String {
        encode([
            "seconds": e.seconds, "drawn_kwh": e.drawnKWh, "charging_kwh": e.chargingKWh, "hvac_kwh": e.hvacKWh,
            "hvac_kw": e.hvacKW, "limit_kw": e.limitKW, "soc": e.fromSOC, "target": e.targetSOC,
            "profile": e.profile.map { ["t_s": $0.tS, "kw": $0.kw, "soc": $0.soc] },
        ])
    }

    static func json(_ r: RangeEstimate) -> String {
        encode([
            "km": r.km, "kwh_per_km": r.kWhPerKM, "available_kwh": r.availableKWh, "reserve": r.reserveSOC,
            "dominant": r.dominant.rawValue,
            "terms": ["traction_kwh_per_km": r.perKM.tractionKWh, "hvac_kwh_per_km": r.perKM.hvacKWh,
                      "climb_kwh_per_km": r.perKM.climbKWh, "regen_kwh_per_km": r.perKM.regenKWh],
        ])
    }

    /// Compact JSON with sorted keys. Numbers use Swift's shortest round-trip form, so a reader gets
    /// the estimate to the last bit (Foundation's writer on Linux rounds); non-finite numbers are null.
    static func encode(_ object: Any) -> String {
        switch object {
        case let d as Double: return d.isFinite ? "\(d)" : "null"
        case let s as String:
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        case let a as [Any]: return "[" + a.map(encode).joined(separator: ",") + "]"
        case let d as [String: Any]:
            return "{" + d.keys.sorted().map { encode($0) + ":" + encode(d[$0]!) }.joined(separator: ",") + "}"
        default: return "null"
        }
    }
}

/// Opens the store only when a command needs it (`--db`, else `TWIN_DB`, else `.twin/twin.db`).
final class LazyStore {
    let path: String
    private var store: RunStore?

    init(arguments: ParsedArguments, console: Console) {
        if let db = arguments.value("--db") {
            path = db.hasPrefix("/") ? db : (console.workingDirectory as NSString).appendingPathComponent(db)
        } else {
            path = RunStore.defaultPath(environment: console.environment, cwd: console.workingDirectory)
        }
    }

    func open() throws -> RunStore {
        if let store { return store }
        do {
            let opened = try RunStore(path: path)
            store = opened
            return opened
        } catch {
            throw CLIError.runFailed("cannot open the store at \(path): \(error)")
        }
    }
}

/// Fitted models kept as the store's `consumption_model` resources (for the Lua session too).
final class StoredConsumptionModels: ConsumptionModelStore {
    let store: RunStore
    init(store: RunStore) { self.store = store }

    func save(_ model: ConsumptionModel) throws {
        try store.saveResource(kind: "consumption_model", name: model.name,
                               json: String(decoding: try model.jsonData(), as: UTF8.self))
    }

    func load(_ name: String) throws -> ConsumptionModel? {
        guard let json = try store.loadResource(kind: "consumption_model", name: name) else { return nil }
        return try ConsumptionModel.decode(from: Data(json.utf8))
    }
}
