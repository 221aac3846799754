/// A regressor of the consumption model. The target is energy per distance, kWh/km, so each
/// coefficient is in kWh/km per unit of its feature.
public enum ConsumptionFeature: String, CaseIterable, Codable, Sendable {
    /// Constant 1: consumption at mild temperature, zero grade, and (where present) zero speed and payload.
    case intercept
    /// max(0, 18 - T) [K]: heating demand grows roughly linearly below the heating base temperature.
    case heatingDegrees = "heating_degrees"
    /// max(0, T - 22) [K]: cooling demand above the cooling base; between 18 and 22 °C neither runs.
    case coolingDegrees = "cooling_degrees"
    /// Mean trip speed [km/h]; used only when every row has it.
    case avgSpeed = "avg_speed"
    /// (elevation gain - loss) / distance [m/km]; used only when every row has it.
    case grade
    /// Payload [t] (the CSV gives kg; tonnes keep the coefficient near 0.01-0.1); used only when every row has it.
    case payload

    /// Below this, cabin heating runs, °C.
    public static let heatingBaseC = 18.0
    /// Above this, cabin cooling runs, °C.
    public static let coolingBaseC = 22.0

    /// Unit of the feature's value.
    public var unit: String {
        switch self {
        case .intercept: return "1"
        case .heatingDegrees, .coolingDegrees: return "K"
        case .avgSpeed: return "km/h"
        case .grade: return "m/km"
        case .payload: return "t"
        }
    }

    /// One line for the model document.
    public var summary: String {
        switch self {
        case .intercept: return "constant term, kWh/km at 18-22 °C, level road (and zero speed/payload where those are features)"
        case .heatingDegrees: return "max(0, 18 - ambient_c): heating degrees below 18 °C"
        case .coolingDegrees: return "max(0, ambient_c - 22): cooling degrees above 22 °C"
        case .avgSpeed: return "mean trip speed"
        case .grade: return "(elevation_gain_m - elevation_loss_m) / distance_km, net climb per km"
        case .payload: return "payload_kg / 1000"
        }
    }

    /// Whether ridge shrinks this coefficient. The intercept is not penalised, so ridge shrinks
    /// effects towards "no effect", not the overall level towards zero.
    public var isPenalised: Bool { self != .intercept }

    /// The feature's value for given conditions, or `nil` if an input it needs is missing.
    public func value(ambientC: Double, avgSpeedKMH: Double?, gradeMPerKM: Double?, payloadKG: Double?) -> Double? {
        switch self {
        case .intercept: return 1
        case .heatingDegrees: return max(0, Self.heatingBaseC - ambientC)
        case .coolingDegrees: return max(0, ambientC - Self.coolingBaseC)
        case .avgSpeed: return avgSpeedKMH
        case .grade: return gradeMPerKM
        case .payload: return payloadKG.map { $0 / 1000 }
        }
    }

    /// The feature's value for a sample, or `nil` if the sample lacks the input.
    public func value(for sample: ConsumptionSample) -> Double? {
        value(ambientC: sample.ambientC, avgSpeedKMH: sample.avgSpeedKMH, gradeMPerKM: sample.gradeMPerKM,
              payloadKG: sample.payloadKG)
    }

    /// The features a data set supports: intercept and the two temperature terms always, each
    /// optional one only if every sample has it (imputing a feature we are fitting would bias it).
    /// A temperature term that is zero in every sample (e.g. summer-only data has no heating
    /// degrees) is left out, as it cannot be identified; the caller records why. O(n).
    public static func supported(by samples: [ConsumptionSample]) -> (features: [ConsumptionFeature], dropped: [String]) {
        var features: [ConsumptionFeature] = [.intercept]
        var dropped: [String] = []
        for feature in [ConsumptionFeature.heatingDegrees, .coolingDegrees] {
            if samples.contains(where: { (feature.value(for: $0) ?? 0) > 0 }) {
                features.append(feature)
            } else {
                dropped.append("\(feature.rawValue): zero in every row (no trip \(feature == .heatingDegrees ? "below 18" : "above 22") °C), cannot be estimated")
            }
        }
        for feature in [ConsumptionFeature.avgSpeed, .grade, .payload] {
            let have = samples.filter { feature.value(for: $0) != nil }.count
            if have == samples.count, !samples.isEmpty {
                features.append(feature)
            } else if have > 0 {
                dropped.append("\(feature.rawValue): present in only \(have) of \(samples.count) rows")
            }
        }
        return (features, dropped)
    }
}
