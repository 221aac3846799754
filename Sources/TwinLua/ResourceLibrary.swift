import Foundation
import LuaHost
import TwinCore

/// A row of `twin.store.list()`.
public struct ResourceRow: Equatable {
    public var kind: String
    public var name: String
    /// ISO 8601 UTC of the last save.
    public var updatedAt: String
    public init(kind: String, name: String, updatedAt: String) { self.kind = kind; self.name = name; self.updatedAt = updatedAt }
}

/// Named JSON documents kept between runs (vehicle types, chargers, depots, consumption models);
/// backs `twin.store`. The CLI implements it over the run database; TwinLua never sees SQLite.
public protocol ResourceLibrary: AnyObject {
    /// Saves `json` under `kind` and `name`, replacing an older document.
    func save(kind: String, name: String, json: String) throws
    /// The document saved under `kind` and `name`, or nil.
    func load(kind: String, name: String) throws -> String?
    /// Documents of one kind (all kinds when nil), ordered by kind, then name.
    func list(kind: String?) throws -> [ResourceRow]
    /// Deletes a document. - Returns: false when there was none.
    @discardableResult func delete(kind: String, name: String) throws -> Bool
}

/// A library in memory (tests, the doc examples, sessions without a database).
public final class InMemoryResourceLibrary: ResourceLibrary {
    private var documents: [String: [String: (json: String, updatedAt: String)]] = [:]
    public init() {}

    public func save(kind: String, name: String, json: String) throws {
        let stamp = ISO8601DateFormatter().string(from: Date())
        documents[kind, default: [:]][name] = (json, stamp)
    }

    public func load(kind: String, name: String) throws -> String? { documents[kind]?[name]?.json }

    public func list(kind: String?) throws -> [ResourceRow] {
        documents.keys.sorted().filter { kind == nil || $0 == kind }.flatMap { k in
            documents[k]!.keys.sorted().map { ResourceRow(kind: k, name: $0, updatedAt: documents[k]![$0]!.updatedAt) }
        }
    }

    @discardableResult
    public func delete(kind: String, name: String) throws -> Bool {
        documents[kind]?.removeValue(forKey: name) != nil
    }
}

/// The resource kinds `twin.store` knows and how each is checked before it is saved.
public enum ResourceKind: String, CaseIterable {
    case vehicleType = "vehicle_type"
    case charger
    case depot
    case consumptionModel = "consumption_model"

    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The fields a depot document may hold.
    static let depotFields: Set<String> = ["name", "chargers", "cabinets", "site", "tariff", "weather", "description"]
}

/// Lua tables <-> JSON text for stored resources.
public enum ResourceJSON {
    /// JSON text of a Lua value. Fields starting with `_` (the constructors' `_kind` tag) are left out.
    /// - Throws: `FieldError`-style messages naming the path of a value JSON cannot hold.
    public static func text(_ value: LuaValue, path: String = "value") throws -> String {
        let object = try foundation(value, path)
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed])
        return String(decoding: data, as: UTF8.self)
    }

    /// The Lua value of a JSON document (integers stay integers).
    public static func value(_ json: String) throws -> LuaValue {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])
        return lua(object)
    }

    static func foundation(_ value: LuaValue, _ path: String) throws -> Any {
        switch value {
        case .nil: return NSNull()
        case let .bool(b): return b
        case let .integer(i): return Int(i)
        case let .number(d):
            guard d.isFinite else { throw FieldError(path: path, message: "must be finite to be stored") }
            return d
        case let .string(s): return s
        case let .bytes(b):
            guard let s = String(validating: b, as: UTF8.self) else { throw FieldError(path: path, message: "binary text cannot be stored") }
            return s
        case let .table(t):
            if !t.otherKeys.isEmpty { throw FieldError(path: path, message: "only text keys and array items can be stored") }
            let fields = t.fields.filter { !$0.key.hasPrefix("_") }
            if fields.isEmpty { return try t.array.enumerated().map { try foundation($1, "\(path)[\($0 + 1)]") } }
            if !t.array.isEmpty { throw FieldError(path: path, message: "a table with both array items and named fields cannot be stored") }
            var out: [String: Any] = [:]
            for (k, v) in fields { out[k] = try foundation(v, "\(path).\(k)") }
            return out
        default:
            throw FieldError(path: path, message: "a \(ScenarioBuilder.typeName(value)) cannot be stored (only tables, numbers, text, booleans)")
        }
    }

    static func lua(_ object: Any) -> LuaValue {
        switch object {
        case let s as String: return .string(s)
        case let n as NSNumber:
            // JSONSerialization keeps the literal's kind in objCType: c/B boolean, d/f fraction.
            switch String(cString: n.objCType) {
            case "c", "B": return .bool(n.boolValue)
            case "d", "f": return .number(n.doubleValue)
            default: return .integer(n.int64Value)
            }
        case let a as [Any]: return .table(LuaTable(array: a.map(lua)))
        case let d as [String: Any]: return .table(LuaTable(fields: d.mapValues(lua)))
        default: return .nil
        }
    }
}
