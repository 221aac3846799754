import Foundation
import LuaHost
import TwinCore

/// Registers `twin.store.save/load/list/delete` (issue 6, "Resources") on `twinModule`: named
/// vehicle types, chargers, depots and consumption models kept as JSON in `session.resources`.
///
/// Each document is checked before it is saved (a vehicle type must build as `twin.vehicle_type`
/// would), so a library holds only what a scenario can use again.
func registerStoreAPI(on state: LuaState, twinModule: LuaRef, session s: Session) {
    func library() throws -> ResourceLibrary {
        guard let library = s.resources else {
            throw LuaScriptError("no store attached: twin.store keeps resources in the run database (drop --no-store, or give --db PATH)")
        }
        return library
    }
    func kind(_ f: LuaCallFrame, at i: Int) throws -> ResourceKind {
        let name = try f.string(at: i)
        guard let kind = ResourceKind(rawValue: name) else {
            throw LuaScriptError("unknown resource kind '\(name)' (kinds: \(ResourceKind.names))")
        }
        return kind
    }
    func name(_ f: LuaCallFrame, at i: Int) throws -> String {
        let name = try f.string(at: i)
        guard !name.isEmpty else { throw LuaScriptError("a resource name must not be empty") }
        return name
    }

    let store = state.newTable()
    state.set(store, .string("save"), to: state.function("save") { f in
        let kind = try kind(f, at: 1), name = try name(f, at: 2)
        let value = f.value(at: 3)
        let json: String
        do {
            let checked = try checkResource(kind, name: name, value, session: s)
            json = try ResourceJSON.text(checked, path: kind.rawValue)
        } catch { throw TwinModule.lua(error) }
        do { try library().save(kind: kind.rawValue, name: name, json: json) } catch let e as LuaScriptError { throw e } catch {
            throw LuaScriptError("store: cannot save \(kind.rawValue) '\(name)': \(error)")
        }
    })
    state.set(store, .string("load"), to: state.function("load") { f in
        let kind = try kind(f, at: 1), name = try name(f, at: 2)
        let json: String?
        do { json = try library().load(kind: kind.rawValue, name: name) } catch let e as LuaScriptError { throw e } catch {
            throw LuaScriptError("store: cannot load \(kind.rawValue) '\(name)': \(error)")
        }
        guard let json else {
            throw LuaScriptError("no \(kind.rawValue) '\(name)' in the store (twin.store.list(\"\(kind.rawValue)\") lists what there is)")
        }
        var value: LuaValue
        do { value = try ResourceJSON.value(json) } catch { throw LuaScriptError("stored \(kind.rawValue) '\(name)' is not valid JSON: \(error)") }
        // Tagged like the constructors' tables, so the loaded value is interchangeable with a fresh one.
        if case var .table(t) = value, kind == .vehicleType || kind == .charger {
            t["_kind"] = .string(kind.rawValue)
            value = .table(t)
        }
        f.push(value)
    })
    state.set(store, .string("list"), to: state.function("list") { f in
        var filter: String?
        if !f.isNil(at: 1) { filter = try kind(f, at: 1).rawValue }
        let rows: [ResourceRow]
        do { rows = try library().list(kind: filter) } catch let e as LuaScriptError { throw e } catch {
            throw LuaScriptError("store: cannot list resources: \(error)")
        }
        f.push(.table(LuaTable(array: rows.map { r in
            .table(LuaTable(fields: ["kind": .string(r.kind), "name": .string(r.name), "updated_at": .string(r.updatedAt)]))
        })))
    })
    state.set(store, .string("delete"), to: state.function("delete") { f in
        let kind = try kind(f, at: 1), name = try name(f, at: 2)
        do { f.push(try library().delete(kind: kind.rawValue, name: name)) } catch let e as LuaScriptError { throw e } catch {
            throw LuaScriptError("store: cannot delete \(kind.rawValue) '\(name)': \(error)")
        }
    })
    state.set(twinModule, .string("store"), to: store)
}

/// Checks a document of `kind` the way a scenario will read it; returns it with defaults a name
/// implies filled in (a vehicle type's `name`, a charger's `id`).
func checkResource(_ kind: ResourceKind, name: String, _ value: LuaValue, session s: Session) throws -> LuaValue {
    guard var t = value.tableValue else {
        throw FieldError(path: kind.rawValue, message: "a table is expected, got \(ScenarioBuilder.typeName(value))")
    }
    let b = TwinModule.builder(s)
    switch kind {
    case .vehicleType:
        if t["name"] == .nil { t["name"] = .string(name) }
        _ = try b.vehicleType(.table(t), kind.rawValue)
    case .charger:
        if t["id"] == .nil { t["id"] = .string(name) }
        _ = try b.charger(.table(t), kind.rawValue)
    case .depot:
        for key in t.fields.keys.sorted() where !key.hasPrefix("_") && !ResourceKind.depotFields.contains(key) {
            throw FieldError(path: "depot.\(key)", message: "not a depot field (\(ResourceKind.depotFields.sorted().joined(separator: ", ")))")
        }
        var cabinets: [String] = []
        for (i, x) in try b.array(t, "cabinets", "depot").enumerated() { cabinets.append(try b.cabinet(x, "depot.cabinets[\(i + 1)]").id) }
        for (i, x) in try b.array(t, "chargers", "depot").enumerated() {
            let c = try b.charger(x, "depot.chargers[\(i + 1)]")
            if let cab = c.cabinetID, !cabinets.contains(cab) {
                throw FieldError(path: "depot.chargers[\(i + 1)].cabinet", message: "unknown cabinet '\(cab)' (declare it under cabinets)")
            }
        }
        if t["site"] != .nil {
            let site = try b.table(t["site"], "depot.site")
            if site["grid_limit_kw"] != .nil { _ = try b.number(site, "grid_limit_kw", "depot.site", min: 0) }
            if site["base_load_kw"] != .nil {
                _ = try b.series(site["base_load_kw"], "depot.site.base_load_kw", valueKey: "values_kw", constantKey: "constant_kw")
            }
        }
        if t["tariff"] != .nil { _ = try b.tariff(t["tariff"], "depot.tariff") }
        if t["weather"] != .nil { _ = try b.series(t["weather"], "depot.weather", valueKey: "values_c", constantKey: "constant_c") }
    case .consumptionModel:
        do { _ = try PredictionLua.model(from: t) } catch {
            throw FieldError(path: kind.rawValue, message: "not a consumption model (save the table twin.fit.consumption returns): \(error)")
        }
    }
    return .table(t)
}
