/// The finished run: everything the store keeps and every formatter reads.
///
/// Results are sessions, trips and events, not per-step samples (DESIGN.md): SOC at any time is
/// derived from `events`. Times are UTC seconds since 1970 (`TimeInterval`), the same clock as the
/// scenario's `start`/`end`.
public struct RunResult: Equatable, Sendable, Codable {
    /// Scenario name as given by the modeller.
    public var scenarioName: String
    /// Name of the charging policy that produced this result.
    public var policyName: String
    /// Seed used for every random draw of the run.
    public var seed: UInt64
    /// Simulated interval, UTC seconds.
    public var startTime: Double
    public var endTime: Double
    /// Control step, seconds.
    public var stepS: Double
    /// Hard grid-connection limit of the site, kW.
    public var siteLimitKW: Double
    /// IANA time zone of the depot (schedules and tariffs are local).
    public var timeZone: String
    public var summary: RunSummary
    public var sessions: [SessionRecord]
    public var vehicles: [VehicleRecord]
    public var trips: [TripRecord]
    /// Site load, piecewise constant: each sample holds from its `time` until the next one.
    public var loadProfile: [LoadSample]
    /// State changes in time order; SOC at any instant is interpolated between a vehicle's events.
    public var events: [EventRecord]
    /// Notes for the user (e.g. a vehicle below reserve), in the order they arose.
    public var warnings: [String]

    public init(scenarioName: String, policyName: String, seed: UInt64, startTime: Double, endTime: Double,
                stepS: Double, siteLimitKW: Double, timeZone: String, summary: RunSummary,
                sessions: [SessionRecord], vehicles: [VehicleRecord], trips: [TripRecord],
                loadProfile: [LoadSample], events: [EventRecord], warnings: [String]) {
        self.scenarioName = scenarioName
        self.policyName = policyName
        self.seed = seed
        self.startTime = startTime
        self.endTime = endTime
        self.stepS = stepS
        self.siteLimitKW = siteLimitKW
        self.timeZone = timeZone
        self.summary = summary
        self.sessions = sessions
        self.vehicles = vehicles
        self.trips = trips
        self.loadProfile = loadProfile
        self.events = events
        self.warnings = warnings
    }
}

/// The run's headline figures. `metrics` gives them under their public snake_case names, which
/// are the names used by Lua (`result.summary.peak_kw`), JSON output and the store.
public struct RunSummary: Equatable, Sendable, Codable {
    /// Energy drawn from the grid by chargers, kWh.
    public var energyKWh: Double = 0
    /// Energy stored in batteries (drawn x efficiency), kWh.
    public var energyToBatteriesKWh: Double = 0
    /// Energy the sessions wanted in total, kWh.
    public var requestedKWh: Double = 0
    /// Energy the sessions received in total (same basis as `requestedKWh`), kWh.
    public var deliveredKWh: Double = 0
    /// Highest site load (chargers plus base load), kW.
    public var peakKW: Double = 0
    /// Energy cost under the tariff's time-of-use bands, currency units.
    public var costEnergy: Double = 0
    /// Demand charge on the monthly peaks, currency units.
    public var costDemand: Double = 0
    public var costTotal: Double = 0
    /// Sessions that left with less than 99% of what they wanted.
    public var unmetVehicles: Int = 0
    /// Blocks that could not start on time (no vehicle ready, or vehicle still charging too low).
    public var missedDepartures: Int = 0
    /// Energy missing below SOC 0 on trips, kWh.
    public var shortfallKWh: Double = 0
    /// Lowest SOC any vehicle reached (may be negative when a trip ran short).
    public var minSOC: Double = 1
    /// Mean fraction of the simulated time chargers had a vehicle plugged in.
    public var chargerUtilisation: Double = 0
    /// How many times the core cut a policy's request to fit physics (charger, cabinet, curve,
    /// energy wanted, site limit).
    public var clamps: Int = 0

    public init() {}

    /// The public metric names, in display order.
    public static let metricNames: [String] = [
        "energy_kwh", "energy_to_batteries_kwh", "requested_kwh", "delivered_kwh", "peak_kw",
        "cost_energy", "cost_demand", "cost_total", "unmet_vehicles", "missed_departures",
        "shortfall_kwh", "min_soc", "charger_utilisation", "clamps",
    ]

    /// The figures under their public names, in `metricNames` order.
    public var metrics: [(name: String, value: Double)] {
        [
            ("energy_kwh", energyKWh), ("energy_to_batteries_kwh", energyToBatteriesKWh),
            ("requested_kwh", requestedKWh), ("delivered_kwh", deliveredKWh), ("peak_kw", peakKW),
            ("cost_energy", costEnergy), ("cost_demand", costDemand), ("cost_total", costTotal),
            ("unmet_vehicles", Double(unmetVehicles)), ("missed_departures", Double(missedDepartures)),
            ("shortfall_kwh", shortfallKWh), ("min_soc", minSOC),
            ("charger_utilisation", chargerUtilisation), ("clamps", Double(clamps)),
        ]
    }

    /// Rebuilds a summary from public names (the store's rows); unknown names are ignored,
    /// missing ones keep their defaults.
    public init(metrics: [String: Double]) {
        self.init()
        for (name, value) in metrics {
            switch name {
            case "energy_kwh": energyKWh = value
            case "energy_to_batteries_kwh": energyToBatteriesKWh = value
            case "requested_kwh": requestedKWh = value
            case "delivered_kwh": deliveredKWh = value
            case "peak_kw": peakKW = value
            case "cost_energy": costEnergy = value
            case "cost_demand": costDemand = value
            case "cost_total": costTotal = value
            case "unmet_vehicles": unmetVehicles = Int(value)
            case "missed_departures": missedDepartures = Int(value)
            case "shortfall_kwh": shortfallKWh = value
            case "min_soc": minSOC = value
            case "charger_utilisation": chargerUtilisation = value
            case "clamps": clamps = Int(value)
            default: continue
            }
        }
    }
}

/// One plug-in session: a vehicle on a charger from plug-in to unplug.
public struct SessionRecord: Equatable, Sendable, Codable {
    /// 1-based, in plug-in order.
    public var id: Int
    public var vehicleID: String
    public var chargerID: String
    /// When the vehicle arrived at the depot (may be before `plugInTime` if it queued), UTC s.
    public var arrivalTime: Double
    /// When the vehicle was plugged in, UTC s.
    public var plugInTime: Double
    /// First instant with power > 0 (nil if it never drew), UTC s.
    public var chargeStartTime: Double?
    /// Last instant with power > 0 (nil if it never drew), UTC s.
    public var chargeEndTime: Double?
    /// When the vehicle was unplugged (its departure, or the end of the run), UTC s.
    public var unplugTime: Double
    /// Scheduled departure the session had to be ready for, UTC s.
    public var departureTime: Double
    public var socIn: Double
    public var socOut: Double
    /// Energy wanted at plug-in (to the battery, kWh).
    public var wantedKWh: Double
    /// Energy drawn at the charger, kWh.
    public var drawnKWh: Double
    /// Energy received by the battery (drawn x efficiency), kWh.
    public var deliveredKWh: Double
    /// Requests the core cut to fit physics during this session.
    public var clamps: Int

    public init(id: Int, vehicleID: String, chargerID: String, arrivalTime: Double, plugInTime: Double,
                chargeStartTime: Double?, chargeEndTime: Double?, unplugTime: Double, departureTime: Double,
                socIn: Double, socOut: Double, wantedKWh: Double, drawnKWh: Double, deliveredKWh: Double,
                clamps: Int) {
        self.id = id
        self.vehicleID = vehicleID
        self.chargerID = chargerID
        self.arrivalTime = arrivalTime
        self.plugInTime = plugInTime
        self.chargeStartTime = chargeStartTime
        self.chargeEndTime = chargeEndTime
        self.unplugTime = unplugTime
        self.departureTime = departureTime
        self.socIn = socIn
        self.socOut = socOut
        self.wantedKWh = wantedKWh
        self.drawnKWh = drawnKWh
        self.deliveredKWh = deliveredKWh
        self.clamps = clamps
    }
}

/// One vehicle over the whole run.
public struct VehicleRecord: Equatable, Sendable, Codable {
    public var id: String
    public var typeName: String
    public var socStart: Double
    public var socEnd: Double
    public var socMin: Double
    /// Energy drawn at chargers for this vehicle, kWh.
    public var drawnKWh: Double
    /// Energy used on trips (traction, HVAC, climbing, net of regeneration), kWh.
    public var tripEnergyKWh: Double
    public var trips: Int
    public var shortfallKWh: Double
    /// True when the vehicle went below its reserve SOC at least once.
    public var belowReserve: Bool

    public init(id: String, typeName: String, socStart: Double, socEnd: Double, socMin: Double, drawnKWh: Double,
                tripEnergyKWh: Double, trips: Int, shortfallKWh: Double, belowReserve: Bool) {
        self.id = id
        self.typeName = typeName
        self.socStart = socStart
        self.socEnd = socEnd
        self.socMin = socMin
        self.drawnKWh = drawnKWh
        self.tripEnergyKWh = tripEnergyKWh
        self.trips = trips
        self.shortfallKWh = shortfallKWh
        self.belowReserve = belowReserve
    }
}

/// One trip as driven.
public struct TripRecord: Equatable, Sendable, Codable {
    public var vehicleID: String
    public var blockID: String
    public var tripID: String
    public var routeID: String?
    /// Actual departure and arrival, UTC s.
    public var departureTime: Double
    public var arrivalTime: Double
    public var distanceKM: Double
    public var ambientC: Double
    /// Net energy of the trip and its terms, kWh.
    public var energyKWh: Double
    public var tractionKWh: Double
    public var hvacKWh: Double
    public var climbKWh: Double
    public var regenKWh: Double
    public var socBefore: Double
    public var socAfter: Double
    /// Energy missing below SOC 0, kWh (0 when the trip was covered).
    public var shortfallKWh: Double
    public var belowReserve: Bool

    public init(vehicleID: String, blockID: String, tripID: String, routeID: String?, departureTime: Double,
                arrivalTime: Double, distanceKM: Double, ambientC: Double, energyKWh: Double, tractionKWh: Double,
                hvacKWh: Double, climbKWh: Double, regenKWh: Double, socBefore: Double, socAfter: Double,
                shortfallKWh: Double, belowReserve: Bool) {
        self.vehicleID = vehicleID
        self.blockID = blockID
        self.tripID = tripID
        self.routeID = routeID
        self.departureTime = departureTime
        self.arrivalTime = arrivalTime
        self.distanceKM = distanceKM
        self.ambientC = ambientC
        self.energyKWh = energyKWh
        self.tractionKWh = tractionKWh
        self.hvacKWh = hvacKWh
        self.climbKWh = climbKWh
        self.regenKWh = regenKWh
        self.socBefore = socBefore
        self.socAfter = socAfter
        self.shortfallKWh = shortfallKWh
        self.belowReserve = belowReserve
    }
}

/// Site load from `time` until the next sample.
public struct LoadSample: Equatable, Sendable, Codable {
    public var time: Double
    /// Power drawn by all chargers, kW.
    public var chargersKW: Double
    /// Non-charging base load of the site, kW.
    public var baseKW: Double
    /// Chargers with a vehicle plugged in.
    public var plugged: Int

    public init(time: Double, chargersKW: Double, baseKW: Double, plugged: Int) {
        self.time = time
        self.chargersKW = chargersKW
        self.baseKW = baseKW
        self.plugged = plugged
    }

    /// Total site load, kW.
    public var siteKW: Double { chargersKW + baseKW }
}

/// A state change of one vehicle.
public struct EventRecord: Equatable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case arrival, queued, plugIn = "plug_in", powerChange = "power_change", targetReached = "target_reached"
        case unplug, departure, tripStart = "trip_start", tripEnd = "trip_end", missedDeparture = "missed_departure"
        case belowReserve = "below_reserve", preconditionStart = "precondition_start"
    }

    public var time: Double
    public var kind: Kind
    public var vehicleID: String
    public var chargerID: String?
    public var soc: Double
    /// Power drawn at the charger from this event on (0 when not charging), kW.
    public var powerKW: Double

    public init(time: Double, kind: Kind, vehicleID: String, chargerID: String?, soc: Double, powerKW: Double) {
        self.time = time
        self.kind = kind
        self.vehicleID = vehicleID
        self.chargerID = chargerID
        self.soc = soc
        self.powerKW = powerKW
    }
}
