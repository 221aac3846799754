import Foundation

extension Simulation {
    /// Integrates one session exactly from where it was last brought up to date to `time`.
    ///
    /// Sessions are integrated lazily (when the policy looks at them, when they leave, when they
    /// reach their target), not at every event: a year of 1000 buses has millions of trip events
    /// that change no charging. The energy goes into the current booking interval.
    /// - Returns: true when the session reached its target (the caller stops it).
    @discardableResult
    func sync(_ slot: Int, to time: Double) -> Bool {
        releaseHot(slot: slot)
        return withHotTables { tables in
            sessions.withUnsafeMutableBufferPointer { ses in
                vehicles.withUnsafeMutableBufferPointer { veh in sync(slot, to: time, ses, veh, tables) }
            }
        }
    }

    /// `sync(_:to:)` over the session and vehicle buffers (hot loops hold them once, saving a
    /// uniqueness check per write). Reads and writes no other copy of them.
    @inline(__always)
    func sync(_ slot: Int, to time: Double, _ sessions: UnsafeMutableBufferPointer<SessionRuntime>,
              _ vehicles: UnsafeMutableBufferPointer<VehicleRuntime>, _ tables: HotTables) -> Bool {
        let from = max(sessions[slot].syncedAt, sessions[slot].plugIn)
        sessions[slot].syncedAt = time
        let powerKW = sessions[slot].powerKW
        if sessions[slot].reached || !(powerKW > 0) || !(time > from) { return false }
        let v = sessions[slot].vehicle
        let targetSOC = sessions[slot].targetSOC
        let ti = vehicles[v].typeIndex
        var out = charge(&sessions[slot].segment, type: ti, fromSOC: vehicles[v].soc, toSOC: targetSOC, limitKW: powerKW,
                         durationS: time - from, tables)
        if !out.reachedTarget, targetSOC - out.soc <= 1e-12 {
            // Rounding left the SOC a hair short of the target (the same threshold as at plug-in):
            // it is full, and must not hold its connector waiting for a policy to grant a crumb.
            out.drawnKWh += (targetSOC - out.soc) * tables.capacities[ti] / tables.efficiencies[ti]
            out.soc = targetSOC
            out.reachedTarget = true
        }
        vehicles[v].soc = out.soc
        if out.drawnKWh > 0 {
            vehicles[v].drawnKWh += out.drawnKWh
            sessions[slot].drawnKWh += out.drawnKWh
            if sessions[slot].chargeStart == nil { sessions[slot].chargeStart = from }
            sessions[slot].chargeEnd = from + out.elapsedS
            intervalDrawnKWh += out.drawnKWh
        }
        if out.reachedTarget {
            sessions[slot].reached = true
            readyPluggedCount += 1
        }
        return out.reachedTarget
    }

    /// `ChargingCurve.charge` for a session, bit for bit: when the interval stays on one linear
    /// piece of the curve (the common case between two ticks), that piece is taken from the
    /// session's cache instead of being searched for, and the closed form is applied once.
    @inline(__always)
    func charge(_ piece: inout CurvePiece, type ti: Int, fromSOC soc: Double, toSOC targetSOC: Double, limitKW: Double,
                durationS: Double, _ tables: HotTables) -> ChargeOutcome {
        let capacityKWh = tables.capacities[ti], efficiency = tables.efficiencies[ti]
        if soc < targetSOC, limitKW > 0, durationS > 0, capacityKWh > 0, efficiency > 0 {
            var seg = piece
            if !(seg.lower <= soc && soc < seg.upper) {
                seg = tables.curves[ti].piece(containing: soc)
                piece = seg
            }
            let k = tables.socPerKWs[ti]  // efficiency / (capacityKWh * 3600), computed once per type
            if seg.slope == 0 {
                // A flat piece (most of a curve) is `Piece.step`'s limit-bound case with the power
                // min(curve, limit), the same expressions. The step ends within the piece when
                // `need = (pieceEnd - soc) / rate >= durationS`; when the distance clears
                // `rate * durationS` by a relative 1e-9 (far beyond the few ulps of rounding on
                // either side) that is sure without the division, and the result is the same.
                let power = seg.intercept < limitKW ? seg.intercept : limitKW
                let rate = k * power
                if power > 0, min(seg.upper, targetSOC) - soc > rate * durationS * (1 + 1e-9) {
                    let end = soc + rate * durationS
                    return ChargeOutcome(soc: end, elapsedS: durationS, drawnKWh: (end - soc) * capacityKWh / efficiency,
                                         reachedTarget: false)
                }
            }
            // The first step of `ChargingCurve.charge`'s loop: if the interval ends on this piece,
            // that step is the whole result; otherwise the curve's steps go on from it.
            let first = seg.step(from: soc, target: targetSOC, limitKW: limitKW, k: k, timeLeft: durationS, memo: &expm1Memo)
            if case .within(var end) = first {
                if end > targetSOC { end = targetSOC }
                return ChargeOutcome(soc: end, elapsedS: durationS, drawnKWh: (end - soc) * capacityKWh / efficiency,
                                     reachedTarget: end >= targetSOC)
            }
            return tables.curves[ti].charge(fromSOC: soc, toSOC: targetSOC, limitKW: limitKW, durationS: durationS,
                                            capacityKWh: capacityKWh, efficiency: efficiency, k: k, after: first,
                                            memo: &expm1Memo)
        }
        return tables.curves[ti].charge(fromSOC: soc, toSOC: targetSOC, limitKW: limitKW, durationS: durationS,
                                        capacityKWh: capacityKWh, efficiency: efficiency)
    }

    /// SOC of vehicle `v` at `now`, integrating its session without changing state (for views).
    func currentSOC(_ v: Int) -> Double {
        releaseHot(vehicle: v)
        let slot = vehicles[v].session
        guard slot >= 0 else { return vehicles[v].soc }
        let s = sessions[slot]
        let from = max(s.syncedAt, s.plugIn)
        if s.reached || !(s.powerKW > 0) || !(now > from) { return vehicles[v].soc }
        let ti = vehicles[v].typeIndex
        return curves[ti].charge(fromSOC: vehicles[v].soc, toSOC: s.targetSOC, limitKW: s.powerKW, durationS: now - from,
                                 capacityKWh: capacities[ti], efficiency: efficiencies[ti]).soc
    }
}
