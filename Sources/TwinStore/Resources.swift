import Foundation

/// A named JSON document kept between runs: a vehicle type, a charger, a depot.
public struct Resource: Equatable, Sendable {
    /// e.g. `vehicle_type`, `charger`, `depot`.
    public var kind: String
    public var name: String
    public var json: String
    /// ISO 8601 UTC of the last save.
    public var updatedAt: String
}

extension RunStore {
    /// Saves a resource, replacing any previous one of the same kind and name.
    /// - Throws: `StoreError.invalidInput` for an empty kind or name, or JSON that does not parse.
    public func saveResource(kind: String, name: String, json: String) throws {
        guard !kind.isEmpty, !name.isEmpty else { throw StoreError.invalidInput("a resource needs a kind and a name") }
        guard (try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])) != nil else {
            throw StoreError.invalidInput("resource \(kind) '\(name)' is not valid JSON; fix the document and save it again")
        }
        try mappingErrors {
            try writeTransaction {
                let stmt = try db.prepare("""
                    INSERT INTO resources (kind, name, json, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (kind, name) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at
                    """)
                try stmt.bindAll([.text(kind), .text(name), .text(json), .text(ISO8601.string(from: Date()))])
                try stmt.run()
            }
        }
    }

    /// The resource's JSON, or nil when none is saved under that kind and name.
    public func loadResource(kind: String, name: String) throws -> String? {
        try mappingErrors {
            let stmt = try db.prepare("SELECT json FROM resources WHERE kind = ? AND name = ?")
            try stmt.bindAll([.text(kind), .text(name)])
            return try stmt.step() ? stmt.string(0) : nil
        }
    }

    /// Resources by name; all kinds (ordered by kind, then name) when `kind` is nil.
    public func listResources(kind: String? = nil) throws -> [Resource] {
        try mappingErrors {
            let stmt = try db.prepare(kind == nil
                ? "SELECT kind, name, json, updated_at FROM resources ORDER BY kind, name"
                : "SELECT kind, name, json, updated_at FROM resources WHERE kind = ? ORDER BY name")
            if let kind { try stmt.bind(1, kind) }
            var out: [Resource] = []
            while try stmt.step() {
                out.append(Resource(kind: stmt.string(0), name: stmt.string(1), json: stmt.string(2), updatedAt: stmt.string(3)))
            }
            return out
        }
    }

    /// Deletes a resource. - Returns: false when there was none to delete.
    @discardableResult
    public func deleteResource(kind: String, name: String) throws -> Bool {
        try mappingErrors {
            try writeTransaction {
                let stmt = try db.prepare("DELETE FROM resources WHERE kind = ? AND name = ?")
                try stmt.bindAll([.text(kind), .text(name)])
                try stmt.run()
                return db.changes > 0
            }
        }
    }
}
