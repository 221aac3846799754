/// A vehicle model: battery, charging behaviour and consumption.
public struct VehicleType: Equatable, Sendable, Codable {
    public var name: String
    /// Usable battery energy, kWh (SOC 1 = this much stored).
    public var usableKWh: Double
    /// Lowest SOC the operator plans to use.
    public var minSOC: Double
    /// Highest SOC charging goes to (the default charging target).
    public var maxSOC: Double
    /// Below this SOC a vehicle is flagged.
    public var reserveSOC: Double
    /// Most power drawn at the charger by SOC.
    public var curve: ChargingCurve
    /// Fraction of drawn energy stored in the battery.
    public var chargingEfficiency: Double
    /// Traction energy on the flat, kWh per km.
    public var baseKWhPerKM: Double
    /// Vehicle mass for grade energy, kg.
    public var massKG: Double
    /// Fraction of battery energy turned into climbing work.
    public var drivetrainEfficiency: Double
    /// Fraction of descent potential energy recovered into the battery.
    public var regenerationEfficiency: Double
    /// Cabin heating and cooling.
    public var hvac: HVACModel
    /// A fitted consumption model that, when set, replaces the physics of the traction and HVAC
    /// terms of ``tripEnergy(distanceKM:durationS:elevationGainM:elevationLossM:ambientC:)``
    /// (a scenario's `consumption = "fitted:<name>"`). `nil` (the default, and absent from JSON):
    /// `baseKWhPerKM` and `hvac` are used.
    public var fittedConsumption: ConsumptionModel?

    public init(name: String, usableKWh: Double, minSOC: Double = 0, maxSOC: Double = 1, reserveSOC: Double = 0.1,
                curve: ChargingCurve, chargingEfficiency: Double = 0.95, baseKWhPerKM: Double = 1.2,
                massKG: Double = 18000, drivetrainEfficiency: Double = 0.9, regenerationEfficiency: Double = 0.6,
                hvac: HVACModel = .none, fittedConsumption: ConsumptionModel? = nil) {
        self.name = name
        self.usableKWh = usableKWh
        self.minSOC = minSOC
        self.maxSOC = maxSOC
        self.reserveSOC = reserveSOC
        self.curve = curve
        self.chargingEfficiency = chargingEfficiency
        self.baseKWhPerKM = baseKWhPerKM
        self.massKG = massKG
        self.drivetrainEfficiency = drivetrainEfficiency
        self.regenerationEfficiency = regenerationEfficiency
        self.hvac = hvac
        self.fittedConsumption = fittedConsumption
    }
}

/// The terms of one trip's energy, kWh.
public struct TripEnergy: Equatable, Sendable {
    public var tractionKWh: Double
    public var hvacKWh: Double
    public var climbKWh: Double
    public var regenKWh: Double
    /// Net energy taken from the battery: traction + HVAC + climb - regeneration.
    public var totalKWh: Double { tractionKWh + hvacKWh + climbKWh - regenKWh }
}

extension VehicleType {
    /// Standard gravity, m/s^2.
    static let gravity = 9.80665
    /// Joules per kWh.
    static let joulesPerKWh = 3.6e6

    /// Energy of a trip: distance x base consumption + HVAC power(ambient) x duration
    /// + climb energy / drivetrain efficiency - descent energy x regeneration efficiency.
    ///
    /// With ``fittedConsumption`` set, the model's kWh/km (at this trip's ambient temperature, mean
    /// speed `distanceKM / duration` and net grade) times the distance replaces traction + HVAC: its
    /// heating and cooling features make up `hvacKWh`, the rest `tractionKWh`. If the model has a
    /// `grade` feature it already accounts for hills, so climb and regeneration are then 0 (no
    /// double counting); otherwise they are the physics terms below.
    ///
    /// Public so that predictions agree with the engine to the last bit. Inlined: called on a type
    /// in an array, the call copied (and released) the whole type first.
    @inline(__always)
    public func tripEnergy(distanceKM: Double, durationS: Double, elevationGainM: Double, elevationLossM: Double,
                           ambientC: Double) -> TripEnergy {
        let potentialPerM = massKG * Self.gravity / Self.joulesPerKWh
        if let model = fittedConsumption {
            let hours = durationS / 3600
            let speed: Double? = hours > 0 && distanceKM > 0 ? distanceKM / hours : nil
            let grade: Double? = distanceKM > 0 ? (elevationGainM - elevationLossM) / distanceKM : nil
            let split = model.predictedTerms(ambientC: ambientC, avgSpeedKMH: speed, gradeMPerKM: grade)
            let hillsInModel = model.features.contains { $0.feature == .grade }
            return TripEnergy(
                tractionKWh: distanceKM * split.otherKWhPerKM,
                hvacKWh: distanceKM * split.climateKWhPerKM,
                climbKWh: hillsInModel ? 0 : potentialPerM * elevationGainM / drivetrainEfficiency,
                regenKWh: hillsInModel ? 0 : potentialPerM * elevationLossM * regenerationEfficiency)
        }
        return TripEnergy(
            tractionKWh: distanceKM * baseKWhPerKM,
            hvacKWh: hvac.powerKW(ambientC: ambientC) * durationS / 3600,
            climbKWh: potentialPerM * elevationGainM / drivetrainEfficiency,
            regenKWh: potentialPerM * elevationLossM * regenerationEfficiency)
    }

    /// Energy of `trip` at `ambientC`.
    public func tripEnergy(_ trip: Trip, ambientC: Double) -> TripEnergy {
        tripEnergy(distanceKM: trip.distanceKM, durationS: trip.arrival - trip.departure,
                   elevationGainM: trip.elevationGainM, elevationLossM: trip.elevationLossM, ambientC: ambientC)
    }
}
