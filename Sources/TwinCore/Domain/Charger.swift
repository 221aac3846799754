/// A charging point (dispenser) with its connectors.
public struct Charger: Equatable, Sendable, Codable {
    public var id: String
    /// Most power the dispenser delivers, kW.
    public var maxKW: Double
    /// Connectors: up to this many vehicles plugged in at once, sharing `maxKW` (the dispenser's
    /// limit applies to the sum of its connectors, like a cabinet's).
    public var connectors: Int
    /// Shared power cabinet feeding this dispenser, if any.
    public var cabinetID: String?
    /// Seconds between a vehicle's arrival at the charger and the start of charging.
    public var plugInDelayS: Double

    public init(id: String, maxKW: Double, connectors: Int = 1, cabinetID: String? = nil, plugInDelayS: Double = 0) {
        self.id = id
        self.maxKW = maxKW
        self.connectors = connectors
        self.cabinetID = cabinetID
        self.plugInDelayS = plugInDelayS
    }
}

/// A power cabinet shared by several dispensers: its limit is usually below their sum.
public struct PowerCabinet: Equatable, Sendable, Codable {
    public var id: String
    public var maxKW: Double
    public init(id: String, maxKW: Double) { self.id = id; self.maxKW = maxKW }
}
