extension Simulation {
    /// The per-type and per-charger tables the per-session loops read, as buffers: indexing the
    /// arrays on self costs a bounds check per read and a retain per curve copy.
    struct HotTables {
        let curves: UnsafeBufferPointer<ChargingCurve>
        let capacities: UnsafeBufferPointer<Double>
        let efficiencies: UnsafeBufferPointer<Double>
        let chargerMaxKW: UnsafeBufferPointer<Double>
        let curveRiseEndSOC: UnsafeBufferPointer<Double>
        let socPerKWs: UnsafeBufferPointer<Double>
    }

    /// Runs `body` over the hot tables (all `let`: they never change during a run).
    @inline(__always)
    func withHotTables<R>(_ body: (HotTables) throws -> R) rethrows -> R {
        try curves.withUnsafeBufferPointer { curves in
        try capacities.withUnsafeBufferPointer { capacities in
        try efficiencies.withUnsafeBufferPointer { efficiencies in
        try chargerMaxKW.withUnsafeBufferPointer { chargerMaxKW in
        try curveRiseEndSOC.withUnsafeBufferPointer { curveRiseEndSOC in
        try socPerKWs.withUnsafeBufferPointer { socPerKWs in
            try body(HotTables(curves: curves, capacities: capacities, efficiencies: efficiencies,
                               chargerMaxKW: chargerMaxKW, curveRiseEndSOC: curveRiseEndSOC, socPerKWs: socPerKWs))
        }
        }
        }
        }
        }
        }
    }

    /// The fields of a session's view that depend on its SOC and on the step to the next tick.
    struct ViewFigures {
        var soc: Double
        var energyWantedKWh: Double
        var maxKW: Double
        var vehicleMaxKW: Double
        var energyLimitedKW: Double
    }

    /// What a session shows the policy at a tick `stepS` seconds before the next grid tick.
    ///
    /// `piece` is the curve piece the session was last integrated on: where it holds `soc`, the
    /// curve's value there comes from the piece (`Piece.powerKW(atSOC:)`, bit for bit the curve's),
    /// without searching the curve's points.
    @inline(__always)
    static func viewFigures(soc: Double, targetSOC: Double, type ti: Int, charger: Int, piece: CurvePiece,
                            stepS: Double, _ tables: HotTables) -> ViewFigures {
        let capacity = tables.capacities[ti], efficiency = tables.efficiencies[ti]
        let wanted = (targetSOC - soc) * capacity
        let curveKW = piece.powerKW(atSOC: soc) ?? tables.curves[ti].powerKW(atSOC: soc)
        let chargerKW = tables.chargerMaxKW[charger]
        var capKW = min(chargerKW, curveKW)
        if soc < tables.curveRiseEndSOC[ti] {
            // Where the curve rises the session may be granted the curve's highest value over the
            // SOC it can reach by the next tick: the integration then draws min(granted,
            // curve(soc(t))) at every instant, which is the curve itself on the rise (exact,
            // independent of the step). Where the curve does not rise ahead this is curve(soc).
            let reach = min(targetSOC, soc + chargerKW * efficiency * stepS / 3600 / capacity)
            capKW = min(chargerKW, tables.curves[ti].maxPowerKW(fromSOC: soc, toSOC: reach))
        }
        return ViewFigures(soc: soc, energyWantedKWh: wanted, maxKW: capKW, vehicleMaxKW: curveKW,
                           energyLimitedKW: wanted / efficiency / (stepS / 3600))
    }

    /// Writes a session's SOC-dependent figures into its view (the rest never changes during a session).
    @inline(__always)
    static func refresh(_ view: inout SessionView, with f: ViewFigures) {
        view.soc = f.soc
        view.energyWantedKWh = f.energyWantedKWh
        view.maxKW = f.maxKW
        view.vehicleMaxKW = f.vehicleMaxKW
        view.energyLimitedKW = f.energyLimitedKW
    }

    /// Builds in full the views of sessions shown for the first time (positions `alignViews` left
    /// for them), at a tick `stepS` seconds before the next grid tick.
    func buildNewViews(stepS: Double) {
        guard !newViewPositions.isEmpty else { return }
        withHotTables { tables in
        views.withUnsafeMutableBufferPointer { views in
        hot.withUnsafeMutableBufferPointer { hot in
        sessions.withUnsafeMutableBufferPointer { sessions in
        vehicles.withUnsafeMutableBufferPointer { vehicles in
            for k in newViewPositions {
                let slot = viewSlots[k]
                // From now on the hot entry holds the session's per-tick state.
                let h = Self.loadHot(slot, sessions, vehicles)
                hot[k] = h
                let v = sessions[slot].vehicle, charger = sessions[slot].charger, ti = vehicles[v].typeIndex
                let f = Self.viewFigures(soc: h.soc, targetSOC: h.targetSOC, type: ti,
                                         charger: charger, piece: h.segment, stepS: stepS, tables)
                views[k] = SessionView(
                    sessionID: slot + 1, vehicleIndex: v, chargerIndex: charger, cabinetIndex: chargers[charger].cabinet,
                    vehicleID: vehicleIDs[v], chargerID: chargerIDs[charger], arrival: sessions[slot].arrival,
                    departure: sessions[slot].departure, soc: f.soc, targetSOC: sessions[slot].targetSOC,
                    energyWantedKWh: f.energyWantedKWh, maxKW: f.maxKW, chargerMaxKW: tables.chargerMaxKW[charger],
                    vehicleMaxKW: f.vehicleMaxKW, efficiency: tables.efficiencies[ti], capacityKWh: tables.capacities[ti],
                    energyLimitedKW: f.energyLimitedKW)
            }
        }
        }
        }
        }
        }
    }

    /// Moves last tick's views to the positions their sessions take this tick and sizes the buffer.
    ///
    /// Views kept from last tick were refreshed by the booking (`bookInterval`), which marked the
    /// others (sessions closed or at their target) with slot -1. Sessions shown for the first time
    /// come from `pendingShow` (plugged, still wanting, not shown yet): their positions are listed
    /// in `newViewPositions`, their slots in `viewSlots`, and hold a blank view for `buildNewViews`.
    ///
    /// Views and `plugged` are both in (charger, slot) order, so this is a merge touching only the
    /// views and the few new sessions: kept views are compacted forward, then spread backward
    /// around the new ones, each run of them moved at once as raw memory (no string retains; one
    /// `memmove` per run). On return every element of `views` is initialized.
    /// - Returns: the number of views this tick, and whether any plugged session still wants energy.
    func alignViews(at t: Double) -> (shown: Int, anyWanting: Bool) {
        newViewPositions.removeAll(keepingCapacity: true)
        let waiting = collectNewlyShown(at: t)
        let old = views.count
        let kept = keptViewCount
        let shown = kept + newlyShown.count
        if kept == old, newlyShown.isEmpty { return (shown, shown > 0 || waiting) }
        guard let blank = views.first ?? placeholderView() else { return (shown, shown > 0 || waiting) }
        if views.count < shown {
            views.append(contentsOf: repeatElement(blank, count: shown - views.count))
            viewSlots.append(contentsOf: repeatElement(-1, count: shown - viewSlots.count))
            hot.append(contentsOf: repeatElement(.empty, count: shown - hot.count))
        }
        let size = views.count
        // Views before this position keep their place (their sessions' `viewPos` holds).
        var firstMoved = shown
        views.withUnsafeMutableBufferPointer { vb in
        viewSlots.withUnsafeMutableBufferPointer { viewSlots in
        hot.withUnsafeMutableBufferPointer { hot in
        newlyShown.withUnsafeBufferPointer { newlyShown in
        sessions.withUnsafeBufferPointer { sessions in
            let base = vb.baseAddress!
            // The hot entries move with their views, a run at a time (plain values: one memmove).
            let hotBase = hot.baseAddress!
            // Compaction. Invariant: [0, k) and [r, size) initialized, [k, r) not.
            var k = 0
            var r = 0
            if kept == old { k = old; r = old }
            while r < size {
                guard r < old, viewSlots[r] >= 0 else {
                    if r < firstMoved { firstMoved = r }
                    (base + r).deinitialize(count: 1)
                    r += 1
                    continue
                }
                var e = r + 1
                while e < old, viewSlots[e] >= 0 { e += 1 }
                if k != r {
                    (base + k).moveInitialize(from: base + r, count: e - r)
                    (hotBase + k).update(from: hotBase + r, count: e - r)
                    for j in r..<e { viewSlots[k + j - r] = viewSlots[j] }
                }
                k += e - r
                r = e
            }
            // Spread, backward so kept views only move right. Kept view i and new session j are
            // ordered by (charger, slot). Invariant: [0, i] holds the kept views not yet placed,
            // [i + 1, i + run] the run bound for [p + 1, p + run] (moved as one block when it ends),
            // and (p + run, shown) the final views; the rest is uninitialized.
            var i = kept - 1
            var j = newlyShown.count - 1
            var p = shown - 1
            var run = 0
            func flushRun() {
                if run > 0, i != p {
                    (base + p + 1).moveInitialize(from: base + i + 1, count: run)
                    (hotBase + p + 1).update(from: hotBase + i + 1, count: run)
                }
                run = 0
            }
            while j >= 0 {
                let slot = newlyShown[j]
                let charger = sessions[slot].charger
                if i >= 0, (base + i).pointee.chargerIndex > charger
                    || ((base + i).pointee.chargerIndex == charger && viewSlots[i] > slot) {
                    viewSlots[p] = viewSlots[i]  // p > i: no slot still to be read is overwritten
                    run += 1
                    i -= 1
                } else {
                    flushRun()
                    (base + p).initialize(to: blank)
                    viewSlots[p] = slot
                    hot[p] = .empty  // `buildNewViews` loads it
                    newViewPositions.append(p)
                    j -= 1
                }
                p -= 1
            }
            flushRun()
            // The kept views left, [0, i], are already in place.
            precondition(i == p, "views out of step with plugged sessions")
            if shown < size { (base + shown).initialize(repeating: blank, count: size - shown) }
        }
        }
        }
        }
        }
        if views.count > shown {
            views.removeLast(views.count - shown)
            viewSlots.removeLast(viewSlots.count - shown)
            hot.removeLast(hot.count - shown)
        }
        // New views take positions in decreasing order: the last is the first.
        indexShownSessions(from: min(firstMoved, newViewPositions.last ?? shown))
        return (shown, shown > 0 || waiting)
    }

    /// Moves the sessions of `pendingShow` plugged in by `t` into `newlyShown`, in (charger, slot)
    /// order, and drops those closed or at their target.
    /// - Returns: whether a session still waits for its plug-in (it wants energy).
    func collectNewlyShown(at t: Double) -> Bool {
        newlyShown.removeAll(keepingCapacity: true)
        var waiting = false
        var w = 0
        for r in 0..<pendingShow.count {
            let slot = pendingShow[r]
            if !sessions[slot].open || sessions[slot].reached { continue }
            if sessions[slot].plugIn <= t {
                newlyShown.append(slot)
            } else {
                pendingShow[w] = slot
                w += 1
                waiting = true
            }
        }
        pendingShow.removeLast(pendingShow.count - w)
        if newlyShown.count > 1 {
            newlyShown.sort { (sessions[$0].charger, $0) < (sessions[$1].charger, $1) }
        }
        return waiting
    }

    /// A view to grow the buffer with (overwritten before use).
    func placeholderView() -> SessionView? {
        SessionView(sessionID: 0, vehicleIndex: -1, chargerIndex: -1, cabinetIndex: -1, vehicleID: "", chargerID: "",
                    arrival: 0, departure: 0, soc: 0, targetSOC: 0, energyWantedKWh: 0, maxKW: 0, chargerMaxKW: 0,
                    vehicleMaxKW: 0, efficiency: 1, capacityKWh: 0, energyLimitedKW: 0)
    }
}
