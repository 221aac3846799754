import Foundation

/// Most power a vehicle draws at the charger as a function of its SOC, piecewise linear
/// (the SpiceEV convention: the battery receives `efficiency` times the drawn power).
///
/// Outside its points the curve is flat (first value below, last value above), so a battery that
/// ran below SOC 0 on a trip can still be charged.
public struct ChargingCurve: Equatable, Sendable, Codable {
    /// One point of the curve: at `soc`, at most `kw` drawn at the charger.
    public struct Point: Equatable, Sendable, Codable {
        public var soc: Double
        public var kw: Double
        public init(soc: Double, kw: Double) { self.soc = soc; self.kw = kw }
    }

    /// Points in strictly increasing SOC order (checked by `Scenario.validate()`).
    public var points: [Point]

    public init(points: [Point]) { self.points = points }

    /// Builds a curve from `(soc, kW)` pairs.
    public init(_ pairs: [(soc: Double, kw: Double)]) {
        self.points = pairs.map { Point(soc: $0.soc, kw: $0.kw) }
    }

    /// A flat curve: `kw` at every SOC (an ideal battery with a power limit).
    public static func flat(kw: Double) -> ChargingCurve { ChargingCurve([(0, kw), (1, kw)]) }

    /// Highest power anywhere on the curve, kW.
    public var maxKW: Double { points.reduce(0) { max($0, $1.kw) } }

    /// Most power drawn at the charger at `soc`, kW. O(points).
    @inlinable
    public func powerKW(atSOC soc: Double) -> Double {
        let count = points.count
        if count == 0 { return 0 }
        if soc <= points[0].soc { return points[0].kw }
        var i = 1
        while i < count {
            let hi = points[i]
            if soc < hi.soc {
                let lo = points[i - 1]
                return lo.kw + (hi.kw - lo.kw) * (soc - lo.soc) / (hi.soc - lo.soc)
            }
            i += 1
        }
        return points[count - 1].kw
    }

    /// True when the power rises with SOC anywhere (some point above the one before it).
    public var rises: Bool {
        for i in points.indices.dropFirst() where points[i].kw > points[i - 1].kw { return true }
        return false
    }

    /// Highest power drawn at any SOC in `[fromSOC, toSOC]`, kW (the curve's value at `fromSOC`
    /// where it does not rise).
    public func maxPowerKW(fromSOC lo: Double, toSOC hi: Double) -> Double {
        var m = powerKW(atSOC: lo)
        guard hi > lo else { return m }
        m = max(m, powerKW(atSOC: hi))
        for p in points where p.soc > lo && p.soc < hi { m = max(m, p.kw) }
        return m
    }
}

extension ChargingCurve {
    /// The linear piece that holds `soc` (`kW = intercept + slope * soc` on `[lower, upper)`), with
    /// the curve's values at its ends (for `Piece.powerKW(atSOC:)`).
    @inline(__always)
    func piece(containing soc: Double) -> Piece {
        let count = points.count
        if count == 0 { return Piece(lower: -.infinity, upper: .infinity, intercept: 0, slope: 0, lowerKW: 0, upperKW: 0) }
        if soc < points[0].soc {
            let kw = points[0].kw
            return Piece(lower: -.infinity, upper: points[0].soc, intercept: kw, slope: 0, lowerKW: kw, upperKW: kw)
        }
        var i = 1
        while i < count {
            let hi = points[i]
            if soc < hi.soc {
                let lo = points[i - 1]
                let slope = (hi.kw - lo.kw) / (hi.soc - lo.soc)
                return Piece(lower: lo.soc, upper: hi.soc, intercept: lo.kw - slope * lo.soc, slope: slope,
                             lowerKW: lo.kw, upperKW: hi.kw)
            }
            i += 1
        }
        let kw = points[count - 1].kw
        return Piece(lower: points[count - 1].soc, upper: .infinity, intercept: kw, slope: 0, lowerKW: kw, upperKW: kw)
    }
}

extension ChargingCurve {
    /// One linear piece of the curve: `kW = intercept + slope * soc` on `[lower, upper)`.
    struct Piece {
        var lower: Double
        var upper: Double
        var intercept: Double
        var slope: Double
        /// The curve's values at `lower` and `upper` (points of the curve; set by
        /// `ChargingCurve.piece(containing:)`).
        var lowerKW: Double
        var upperKW: Double

        /// `ChargingCurve.powerKW(atSOC:)` at an SOC this piece holds, bit for bit, without
        /// searching the curve's points; nil when unsure (the caller asks the curve).
        ///
        /// On a flat piece that is its intercept (the interpolation adds an exact zero). Strictly
        /// inside a sloped piece (whose ends are two consecutive points) it is the curve's own
        /// interpolation between those points, the same expression on the same values. At `lower`
        /// the curve may answer from its first point instead, so that SOC is left to the curve.
        @inline(__always)
        func powerKW(atSOC soc: Double) -> Double? {
            guard lower <= soc, soc < upper else { return nil }
            if slope == 0 { return intercept }
            guard lower < soc else { return nil }
            return lowerKW + (upperKW - lowerKW) * (soc - lower) / (upper - lower)
        }

        /// How one step of `charge` on this piece ends.
        enum StepEnd {
            /// The power is not positive: no SOC gained for the rest of the interval.
            case stalled
            /// The interval ends on this piece, at `soc`.
            case within(soc: Double)
            /// The piece's end (its upper bound, the target, or where curve and limit cross) is
            /// reached at `soc` after `needS` seconds; charging goes on from there.
            case pieceEnd(soc: Double, needS: Double)
        }

        /// One step of `ChargingCurve.charge` from `s` on this piece (the piece holding `s`), with at
        /// most `timeLeft` seconds: ends at the piece's end, split where the limit and the curve cross
        /// (at most once on a linear piece), classified by its midpoint (robust against rounding at
        /// the crossing itself) as limit-bound (SOC rises linearly) or curve-bound (the curve's value
        /// grows or decays exponentially). `k`: SOC per second per kW drawn. `expm1` is taken through
        /// `memo`: the engine integrates every session on a curve's falling piece over the same
        /// interval at a tick, so the same argument comes again and again.
        @inline(__always)
        func step(from s: Double, target targetSOC: Double, limitKW: Double, k: Double, timeLeft: Double,
                  memo: inout Expm1Memo) -> StepEnd {
            var pieceEnd = min(upper, targetSOC)
            if slope != 0 {
                let crossing = (limitKW - intercept) / slope
                if crossing > s && crossing < pieceEnd { pieceEnd = crossing }
            }
            let mid = pieceEnd.isFinite ? 0.5 * (s + pieceEnd) : s + 1
            let curveBound = intercept + slope * mid < limitKW
            let cStart = intercept + slope * s
            if !curveBound || slope == 0 {
                let power = curveBound ? cStart : limitKW
                if !(power > 0) { return .stalled }
                let rate = k * power
                let need = (pieceEnd - s) / rate
                if need >= timeLeft { return .within(soc: s + rate * timeLeft) }
                return .pieceEnd(soc: pieceEnd, needS: need)
            } else {
                if !(cStart > 0) { return .stalled }
                let kb = k * slope
                let cEnd = intercept + slope * pieceEnd
                var need = Double.infinity
                if cEnd > 0 {
                    let x = slope * (pieceEnd - s) / cStart
                    if let growth = Self.growthIfSurelyWithin(x: x, kb: kb, timeLeft: timeLeft, memo: &memo) {
                        return .within(soc: s + cStart * growth / slope)
                    }
                    need = log1p(x) / kb
                }
                if need >= timeLeft { return .within(soc: s + cStart * memo.expm1(kb * timeLeft) / slope) }
                return .pieceEnd(soc: pieceEnd, needS: need)
            }
        }

        /// `expm1(kb * timeLeft)` when the curve-bound step surely ends `.within`, i.e. when `step`'s
        /// `need = log1p(x) / kb` surely satisfies `need >= timeLeft`; nil when unsure (`step` then
        /// computes `need` and decides as before). So every decision is the one `log1p` gives.
        ///
        /// Why: `log1p` is the costly part of a step, and the common `.within` does not need `need`.
        /// In exact arithmetic, `log1p(x) / kb >= t` iff `x >= expm1(kb t)` for `kb > 0`, and iff
        /// `x <= expm1(kb t)` for `kb < 0` (`log1p` increases; dividing by `kb < 0` flips the order).
        /// The computed values are off by a few ulps (relative ~1e-15): `kb * t` and `expm1` here,
        /// `log1p` and the division in `step`. If `x` clears `e = expm1(kb t)` by the band 1e-9 |e|,
        /// `log1p(x)` is off `kb t` by at least ~1e-9 |kb t| / (1 + |kb t|), so the exact `need` is
        /// off `t` by a relative 1e-11 or more while |kb t| <= 30: thousands of times the rounding,
        /// and the rounded `need` lands on the same side of `timeLeft`. Out of that range, with
        /// subnormals, `x <= -1` (`log1p` -inf or NaN), `t = .infinity` or a NaN: nil. The value
        /// returned is the one `.within` is computed from, so results are bit for bit the same.
        @inline(__always)
        static func growthIfSurelyWithin(x: Double, kb: Double, timeLeft: Double) -> Double? {
            var memo = Expm1Memo()
            return growthIfSurelyWithin(x: x, kb: kb, timeLeft: timeLeft, memo: &memo)
        }

        /// `growthIfSurelyWithin`, taking `expm1` through `memo`.
        @inline(__always)
        static func growthIfSurelyWithin(x: Double, kb: Double, timeLeft: Double, memo: inout Expm1Memo) -> Double? {
            let y = kb * timeLeft
            let size = abs(y)
            guard size >= 0x1p-600, size <= 30, timeLeft >= 0x1p-600, x > -1 else { return nil }
            let growth = memo.expm1(y)
            let band = 1e-9 * abs(growth)
            return (y > 0 ? x >= growth + band : x <= growth - band) ? growth : nil
        }
    }
}

/// The last `expm1` computed, to answer the same argument again without recomputing it (the same
/// function of the same bits: the result is identical).
struct Expm1Memo {
    private var argument = Double.nan
    private var value = Double.nan

    @inline(__always)
    mutating func expm1(_ x: Double) -> Double {
        if x.bitPattern != argument.bitPattern {
            argument = x
            value = Foundation.expm1(x)
        }
        return value
    }
}

/// What happened to a battery charged over an interval.
public struct ChargeOutcome: Equatable, Sendable {
    /// SOC at the end of the interval (or when the target was reached).
    public var soc: Double
    /// Seconds spent charging: the whole duration, or less if the target was reached.
    public var elapsedS: Double
    /// Energy drawn at the charger, kWh (the battery received `efficiency` times this).
    public var drawnKWh: Double
    /// True when the target SOC was reached within the interval.
    public var reachedTarget: Bool
}

extension ChargingCurve {
    /// Charges exactly: the drawn power is `min(limitKW, curve(soc))` at every instant.
    ///
    /// Integrates in closed form per curve piece (no sub-stepping): where the limit binds, SOC rises
    /// linearly; where the curve binds on a linear piece `c(s) = a + b s`, `c` grows or decays
    /// exponentially, `c(s(t)) = c(s0) e^(k b t)` with `k = efficiency / (capacity * 3600)`. The switch
    /// between the two is found exactly by solving `c(s) = limitKW`. Hence the result does not depend
    /// on how an interval is split (reference case A).
    ///
    /// - Parameters:
    ///   - soc: SOC at the start.
    ///   - targetSOC: charging stops the instant this SOC is reached.
    ///   - limitKW: constant power asked for at the charger (the charger and policy limit), kW.
    ///   - durationS: length of the interval, seconds (may be `.infinity`).
    ///   - capacityKWh: usable battery energy, kWh.
    ///   - efficiency: fraction of drawn energy stored.
    /// - Returns: the SOC reached, the time used and the energy drawn.
    /// - Complexity: O(points) per curve piece crossed.
    public func charge(fromSOC soc: Double, toSOC targetSOC: Double, limitKW: Double, durationS: Double,
                       capacityKWh: Double, efficiency: Double) -> ChargeOutcome {
        if soc >= targetSOC { return ChargeOutcome(soc: soc, elapsedS: 0, drawnKWh: 0, reachedTarget: true) }
        if !(limitKW > 0) || !(durationS > 0) || !(capacityKWh > 0) || !(efficiency > 0) {
            return ChargeOutcome(soc: soc, elapsedS: 0, drawnKWh: 0, reachedTarget: false)
        }
        let k = efficiency / (capacityKWh * 3600)  // SOC per second per kW drawn
        var memo = Expm1Memo()
        let first = piece(containing: soc).step(from: soc, target: targetSOC, limitKW: limitKW, k: k, timeLeft: durationS,
                                                memo: &memo)
        return charge(fromSOC: soc, toSOC: targetSOC, limitKW: limitKW, durationS: durationS, capacityKWh: capacityKWh,
                      efficiency: efficiency, k: k, after: first, memo: &memo)
    }

    /// `charge` from its first step on: `first` is how that step (on the piece holding `soc`, with
    /// the whole `durationS`) ended. The engine takes that step itself and goes on here only when
    /// the interval leaves the piece, so the step is not taken twice; the same steps on the same
    /// values, so the same result, bit for bit. `k`: SOC per second per kW drawn.
    func charge(fromSOC soc: Double, toSOC targetSOC: Double, limitKW: Double, durationS: Double, capacityKWh: Double,
                efficiency: Double, k: Double, after first: Piece.StepEnd, memo: inout Expm1Memo) -> ChargeOutcome {
        var s = soc
        var timeLeft = durationS
        var elapsed = 0.0
        var step = first
        var stepCount = 1
        steps: while true {
            switch step {
            case .stalled:
                elapsed += timeLeft; timeLeft = 0
                break steps
            case .within(let end):
                s = end; elapsed += timeLeft; timeLeft = 0
                break steps
            case .pieceEnd(let end, let need):
                s = end; elapsed += need; timeLeft -= need
            }
            if s >= targetSOC { s = targetSOC; break }
            // At most 4 steps per point (and a few more): a guard against rounding cycling.
            guard stepCount < 4 * points.count + 8 else { break }
            stepCount += 1
            step = piece(containing: s).step(from: s, target: targetSOC, limitKW: limitKW, k: k, timeLeft: timeLeft,
                                             memo: &memo)
        }
        if s > targetSOC { s = targetSOC }
        let reached = s >= targetSOC
        return ChargeOutcome(soc: s, elapsedS: elapsed, drawnKWh: (s - soc) * capacityKWh / efficiency,
                             reachedTarget: reached)
    }

    /// Seconds to charge from `fromSOC` to `toSOC` asking `limitKW` (`.infinity` if never reached,
    /// e.g. the curve falls to 0 kW before the target).
    public func timeToChargeS(fromSOC: Double, toSOC: Double, limitKW: Double, capacityKWh: Double,
                              efficiency: Double) -> Double {
        let out = charge(fromSOC: fromSOC, toSOC: toSOC, limitKW: limitKW, durationS: .infinity,
                         capacityKWh: capacityKWh, efficiency: efficiency)
        return out.reachedTarget ? out.elapsedS : .infinity
    }

    /// SOC after charging for `durationS` seconds asking `limitKW` (no target: capped at `maxSOC`).
    public func socAfter(durationS: Double, fromSOC: Double, limitKW: Double, capacityKWh: Double,
                         efficiency: Double, maxSOC: Double = 1) -> Double {
        charge(fromSOC: fromSOC, toSOC: maxSOC, limitKW: limitKW, durationS: durationS,
               capacityKWh: capacityKWh, efficiency: efficiency).soc
    }

    /// Energy drawn at the charger to go from `fromSOC` to `toSOC`, kWh (independent of the power).
    public static func energyDrawnKWh(fromSOC: Double, toSOC: Double, capacityKWh: Double,
                                      efficiency: Double) -> Double {
        (toSOC - fromSOC) * capacityKWh / efficiency
    }
}
