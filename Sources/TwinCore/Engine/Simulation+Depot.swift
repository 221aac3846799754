import Foundation

extension Simulation {
    // MARK: Arrivals and plugging

    func visitArrival(_ i: Int) throws {
        let visit = scenario.visits[i]
        guard let v = vehicleIndexByID[visit.vehicleID] else { return }
        if vehicles[v].state != .onRoute { leave(v) }  // still here from an earlier visit
        vehicles[v].visit = i
        if let soc = visit.socAtArrival { setSOC(v, soc) }
        vehicles[v].preferredCharger = visit.chargerID.flatMap { chargerIndexByID[$0] } ?? -1
        try arrive(v)
    }

    func visitDeparture(_ i: Int) {
        guard let v = vehicleIndexByID[scenario.visits[i].vehicleID], vehicles[v].visit == i else { return }
        leave(v)
        vehicles[v].visit = -1
        vehicles[v].preferredCharger = -1
    }

    func setSOC(_ v: Int, _ soc: Double) {
        vehicles[v].soc = soc
        if soc < vehicles[v].socMin { vehicles[v].socMin = soc }
        if soc < summary.minSOC { summary.minSOC = soc }
    }

    /// A vehicle is at the depot: plug it in, or queue it.
    func arrive(_ v: Int) throws {
        vehicles[v].state = .arriving
        vehicles[v].arrivalTime = now
        record(.arrival, vehicle: v)
        var c = -1
        let preferred = vehicles[v].preferredCharger
        if preferred >= 0 {
            if chargers[preferred].hasFreeConnector || evictReady(charger: preferred) { c = preferred }
        } else if behaviour.wantsChargerChoice {
            // A charger is free while it has a free connector.
            var free: [ChargerView] = []
            for i in chargers.indices where chargers[i].hasFreeConnector {
                let ch = scenario.chargers[i]
                free.append(ChargerView(index: i, id: ch.id, maxKW: ch.maxKW, cabinetID: ch.cabinetID,
                                        connectors: ch.connectors, freeConnectors: ch.connectors - chargers[i].used))
            }
            if let chosen = try behaviour.chargerForArrival(vehicle: vehicleView(v), freeChargers: free, now: now),
               chosen >= 0, chosen < chargers.count, chargers[chosen].hasFreeConnector {
                c = chosen
            } else {
                c = free.first?.index ?? -1
            }
        } else if freeConnectorCount > 0 {
            c = chargers.firstIndex { $0.hasFreeConnector } ?? -1
        }
        if c < 0, preferred < 0 { c = evictAnyReady() }
        if c >= 0 {
            plug(v, charger: c)
        } else {
            vehicles[v].state = .queued
            vehicles[v].queueTicket &+= 1
            queue.append((v, vehicles[v].queueTicket))
            queuedCount += 1
            record(.queued, vehicle: v)
        }
    }

    /// Unplugs a vehicle that has reached its target from charger `c` (the first in plug order),
    /// so another can charge.
    func evictReady(charger c: Int) -> Bool {
        var i = firstPluggedIndex(charger: c)
        while i < plugged.count, sessions[plugged[i]].charger == c {
            if sessions[plugged[i]].reached {
                closeSession(plugged[i])
                return true
            }
            i += 1
        }
        return false
    }

    /// Position in `plugged` of the first session on charger `c` or above (binary search).
    func firstPluggedIndex(charger c: Int) -> Int {
        var lo = 0, hi = plugged.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sessions[plugged[mid]].charger < c { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Unplugs the first session (in plug order) at its target, for an arrival finding no free
    /// connector; returns its charger, or -1. A full depot runs this at every arrival over every
    /// plugged session, so the scan reads the buffers directly.
    func evictAnyReady() -> Int {
        // A depot full of charging vehicles is the common case: nothing to scan for.
        guard readyPluggedCount > 0 else {
            assert(!plugged.contains { sessions[$0].reached }, "readyPluggedCount out of step")
            return -1
        }
        let first = plugged.withUnsafeBufferPointer { pl in
            sessions.withUnsafeBufferPointer { ses in
                for slot in pl where ses[slot].reached { return slot }
                return -1
            }
        }
        assert(first >= 0, "readyPluggedCount out of step")
        guard first >= 0 else { return -1 }
        let c = sessions[first].charger
        closeSession(first)
        return c
    }

    /// The next queued vehicle that may use charger `c` (FCFS), removed from the queue.
    func dequeue(forCharger c: Int) -> Int? {
        var i = queueHead
        while i < queue.count {
            let entry = queue[i]
            let stale = vehicles[entry.vehicle].state != .queued || vehicles[entry.vehicle].queueTicket != entry.ticket
            if stale {
                if i == queueHead { queueHead += 1 }
                i += 1
                continue
            }
            let preferred = vehicles[entry.vehicle].preferredCharger
            if preferred < 0 || preferred == c {
                if i == queueHead { queueHead += 1 } else { queue.remove(at: i) }
                queuedCount -= 1
                if queueHead > 1024, queueHead * 2 > queue.count {
                    queue.removeFirst(queueHead)
                    queueHead = 0
                }
                return entry.vehicle
            }
            i += 1
        }
        return nil
    }

    /// When the vehicle must leave: its visit's departure or its next block's, else the run's end.
    func departureTime(_ v: Int) -> Double {
        if vehicles[v].visit >= 0 { return scenario.visits[vehicles[v].visit].departure }
        let p = nextScheduled(v)
        return p >= 0 ? schedule[p].departure : scenario.end
    }

    func nextBlock(_ v: Int) -> Int? {
        let p = nextScheduled(v)
        return p >= 0 ? schedule[p].block : nil
    }

    /// Position in `schedule` of vehicle `v`'s first block not departed before now, or -1.
    func nextScheduled(_ v: Int) -> Int {
        let start = scheduleStart[v], end = scheduleStart[v + 1]
        var p = start + vehicles[v].nextBlock
        while p < end, schedule[p].departure < now { p += 1 }
        vehicles[v].nextBlock = p - start
        return p < end ? p : -1
    }

    func targetSOC(_ v: Int) -> Double {
        let type = types[vehicles[v].typeIndex]
        // A visit may ask for less than the type's window allows, never more.
        if vehicles[v].visit >= 0, let t = scenario.visits[vehicles[v].visit].targetSOC { return min(t, type.maxSOC) }
        return type.maxSOC
    }

    func plug(_ v: Int, charger c: Int) {
        let type = types[vehicles[v].typeIndex]
        let soc = vehicles[v].soc
        let target = targetSOC(v)
        let wanted = max(0, (target - soc) * type.usableKWh)
        let slot = sessions.count
        // A visit may ask for more than the battery takes up to its target: that is what the
        // session wanted (and did not get), though it stops charging at the target.
        let requested = vehicles[v].visit >= 0 ? scenario.visits[vehicles[v].visit].requestedKWh.map { max($0, wanted) } : nil
        var session = SessionRuntime(vehicle: v, charger: c, arrival: vehicles[v].arrivalTime,
                                     plugIn: now + scenario.chargers[c].plugInDelayS, departure: departureTime(v),
                                     socIn: soc, targetSOC: target, wantedKWh: requested ?? wanted, syncedAt: now)
        session.reached = !(wanted > 1e-12 * type.usableKWh)
        if vehicles[v].visit < 0 { session.block = nextBlock(v) ?? -1 }
        sessions.append(session)
        vehicles[v].charger = c
        vehicles[v].session = slot
        vehicles[v].state = session.reached ? .ready : .plugged
        if session.reached { readyPluggedCount += 1 }
        noteConnectorChange(c)
        chargers[c].used += 1
        freeConnectorCount -= 1
        // Policies see sessions in charger order (ACN-Sim's EVSE order), so ties are deterministic
        // and independent of plug-in timing; on one charger, in plug-in order.
        var lo = firstPluggedIndex(charger: c)
        while lo < plugged.count, sessions[plugged[lo]].charger == c { lo += 1 }
        plugged.insert(slot, at: lo)
        if !session.reached { pendingShow.append(slot) }
        record(.plugIn, vehicle: v)
        if session.reached {
            // Nothing wanted: no control needed.
        } else if session.plugIn > now {
            events.push(time: session.plugIn, kind: .plugIn)
        } else {
            requestControl()
        }
        if behaviour.wantsPreconditioning, session.block >= 0 { schedulePreconditioning(v, slot: slot, block: session.block) }
    }

    /// Books the connector-seconds charger `c` was occupied since its last change.
    func noteConnectorChange(_ c: Int) {
        chargers[c].busyConnectorS += Double(chargers[c].used) * (now - chargers[c].lastChange)
        chargers[c].lastChange = now
    }

    /// Closes a session: the vehicle leaves the charger now.
    func closeSession(_ slot: Int, recordEvent: Bool = true) {
        releaseHot(slot: slot)
        let s = sessions[slot]
        guard s.open else { return }
        sync(slot, to: now)
        let v = s.vehicle, c = s.charger
        if recordEvent { record(.unplug, vehicle: v) }
        if sessions[slot].reached { readyPluggedCount -= 1 }
        sessions[slot].open = false
        sessions[slot].unplug = now
        sessions[slot].socOut = vehicles[v].soc
        sessions[slot].powerKW = 0
        sessions[slot].generation &+= 1
        noteConnectorChange(c)
        chargers[c].used -= 1
        freeConnectorCount += 1
        vehicles[v].charger = -1
        vehicles[v].session = -1
        var i = firstPluggedIndex(charger: c)
        while i < plugged.count, plugged[i] != slot { i += 1 }
        if i < plugged.count { plugged.remove(at: i) }
        if vehicles[v].preconditionKW > 0 {
            preconditionKW = max(0, preconditionKW - vehicles[v].preconditionKW)
            vehicles[v].preconditionKW = 0
            if plugged.isEmpty { preconditionKW = 0 }
        }
        let type = types[vehicles[v].typeIndex]
        let delivered = sessions[slot].drawnKWh * type.chargingEfficiency
        summary.requestedKWh += s.wantedKWh
        summary.deliveredKWh += delivered
        if delivered < 0.99 * s.wantedKWh { summary.unmetVehicles += 1 }
    }

    /// The vehicle leaves the depot (or its queue); its charger goes to the next in the queue.
    /// Control runs again only if the leaving session still wanted energy: one at its target
    /// changes nothing another session sees (and a year of 1000 buses has 365 000 such departures).
    func leave(_ v: Int) {
        let slot = vehicles[v].session
        if slot >= 0 {
            releaseHot(slot: slot)
            let c = sessions[slot].charger
            if !sessions[slot].reached { requestControl() }
            closeSession(slot)
            if queuedCount > 0, let next = dequeue(forCharger: c) { plug(next, charger: c) }
        } else if vehicles[v].state == .queued {
            queuedCount -= 1
        }
        vehicles[v].state = .onRoute
        record(.departure, vehicle: v)
    }

    // MARK: Blocks and trips

    func startBlock(_ b: Int) throws {
        var v = blockVehicle[b]
        if behaviour.wantsDispatch {
            var candidates: [VehicleView] = []
            for i in vehicles.indices where vehicles[i].state != .onRoute { candidates.append(vehicleView(i)) }
            if let chosen = try behaviour.vehicleForBlock(blockView(b), candidates: candidates, now: now),
               chosen >= 0, chosen < vehicles.count, vehicles[chosen].state != .onRoute {
                v = chosen
            }
        }
        if vehicles[v].state == .onRoute {
            summary.missedDepartures += 1
            record(.missedDeparture, vehicle: v)
            warn("block \(scenario.blocks[b].id) missed its departure: vehicle \(scenario.vehicles[v].id) not at the depot")
            return
        }
        leave(v)
        vehicles[v].activeBlock = b
        loadLegs(of: b, vehicle: v)
        record(.tripStart, vehicle: v)
        events.push(time: activeLegs[v][0].arrival, kind: .tripEnd, a: v, b: 0)
    }

    func recordTripStart(vehicle v: Int, leg: Int) {
        record(.tripStart, vehicle: v)
    }

    func endTrip(vehicle v: Int, leg: Int) throws {
        let b = vehicles[v].activeBlock
        guard b >= 0 else { return }
        let legs = activeLegs[v].count
        let trip = activeLegs[v][leg]
        let ti = vehicles[v].typeIndex
        let ambient = scenario.weather.ambientC(at: 0.5 * (trip.departure + trip.arrival), hint: &weatherHint)
        // `VehicleType.tripEnergy(_:ambientC:)` on the same fields.
        let energy = types[ti].tripEnergy(distanceKM: trip.distanceKM, durationS: trip.arrival - trip.departure,
                                          elevationGainM: trip.elevationGainM, elevationLossM: trip.elevationLossM,
                                          ambientC: ambient)
        let before = vehicles[v].soc
        let usableKWh = capacities[ti]
        let after = before - energy.totalKWh / usableKWh
        let shortfall = max(0, max(0, -after) * usableKWh - max(0, -before) * usableKWh)
        setSOC(v, after)
        vehicles[v].tripEnergyKWh += energy.totalKWh
        vehicles[v].trips += 1
        vehicles[v].shortfallKWh += shortfall
        summary.shortfallKWh += shortfall
        let below = after < types[ti].reserveSOC
        if below {
            vehicles[v].belowReserve = true
            record(.belowReserve, vehicle: v)
            warn("vehicle \(scenario.vehicles[v].id) below reserve (SOC \(after)) after trip \(self.leg(b, leg).id) of block \(scenario.blocks[b].id)")
        }
        if options.keepTrips {
            let ids = self.leg(b, leg)
            tripRecords.append(TripRecord(
                vehicleID: scenario.vehicles[v].id, blockID: scenario.blocks[b].id, tripID: ids.id, routeID: ids.routeID,
                departureTime: trip.departure, arrivalTime: trip.arrival, distanceKM: trip.distanceKM, ambientC: ambient,
                energyKWh: energy.totalKWh, tractionKWh: energy.tractionKWh, hvacKWh: energy.hvacKWh,
                climbKWh: energy.climbKWh, regenKWh: energy.regenKWh, socBefore: before, socAfter: after,
                shortfallKWh: shortfall, belowReserve: below))
        }
        record(.tripEnd, vehicle: v)
        if leg + 1 < legs {
            let next = activeLegs[v][leg + 1]
            if options.keepEvents { events.push(time: next.departure, kind: .tripStart, a: v, b: leg + 1) }
            events.push(time: next.arrival, kind: .tripEnd, a: v, b: leg + 1)
        } else {
            vehicles[v].activeBlock = -1
            try arrive(v)
        }
    }

    // MARK: Preconditioning

    func schedulePreconditioning(_ v: Int, slot: Int, block b: Int) {
        let departure = blockDepartures[b]
        do {
            let lead = try behaviour.preconditionLeadS(vehicle: vehicleView(v), block: blockView(b),
                                                       ambientC: scenario.weather.ambientC(at: departure), now: now)
            if lead > 0 { events.push(time: max(now, departure - lead), kind: .preconditionStart, a: v, b: slot) }
        } catch {
            deferredError = error
        }
    }

    func startPreconditioning(vehicle v: Int, session slot: Int) {
        guard vehicles[v].session == slot, sessions[slot].open else { return }
        let kw = types[vehicles[v].typeIndex].hvac.powerKW(ambientC: scenario.weather.ambientC(at: now))
        guard kw > 0 else { return }
        vehicles[v].preconditionKW = kw
        preconditionKW += kw
        record(.preconditionStart, vehicle: v, powerKW: kw)
        requestControl()
    }

    // MARK: Views for behaviours

    func vehicleView(_ v: Int) -> VehicleView {
        let type = types[vehicles[v].typeIndex]
        let next = nextBlock(v)
        let soc = currentSOC(v)
        return VehicleView(index: v, id: scenario.vehicles[v].id, typeName: type.name, soc: soc,
                           energyKWh: soc * type.usableKWh, state: vehicles[v].state,
                           plugged: vehicles[v].charger >= 0, departure: next.map { blockDepartures[$0] },
                           chargerIndex: vehicles[v].charger)
    }

    func blockView(_ b: Int) -> BlockView {
        let block = scenario.blocks[b]
        let type = types[vehicles[blockVehicle[b]].typeIndex]
        let ambient = scenario.weather.ambientC(at: now)
        let estimate = block.legs.reduce(0) { $0 + type.tripEnergy($1, ambientC: ambient).totalKWh }
        return BlockView(index: b, id: block.id, vehicleID: block.vehicleID, departure: block.departure,
                         arrival: block.arrival, distanceKM: block.distanceKM, energyEstimateKWh: estimate)
    }
}
