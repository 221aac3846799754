/// Cabin heating and cooling power as a function of ambient temperature.
public enum HVACModel: Equatable, Sendable, Codable {
    /// No cabin climate load.
    case none
    /// Heat flow `uaKWPerK * |setpoint - ambient|` moved by a heat pump, plus a constant auxiliary load;
    /// the electrical total is at most `maxKW` when given (the unit's rating: beyond it the cabin
    /// simply drifts from the setpoint).
    case heatPump(setpointC: Double, uaKWPerK: Double, heatingCOP: Double, coolingCOP: Double, auxiliaryKW: Double,
                  maxKW: Double? = nil)
    /// Electrical HVAC power by ambient temperature, piecewise linear, flat outside the table.
    case table([TemperaturePower])

    /// One row of an HVAC table.
    public struct TemperaturePower: Equatable, Sendable, Codable {
        public var ambientC: Double
        public var kw: Double
        public init(ambientC: Double, kw: Double) { self.ambientC = ambientC; self.kw = kw }
    }

    /// Electrical power drawn by the cabin HVAC at `ambientC`, kW.
    public func powerKW(ambientC: Double) -> Double {
        switch self {
        case .none:
            return 0
        case let .heatPump(setpointC, ua, heatingCOP, coolingCOP, auxiliaryKW, maxKW):
            let delta = setpointC - ambientC
            let cop = delta >= 0 ? heatingCOP : coolingCOP
            let demandKW = auxiliaryKW + ua * abs(delta) / cop
            return maxKW.map { min(demandKW, $0) } ?? demandKW
        case let .table(rows):
            guard let first = rows.first else { return 0 }
            if ambientC <= first.ambientC { return first.kw }
            for i in 1..<rows.count where ambientC < rows[i].ambientC {
                let lo = rows[i - 1], hi = rows[i]
                return lo.kw + (hi.kw - lo.kw) * (ambientC - lo.ambientC) / (hi.ambientC - lo.ambientC)
            }
            return rows[rows.count - 1].kw
        }
    }
}
