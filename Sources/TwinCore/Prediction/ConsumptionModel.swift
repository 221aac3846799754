import Foundation

/// Why a consumption-model document was refused.
public enum ConsumptionModelError: Error, Equatable, Sendable, CustomStringConvertible {
    case unsupportedSchema(found: String)
    case unsupportedVersion(found: Int)
    case invalid(String)

    public var description: String {
        switch self {
        case let .unsupportedSchema(found):
            return "not a consumption model: schema is '\(found)', expected '\(ConsumptionModel.schemaName)'"
        case let .unsupportedVersion(found):
            return "consumption model version \(found) is not supported (this build reads version \(ConsumptionModel.currentVersion)); refit the model or upgrade DepotTwin"
        case let .invalid(reason):
            return "invalid consumption model: \(reason)"
        }
    }
}

/// A fitted energy-per-km model and everything needed to judge and reuse it: a versioned JSON
/// document (schema `depottwin.consumption_model`, version 1).
///
/// Prediction: kWh/km = Σⱼ coefficientⱼ · featureⱼ(conditions). See ``ConsumptionFeature`` for each
/// feature's definition and unit.
public struct ConsumptionModel: Codable, Equatable, Sendable {
    public static let schemaName = "depottwin.consumption_model"
    public static let currentVersion = 1

    /// One regressor with its estimate.
    public struct Feature: Codable, Equatable, Sendable {
        public var feature: ConsumptionFeature
        /// Unit of the feature's value (the coefficient is kWh/km per this unit).
        public var unit: String
        public var description: String
        /// Estimated coefficient, kWh/km per `unit`.
        public var coefficient: Double
        /// Its standard error (approximate when ridge lambda > 0).
        public var standardError: Double
        /// Distance-weighted mean of the feature over the training trips; stands in for a missing
        /// input at prediction time (a weighted least-squares fit passes through the weighted means).
        public var trainingMean: Double

        public init(feature: ConsumptionFeature, coefficient: Double, standardError: Double, trainingMean: Double) {
            self.feature = feature
            self.unit = feature.unit
            self.description = feature.summary
            self.coefficient = coefficient
            self.standardError = standardError
            self.trainingMean = trainingMean
        }

        enum CodingKeys: String, CodingKey {
            case feature = "name", unit, description, coefficient
            case standardError = "standard_error"
            case trainingMean = "training_mean"
        }
    }

    /// How the held-out figures were obtained, and the figures.
    public struct Validation: Codable, Equatable, Sendable {
        /// `k_fold` or `time_split`.
        public var method: String
        public var folds: Int?
        public var seed: UInt64?
        public var trainFraction: Double?
        public var heldOut: ConsumptionMetrics
        /// The final model scored on the data it was fitted on (optimistic; compare with `heldOut`).
        public var training: ConsumptionMetrics

        public init(method: ConsumptionValidationMethod, heldOut: ConsumptionMetrics, training: ConsumptionMetrics) {
            switch method {
            case let .kFold(k, seed):
                self.method = "k_fold"
                folds = k
                self.seed = seed
            case let .timeSplit(fraction):
                self.method = "time_split"
                trainFraction = fraction
            }
            self.heldOut = heldOut
            self.training = training
        }

        enum CodingKeys: String, CodingKey {
            case method, folds, seed
            case trainFraction = "train_fraction"
            case heldOut = "held_out"
            case training
        }
    }

    /// What the model was fitted on, so a user can see whether a prediction extrapolates.
    public struct TrainingData: Codable, Equatable, Sendable {
        public var rows: Int
        public var totalKM: Double
        public var totalKWh: Double
        public var ambientMinC: Double
        public var ambientMaxC: Double
        /// Earliest and latest trip start, ISO 8601 UTC; `nil` when samples carry no times.
        public var firstStart: String?
        public var lastStart: String?

        public init(rows: Int, totalKM: Double, totalKWh: Double, ambientMinC: Double, ambientMaxC: Double,
                    firstStart: String?, lastStart: String?) {
            self.rows = rows
            self.totalKM = totalKM
            self.totalKWh = totalKWh
            self.ambientMinC = ambientMinC
            self.ambientMaxC = ambientMaxC
            self.firstStart = firstStart
            self.lastStart = lastStart
        }

        enum CodingKeys: String, CodingKey {
            case rows
            case totalKM = "total_km"
            case totalKWh = "total_kwh"
            case ambientMinC = "ambient_min_c"
            case ambientMaxC = "ambient_max_c"
            case firstStart = "first_start"
            case lastStart = "last_start"
        }
    }

    public var schema: String = ConsumptionModel.schemaName
    public var version: Int = ConsumptionModel.currentVersion
    public var name: String
    /// ISO 8601 UTC. Kept as text so the document round-trips byte for byte.
    public var createdAt: String
    /// Unit of what the model predicts.
    public var targetUnit: String = "kWh/km"
    public var features: [Feature]
    /// Standardised ridge strength (dimensionless; 0 = plain weighted least squares).
    public var ridgeLambda: Double
    public var validation: Validation
    public var trainingData: TrainingData
    /// Why features were left out, and other caveats.
    public var notes: [String]

    public init(name: String, createdAt: String, features: [Feature], ridgeLambda: Double, validation: Validation,
                trainingData: TrainingData, notes: [String] = []) {
        self.name = name
        self.createdAt = createdAt
        self.features = features
        self.ridgeLambda = ridgeLambda
        self.validation = validation
        self.trainingData = trainingData
        self.notes = notes
    }

    enum CodingKeys: String, CodingKey {
        case schema, version, name
        case createdAt = "created_at"
        case targetUnit = "target_unit"
        case features
        case ridgeLambda = "ridge_lambda"
        case validation
        case trainingData = "training_data"
        case notes
    }

    /// Decodes, refusing another schema or version before reading anything else, so an old or
    /// foreign file gives that reason rather than a missing-key error.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schema = try container.decode(String.self, forKey: .schema)
        guard schema == Self.schemaName else { throw ConsumptionModelError.unsupportedSchema(found: schema) }
        version = try container.decode(Int.self, forKey: .version)
        guard version == Self.currentVersion else { throw ConsumptionModelError.unsupportedVersion(found: version) }
        name = try container.decode(String.self, forKey: .name)
        createdAt = try container.decode(String.self, forKey: .createdAt)
        targetUnit = try container.decode(String.self, forKey: .targetUnit)
        guard targetUnit == "kWh/km" else { throw ConsumptionModelError.invalid("target_unit is '\(targetUnit)', expected 'kWh/km'") }
        features = try container.decode([Feature].self, forKey: .features)
        guard features.contains(where: { $0.feature == .intercept }) else { throw ConsumptionModelError.invalid("no intercept feature") }
        guard Set(features.map(\.feature)).count == features.count else { throw ConsumptionModelError.invalid("a feature is listed twice") }
        ridgeLambda = try container.decode(Double.self, forKey: .ridgeLambda)
        validation = try container.decode(Validation.self, forKey: .validation)
        trainingData = try container.decode(TrainingData.self, forKey: .trainingData)
        notes = try container.decode([String].self, forKey: .notes)
    }

    /// The document as UTF-8 JSON with sorted keys, indentation and unescaped "/" (units read
    /// "kWh/km"), so it diffs well and the same model always gives the same bytes. O(size).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Reads a document written by ``jsonData()``.
    /// - Throws: ``ConsumptionModelError`` for another schema or version or an inconsistent model;
    ///   `DecodingError` for malformed JSON or missing fields.
    public static func decode(from data: Data) throws -> ConsumptionModel {
        try JSONDecoder().decode(ConsumptionModel.self, from: data)
    }

    /// Coefficients by feature name.
    public var coefficients: [ConsumptionFeature: Double] {
        Dictionary(uniqueKeysWithValues: features.map { ($0.feature, $0.coefficient) })
    }

    /// Predicted energy per km, kWh/km, for one trip's conditions. O(number of features).
    ///
    /// An optional input that is `nil` (or that the model has as a feature but the caller does not
    /// know) is replaced by that feature's training mean, i.e. "a typical trip" in that respect.
    /// Inputs the model has no feature for are ignored. The result is not clamped: outside the
    /// training temperature range (see ``trainingData``) it is an extrapolation.
    /// - Parameters:
    ///   - ambientC: ambient temperature, °C.
    ///   - avgSpeedKMH: mean speed, km/h.
    ///   - gradeMPerKM: net climb per km, m/km.
    ///   - payloadKG: payload, kg.
    public func predictKWhPerKM(ambientC: Double, avgSpeedKMH: Double? = nil, gradeMPerKM: Double? = nil,
                                payloadKG: Double? = nil) -> Double {
        features.reduce(0) { sum, entry in
            let x = entry.feature.value(ambientC: ambientC, avgSpeedKMH: avgSpeedKMH, gradeMPerKM: gradeMPerKM,
                                        payloadKG: payloadKG) ?? entry.trainingMean
            return sum + entry.coefficient * x
        }
    }
}
