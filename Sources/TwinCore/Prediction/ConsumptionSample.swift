import Foundation

/// One observed trip as the fitter sees it: distance, energy and conditions.
///
/// Built from a checked ``TelematicsRecord``, from the engine's ``TripRecord`` (simulated trips, e.g.
/// to fit a surrogate of the physics model), or directly.
public struct ConsumptionSample: Equatable, Sendable {
    /// Trip distance, km (> 0). Also the sample's weight in the fit.
    public var distanceKM: Double
    /// Net energy of the trip taken from the battery, kWh.
    public var energyKWh: Double
    /// Mean ambient temperature over the trip, °C.
    public var ambientC: Double
    /// Mean speed, km/h, if known.
    public var avgSpeedKMH: Double?
    /// Net climb per km, (elevation gain - loss) / distance, m/km, if known.
    public var gradeMPerKM: Double?
    /// Passengers and load above the empty vehicle, kg, if known.
    public var payloadKG: Double?
    /// Trip start; needed only for a time-split validation.
    public var start: Date?
    /// Source line in the telematics file, for messages; `nil` when not from a file.
    public var sourceLine: Int?

    public init(distanceKM: Double, energyKWh: Double, ambientC: Double, avgSpeedKMH: Double? = nil,
                gradeMPerKM: Double? = nil, payloadKG: Double? = nil, start: Date? = nil, sourceLine: Int? = nil) {
        self.distanceKM = distanceKM
        self.energyKWh = energyKWh
        self.ambientC = ambientC
        self.avgSpeedKMH = avgSpeedKMH
        self.gradeMPerKM = gradeMPerKM
        self.payloadKG = payloadKG
        self.start = start
        self.sourceLine = sourceLine
    }

    /// From a telematics row. Grade is computed only when both gain and loss are present.
    public init(_ record: TelematicsRecord) {
        var grade: Double?
        if let gain = record.elevationGainM, let loss = record.elevationLossM {
            grade = (gain - loss) / record.distanceKM
        }
        self.init(distanceKM: record.distanceKM, energyKWh: record.energyKWh, ambientC: record.ambientC,
                  avgSpeedKMH: record.avgSpeedKMH, gradeMPerKM: grade, payloadKG: record.payloadKG,
                  start: record.start, sourceLine: record.line)
    }

    /// From a simulated trip. Speed is distance over the trip's duration; grade and payload are
    /// not recorded by the engine, so they are left unknown.
    public init(trip: TripRecord) {
        let hours = (trip.arrivalTime - trip.departureTime) / 3600
        self.init(distanceKM: trip.distanceKM, energyKWh: trip.energyKWh, ambientC: trip.ambientC,
                  avgSpeedKMH: hours > 0 ? trip.distanceKM / hours : nil,
                  start: Date(timeIntervalSince1970: trip.departureTime))
    }

    /// The fit target, kWh/km.
    public var kWhPerKM: Double { energyKWh / distanceKM }
}
