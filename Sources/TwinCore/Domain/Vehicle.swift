/// A vehicle of the fleet as the scenario gives it.
public struct Vehicle: Equatable, Sendable, Codable {
    public var id: String
    /// Name of its `VehicleType`.
    public var typeName: String
    /// SOC at the start of the run.
    public var initialSOC: Double
    public var homeDepot: String
    /// True when the vehicle is at the depot at the start (it plugs in then); false when it first
    /// appears through a `Visit` or a block's return.
    public var atDepotAtStart: Bool

    public init(id: String, typeName: String, initialSOC: Double, homeDepot: String = "depot",
                atDepotAtStart: Bool = true) {
        self.id = id
        self.typeName = typeName
        self.initialSOC = initialSOC
        self.homeDepot = homeDepot
        self.atDepotAtStart = atDepotAtStart
    }
}

/// Where a vehicle is in its day.
public enum VehicleState: String, Equatable, Sendable, Codable {
    /// Away from the depot (driving a block, or not yet arrived).
    case onRoute = "on_route"
    /// At the depot, being assigned a charger (or plugging in during the plug-in delay).
    case arriving
    /// Waiting for a free charger.
    case queued
    /// On a charger, still wanting energy.
    case plugged
    /// At its target (on a charger or parked).
    case ready
}

/// A plain charging visit (a session-list scenario such as ACN's): the vehicle arrives, wants
/// energy up to `targetSOC`, and leaves at `departure`.
public struct Visit: Equatable, Sendable, Codable {
    public var vehicleID: String
    public var arrival: Double
    public var departure: Double
    /// SOC on arrival (nil: whatever the vehicle has).
    public var socAtArrival: Double?
    /// SOC wanted at departure (nil: the type's maximum).
    public var targetSOC: Double?
    /// Charger the vehicle must use (nil: the behaviour chooses).
    public var chargerID: String?
    /// Energy the visit asks for, kWh, when it is more than the battery can take up to
    /// `targetSOC` (a session-list request beyond a full battery): the session's wanted energy, so
    /// it counts as unmet, as ACN-Sim counts it. nil: the energy up to the target.
    public var requestedKWh: Double?

    public init(vehicleID: String, arrival: Double, departure: Double, socAtArrival: Double? = nil,
                targetSOC: Double? = nil, chargerID: String? = nil, requestedKWh: Double? = nil) {
        self.vehicleID = vehicleID
        self.arrival = arrival
        self.departure = departure
        self.socAtArrival = socAtArrival
        self.targetSOC = targetSOC
        self.chargerID = chargerID
        self.requestedKWh = requestedKWh
    }
}
