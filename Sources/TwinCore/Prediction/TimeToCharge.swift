import Foundation

/// One point of a predicted charging power profile.
public struct ChargeProfilePoint: Equatable, Sendable {
    /// Seconds since the start of charging.
    public var tS: Double
    /// Power drawn at the charger at that instant (battery + cabin HVAC), kW.
    public var kw: Double
    /// Battery SOC at that instant.
    public var soc: Double
    public init(tS: Double, kw: Double, soc: Double) { self.tS = tS; self.kw = kw; self.soc = soc }
}

/// A time-to-charge estimate.
public struct TimeToChargeEstimate: Equatable, Sendable {
    /// Seconds from `fromSOC` to `targetSOC`.
    public var seconds: Double
    /// Energy drawn at the charger, kWh: battery charging plus cabin HVAC while plugged in.
    public var drawnKWh: Double
    /// Part of `drawnKWh` that went to charging the battery (the engine's session `drawn_kwh`).
    public var chargingKWh: Double
    /// Part of `drawnKWh` that went to the cabin HVAC (0 without an ambient temperature).
    public var hvacKWh: Double
    /// Cabin HVAC power while plugged in, kW.
    public var hvacKW: Double
    /// Power available for the battery: min(charger, site share) - HVAC, kW.
    public var limitKW: Double
    public var fromSOC: Double
    public var targetSOC: Double
    /// Power profile: at the start, at every curve knee and limit crossing, every `resolution` of
    /// SOC in between (power is exponential in time on a curve-bound piece), and at the end.
    public var profile: [ChargeProfilePoint]
}

/// Physics estimators: the same exact integration the engine uses, so they agree with a simulated
/// session to rounding.
public enum ChargePrediction {
    /// Time and energy to charge a vehicle of `type` from `soc` to `targetSOC`.
    ///
    /// The drawn power is `min(limit, curve(soc))` with `limit = min(chargerKW, siteShareKW) - HVAC`,
    /// integrated by ``ChargingCurve/charge(fromSOC:toSOC:limitKW:durationS:capacityKWh:efficiency:)``
    /// exactly as the engine integrates an uncontrolled session (reference A). With `ambientC`, the
    /// cabin HVAC of `type` runs for the whole session and the charger feeds it first (a conservative
    /// preconditioning assumption; the engine runs it only for a behaviour's lead time, from the site).
    ///
    /// - Parameters:
    ///   - type: the vehicle type (curve, efficiency, usable capacity, HVAC).
    ///   - soc: SOC now (may be below 0 after a shortfall, as in the engine).
    ///   - targetSOC: SOC wanted, in [soc, 1].
    ///   - chargerKW: the charger's power limit, kW (> 0).
    ///   - siteShareKW: the share of the site limit this vehicle gets, kW, if known.
    ///   - ambientC: ambient temperature, °C; `nil` for no HVAC load.
    ///   - resolution: largest SOC step between profile points.
    /// - Returns: seconds, energy drawn (and its split) and the power profile.
    /// - Throws: ``PredictionError`` for a bad input, or when the power falls to 0 before the target.
    /// - Complexity: O(points × (points + 1 / resolution)).
    public static func timeToCharge(type: VehicleType, soc: Double, targetSOC: Double, chargerKW: Double,
                                    siteShareKW: Double? = nil, ambientC: Double? = nil,
                                    resolution: Double = 0.02) throws -> TimeToChargeEstimate {
        try type.validateForPrediction()
        guard soc.isFinite, soc <= 1 else {
            throw PredictionError.invalidInput(name: "soc", reason: "must be a number at most 1; got \(soc)")
        }
        guard targetSOC.isFinite, targetSOC <= 1 else {
            throw PredictionError.invalidInput(name: "target", reason: "must be a SOC at most 1; got \(targetSOC)")
        }
        guard targetSOC >= soc else {
            throw PredictionError.invalidInput(name: "target", reason: "target SOC \(targetSOC) is below the SOC now (\(soc)); nothing to charge")
        }
        guard chargerKW > 0, chargerKW.isFinite else {
            throw PredictionError.invalidInput(name: "charger_kw", reason: "must be a positive power in kW; got \(chargerKW)")
        }
        if let share = siteShareKW, !(share > 0 && share.isFinite) {
            throw PredictionError.invalidInput(name: "site_share_kw", reason: "must be a positive power in kW; got \(share)")
        }
        if let t = ambientC, !t.isFinite {
            throw PredictionError.invalidInput(name: "temp_c", reason: "must be a finite temperature; got \(t)")
        }
        let hvacKW = ambientC.map { type.hvac.powerKW(ambientC: $0) } ?? 0
        let supplyKW = min(chargerKW, siteShareKW ?? .infinity)
        let limitKW = supplyKW - hvacKW
        guard limitKW > 0 else {
            throw PredictionError.invalidInput(
                name: "charger_kw", reason: "the cabin HVAC takes \(hvacKW) kW at \(ambientC ?? 0) °C, all of the \(supplyKW) kW available; nothing is left to charge")
        }
        let curve = type.curve, capacity = type.usableKWh, efficiency = type.chargingEfficiency
        let outcome = curve.charge(fromSOC: soc, toSOC: targetSOC, limitKW: limitKW, durationS: .infinity,
                                   capacityKWh: capacity, efficiency: efficiency)
        guard outcome.reachedTarget else {
            throw PredictionError.targetUnreachable(target: targetSOC, stallSOC: outcome.soc)
        }
        let power: (Double) -> Double = { s in min(limitKW, curve.powerKW(atSOC: s)) + hvacKW }

        // Profile SOCs: knees, limit crossings, a regular grid, the ends.
        var socs: [Double] = [soc, targetSOC]
        for p in curve.points where p.soc > soc && p.soc < targetSOC { socs.append(p.soc) }
        for i in 1..<max(1, curve.points.count) {
            let lo = curve.points[i - 1], hi = curve.points[i]
            guard hi.kw != lo.kw else { continue }
            let crossing = lo.soc + (limitKW - lo.kw) * (hi.soc - lo.soc) / (hi.kw - lo.kw)
            if crossing > max(soc, lo.soc), crossing < min(targetSOC, hi.soc) { socs.append(crossing) }
        }
        if resolution > 0, targetSOC > soc {
            var s = (soc / resolution).rounded(.down) * resolution + resolution
            while s < targetSOC { socs.append(s); s += resolution }
        }
        socs.sort()
        var unique: [Double] = []
        for s in socs where unique.last.map({ s - $0 > 1e-12 }) ?? true { unique.append(s) }
        if let last = unique.last, last != targetSOC { unique[unique.count - 1] = targetSOC }
        var profile: [ChargeProfilePoint] = []
        for s in unique {
            let t = s >= targetSOC ? outcome.elapsedS
                : curve.timeToChargeS(fromSOC: soc, toSOC: s, limitKW: limitKW, capacityKWh: capacity, efficiency: efficiency)
            profile.append(ChargeProfilePoint(tS: t, kw: power(s), soc: s))
        }
        if targetSOC == soc { profile = [ChargeProfilePoint(tS: 0, kw: 0, soc: soc)] }
        let hvacKWh = hvacKW * outcome.elapsedS / 3600
        return TimeToChargeEstimate(seconds: outcome.elapsedS, drawnKWh: outcome.drawnKWh + hvacKWh,
                                    chargingKWh: outcome.drawnKWh, hvacKWh: hvacKWh, hvacKW: hvacKW, limitKW: limitKW,
                                    fromSOC: soc, targetSOC: targetSOC, profile: profile)
    }
}
