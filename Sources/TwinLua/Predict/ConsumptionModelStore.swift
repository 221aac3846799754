import TwinCore

/// Where `twin.fit.consumption` saves models and `twin.predict.range_remaining{model = "name"}`
/// finds them (the CLI backs it with the store's `consumption_model` resources).
public protocol ConsumptionModelStore: AnyObject {
    /// Saves `model` under `model.name`, replacing an older one.
    func save(_ model: ConsumptionModel) throws
    /// The model saved under `name`, or nil.
    func load(_ name: String) throws -> ConsumptionModel?
}

/// A store in memory (tests, sessions without a database).
public final class InMemoryConsumptionModelStore: ConsumptionModelStore {
    public private(set) var models: [String: ConsumptionModel] = [:]
    public init() {}
    public func save(_ model: ConsumptionModel) throws { models[model.name] = model }
    public func load(_ name: String) throws -> ConsumptionModel? { models[name] }
}
