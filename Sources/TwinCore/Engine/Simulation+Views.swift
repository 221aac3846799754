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

    /// The view of session `slot` (`s`, its vehicle of type `ti`) showing the figures `f`: the rest
    /// comes from the session, its vehicle and its charger.
    @inline(__always)
    func sessionView(slot: Int, _ s: SessionRuntime, type ti: Int, showing f: ViewFigures,
                     _ tables: HotTables) -> SessionView {
        let v = s.vehicle, charger = s.charger
        return SessionView(
            sessionID: slot + 1, vehicleIndex: v, chargerIndex: charger, cabinetIndex: chargers[charger].cabinet,
            vehicleID: vehicleIDs[v], chargerID: chargerIDs[charger], arrival: s.arrival, departure: s.departure,
            soc: f.soc, targetSOC: s.targetSOC, energyWantedKWh: f.energyWantedKWh, maxKW: f.maxKW,
            chargerMaxKW: tables.chargerMaxKW[charger], vehicleMaxKW: f.vehicleMaxKW,
            efficiency: tables.efficiencies[ti], capacityKWh: tables.capacities[ti], energyLimitedKW: f.energyLimitedKW)
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
                let ti = vehicles[sessions[slot].vehicle].typeIndex
                let f = Self.viewFigures(soc: h.soc, targetSOC: h.targetSOC, type: ti,
                                         charger: sessions[slot].charger, piece: h.segment, stepS: stepS, tables)
                views[k] = sessionView(slot: slot, sessions[slot], type: ti, showing: f, tables)
            }
        }
        }
        }
        }
        }
    }

    /// A run of kept views that moves right by `shift` (`alignViews` finds them going forward,
    /// and moves them going backward, once the views after them made room).
    struct RightRun {
        var start: Int
        var count: Int
        var shift: Int
    }

    /// Moves last tick's views to the positions their sessions take this tick and sizes the buffer.
    ///
    /// Views kept from last tick were refreshed by the booking (`bookInterval`), which marked the
    /// others (sessions closed or at their target) with slot -1. Sessions shown for the first time
    /// come from `pendingShow` (plugged, still wanting, not shown yet): their positions are listed
    /// in `newViewPositions` (increasing), their slots in `viewSlots`, and hold a blank view for
    /// `buildNewViews`.
    ///
    /// Views and `newlyShown` are both in (charger, slot) order, so this is one merge. Between two
    /// change points (a dropped view, a new session) the kept views form a run that moves as a
    /// block by its net shift: new sessions before it minus views dropped before it. Each kept
    /// view is moved at most once, and not at all where the shift is zero (a drop and an
    /// insertion cancelling out, or no change before it): see `moveKeptViews`. The hot entries and
    /// slots move with their views. On return every element of `views` is initialized.
    /// (In the core bench's 20-day run no tick both drops and adds views: there each moved view
    /// moved once before too, and what this saves is the scan, not the moves. Where drops and
    /// plug-ins meet at a tick, the moves they cancel out are saved too.)
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
        viewSlots.withUnsafeMutableBufferPointer { sb in
        hot.withUnsafeMutableBufferPointer { hb in
        newlyShown.withUnsafeBufferPointer { newlyShown in
            let views = vb.baseAddress!, slots = sb.baseAddress!, hot = hb.baseAddress!
            // The blanks the buffer grew by are overwritten by moves and new views: free them first.
            if size > old { (views + old).deinitialize(count: size - old) }
            firstMoved = moveKeptViews(old: old, dropped: old - kept, views, slots, hot, newlyShown)
            // The new sessions' positions are free now (no kept view ends there, and whatever was
            // there moved out or was dropped).
            for j in 0..<newlyShown.count {
                let p = newViewPositions[j]
                (views + p).initialize(to: blank)
                slots[p] = newlyShown[j]
                hot[p] = .empty  // `buildNewViews` loads it
            }
            // Past the last view all is free (moved out or dropped): refill it for `removeLast`.
            if shown < size { (views + shown).initialize(repeating: blank, count: size - shown) }
        }
        }
        }
        }
        if views.count > shown {
            views.removeLast(views.count - shown)
            viewSlots.removeLast(viewSlots.count - shown)
            hot.removeLast(hot.count - shown)
        }
        indexShownSessions(from: firstMoved)
        return (shown, shown > 0 || waiting)
    }

    /// The merge of `alignViews`: moves the `old - dropped` kept views among last tick's `old`
    /// (dropped ones marked with slot -1) to their positions this tick, with their slots and hot
    /// entries, deinitializes the dropped views, and appends to `newViewPositions` the position of
    /// each session of `newlyShown`, in order. Their slots are left to the caller.
    ///
    /// Runs shifting left move in the forward pass, as it finds them: a kept view ends before
    /// every later one, so whatever lay where a left-shifting run goes is itself dropped or
    /// shifting left, and already moved out. Runs shifting right are recorded and moved
    /// backward once the pass is done, by the same argument mirrored. (The pass must not move a
    /// run right as it goes: that would overwrite views and marks it has yet to read.)
    /// Where each new session goes is found by bisection over last tick's views, which are still
    /// in (charger, slot) order where the pass has not reached yet (dropped ones included).
    /// Memory from `views + old` on (as far as `shown`) must be uninitialized on entry.
    /// - Returns: the first position whose view changed (a drop or a new session), or `shown`.
    func moveKeptViews(old: Int, dropped: Int, _ views: UnsafeMutablePointer<SessionView>,
                       _ slots: UnsafeMutablePointer<Int>, _ hot: UnsafeMutablePointer<HotSession>,
                       _ newlyShown: UnsafeBufferPointer<Int>) -> Int {
        assert((0..<old).count { slots[$0] < 0 } == dropped, "drop marks out of step with keptViewCount")
        let shown = old - dropped + newlyShown.count
        var firstChange = shown
        /// Moves `count` views from `start` by `shift`, with their slots and hot entries (plain
        /// values). The ranges may overlap: these are memmoves.
        func move(_ start: Int, _ count: Int, by shift: Int) {
            (views + start + shift).moveInitialize(from: views + start, count: count)
            (slots + start + shift).update(from: slots + start, count: count)
            (hot + start + shift).update(from: hot + start, count: count)
        }
        // Runs shifting right: at most one after each change point.
        return withUnsafeTemporaryAllocation(of: RightRun.self, capacity: dropped + newlyShown.count + 1) { rightRuns in
            var rightCount = 0
            var i = 0          // next of last tick's views
            var j = 0          // next new session
            var seenDrops = 0
            var shift = 0      // new sessions before view i, less the views dropped before it
            // Where the next new session goes among last tick's views (`old` past the last).
            var insertAt = newlyShown.isEmpty ? old : Self.insertionPoint(of: newlyShown[0], sessions[newlyShown[0]].charger,
                                                                           in: views, from: 0, to: old)
            while true {
                // The run of kept views from i: up to the next drop, or where the next new session goes.
                let start = i
                if seenDrops == dropped {
                    i = insertAt
                } else {
                    while i < insertAt, slots[i] >= 0 { i += 1 }
                }
                if i > start, shift != 0 {
                    if shift < 0 {
                        move(start, i - start, by: shift)
                    } else {
                        rightRuns.initializeElement(at: rightCount, to: RightRun(start: start, count: i - start, shift: shift))
                        rightCount += 1
                    }
                }
                if i < insertAt {
                    // View i is dropped.
                    firstChange = min(firstChange, i)
                    (views + i).deinitialize(count: 1)
                    seenDrops += 1
                    shift -= 1
                    i += 1
                } else if j < newlyShown.count {
                    // The new session goes before view i (or after them all): where view i would go.
                    firstChange = min(firstChange, i + shift)
                    newViewPositions.append(i + shift)
                    shift += 1
                    j += 1
                    insertAt = j == newlyShown.count ? old : Self.insertionPoint(of: newlyShown[j], sessions[newlyShown[j]].charger,
                                                                                 in: views, from: i, to: old)
                } else {
                    break
                }
            }
            precondition(seenDrops == dropped && old + shift == shown, "views out of step with plugged sessions")
            for k in stride(from: rightCount - 1, through: 0, by: -1) {
                move(rightRuns[k].start, rightRuns[k].count, by: rightRuns[k].shift)
            }
            return firstChange
        }
    }

    /// The first position in `[lo, hi)` of last tick's views whose session comes after session
    /// `slot` on `charger` in (charger, slot) order. Views there are all still in place, dropped
    /// ones too (a dropped view keeps its session's ID; only its slot in `viewSlots` is -1).
    @inline(__always)
    static func insertionPoint(of slot: Int, _ charger: Int, in views: UnsafeMutablePointer<SessionView>,
                               from lo: Int, to hi: Int) -> Int {
        var lo = lo, hi = hi
        while lo < hi {
            let mid = (lo + hi) / 2
            let c = views[mid].chargerIndex
            if c < charger || (c == charger && views[mid].sessionID - 1 < slot) { lo = mid + 1 } else { hi = mid }
        }
        return lo
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
