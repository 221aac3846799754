extension Simulation {
    /// The scenario's vehicle type with this name, or nil.
    public func vehicleType(named name: String) -> VehicleType? { types.first { $0.name == name } }

    /// The vehicle type of the vehicle with this id, or nil.
    public func vehicleType(ofVehicle id: String) -> VehicleType? {
        vehicleIndexByID[id].map { types[vehicles[$0].typeIndex] }
    }

    /// Time to charge a vehicle of this simulation from its SOC now (the REPL's
    /// `sim:vehicle("B12"):time_to_charge(0.9)`).
    ///
    /// - Parameters:
    ///   - id: vehicle id.
    ///   - targetSOC: SOC wanted; default: its open session's target, else its type's `maxSOC`.
    ///   - chargerKW: charger power; default: the charger it is on, else the most powerful charger of the scenario.
    ///   - siteShareKW: its share of the site limit, if known (not inferred from the policy's current grant).
    ///   - ambientC: for a cabin HVAC load while plugged; default none.
    /// - Throws: ``PredictionError`` (unknown vehicle, bad target, unreachable target).
    public func timeToCharge(vehicleID id: String, targetSOC: Double? = nil, chargerKW: Double? = nil,
                             siteShareKW: Double? = nil, ambientC: Double? = nil) throws -> TimeToChargeEstimate {
        guard let v = vehicleIndexByID[id] else { throw PredictionError.unknownVehicle(id) }
        let type = types[vehicles[v].typeIndex]
        let slot = vehicles[v].session
        let target = targetSOC ?? (slot >= 0 && sessions[slot].open ? sessions[slot].targetSOC : type.maxSOC)
        let charger = vehicles[v].charger
        let kw = chargerKW ?? (charger >= 0 ? scenario.chargers[charger].maxKW : scenario.chargers.map(\.maxKW).max() ?? 0)
        return try ChargePrediction.timeToCharge(type: type, soc: currentSOC(v), targetSOC: target, chargerKW: kw,
                                                 siteShareKW: siteShareKW, ambientC: ambientC)
    }

    /// Range of a vehicle of this simulation from its SOC now, at the scenario's ambient temperature now
    /// (unless `ambientC` is given). See ``ChargePrediction/rangeRemaining(type:soc:reserveSOC:ambientC:profile:consumption:)``.
    public func rangeRemaining(vehicleID id: String, reserveSOC: Double? = nil, ambientC: Double? = nil,
                               profile: DrivingProfile = .default,
                               consumption: ConsumptionSource = .vehicleType) throws -> RangeEstimate {
        guard let v = vehicleIndexByID[id] else { throw PredictionError.unknownVehicle(id) }
        return try ChargePrediction.rangeRemaining(type: types[vehicles[v].typeIndex], soc: currentSOC(v), reserveSOC: reserveSOC,
                                                   ambientC: ambientC ?? scenario.weather.ambientC(at: now),
                                                   profile: profile, consumption: consumption)
    }
}
