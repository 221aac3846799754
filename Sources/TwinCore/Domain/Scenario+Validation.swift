import Foundation

extension Scenario {
    /// Checks every value before a run; the first problem is thrown with its field path.
    ///
    /// - Throws: `ScenarioError` naming the field (e.g. `vehicle_types[2].curve[3].soc: must increase`).
    public func validate() throws {
        // Paths are built only on failure: a year of 1000 buses has 365 000 blocks and two
        // million legs, and formatting a path for each cost more than checking it.
        func fail(_ path: @autoclosure () -> String, _ message: String, _ hint: String) -> ScenarioError {
            ScenarioError(path(), message, hint: hint)
        }
        guard stepS > 0, stepS.isFinite else { throw fail("step_s", "must be > 0", "use a control step such as 300 s") }
        guard end > start else { throw fail("end", "must be after start", "set end later than start") }
        guard site.gridLimitKW >= 0 else { throw fail("site.grid_limit_kw", "must be >= 0", "give the connection limit in kW") }
        if TimeZone(identifier: timeZone) == nil {
            throw fail("time_zone", "unknown time zone '\(timeZone)'", "use an IANA name such as Europe/Berlin or UTC")
        }
        var typeNames = Set<String>()
        for (i, t) in vehicleTypes.enumerated() {
            func p() -> String { "vehicle_types[\(i)]" }
            guard typeNames.insert(t.name).inserted else { throw fail("\(p()).name", "duplicate '\(t.name)'", "give each type a unique name") }
            guard t.usableKWh > 0 else { throw fail("\(p()).usable_kwh", "must be > 0", "give the usable battery energy in kWh") }
            guard t.minSOC >= 0, t.minSOC < t.maxSOC, t.maxSOC <= 1 else {
                throw fail("\(p()).max_soc", "SOC window must satisfy 0 <= min < max <= 1", "check min_soc and max_soc")
            }
            guard t.reserveSOC >= 0, t.reserveSOC <= 1 else { throw fail("\(p()).reserve_soc", "must be in [0, 1]", "give a fraction") }
            guard t.chargingEfficiency > 0, t.chargingEfficiency <= 1 else {
                throw fail("\(p()).charging_efficiency", "must be in (0, 1]", "give a fraction such as 0.95")
            }
            guard t.curve.points.count >= 1 else { throw fail("\(p()).curve", "needs at least one point", "add (soc, kW) points") }
            for (j, pt) in t.curve.points.enumerated() {
                guard pt.kw >= 0, pt.kw.isFinite else { throw fail("\(p()).curve[\(j)].kw", "must be >= 0", "give the power in kW") }
                guard pt.soc.isFinite else { throw fail("\(p()).curve[\(j)].soc", "must be finite", "give a SOC in [0, 1]") }
                if j > 0, !(pt.soc > t.curve.points[j - 1].soc) {
                    throw fail("\(p()).curve[\(j)].soc", "must increase", "list curve points in increasing SOC order")
                }
            }
            guard t.baseKWhPerKM >= 0 else { throw fail("\(p()).base_kwh_per_km", "must be >= 0", "give consumption in kWh/km") }
            guard t.massKG >= 0 else { throw fail("\(p()).mass_kg", "must be >= 0", "give the mass in kg") }
            guard t.drivetrainEfficiency > 0, t.drivetrainEfficiency <= 1 else {
                throw fail("\(p()).drivetrain_efficiency", "must be in (0, 1]", "give a fraction")
            }
            guard t.regenerationEfficiency >= 0, t.regenerationEfficiency <= 1 else {
                throw fail("\(p()).regeneration_efficiency", "must be in [0, 1]", "give a fraction")
            }
        }
        var vehicleIDs = Set<String>()
        for (i, v) in vehicles.enumerated() {
            func p() -> String { "vehicles[\(i)]" }
            guard vehicleIDs.insert(v.id).inserted else { throw fail("\(p()).id", "duplicate '\(v.id)'", "give each vehicle a unique id") }
            guard typeNames.contains(v.typeName) else {
                throw fail("\(p()).type", "unknown vehicle type '\(v.typeName)'", "use one of: \(vehicleTypes.map(\.name).joined(separator: ", "))")
            }
            guard v.initialSOC.isFinite, v.initialSOC <= 1 else { throw fail("\(p()).initial_soc", "must be <= 1", "give a fraction") }
        }
        var cabinetIDs = Set<String>()
        for (i, c) in cabinets.enumerated() {
            guard cabinetIDs.insert(c.id).inserted else { throw fail("cabinets[\(i)].id", "duplicate '\(c.id)'", "give each cabinet a unique id") }
            guard c.maxKW >= 0 else { throw fail("cabinets[\(i)].max_kw", "must be >= 0", "give the cabinet limit in kW") }
        }
        var chargerIDs = Set<String>()
        for (i, c) in chargers.enumerated() {
            func p() -> String { "chargers[\(i)]" }
            guard chargerIDs.insert(c.id).inserted else { throw fail("\(p()).id", "duplicate '\(c.id)'", "give each charger a unique id") }
            guard c.maxKW > 0 else { throw fail("\(p()).max_kw", "must be > 0", "give the dispenser power in kW") }
            guard c.connectors >= 1 else { throw fail("\(p()).connectors", "must be >= 1", "give the number of connectors") }
            guard c.plugInDelayS >= 0 else { throw fail("\(p()).plug_in_delay_s", "must be >= 0", "give seconds") }
            if let cab = c.cabinetID, !cabinetIDs.contains(cab) {
                throw fail("\(p()).cabinet_id", "unknown cabinet '\(cab)'", "declare it under cabinets or remove cabinet_id")
            }
        }
        for (i, b) in blocks.enumerated() {
            func p() -> String { "blocks[\(i)]" }
            guard vehicleIDs.contains(b.vehicleID) else {
                throw fail("\(p()).vehicle_id", "unknown vehicle '\(b.vehicleID)'", "declare the vehicle under vehicles")
            }
            guard !b.trips.isEmpty else { throw fail("\(p()).trips", "must not be empty", "give at least one trip") }
            // The legs in order (pull-out, trips, pull-in), numbered as in `legs`, without building
            // that array for each block.
            var previousArrival = -Double.infinity
            var j = 0
            func check(_ t: Trip) throws {
                func tp() -> String { "\(p()).trips[\(j)]" }
                guard t.arrival >= t.departure else { throw fail("\(tp()).arrival", "departure after arrival", "check the trip's times") }
                guard t.departure >= previousArrival else { throw fail("\(tp()).departure", "before the previous trip's arrival", "order trips in time") }
                guard t.distanceKM >= 0 else { throw fail("\(tp()).distance_km", "must be >= 0", "give the distance in km") }
                guard t.elevationGainM >= 0, t.elevationLossM >= 0 else {
                    throw fail("\(tp()).elevation_gain_m", "must be >= 0", "give gain and loss as positive metres")
                }
                previousArrival = t.arrival
                j += 1
            }
            if let t = b.pullOut { try check(t) }
            for t in b.trips { try check(t) }
            if let t = b.pullIn { try check(t) }
        }
        for (i, v) in visits.enumerated() {
            func p() -> String { "visits[\(i)]" }
            guard vehicleIDs.contains(v.vehicleID) else {
                throw fail("\(p()).vehicle_id", "unknown vehicle '\(v.vehicleID)'", "declare the vehicle under vehicles")
            }
            guard v.departure >= v.arrival else { throw fail("\(p()).departure", "departure before arrival", "check the visit's times") }
            if let c = v.chargerID, !chargerIDs.contains(c) {
                throw fail("\(p()).charger_id", "unknown charger '\(c)'", "use a charger id declared under chargers")
            }
            if let s = v.targetSOC, !(s <= 1) { throw fail("\(p()).target_soc", "must be <= 1", "give a fraction") }
            if let e = v.requestedKWh, !(e >= 0) { throw fail("\(p()).requested_kwh", "must be >= 0", "give the energy asked for in kWh") }
        }
        if let base = site.baseLoadKW {
            guard base.times.count == base.values.count else {
                throw fail("site.base_load_kw", "times and values differ in length", "give one value per time")
            }
            for j in base.times.indices.dropFirst() where !(base.times[j] > base.times[j - 1]) {
                throw fail("site.base_load_kw.times[\(j)]", "must increase", "sort the series by time")
            }
        }
        let w = weather.temperatureC
        guard w.times.count == w.values.count, !w.times.isEmpty else {
            throw fail("weather.temperature_c", "needs equal, non-empty times and values", "give one temperature per time")
        }
        for j in w.times.indices.dropFirst() where !(w.times[j] > w.times[j - 1]) {
            throw fail("weather.temperature_c.times[\(j)]", "must increase", "sort the series by time")
        }
    }
}
