/// What a behaviour sees of a vehicle.
public struct VehicleView: Equatable, Sendable {
    public var index: Int
    public var id: String
    public var typeName: String
    public var soc: Double
    /// Energy stored now, kWh.
    public var energyKWh: Double
    public var state: VehicleState
    public var plugged: Bool
    /// Departure of its next block (nil if none).
    public var departure: Double?
    /// Index in `Scenario.chargers` of the charger it is plugged into, or -1.
    public var chargerIndex: Int = -1
}

/// What a behaviour sees of a free charger (one with at least one free connector).
public struct ChargerView: Equatable, Sendable {
    public var index: Int
    public var id: String
    /// The dispenser's limit, shared by all its connectors, kW.
    public var maxKW: Double
    public var cabinetID: String?
    /// Connectors in all, and how many are free now (>= 1 in a free-charger list).
    public var connectors: Int = 1
    public var freeConnectors: Int = 1
}

/// What a behaviour sees of a block about to start.
public struct BlockView: Equatable, Sendable {
    public var index: Int
    public var id: String
    /// Scheduled vehicle.
    public var vehicleID: String
    public var departure: Double
    public var arrival: Double
    public var distanceKM: Double
    /// Energy of the block for the scheduled vehicle's type at the ambient temperature now, kWh.
    public var energyEstimateKWh: Double
}

/// Depot decisions: which charger, which vehicle for a block, when to precondition.
///
/// Every hook may return nil (or 0) for the default, and may throw to abort the run. The `wants...`
/// flags let the engine skip building views a behaviour does not read (a year with 1000 buses).
public protocol DepotBehaviour: AnyObject {
    var name: String { get }
    var wantsChargerChoice: Bool { get }
    var wantsDispatch: Bool { get }
    var wantsPreconditioning: Bool { get }
    /// True to have `onTick` called (read once, when the simulation is built).
    var wantsTick: Bool { get }
    /// Charger index (into `Scenario.chargers`, one of `freeChargers`) for an arriving vehicle;
    /// nil = first free.
    func chargerForArrival(vehicle: VehicleView, freeChargers: [ChargerView], now: Double) throws -> Int?
    /// Vehicle index (into `Scenario.vehicles`, one of `candidates`) for a block; nil = scheduled.
    func vehicleForBlock(_ block: BlockView, candidates: [VehicleView], now: Double) throws -> Int?
    /// Seconds before departure during which cabin HVAC runs from the grid while plugged in;
    /// asked at plug-in (`now`) for the block the vehicle is plugged in for.
    func preconditionLeadS(vehicle: VehicleView, block: BlockView, ambientC: Double, now: Double) throws -> Double
    /// Observes a control tick: called once per tick, after the policy's powers are clamped and set,
    /// with the vehicles plugged in then (in charger order; SOC as of `now`). It cannot change the
    /// physics; a throw aborts the run.
    func onTick(now: Double, vehicles: [VehicleView]) throws
}

extension DepotBehaviour {
    public var wantsChargerChoice: Bool { false }
    public var wantsDispatch: Bool { false }
    public var wantsPreconditioning: Bool { false }
    public var wantsTick: Bool { false }
    public func onTick(now: Double, vehicles: [VehicleView]) throws {}
    public func chargerForArrival(vehicle: VehicleView, freeChargers: [ChargerView], now: Double) throws -> Int? { nil }
    public func vehicleForBlock(_ block: BlockView, candidates: [VehicleView], now: Double) throws -> Int? { nil }
    public func preconditionLeadS(vehicle: VehicleView, block: BlockView, ambientC: Double, now: Double) throws -> Double { 0 }
}

/// First free charger, scheduled vehicle, no preconditioning.
public final class DefaultBehaviour: DepotBehaviour {
    public let name = "default"
    public init() {}
}

/// Preconditions every departure for a fixed lead time.
public final class FixedPreconditioning: DepotBehaviour {
    public let name = "precondition"
    public let leadS: Double
    public init(leadS: Double) { self.leadS = leadS }
    public var wantsPreconditioning: Bool { true }
    public func preconditionLeadS(vehicle: VehicleView, block: BlockView, ambientC: Double, now: Double) throws -> Double {
        leadS
    }
}
