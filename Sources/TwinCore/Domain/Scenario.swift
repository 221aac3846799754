import Foundation

/// Everything a run needs. Build it in Swift or load it (`SessionListScenario`); call
/// `validate()` (the `Simulation` does) before running.
public struct Scenario: Equatable, Sendable, Codable {
    public var name: String
    public var vehicleTypes: [VehicleType]
    public var vehicles: [Vehicle]
    public var blocks: [Block]
    /// Plain charging visits (session lists); may be combined with blocks.
    public var visits: [Visit]
    public var chargers: [Charger]
    public var cabinets: [PowerCabinet]
    public var site: Site
    public var tariff: Tariff
    public var weather: Weather
    /// Simulated interval, UTC s.
    public var start: Double
    public var end: Double
    /// Control step, s.
    public var stepS: Double
    /// IANA time zone of the depot (tariff bands are local).
    public var timeZone: String
    public var seed: UInt64

    public init(name: String, vehicleTypes: [VehicleType], vehicles: [Vehicle], blocks: [Block] = [],
                visits: [Visit] = [], chargers: [Charger], cabinets: [PowerCabinet] = [], site: Site,
                tariff: Tariff = Tariff(), weather: Weather = .constant(15), start: Double, end: Double,
                stepS: Double = 300, timeZone: String = "UTC", seed: UInt64 = 0) {
        self.name = name
        self.vehicleTypes = vehicleTypes
        self.vehicles = vehicles
        self.blocks = blocks
        self.visits = visits
        self.chargers = chargers
        self.cabinets = cabinets
        self.site = site
        self.tariff = tariff
        self.weather = weather
        self.start = start
        self.end = end
        self.stepS = stepS
        self.timeZone = timeZone
        self.seed = seed
    }
}
