import Foundation

/// The discrete-event engine: a steppable simulation of one scenario under one policy.
///
/// Events are kept in a heap ordered by (time, priority, sequence). Between events every charging
/// session is integrated exactly along its curve (`ChargingCurve.charge`), so results do not depend
/// on the control step. A REPL can `step()`, `run(until:)`, look at `vehicle(_:)`, and `result()`.
public final class Simulation {
    // MARK: Inputs
    public let scenario: Scenario
    public let policy: ChargingPolicy
    public let behaviour: DepotBehaviour
    public let options: RunOptions
    let behaviourWantsTick: Bool
    var tickVehicles: [VehicleView] = []
    /// Checked between events; return true to stop the run (it throws `SimulationError.cancelled`).
    public var isCancelled: () -> Bool = { false }

    // MARK: Clock
    /// Current simulated time, UTC s.
    // Unchecked like the hot arrays below: it is read by nearly every handler, and each checked
    // read of a class property is a runtime call (swift_beginAccess) the optimizer cannot drop.
    @exclusivity(unchecked) public internal(set) var now: Double
    /// True once the run has reached its end.
    public internal(set) var isFinished = false
    var failure: String?

    // MARK: State (flat arrays indexed like the scenario)
    // Exclusivity is unchecked on the hot arrays: the engine is single-threaded and never
    // overlaps accesses, and the dynamic checks cost a quarter of a year-long run.
    struct VehicleRuntime {
        var soc: Double
        var state: VehicleState
        var typeIndex: Int
        var charger = -1
        var session = -1
        var socMin: Double
        var drawnKWh = 0.0
        var tripEnergyKWh = 0.0
        var trips = 0
        var shortfallKWh = 0.0
        var belowReserve = false
        var visit = -1
        var preferredCharger = -1
        var arrivalTime = 0.0
        /// Position in the vehicle's `schedule` from which its next block is searched.
        var nextBlock = 0
        var preconditionKW = 0.0
        var activeBlock = -1
        var queueTicket = 0
    }
    /// A dispenser: up to `connectors` vehicles plugged at once, sharing its `maxKW`.
    struct ChargerRuntime {
        var cabinet: Int
        var connectors: Int
        /// Connectors with a vehicle plugged in.
        var used = 0
        /// Connector-seconds occupied up to `lastChange` (for utilisation).
        var busyConnectorS = 0.0
        var lastChange = 0.0
        var hasFreeConnector: Bool { used < connectors }
    }
    /// One charging session. The fields read at every tick (booking, powers) come first and share
    /// two cache lines; what is written once or read at plug-in and unplug comes last.
    struct SessionRuntime {
        var powerKW = 0.0
        var syncedAt: Double
        var plugIn: Double
        var targetSOC: Double
        /// The curve piece the SOC was last integrated on (empty until then).
        var segment = CurvePiece(lower: .nan, upper: .nan, intercept: 0, slope: 0, lowerKW: 0, upperKW: 0)
        var drawnKWh = 0.0
        var chargeEnd: Double? = nil
        var chargeStart: Double? = nil
        var generation: Int32 = 0
        var reached = false
        var open = true
        var vehicle: Int
        var charger: Int
        var arrival: Double
        var departure: Double
        var unplug: Double = .nan
        var socOut: Double = .nan
        var socIn: Double
        var wantedKWh: Double
        var clamps = 0
        var block = -1

        init(vehicle: Int, charger: Int, arrival: Double, plugIn: Double, departure: Double, socIn: Double,
             targetSOC: Double, wantedKWh: Double, syncedAt: Double) {
            self.syncedAt = syncedAt
            self.plugIn = plugIn
            self.targetSOC = targetSOC
            self.vehicle = vehicle
            self.charger = charger
            self.arrival = arrival
            self.departure = departure
            self.socIn = socIn
            self.wantedKWh = wantedKWh
        }
    }
    /// One linear piece of a charging curve: `kW = intercept + slope * soc` on `[lower, upper)`.
    typealias CurvePiece = ChargingCurve.Piece
    /// What driving a leg reads of its `Trip` (a copy of a `Trip` retains its strings).
    struct Leg {
        var departure: Double
        var arrival: Double
        var distanceKM: Double
        var elevationGainM: Double
        var elevationLossM: Double
        init(_ trip: Trip) {
            departure = trip.departure
            arrival = trip.arrival
            distanceKM = trip.distanceKM
            elevationGainM = trip.elevationGainM
            elevationLossM = trip.elevationLossM
        }
    }
    /// A vehicle's scheduled block with its departure (read together when looking for the next).
    struct ScheduledBlock {
        var departure: Double
        var block: Int
    }

    @exclusivity(unchecked) var vehicles: [VehicleRuntime] = []
    @exclusivity(unchecked) var chargers: [ChargerRuntime] = []
    @exclusivity(unchecked) var sessions: [SessionRuntime] = []
    /// Per vehicle, the legs of its active block (`loadLegs`), in order.
    @exclusivity(unchecked) var activeLegs: [[Leg]] = []
    /// Open sessions, in charger order (the order policies see).
    @exclusivity(unchecked) var plugged: [Int] = []
    /// Vehicles waiting for a charger, in arrival order.
    @exclusivity(unchecked) var queue: [(vehicle: Int, ticket: Int)] = []
    var queueHead = 0
    var queuedCount = 0
    /// The last `expm1` of a session's integration (sessions on a curve's falling piece share it at a tick).
    @exclusivity(unchecked) var expm1Memo = Expm1Memo()
    /// The weather sample index the last trip's ambient temperature was found at.
    /// (Unchecked: passed inout at every trip's end, which cost a runtime access check each.)
    @exclusivity(unchecked) var weatherHint = -1
    /// Plugged sessions at their target (their connector can be given to an arrival).
    var readyPluggedCount = 0
    /// Free connectors over all chargers.
    var freeConnectorCount = 0
    /// A behaviour error raised where the engine cannot throw; rethrown by `step()`.
    var deferredError: Error?
    @exclusivity(unchecked) var events = EventQueue()

    // Scenario lookups, computed once.
    let types: [VehicleType]
    /// Per type index: the fields the hot loops read (copying a `VehicleType` costs retains).
    let curves: [ChargingCurve]
    let capacities: [Double]
    /// Per type index: SOC gained per second per kW drawn, `efficiency / (capacity * 3600)` (as
    /// `ChargingCurve.charge` computes it).
    let socPerKWs: [Double]
    /// Per type index: the SOC above which the curve never rises (-inf when it never does).
    let curveRiseEndSOC: [Double]
    let vehicleIDs: [String]
    let chargerIDs: [String]
    let chargerMaxKW: [Double]
    let efficiencies: [Double]
    let vehicleTypeIndex: [Int]
    let vehicleIndexByID: [String: Int]
    let chargerIndexByID: [String: Int]
    let blockVehicle: [Int]
    /// Per block, `Block.departure` (a computed property over the large `Block`).
    let blockDepartures: [Double]
    /// Per vehicle, its scheduled blocks sorted by departure: `schedule[scheduleStart[v]..<scheduleStart[v + 1]]`
    /// (one flat array: finding the next block reads one place, not a per-vehicle array and each block).
    let scheduleStart: [Int]
    let schedule: [ScheduledBlock]
    let cabinetMaxKW: [Double]
    /// Per block: whether the first leg is a pull-out (read without copying it).
    let blockHasPullOut: [Bool]
    /// Dispenser and cabinet limits as the policies see them (`PolicyContext.limits`).
    let groupLimits: GroupLimits
    /// Some visit asks for more than its battery holds (session lists): see `allocateShowingUnmetRequests`.
    let anyRequestBeyondBattery: Bool
    let timeZone: TimeZone

    // Control.
    var lastControlTime = -Double.infinity
    var lastRequestedControl = -Double.infinity
    var pendingGridTick = -Double.infinity
    /// True when the last tick's clamp scaled requests down to a shared limit (a dispenser's
    /// connectors, a cabinet or the site): a session that reaches its target before the next tick
    /// then frees power the others were denied, so a tick is asked for at that instant (see
    /// `targetReached`). Without it, what they get depends on the step.
    var sharedLimitBound = false
    @exclusivity(unchecked) var views: [SessionView] = []
    @exclusivity(unchecked) var viewSlots: [Int] = []
    /// Per view, the per-tick state of its session (`HotSession`; in step with `viewSlots`).
    @exclusivity(unchecked) var hot: [HotSession] = []
    /// Per session slot, the position of its fresh hot entry, or -1 (see `releaseHot`).
    @exclusivity(unchecked) var viewPos: [Int32] = []
    /// Positions in `views` of sessions shown for the first time this tick (scratch).
    @exclusivity(unchecked) var newViewPositions: [Int] = []
    /// Sessions plugged and wanting energy but not shown yet (their plug-in delay may run), in
    /// plug order; `alignViews` moves them into the views once plugged in.
    @exclusivity(unchecked) var pendingShow: [Int] = []
    /// Scratch: the sessions shown for the first time this tick, in (charger, slot) order.
    @exclusivity(unchecked) var newlyShown: [Int] = []
    /// Last tick's views still shown after this tick's booking (their sessions open and charging).
    var keptViewCount = 0
    /// The step (seconds to the next grid tick) the views were last computed for.
    var lastViewStepS = Double.nan
    @exclusivity(unchecked) var requests: [Double] = []
    @exclusivity(unchecked) var cabinetSums: [Double] = []
    /// Per charger, scratch for the per-dispenser clamp (only used when a charger has connectors > 1).
    @exclusivity(unchecked) var chargerSums: [Double] = []
    let anyMultiConnector: Bool
    var baseKW = 0.0
    var preconditionKW = 0.0

    // Booking of load, peak and cost between control ticks.
    var lastBooking: Double
    var intervalDrawnKWh = 0.0
    var bookedInstantKW = 0.0
    var bookedGrantedKW = 0.0
    var bookedBaseKW = 0.0
    var bookedPreconditionKW = 0.0
    var bookedPlugged = 0
    @exclusivity(unchecked) var reachedBuffer: [Int] = []
    var utcOffsetS = 0.0
    var utcOffsetValidUntil = -Double.infinity
    var monthEnd = -Double.infinity
    var monthPeakKW = 0.0

    // Accumulated results.
    @exclusivity(unchecked) var summary = RunSummary()
    var demandCost = 0.0
    var preconditionKWh = 0.0
    @exclusivity(unchecked) var loadProfile: [LoadSample] = []
    @exclusivity(unchecked) var eventRecords: [EventRecord] = []
    @exclusivity(unchecked) var tripRecords: [TripRecord] = []
    var warnings: [String] = []
    var droppedWarnings = 0
    /// Events handled and control ticks run so far (for benchmarks and the REPL).
    public internal(set) var eventsProcessed = 0
    public internal(set) var controlCount = 0
    /// Sessions shown to the policy so far, summed over ticks.
    public internal(set) var sessionViewsShown = 0

    /// Builds a simulation; the scenario is validated first.
    ///
    /// - Throws: `ScenarioError` naming the first bad field.
    public init(scenario: Scenario, policy: ChargingPolicy, behaviour: DepotBehaviour = DefaultBehaviour(),
                options: RunOptions = RunOptions()) throws {
        try scenario.validate()
        self.scenario = scenario
        self.policy = policy
        self.behaviour = behaviour
        self.options = options
        self.behaviourWantsTick = behaviour.wantsTick
        self.now = scenario.start
        self.lastBooking = scenario.start
        self.timeZone = TimeZone(identifier: scenario.timeZone) ?? TimeZone(identifier: "UTC")!
        types = scenario.vehicleTypes
        curves = types.map(\.curve)
        capacities = types.map(\.usableKWh)
        curveRiseEndSOC = types.map { t in
            var end = -Double.infinity
            for i in t.curve.points.indices.dropFirst() where t.curve.points[i].kw > t.curve.points[i - 1].kw {
                end = t.curve.points[i].soc
            }
            return end
        }
        vehicleIDs = scenario.vehicles.map(\.id)
        chargerIDs = scenario.chargers.map(\.id)
        chargerMaxKW = scenario.chargers.map(\.maxKW)
        efficiencies = types.map(\.chargingEfficiency)
        socPerKWs = types.map { $0.chargingEfficiency / ($0.usableKWh * 3600) }
        var typeByName: [String: Int] = [:]
        for (i, t) in types.enumerated() { typeByName[t.name] = i }
        vehicleTypeIndex = scenario.vehicles.map { typeByName[$0.typeName]! }
        var vIdx: [String: Int] = [:]
        for (i, v) in scenario.vehicles.enumerated() { vIdx[v.id] = i }
        vehicleIndexByID = vIdx
        var cIdx: [String: Int] = [:]
        for (i, c) in scenario.chargers.enumerated() { cIdx[c.id] = i }
        chargerIndexByID = cIdx
        var cabIdx: [String: Int] = [:]
        for (i, c) in scenario.cabinets.enumerated() { cabIdx[c.id] = i }
        cabinetMaxKW = scenario.cabinets.map(\.maxKW)
        groupLimits = GroupLimits(chargerMaxKW: chargerMaxKW, cabinetMaxKW: cabinetMaxKW)
        anyRequestBeyondBattery = scenario.visits.contains { $0.requestedKWh != nil }
        blockVehicle = scenario.blocks.map { vIdx[$0.vehicleID]! }
        blockHasPullOut = scenario.blocks.map { $0.pullOut != nil }
        let departures = scenario.blocks.map(\.departure)
        blockDepartures = departures
        var byVehicle = Array(repeating: [Int](), count: scenario.vehicles.count)
        for (i, v) in blockVehicle.enumerated() { byVehicle[v].append(i) }
        var start = [0], flat: [ScheduledBlock] = []
        flat.reserveCapacity(departures.count)
        for var list in byVehicle {
            list.sort { (departures[$0], $0) < (departures[$1], $1) }
            for b in list { flat.append(ScheduledBlock(departure: departures[b], block: b)) }
            start.append(flat.count)
        }
        scheduleStart = start
        schedule = flat
        activeLegs = Array(repeating: [], count: scenario.vehicles.count)

        for (i, v) in scenario.vehicles.enumerated() {
            vehicles.append(VehicleRuntime(soc: v.initialSOC, state: .onRoute, typeIndex: vehicleTypeIndex[i],
                                           socMin: v.initialSOC))
        }
        chargers = scenario.chargers.map {
            ChargerRuntime(cabinet: $0.cabinetID.flatMap { cabIdx[$0] } ?? -1, connectors: $0.connectors, lastChange: scenario.start)
        }
        cabinetSums = Array(repeating: 0, count: scenario.cabinets.count)
        anyMultiConnector = scenario.chargers.contains { $0.connectors > 1 }
        if anyMultiConnector { chargerSums = Array(repeating: 0, count: scenario.chargers.count) }
        freeConnectorCount = scenario.chargers.reduce(0) { $0 + $1.connectors }
        summary.minSOC = scenario.vehicles.map(\.initialSOC).min() ?? 1
        scheduleInitialEvents()
        bookedBaseKW = baseKW
    }

    func scheduleInitialEvents() {
        let s = scenario
        for (i, v) in s.vehicles.enumerated() where v.atDepotAtStart {
            events.preload(time: s.start, kind: .visitArrival, a: i, b: 1)
        }
        for (i, visit) in s.visits.enumerated() where visit.arrival < s.end {
            events.preload(time: max(visit.arrival, s.start), kind: .visitArrival, a: i, b: 0)
            events.preload(time: max(visit.departure, s.start), kind: .visitDeparture, a: i)
        }
        for (i, departure) in blockDepartures.enumerated() where departure >= s.start && departure < s.end {
            events.preload(time: departure, kind: .blockStart, a: i)
        }
        if let base = s.site.baseLoadKW {
            baseKW = max(0, base.value(at: s.start))
            for t in base.times where t > s.start && t < s.end { events.preload(time: t, kind: .baseLoadChange) }
        }
        events.sortPreloaded()
    }

    // MARK: Stepping

    /// Processes the next event (advancing time to it).
    /// - Returns: false when the run has reached its end (and is finished).
    /// - Throws: a policy's or behaviour's error (the run is then failed), or `SimulationError.cancelled`.
    @discardableResult
    public func step() throws -> Bool {
        if let failure { throw SimulationError.failedEarlier(failure) }
        if isFinished { return false }
        guard let e = events.first, e.time <= scenario.end else {
            finish()
            return false
        }
        eventsProcessed &+= 1
        if isCancelled() { throw SimulationError.cancelled(atTime: now) }
        _ = events.pop()
        now = e.time
        do {
            try handle(e)
            if let deferred = deferredError { deferredError = nil; throw deferred }
        } catch {
            failure = String(describing: error)
            throw error
        }
        return true
    }

    /// Runs every event up to and including `time`, then advances the state to `time`.
    public func run(until time: Double) throws {
        let t = min(time, scenario.end)
        while let e = events.first, e.time <= t, !isFinished {
            try step()
        }
        if !isFinished, t > now { now = t }
        if t >= scenario.end { finish() }
    }

    /// Runs to the end of the scenario.
    public func run() throws { try run(until: scenario.end) }

    /// The vehicle with this id as it is now, or nil.
    public func vehicle(_ id: String) -> VehicleStatus? {
        guard let i = vehicleIndexByID[id] else { return nil }
        releaseHot(vehicle: i)
        let v = vehicles[i]
        var power = 0.0
        if v.session >= 0 {
            let s = sessions[v.session]
            if !s.reached, s.plugIn <= now { power = min(s.powerKW, types[v.typeIndex].curve.powerKW(atSOC: currentSOC(i))) }
        }
        return VehicleStatus(id: id, typeName: types[v.typeIndex].name, state: v.state, soc: currentSOC(i),
                             chargerID: v.charger >= 0 ? scenario.chargers[v.charger].id : nil, powerKW: power)
    }

    /// Runs to the end (if not there yet) and returns the result.
    public func result() throws -> RunResult {
        try run()
        return makeResult()
    }

    func handle(_ e: Event) throws {
        switch e.kind {
        case .control: try control(at: e.time)
        case .targetReached: targetReached(slot: Int(e.a), generation: e.b)
        case .blockStart: try startBlock(Int(e.a))
        case .visitDeparture: visitDeparture(Int(e.a))
        case .tripEnd: try endTrip(vehicle: Int(e.a), leg: Int(e.b))
        case .tripStart: recordTripStart(vehicle: Int(e.a), leg: Int(e.b))
        case .visitArrival:
            if e.b == 1 { try arrive(Int(e.a)) } else { try visitArrival(Int(e.a)) }
        case .plugIn: requestControl()
        case .preconditionStart: startPreconditioning(vehicle: Int(e.a), session: Int(e.b))
        case .baseLoadChange:
            baseKW = max(0, scenario.site.baseLoadKW?.value(at: now) ?? 0)
            requestControl()
        }
    }

    /// Asks for a control tick now (after the other events at this time).
    func requestControl() {
        if lastRequestedControl != now {
            lastRequestedControl = now
            events.push(time: now, kind: .control)
        }
    }

    /// Leg `i` of block `b` (pull-out, trips, pull-in), without copying the block's legs: a year of
    /// 1000 buses holds 365 000 blocks. For a trip's ids; driving reads `activeLegs`.
    func leg(_ b: Int, _ i: Int) -> Trip {
        if blockHasPullOut[b] {
            if i == 0 { return scenario.blocks[b].pullOut! }
            let j = i - 1
            return j < scenario.blocks[b].trips.count ? scenario.blocks[b].trips[j] : scenario.blocks[b].pullIn!
        }
        return i < scenario.blocks[b].trips.count ? scenario.blocks[b].trips[i] : scenario.blocks[b].pullIn!
    }

    /// Copies what driving block `b` reads of its legs into `activeLegs[v]`, once as it starts:
    /// each trip event then reads that (kept in cache: 0.3 MB for 1000 buses) instead of the
    /// scenario's block and its trips (far apart in memory, so two cache misses per read).
    func loadLegs(of b: Int, vehicle v: Int) {
        activeLegs[v].removeAll(keepingCapacity: true)
        scenario.blocks.withUnsafeBufferPointer { blocks in
            if let trip = blocks[b].pullOut { activeLegs[v].append(Leg(trip)) }
            for trip in blocks[b].trips { activeLegs[v].append(Leg(trip)) }
            if let trip = blocks[b].pullIn { activeLegs[v].append(Leg(trip)) }
        }
    }

    func warn(_ text: String) {
        if warnings.count < options.maxWarnings { warnings.append(text) } else { droppedWarnings += 1 }
    }

    func record(_ kind: EventRecord.Kind, vehicle v: Int, soc: Double? = nil, powerKW: Double = 0) {
        guard options.keepEvents else { return }
        releaseHot(vehicle: v)  // reads the vehicle's SOC
        let c = vehicles[v].charger
        eventRecords.append(EventRecord(time: now, kind: kind, vehicleID: scenario.vehicles[v].id,
                                        chargerID: c >= 0 ? scenario.chargers[c].id : nil,
                                        soc: soc ?? vehicles[v].soc, powerKW: powerKW))
    }
}
