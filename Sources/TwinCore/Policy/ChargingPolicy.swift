/// What a policy sees of one plugged-in session at a control tick. A plain value, copied into a
/// reusable buffer by the engine (no per-tick allocation).
public struct SessionView: Equatable, Sendable {
    // Stored in this order on purpose: the fields every per-tick pass reads (the engine's booking,
    // clamp and power passes, the sort keys and allocations) come first and share two cache
    // lines; ids and values fixed for the session come last. A year of 1000 buses reads about
    // 55 million views, five passes each.

    /// Session id (1-based, plug-in order).
    public var sessionID: Int
    /// Index of the vehicle in `Scenario.vehicles` and of the charger in `Scenario.chargers`.
    public var vehicleIndex: Int
    public var chargerIndex: Int
    /// Index of the charger's cabinet in `Scenario.cabinets`, or -1.
    public var cabinetIndex: Int
    /// Departure the session must be ready for, UTC s.
    public var departure: Double
    public var soc: Double
    /// Energy still wanted by the battery, kWh.
    public var energyWantedKWh: Double
    /// Most the session may be granted this period, kW: min(charger, curve at this SOC); where the
    /// curve rises with SOC, min(charger, the curve's highest value over the SOC the session can
    /// reach by the next tick). The charger (dispenser) limit is shared by its connectors: the core
    /// clamps their sum. What is drawn at any instant is min(granted, curve(soc)).
    /// `vehicleMaxKW` is the curve at this SOC.
    public var maxKW: Double
    /// The vehicle curve's power at this SOC, kW.
    public var vehicleMaxKW: Double
    public var efficiency: Double
    /// Power that would deliver exactly the energy still wanted by the next tick, kW drawn
    /// (`energyWantedKWh / efficiency / step`): the ACN-Sim cap per period.
    public var energyLimitedKW: Double
    public var vehicleID: String
    public var chargerID: String
    /// Arrival at the depot, UTC s.
    public var arrival: Double
    public var targetSOC: Double
    public var chargerMaxKW: Double
    public var capacityKWh: Double

    public init(sessionID: Int, vehicleIndex: Int, chargerIndex: Int, cabinetIndex: Int, vehicleID: String,
                chargerID: String, arrival: Double, departure: Double, soc: Double, targetSOC: Double,
                energyWantedKWh: Double, maxKW: Double, chargerMaxKW: Double, vehicleMaxKW: Double,
                efficiency: Double, capacityKWh: Double, energyLimitedKW: Double) {
        self.sessionID = sessionID
        self.vehicleIndex = vehicleIndex
        self.chargerIndex = chargerIndex
        self.cabinetIndex = cabinetIndex
        self.vehicleID = vehicleID
        self.chargerID = chargerID
        self.arrival = arrival
        self.departure = departure
        self.soc = soc
        self.targetSOC = targetSOC
        self.energyWantedKWh = energyWantedKWh
        self.maxKW = maxKW
        self.chargerMaxKW = chargerMaxKW
        self.vehicleMaxKW = vehicleMaxKW
        self.efficiency = efficiency
        self.capacityKWh = capacityKWh
        self.energyLimitedKW = energyLimitedKW
    }

    /// The most a session can usefully take this period: min(maxKW, energyLimitedKW).
    @inlinable public var usefulKW: Double { min(maxKW, energyLimitedKW) }

    /// Slack before departure: time left minus the time to deliver what is wanted at the vehicle's
    /// current maximum, seconds (ACN-Sim's laxity).
    @inlinable public func laxityS(now: Double) -> Double {
        let rate = vehicleMaxKW * efficiency
        return (departure - now) - (rate > 0 ? energyWantedKWh / rate * 3600 : .infinity)
    }
}

/// The tick's site-wide facts given to a policy.
public struct PolicyContext: Sendable {
    public var now: Double
    /// Seconds until the next control tick.
    public var stepS: Double
    public var siteLimitKW: Double
    /// Non-charging site load now, kW.
    public var baseKW: Double
    /// What chargers may draw together: `siteLimitKW - baseKW` (never negative), kW.
    public var headroomKW: Double
    /// Energy price now, per kWh.
    public var pricePerKWh: Double
    public var start: Double
    public var end: Double
    public var tariff: Tariff
    /// Local time offset from UTC now, seconds (for `price(at:)`).
    public var utcOffsetS: Double
    /// Each dispenser's kW (shared by its connectors) and each cabinet's kW, by the sessions'
    /// `chargerIndex` and `cabinetIndex`: what the allocation primitives respect below the site.
    public var limits: GroupLimits = .none

    /// Energy price at any UTC time (same offset as now).
    public func price(at time: Double) -> Double { tariff.price(at: time, utcOffsetS: utcOffsetS) }
}

/// A charging policy: at each control tick, the power for each plugged-in session.
///
/// Class-bound so a Lua-backed policy can keep its state; may throw (a plugin error aborts the run
/// and is propagated by `Simulation`). Whatever it returns is clamped by the core to charger,
/// cabinet, curve, energy still wanted and the site limit, and every clamp is counted.
public protocol ChargingPolicy: AnyObject {
    /// Name recorded in the result.
    var name: String { get }
    /// Fill `powerKW[i]` (kW drawn at the charger) for `sessions[i]`. `powerKW` arrives sized to
    /// `sessions.count` and zeroed; it is reused between ticks.
    func allocate(_ context: PolicyContext, sessions: [SessionView], powerKW: inout [Double]) throws
    /// True for the ACN-Sim reference policies (FCFS, EDF, LLF, round robin): where a visit asks for
    /// more than its battery holds (session lists), they see such a session by what it asked for,
    /// as ACN-Sim's algorithms do, also once its battery is full (see
    /// `Simulation.allocateShowingUnmetRequests`). Default false: policies see what batteries take.
    var seesRequestsBeyondBattery: Bool { get }
}

extension ChargingPolicy {
    public var seesRequestsBeyondBattery: Bool { false }
}
