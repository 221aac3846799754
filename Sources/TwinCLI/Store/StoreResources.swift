import Foundation
import TwinLua
import TwinStore

/// `twin.store` in Lua, served by the run database's `resources` table.
final class StoreResources: ResourceLibrary {
    private let store: RunStore

    init(store: RunStore) { self.store = store }

    func save(kind: String, name: String, json: String) throws { try store.saveResource(kind: kind, name: name, json: json) }

    func load(kind: String, name: String) throws -> String? { try store.loadResource(kind: kind, name: name) }

    func list(kind: String?) throws -> [ResourceRow] {
        try store.listResources(kind: kind).map { ResourceRow(kind: $0.kind, name: $0.name, updatedAt: $0.updatedAt) }
    }

    @discardableResult
    func delete(kind: String, name: String) throws -> Bool { try store.deleteResource(kind: kind, name: name) }
}

extension Session {
    /// Connects everything a script reaches through the store: `twin.runs`, `twin.store`, and
    /// fitted models (`twin.fit.consumption` saves there; `fitted:<name>` and `model = "name"` find them).
    func attach(store: RunStore) {
        history = StoreHistory(store: store)
        resources = StoreResources(store: store)
        modelStore = StoredConsumptionModels(store: store)
    }
}
