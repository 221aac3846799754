import Foundation

/// The per-tick state of the shown sessions, kept in view order.
///
/// Every control tick integrates each shown session (`bookInterval`), refreshes its view and sets
/// its power (`setPowersQuietly`). Read from the `SessionRuntime` and `VehicleRuntime` records that
/// is a gather over five or six cache lines per session (the records are large and in plug-in and
/// vehicle order, the views in charger order). `hot[i]` holds what those passes read and write of
/// the session shown at `views[i]`, next to it in the same order, so the passes stream.
/// (`alignViews` moves the entries with the views, a run at a time. Entries left in place in a
/// pool of their own, reached through an index per view, cost fewer instructions but ran slower:
/// the passes then gather from the pool in random order.)
///
/// Ownership: while `hot[i].fresh`, `hot[i]` is the authority for the fields it holds, and the
/// records may be behind. Anything else that reads or writes those fields of a session (events,
/// `currentSOC`, behaviours, results) first calls `releaseHot`, which writes the entry back and
/// clears `fresh`; the next booking reloads it from the records. A session leaving the views
/// (target reached, closed) is written back as it leaves.
extension Simulation {
    /// What the per-tick passes read and write of one shown session (see the extension's note).
    struct HotSession {
        // Stored in this order on purpose: what every view reads at a tick (setting its power,
        // booking one given none) comes first, in 48 bytes; what only a charging session's
        // integration reads (its curve piece, energy drawn) comes after.
        var slot: Int32
        var typeIndex: Int32
        var generation: Int32
        /// True while this entry, not the records, holds the session's state.
        var fresh: Bool
        /// Whether the session has a `chargeStart` (set once, at its first draw, straight in its
        /// record: it is not needed here).
        var started: Bool
        var hasChargeEnd: Bool
        /// `max(syncedAt, plugIn)`: the time the session is integrated from. (`syncedAt` is read
        /// nowhere else, and a shown session is plugged in, so writing this back as `syncedAt` keeps
        /// every later `max(syncedAt, plugIn)` the same.)
        var from: Double
        var powerKW: Double
        /// The vehicle's SOC.
        var soc: Double
        var targetSOC: Double
        var segment: CurvePiece
        var sessionDrawnKWh: Double
        var vehicleDrawnKWh: Double
        /// The session's `chargeEnd` when `hasChargeEnd` (not an optional: it keeps the entry at
        /// 128 bytes, two cache lines).
        var chargeEnd: Double
        var vehicle: Int32

        init(from: Double, powerKW: Double, soc: Double, targetSOC: Double, segment: CurvePiece,
             sessionDrawnKWh: Double, vehicleDrawnKWh: Double, chargeEnd: Double, slot: Int32, vehicle: Int32,
             typeIndex: Int32, generation: Int32, hasChargeEnd: Bool, started: Bool, fresh: Bool) {
            self.slot = slot
            self.typeIndex = typeIndex
            self.generation = generation
            self.fresh = fresh
            self.started = started
            self.hasChargeEnd = hasChargeEnd
            self.from = from
            self.powerKW = powerKW
            self.soc = soc
            self.targetSOC = targetSOC
            self.segment = segment
            self.sessionDrawnKWh = sessionDrawnKWh
            self.vehicleDrawnKWh = vehicleDrawnKWh
            self.chargeEnd = chargeEnd
            self.vehicle = vehicle
        }

        /// An entry holding nothing (`fresh` false: never written back).
        static let empty = HotSession(
            from: 0, powerKW: 0, soc: 0, targetSOC: 0,
            segment: CurvePiece(lower: .nan, upper: .nan, intercept: 0, slope: 0, lowerKW: 0, upperKW: 0),
            sessionDrawnKWh: 0, vehicleDrawnKWh: 0, chargeEnd: 0, slot: -1, vehicle: -1, typeIndex: 0,
            generation: 0, hasChargeEnd: false, started: false, fresh: false)
    }

    /// The hot entry of session `slot` read from its records (fresh).
    @inline(__always)
    static func loadHot(_ slot: Int, _ sessions: UnsafeMutableBufferPointer<SessionRuntime>,
                        _ vehicles: UnsafeMutableBufferPointer<VehicleRuntime>) -> HotSession {
        let v = sessions[slot].vehicle
        return HotSession(
            from: max(sessions[slot].syncedAt, sessions[slot].plugIn), powerKW: sessions[slot].powerKW,
            soc: vehicles[v].soc, targetSOC: sessions[slot].targetSOC, segment: sessions[slot].segment,
            sessionDrawnKWh: sessions[slot].drawnKWh, vehicleDrawnKWh: vehicles[v].drawnKWh,
            chargeEnd: sessions[slot].chargeEnd ?? 0, slot: Int32(slot), vehicle: Int32(v),
            typeIndex: Int32(vehicles[v].typeIndex), generation: sessions[slot].generation,
            hasChargeEnd: sessions[slot].chargeEnd != nil, started: sessions[slot].chargeStart != nil, fresh: true)
    }

    /// Writes a hot entry into its session's and vehicle's records (`reached`: it reached its target).
    @inline(__always)
    static func writeBack(_ h: HotSession, reached: Bool, _ sessions: UnsafeMutableBufferPointer<SessionRuntime>,
                          _ vehicles: UnsafeMutableBufferPointer<VehicleRuntime>) {
        let slot = Int(h.slot), v = Int(h.vehicle)
        sessions[slot].syncedAt = h.from
        sessions[slot].powerKW = h.powerKW
        sessions[slot].segment = h.segment
        sessions[slot].drawnKWh = h.sessionDrawnKWh
        if h.hasChargeEnd { sessions[slot].chargeEnd = h.chargeEnd }
        sessions[slot].generation = h.generation
        if reached { sessions[slot].reached = true }
        vehicles[v].soc = h.soc
        vehicles[v].drawnKWh = h.vehicleDrawnKWh
    }

    /// Makes the records of session `slot` the authority again (writes its hot entry back, if it
    /// has a fresh one). Call before reading or writing a session's or its vehicle's records outside
    /// the per-tick passes.
    func releaseHot(slot: Int) {
        guard slot >= 0, slot < viewPos.count else { return }
        let p = Int(viewPos[slot])
        guard p >= 0 else { return }
        viewPos[slot] = -1
        guard hot[p].fresh else { return }
        assert(Int(hot[p].slot) == slot, "hot entry out of step with its session")
        hot[p].fresh = false
        let h = hot[p]
        sessions.withUnsafeMutableBufferPointer { ses in
            vehicles.withUnsafeMutableBufferPointer { veh in Self.writeBack(h, reached: false, ses, veh) }
        }
    }

    /// `releaseHot(slot:)` for vehicle `v`'s session, if it has one.
    func releaseHot(vehicle v: Int) {
        releaseHot(slot: vehicles[v].session)
    }

    /// Writes every fresh hot entry back (before results are read).
    func releaseAllHot() {
        for i in hot.indices where hot[i].fresh { releaseHot(slot: Int(hot[i].slot)) }
    }

    /// `sync` on a hot entry: the same integration, the same expressions in the same order.
    /// A fresh entry is open and not at its target (one reaching it is written back as it leaves).
    /// - Returns: true when the session reached its target (the caller writes it back as reached).
    @inline(__always)
    func syncHot(_ h: inout HotSession, to time: Double, _ sessions: UnsafeMutableBufferPointer<SessionRuntime>,
                 _ tables: HotTables) -> Bool {
        let from = h.from
        // `syncedAt = time`; shown, the session was plugged in before `time`, so this is also
        // `max(syncedAt, plugIn)`.
        h.from = time
        let powerKW = h.powerKW
        if !(powerKW > 0) || !(time > from) { return false }
        let targetSOC = h.targetSOC
        let ti = Int(h.typeIndex)
        var out = charge(&h.segment, type: ti, fromSOC: h.soc, toSOC: targetSOC, limitKW: powerKW,
                         durationS: time - from, tables)
        if !out.reachedTarget, targetSOC - out.soc <= 1e-12 {
            // As in `sync`: rounding left the SOC a hair short of the target; it is full.
            out.drawnKWh += (targetSOC - out.soc) * tables.capacities[ti] / tables.efficiencies[ti]
            out.soc = targetSOC
            out.reachedTarget = true
        }
        h.soc = out.soc
        if out.drawnKWh > 0 {
            h.vehicleDrawnKWh += out.drawnKWh
            h.sessionDrawnKWh += out.drawnKWh
            if !h.started {
                h.started = true
                sessions[Int(h.slot)].chargeStart = from
            }
            h.chargeEnd = from + out.elapsedS
            h.hasChargeEnd = true
            intervalDrawnKWh += out.drawnKWh
        }
        if out.reachedTarget { readyPluggedCount += 1 }
        return out.reachedTarget
    }

    /// Points `viewPos` of the sessions shown at `start` and after at their positions (after the
    /// views moved; those before `start` kept theirs).
    func indexShownSessions(from start: Int) {
        if viewPos.count < sessions.count { viewPos.append(contentsOf: repeatElement(-1, count: sessions.count - viewPos.count)) }
        guard start < viewSlots.count else { return }
        viewPos.withUnsafeMutableBufferPointer { viewPos in
            viewSlots.withUnsafeBufferPointer { viewSlots in
                // Raw pointers and a truncating conversion: each slot indexes `viewPos` (sized above),
                // and a position is below the number of sessions, which fits an Int32 as slots do
                // (`HotSession.slot`). The checked forms cost a compare and a branch each, per
                // moved view per tick (this loop took 11.9 M instructions of a 20-day run, now 4.7 M).
                let n = viewSlots.count, viewPos = viewPos.baseAddress!, viewSlots = viewSlots.baseAddress!
                for i in start..<n { viewPos[viewSlots[i]] = Int32(truncatingIfNeeded: i) }
            }
        }
    }
}
