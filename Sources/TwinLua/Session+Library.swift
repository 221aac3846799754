import Foundation
import LuaHost
import TwinCore

extension Session {
    /// Remembers vehicle types by name for `twin.predict{ type = "E12" }`.
    func learn(_ types: [VehicleType]) {
        for type in types { knownVehicleTypes[type.name] = type }
    }

    /// A vehicle type by name: one made or used in this session, else a stored `vehicle_type` resource.
    /// - Throws: when a stored document no longer builds (naming its field).
    public func vehicleType(named name: String) throws -> VehicleType? {
        if let type = knownVehicleTypes[name] { return type }
        guard let library = resources, let json = try library.load(kind: ResourceKind.vehicleType.rawValue, name: name) else {
            return nil
        }
        var value = try ResourceJSON.value(json)
        if case var .table(t) = value, t["name"] == .nil { t["name"] = .string(name); value = .table(t) }
        return try TwinModule.builder(self).vehicleType(value, "vehicle_type '\(name)'")
    }

    /// A consumption model by name: fitted in this session, else in the attached model store, else a
    /// stored `consumption_model` resource.
    public func consumptionModel(named name: String) throws -> ConsumptionModel? {
        if let model = fittedModels[name] { return model }
        if let store = modelStore, let model = try store.load(name) { return model }
        if let library = resources, let json = try library.load(kind: ResourceKind.consumptionModel.rawValue, name: name) {
            return try ConsumptionModel.decode(from: Data(json.utf8))
        }
        return nil
    }
}

/// The model store `twin.fit` and `twin.predict` see: this session's fits, then the attached store.
final class SessionModelStore: ConsumptionModelStore {
    unowned let session: Session
    init(_ session: Session) { self.session = session }

    func save(_ model: ConsumptionModel) throws {
        session.fittedModels[model.name] = model
        try session.modelStore?.save(model)
    }

    func load(_ name: String) throws -> ConsumptionModel? { try session.consumptionModel(named: name) }
}

extension Session {
    /// Checks a resource document as `twin.store.save` would (`twin resources import`).
    /// - Returns: the JSON to store (a vehicle type's missing `name`, a charger's `id` filled in).
    /// - Throws: `SessionError` naming the kind and the field path.
    public func checkedResource(kind: String, name: String, json: String) throws -> String {
        guard let k = ResourceKind(rawValue: kind) else {
            throw SessionError("unknown resource kind '\(kind)' (kinds: \(ResourceKind.names))")
        }
        do {
            let value = try ResourceJSON.value(json)
            return try ResourceJSON.text(try checkResource(k, name: name, value, session: self), path: kind)
        } catch let e as FieldError {
            throw SessionError("\(kind) '\(name)': \(e.description)")
        } catch let e as SessionError {
            throw e
        } catch {
            throw SessionError("\(kind) '\(name)': not valid JSON (\(error))")
        }
    }
}
