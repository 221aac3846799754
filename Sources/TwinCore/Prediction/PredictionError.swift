/// Why a physics estimate (time to charge, range remaining) could not be made. Each message says
/// which input is wrong and what to give instead.
public enum PredictionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An input is out of range: its name (snake_case, as in Lua and the CLI) and why.
    case invalidInput(name: String, reason: String)
    /// The target cannot be reached: the power available falls to 0 kW at this SOC.
    case targetUnreachable(target: Double, stallSOC: Double)
    /// No vehicle type with this name.
    case unknownVehicleType(String)
    /// No vehicle with this id in the simulation.
    case unknownVehicle(String)
    /// The energy per km is zero or negative (e.g. net downhill with regeneration): range is unbounded.
    case nonPositiveConsumption(kWhPerKM: Double)

    public var description: String {
        switch self {
        case let .invalidInput(name, reason):
            return "\(name): \(reason)"
        case let .targetUnreachable(target, stall):
            return "target SOC \(target) cannot be reached: the charging power falls to 0 kW at SOC \(stall); lower the target or check the curve"
        case let .unknownVehicleType(name):
            return "unknown vehicle type '\(name)'; give a known type name or the type inline (usable_kwh, curve, efficiency, ...)"
        case let .unknownVehicle(id):
            return "no vehicle '\(id)' in this simulation"
        case let .nonPositiveConsumption(perKM):
            return "energy per km is \(perKM) kWh/km (not positive): the range is unbounded on this profile; check kwh_per_km, grade and regeneration"
        }
    }
}

extension VehicleType {
    /// Checks the fields predictions rely on.
    /// - Throws: ``PredictionError/invalidInput(name:reason:)`` naming the field.
    func validateForPrediction() throws {
        guard usableKWh > 0, usableKWh.isFinite else {
            throw PredictionError.invalidInput(name: "usable_kwh", reason: "must be a positive number of kWh; got \(usableKWh)")
        }
        guard chargingEfficiency > 0, chargingEfficiency <= 1 else {
            throw PredictionError.invalidInput(name: "efficiency", reason: "must be in (0, 1]; got \(chargingEfficiency)")
        }
        guard !curve.points.isEmpty else {
            throw PredictionError.invalidInput(name: "curve", reason: "needs at least one {soc, kw} point")
        }
        for i in curve.points.indices {
            let p = curve.points[i]
            guard p.soc.isFinite, p.kw.isFinite, p.kw >= 0 else {
                throw PredictionError.invalidInput(name: "curve[\(i + 1)]", reason: "soc must be finite and kw >= 0; got {\(p.soc), \(p.kw)}")
            }
            if i > 0, !(p.soc > curve.points[i - 1].soc) {
                throw PredictionError.invalidInput(name: "curve[\(i + 1)].soc", reason: "must increase (sort the points by soc)")
            }
        }
    }
}
