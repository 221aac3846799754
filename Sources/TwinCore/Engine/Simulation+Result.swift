extension Simulation {
    /// Builds the `RunResult` from the finished state.
    func makeResult() -> RunResult {
        releaseAllHot()
        let s = scenario
        var sum = summary
        var drawn = 0.0, stored = 0.0
        for v in vehicles.indices {
            drawn += vehicles[v].drawnKWh
            stored += vehicles[v].drawnKWh * types[vehicles[v].typeIndex].chargingEfficiency
        }
        sum.energyKWh = drawn + preconditionKWh
        sum.energyToBatteriesKWh = stored
        sum.costDemand = demandCost
        sum.costTotal = sum.costEnergy + sum.costDemand
        let duration = s.end - s.start
        // Connector occupancy: connector-seconds with a vehicle plugged in over all connectors' time
        // (with one connector per charger, the fraction of time chargers were in use).
        let busyS = chargers.reduce(0) { $0 + $1.busyConnectorS }
        let connectors = chargers.reduce(0) { $0 + $1.connectors }
        sum.chargerUtilisation = connectors == 0 || duration <= 0 ? 0 : busyS / (Double(connectors) * duration)
        var sessionRecords: [SessionRecord] = []
        if options.keepSessions {
            sessionRecords.reserveCapacity(sessions.count)
            for (i, ses) in sessions.enumerated() {
                let type = types[vehicles[ses.vehicle].typeIndex]
                let socOut = ses.socOut.isNaN ? vehicles[ses.vehicle].soc : ses.socOut
                sessionRecords.append(SessionRecord(
                    id: i + 1, vehicleID: s.vehicles[ses.vehicle].id, chargerID: s.chargers[ses.charger].id,
                    arrivalTime: ses.arrival, plugInTime: ses.plugIn, chargeStartTime: ses.chargeStart,
                    chargeEndTime: ses.chargeEnd, unplugTime: ses.unplug.isNaN ? s.end : ses.unplug,
                    departureTime: ses.departure, socIn: ses.socIn, socOut: socOut, wantedKWh: ses.wantedKWh,
                    drawnKWh: ses.drawnKWh, deliveredKWh: ses.drawnKWh * type.chargingEfficiency, clamps: ses.clamps))
            }
        }
        let vehicleRecords = vehicles.indices.map { i -> VehicleRecord in
            let v = vehicles[i]
            return VehicleRecord(id: s.vehicles[i].id, typeName: types[v.typeIndex].name, socStart: s.vehicles[i].initialSOC,
                                 socEnd: v.soc, socMin: v.socMin, drawnKWh: v.drawnKWh, tripEnergyKWh: v.tripEnergyKWh,
                                 trips: v.trips, shortfallKWh: v.shortfallKWh, belowReserve: v.belowReserve)
        }
        var notes = warnings
        if droppedWarnings > 0 { notes.append("\(droppedWarnings) more warnings not shown") }
        return RunResult(scenarioName: s.name, policyName: policy.name, seed: s.seed, startTime: s.start, endTime: s.end,
                         stepS: s.stepS, siteLimitKW: s.site.gridLimitKW, timeZone: s.timeZone, summary: sum,
                         sessions: sessionRecords, vehicles: vehicleRecords, trips: tripRecords, loadProfile: loadProfile,
                         events: eventRecords, warnings: notes)
    }
}
