import Foundation

/// The depot's grid connection.
public struct Site: Equatable, Sendable, Codable {
    /// Hard limit on the site's total load (chargers + base load), kW.
    public var gridLimitKW: Double
    /// Non-charging load, kW, held between samples (step series); nil = none.
    public var baseLoadKW: TimeSeries?

    public init(gridLimitKW: Double, baseLoadKW: TimeSeries? = nil) {
        self.gridLimitKW = gridLimitKW
        self.baseLoadKW = baseLoadKW
    }
}

/// Energy prices by local time of day and a demand charge on each month's peak.
public struct Tariff: Equatable, Sendable, Codable {
    /// A price that applies from `startHour` to `endHour` local time (wraps past midnight when
    /// `endHour <= startHour`).
    public struct Band: Equatable, Sendable, Codable {
        public var startHour: Double
        public var endHour: Double
        public var pricePerKWh: Double
        public init(startHour: Double, endHour: Double, pricePerKWh: Double) {
            self.startHour = startHour
            self.endHour = endHour
            self.pricePerKWh = pricePerKWh
        }
        func contains(hour: Double) -> Bool {
            endHour > startHour ? (hour >= startHour && hour < endHour) : (hour >= startHour || hour < endHour)
        }
    }

    /// Bands in priority order; the first that holds the hour wins.
    public var bands: [Band]
    /// Price outside every band, per kWh.
    public var defaultPricePerKWh: Double
    /// Charge per kW of each local calendar month's peak site load.
    public var demandChargePerKW: Double

    public init(bands: [Band] = [], defaultPricePerKWh: Double = 0, demandChargePerKW: Double = 0) {
        self.bands = bands
        self.defaultPricePerKWh = defaultPricePerKWh
        self.demandChargePerKW = demandChargePerKW
    }

    /// Energy price at `time` (UTC s) in a depot whose local time is `utcOffsetS` ahead of UTC.
    public func price(at time: Double, utcOffsetS: Double) -> Double {
        if bands.isEmpty { return defaultPricePerKWh }
        var local = (time + utcOffsetS).truncatingRemainder(dividingBy: 86400)
        if local < 0 { local += 86400 }
        let hour = local / 3600
        for band in bands where band.contains(hour: hour) { return band.pricePerKWh }
        return defaultPricePerKWh
    }
}
