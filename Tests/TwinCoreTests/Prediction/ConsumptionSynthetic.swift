import Foundation
@testable import TwinCore

/// Trips drawn from a known model, for recovery tests.
///
/// Truth: kWh/km = 1.1 + 0.025·heating + 0.03·cooling + 0.004·grade + ε, with ε ~ N(0, σ₀²/d):
/// a trip's kWh/km is an average over d km, so its noise shrinks as 1/√d. That is exactly the
/// model distance-weighted least squares is efficient for, so the reported standard errors are
/// the right yardstick for the recovery tolerance.
enum ConsumptionSynthetic {
    static let truth: [ConsumptionFeature: Double] = [.intercept: 1.1, .heatingDegrees: 0.025, .coolingDegrees: 0.03, .grade: 0.004]
    /// kWh/km noise on a 1 km trip; 0.1 kWh/km on a 9 km trip.
    static let sigma0 = 0.3
    static let epoch = Date(timeIntervalSince1970: 1_704_067_200) // 2024-01-01T00:00:00Z

    static func trueKWhPerKM(ambientC: Double, gradeMPerKM: Double) -> Double {
        1.1 + 0.025 * max(0, 18 - ambientC) + 0.03 * max(0, ambientC - 22) + 0.004 * gradeMPerKM
    }

    struct Trip {
        var distanceKM, energyKWh, ambientC, gainM, lossM: Double
        var start: Date
        var end: Date
    }

    /// `count` trips, one every 6 hours from 2024-01-01, ambient -10...35 °C, grade -15...15 m/km.
    static func trips(count: Int, seed: UInt64 = 42) -> [Trip] {
        var random = PredictionRandom(seed: seed)
        return (0..<count).map { i in
            let distance = 5 + 35 * random.nextUnit()
            let ambient = -10 + 45 * random.nextUnit()
            let grade = -15 + 30 * random.nextUnit()
            // Hilly route: some climb both ways, net climb = grade x distance.
            let both = 20 + 50 * random.nextUnit()
            let net = grade * distance
            let gain = both + max(0, net), loss = both + max(0, -net)
            let perKM = trueKWhPerKM(ambientC: ambient, gradeMPerKM: grade) + sigma0 / distance.squareRoot() * random.nextGaussian()
            let start = epoch.addingTimeInterval(Double(i) * 6 * 3600)
            return Trip(distanceKM: distance, energyKWh: perKM * distance, ambientC: ambient, gainM: gain, lossM: loss,
                        start: start, end: start.addingTimeInterval(distance / 20 * 3600))
        }
    }

    /// The trips as a telematics CSV with CRLF line ends and quoted vehicle names (one with a comma).
    static func csv(_ trips: [Trip]) -> String {
        let iso = ISO8601DateFormatter()
        var lines = ["vehicle,start,end,distance_km,energy_kwh,ambient_c,elevation_gain_m,elevation_loss_m"]
        for (i, trip) in trips.enumerated() {
            let vehicle = i % 2 == 0 ? "\"Bus, \"\"A\"\"\"" : "bus-\(i % 7)"
            lines.append("\(vehicle),\(iso.string(from: trip.start)),\(iso.string(from: trip.end)),\(trip.distanceKM),\(trip.energyKWh),\(trip.ambientC),\(trip.gainM),\(trip.lossM)")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func samples(count: Int, seed: UInt64 = 42) throws -> [ConsumptionSample] {
        try TelematicsCSV.parse(csv(trips(count: count, seed: seed))).map(ConsumptionSample.init)
    }
}
