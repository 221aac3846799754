import Foundation

/// How a vehicle is driven, per km, for a range estimate.
public struct DrivingProfile: Equatable, Sendable {
    /// Mean speed while moving, km/h (sets how long the HVAC runs per km, and a fitted model's speed).
    public var avgSpeedKMH: Double
    /// Climb per km, m/km.
    public var elevationGainMPerKM: Double
    /// Descent per km, m/km.
    public var elevationLossMPerKM: Double
    /// Stops per km and the dwell at each, s: they add time (HVAC) but no distance.
    public var stopsPerKM: Double
    public var dwellPerStopS: Double

    /// A city bus on the flat: 20 km/h, no hills, no stops beyond what the speed includes.
    public static let `default` = DrivingProfile()

    public init(avgSpeedKMH: Double = 20, elevationGainMPerKM: Double = 0, elevationLossMPerKM: Double = 0,
                stopsPerKM: Double = 0, dwellPerStopS: Double = 0) {
        self.avgSpeedKMH = avgSpeedKMH
        self.elevationGainMPerKM = elevationGainMPerKM
        self.elevationLossMPerKM = elevationLossMPerKM
        self.stopsPerKM = stopsPerKM
        self.dwellPerStopS = dwellPerStopS
    }

    /// A net grade, m/km, as climb only (positive) or descent only (negative).
    public init(avgSpeedKMH: Double = 20, gradeMPerKM: Double) {
        // Not `max(0, -grade)`: for grade 0 that is -0.0, which then prints as "-0.0" kWh/km.
        self.init(avgSpeedKMH: avgSpeedKMH, elevationGainMPerKM: gradeMPerKM > 0 ? gradeMPerKM : 0,
                  elevationLossMPerKM: gradeMPerKM < 0 ? -gradeMPerKM : 0)
    }

    /// Seconds spent per km: driving plus dwell.
    public var secondsPerKM: Double { 3600 / avgSpeedKMH + stopsPerKM * dwellPerStopS }
}

/// Where the energy per km comes from.
public enum ConsumptionSource: Equatable, Sendable {
    /// The vehicle type's physics (base kWh/km, HVAC model), or its fitted model if it has one.
    case vehicleType
    /// This traction consumption, kWh/km, replaces the type's base consumption (HVAC and hills still added).
    case kWhPerKM(Double)
    /// This fitted model's kWh/km replaces traction + HVAC (as in the engine with `fittedConsumption`).
    case model(ConsumptionModel)
}

/// The term of the energy per km that is largest.
public enum RangeTerm: String, Equatable, Sendable {
    case traction, hvac, climbing
}

/// A range estimate.
public struct RangeEstimate: Equatable, Sendable {
    /// Kilometres until the SOC reaches the reserve (0 if already at or below it).
    public var km: Double
    /// Net energy per km, kWh/km.
    public var kWhPerKM: Double
    /// Energy above the reserve, kWh.
    public var availableKWh: Double
    /// The terms of one km, kWh (from ``VehicleType/tripEnergy(distanceKM:durationS:elevationGainM:elevationLossM:ambientC:)``).
    public var perKM: TripEnergy
    public var dominant: RangeTerm
    public var reserveSOC: Double
    /// The vehicle type as used (with the consumption override applied): pass it to `tripEnergy` to check.
    public var effectiveType: VehicleType
}

extension ChargePrediction {
    /// Kilometres a vehicle of `type` can drive from `soc` before reaching `reserveSOC`.
    ///
    /// Energy per km is the engine's trip energy of a 1 km trip taking `profile.secondsPerKM`, with
    /// the profile's climb and descent; trip energy is linear in distance at a fixed profile, so
    /// `tripEnergy(km, km × secondsPerKM, km × gain, km × loss).totalKWh` equals the energy above the reserve.
    ///
    /// - Parameters:
    ///   - type: the vehicle type.
    ///   - soc: SOC now.
    ///   - reserveSOC: SOC not to go below (default: the type's `reserveSOC`).
    ///   - ambientC: ambient temperature, °C.
    ///   - profile: speed, hills, stops.
    ///   - consumption: the type's physics, a plain kWh/km, or a fitted model.
    /// - Throws: ``PredictionError`` for a bad input or a non-positive energy per km.
    /// - Complexity: O(model features + HVAC table rows).
    public static func rangeRemaining(type: VehicleType, soc: Double, reserveSOC: Double? = nil, ambientC: Double,
                                      profile: DrivingProfile = .default,
                                      consumption: ConsumptionSource = .vehicleType) throws -> RangeEstimate {
        guard type.usableKWh > 0, type.usableKWh.isFinite else {
            throw PredictionError.invalidInput(name: "usable_kwh", reason: "must be a positive number of kWh; got \(type.usableKWh)")
        }
        guard soc.isFinite, soc <= 1 else { throw PredictionError.invalidInput(name: "soc", reason: "must be a number at most 1; got \(soc)") }
        let reserve = reserveSOC ?? type.reserveSOC
        guard reserve.isFinite, reserve >= 0, reserve < 1 else {
            throw PredictionError.invalidInput(name: "reserve", reason: "must be a SOC in [0, 1); got \(reserve)")
        }
        guard ambientC.isFinite else { throw PredictionError.invalidInput(name: "temp_c", reason: "must be a finite temperature; got \(ambientC)") }
        guard profile.avgSpeedKMH > 0, profile.avgSpeedKMH.isFinite else {
            throw PredictionError.invalidInput(name: "avg_speed_kmh", reason: "must be a positive speed in km/h; got \(profile.avgSpeedKMH)")
        }
        for (name, value) in [("elevation_gain_m_per_km", profile.elevationGainMPerKM), ("elevation_loss_m_per_km", profile.elevationLossMPerKM),
                              ("stops_per_km", profile.stopsPerKM), ("dwell_per_stop_s", profile.dwellPerStopS)]
        where !(value >= 0 && value.isFinite) {
            throw PredictionError.invalidInput(name: name, reason: "must be >= 0; got \(value)")
        }
        var effective = type
        switch consumption {
        case .vehicleType:
            break
        case let .kWhPerKM(value):
            guard value.isFinite, value >= 0 else {
                throw PredictionError.invalidInput(name: "kwh_per_km", reason: "must be >= 0 kWh/km; got \(value)")
            }
            effective.baseKWhPerKM = value
            effective.fittedConsumption = nil
        case let .model(model):
            effective.fittedConsumption = model
        }
        let perKM = effective.tripEnergy(distanceKM: 1, durationS: profile.secondsPerKM,
                                         elevationGainM: profile.elevationGainMPerKM,
                                         elevationLossM: profile.elevationLossMPerKM, ambientC: ambientC)
        let total = perKM.totalKWh
        guard total > 0 else { throw PredictionError.nonPositiveConsumption(kWhPerKM: total) }
        let available = max(0, (soc - reserve) * type.usableKWh)
        var dominant = RangeTerm.traction
        if perKM.hvacKWh > perKM.tractionKWh { dominant = .hvac }
        if perKM.climbKWh > max(perKM.tractionKWh, perKM.hvacKWh) { dominant = .climbing }
        return RangeEstimate(km: available / total, kWhPerKM: total, availableKWh: available, perKM: perKM,
                             dominant: dominant, reserveSOC: reserve, effectiveType: effective)
    }
}
