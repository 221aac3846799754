import Foundation

/// Choices for ``ConsumptionFitter/fit(_:options:)``.
public struct ConsumptionFitOptions: Sendable {
    /// Name stored in the model document.
    public var name: String
    /// Standardised ridge strength λ ≥ 0 (see ``LeastSquares/solve(design:target:weights:ridgeLambda:penalised:)``).
    /// 0 is plain weighted least squares; try 0.01-0.1 when optional features are strongly correlated.
    public var ridgeLambda: Double
    public var validation: ConsumptionValidationMethod
    /// Features not to use even if the data has them (the intercept cannot be excluded).
    public var excludedFeatures: Set<ConsumptionFeature>
    /// Stored as `created_at`; fixed in tests so documents are reproducible.
    public var createdAt: Date

    public init(name: String = "consumption", ridgeLambda: Double = 0,
                validation: ConsumptionValidationMethod = .default,
                excludedFeatures: Set<ConsumptionFeature> = [], createdAt: Date = Date()) {
        self.name = name
        self.ridgeLambda = ridgeLambda
        self.validation = validation
        self.excludedFeatures = excludedFeatures
        self.createdAt = createdAt
    }
}

/// Fits a ``ConsumptionModel`` (kWh/km against temperature and, where the data has them, speed,
/// grade and payload) by distance-weighted least squares and validates it on held-out trips.
///
/// Why weight by distance: a trip's kWh/km is an average over its length, so a 30 km trip pins
/// consumption down far better than a 2 km one (its noise variance is roughly ∝ 1/distance), and
/// the weighted fit minimises the error in kWh over the fleet's kilometres rather than per trip.
public enum ConsumptionFitter {
    /// The fewest rows we fit on: max(10, 5 per feature), so each coefficient rests on enough trips
    /// for its standard error to mean something and cross-validation folds stay solvable.
    public static func minimumRows(featureCount: Int) -> Int { max(10, 5 * featureCount) }

    /// Fits, validates and documents a model.
    ///
    /// - Parameters:
    ///   - samples: checked trips (e.g. `TelematicsCSV.parse(text).map(ConsumptionSample.init)`).
    ///   - options: name, ridge λ, validation method, exclusions.
    /// - Returns: the model with coefficients, standard errors, held-out and training metrics.
    /// - Throws: ``FitDataError`` for too few rows, an invalid validation set-up, or a singular fit
    ///   (naming the feature that the data cannot separate from the others).
    /// - Complexity: O(k n p²) with k folds (p ≤ 6 features).
    public static func fit(_ samples: [ConsumptionSample], options: ConsumptionFitOptions = ConsumptionFitOptions()) throws -> ConsumptionModel {
        for sample in samples where !(sample.distanceKM > 0 && sample.distanceKM.isFinite) {
            throw FitDataError(row: sample.sourceLine, column: "distance_km", message: "distance must be positive and finite; got \(sample.distanceKM)")
        }
        for sample in samples where !(sample.energyKWh.isFinite && sample.ambientC.isFinite) {
            throw FitDataError(row: sample.sourceLine, column: sample.energyKWh.isFinite ? "ambient_c" : "energy_kwh",
                               message: "value is not finite")
        }
        var (features, notes) = ConsumptionFeature.supported(by: samples)
        for excluded in options.excludedFeatures where excluded != .intercept && features.contains(excluded) {
            features.removeAll { $0 == excluded }
            notes.append("\(excluded.rawValue): excluded by the caller")
        }
        let needed = minimumRows(featureCount: features.count)
        guard samples.count >= needed else {
            throw FitDataError(
                row: nil, column: nil,
                message: "too few rows to fit \(features.count) features (\(features.map(\.rawValue).joined(separator: ", "))): have \(samples.count), need at least \(needed) = max(10, 5 x features); add trips or exclude features")
        }

        let solution = try solve(samples, features: features, ridgeLambda: options.ridgeLambda, context: "full data")
        if solution.conditionEstimate > 1e8 {
            notes.append("normal matrix is poorly conditioned (estimate \(String(format: "%.2g", solution.conditionEstimate))); features are nearly collinear, consider ridge_lambda > 0")
        }
        let heldOut = try ConsumptionCrossValidation.evaluate(samples, features: features, ridgeLambda: options.ridgeLambda,
                                                              method: options.validation)
        let training = ConsumptionMetrics.score(
            predicted: samples.map { predict($0, features: features, coefficients: solution.coefficients) },
            observed: samples.map(\.kWhPerKM), distanceKM: samples.map(\.distanceKM))

        let totalKM = samples.reduce(0) { $0 + $1.distanceKM }
        let entries = features.enumerated().map { j, feature in
            let mean = samples.reduce(0) { $0 + $1.distanceKM * (feature.value(for: $1) ?? 0) } / totalKM
            return ConsumptionModel.Feature(feature: feature, coefficient: solution.coefficients[j],
                                            standardError: solution.standardErrors[j], trainingMean: mean)
        }
        let starts = samples.compactMap(\.start)
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime]
        let trainingData = ConsumptionModel.TrainingData(
            rows: samples.count, totalKM: totalKM, totalKWh: samples.reduce(0) { $0 + $1.energyKWh },
            ambientMinC: samples.map(\.ambientC).min()!, ambientMaxC: samples.map(\.ambientC).max()!,
            firstStart: starts.min().map(iso.string(from:)), lastStart: starts.max().map(iso.string(from:)))
        return ConsumptionModel(
            name: options.name, createdAt: iso.string(from: options.createdAt), features: entries,
            ridgeLambda: options.ridgeLambda,
            validation: ConsumptionModel.Validation(method: options.validation, heldOut: heldOut, training: training),
            trainingData: trainingData, notes: notes)
    }

    /// One weighted least-squares solve, with solver errors turned into ``FitDataError`` that name
    /// the feature and where (`context`) it happened. O(n p²).
    static func solve(_ samples: [ConsumptionSample], features: [ConsumptionFeature], ridgeLambda: Double,
                      context: String) throws -> LeastSquaresSolution {
        let design = samples.map { sample in features.map { $0.value(for: sample) ?? 0 } }
        do {
            return try LeastSquares.solve(design: design, target: samples.map(\.kWhPerKM), weights: samples.map(\.distanceKM),
                                          ridgeLambda: ridgeLambda, penalised: features.map(\.isPenalised))
        } catch let LeastSquaresError.singular(column, reason) {
            throw FitDataError(row: nil, column: features[column].rawValue,
                               message: "cannot fit (\(context)): \(features[column].rawValue) is not identifiable: \(reason); exclude it, add more varied trips, or use ridge_lambda > 0")
        } catch let LeastSquaresError.tooFewRows(rows, unknowns) {
            throw FitDataError(row: nil, column: nil, message: "cannot fit (\(context)): \(rows) rows for \(unknowns) coefficients")
        } catch let LeastSquaresError.invalidInput(reason) {
            throw FitDataError(row: nil, column: nil, message: "cannot fit (\(context)): \(reason)")
        }
    }

    /// kWh/km predicted for a sample by raw coefficients aligned with `features`. O(p).
    static func predict(_ sample: ConsumptionSample, features: [ConsumptionFeature], coefficients: [Double]) -> Double {
        zip(features, coefficients).reduce(0) { $0 + $1.1 * ($1.0.value(for: sample) ?? 0) }
    }
}
