/// What a run records. A year of 1000 buses produces millions of events: turn them off when only
/// the summary, sessions and load profile matter.
public struct RunOptions: Equatable, Sendable {
    public var keepEvents: Bool
    public var keepTrips: Bool
    public var keepSessions: Bool
    public var keepLoadProfile: Bool
    /// Most warnings kept (one more line says how many were dropped).
    public var maxWarnings: Int

    public init(keepEvents: Bool = true, keepTrips: Bool = true, keepSessions: Bool = true,
                keepLoadProfile: Bool = true, maxWarnings: Int = 1000) {
        self.keepEvents = keepEvents
        self.keepTrips = keepTrips
        self.keepSessions = keepSessions
        self.keepLoadProfile = keepLoadProfile
        self.maxWarnings = maxWarnings
    }
}

/// Why a run stopped early.
public enum SimulationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The cancellation check returned true (e.g. Ctrl-C in the REPL) at this simulated time.
    case cancelled(atTime: Double)
    /// A policy or behaviour failed earlier; the run cannot go on.
    case failedEarlier(String)

    public var description: String {
        switch self {
        case let .cancelled(t): return "run cancelled at t=\(t) s; call run() again to continue"
        case let .failedEarlier(m): return "the run failed earlier (\(m)); build a new Simulation to run again"
        }
    }
}

/// A vehicle as the REPL sees it now.
public struct VehicleStatus: Equatable, Sendable {
    public var id: String
    public var typeName: String
    public var state: VehicleState
    public var soc: Double
    public var chargerID: String?
    /// Power drawn at the charger now, kW.
    public var powerKW: Double
}
