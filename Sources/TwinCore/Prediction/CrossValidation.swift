/// How held-out accuracy is measured.
public enum ConsumptionValidationMethod: Equatable, Sendable {
    /// Rows are shuffled with `PredictionRandom(seed:)` and dealt into `k` folds; each fold is
    /// predicted by a model fitted on the others, and the pooled held-out predictions are scored.
    case kFold(k: Int = 5, seed: UInt64 = 0)
    /// Train on the earliest `trainFraction` of rows by start time, score on the rest. Closer to
    /// how the model is used (fit on the past, predict the future); needs a start time on every row.
    case timeSplit(trainFraction: Double = 0.8)

    /// Five folds, seed 0.
    public static let `default` = ConsumptionValidationMethod.kFold(k: 5, seed: 0)
}

/// Accuracy of predictions on a set of trips, weighted by distance as in the fit.
public struct ConsumptionMetrics: Codable, Equatable, Sendable {
    /// Distance-weighted mean absolute error of kWh/km: Σ dᵢ |rᵢ| / Σ dᵢ, i.e. kWh of error per km driven.
    public var maeKWhPerKM: Double
    /// Distance-weighted R²: 1 - Σ dᵢ rᵢ² / Σ dᵢ (yᵢ - ȳ)², ȳ the weighted mean. Can be negative out of sample.
    public var r2: Double
    /// Number of trips scored.
    public var rows: Int

    public init(maeKWhPerKM: Double, r2: Double, rows: Int) {
        self.maeKWhPerKM = maeKWhPerKM
        self.r2 = r2
        self.rows = rows
    }

    enum CodingKeys: String, CodingKey {
        case maeKWhPerKM = "mae_kwh_per_km"
        case r2
        case rows
    }

    /// Scores predicted against observed kWh/km with distance weights. O(n).
    public static func score(predicted: [Double], observed: [Double], distanceKM: [Double]) -> ConsumptionMetrics {
        let total = distanceKM.reduce(0, +)
        guard total > 0 else { return ConsumptionMetrics(maeKWhPerKM: 0, r2: 0, rows: 0) }
        var mean = 0.0
        for i in observed.indices { mean += distanceKM[i] * observed[i] }
        mean /= total
        var absolute = 0.0, residual = 0.0, spread = 0.0
        for i in observed.indices {
            let r = observed[i] - predicted[i]
            absolute += distanceKM[i] * abs(r)
            residual += distanceKM[i] * r * r
            spread += distanceKM[i] * (observed[i] - mean) * (observed[i] - mean)
        }
        // With no spread in the target there is nothing to explain; report 0 rather than NaN.
        let r2 = spread > 0 ? 1 - residual / spread : 0
        return ConsumptionMetrics(maeKWhPerKM: absolute / total, r2: r2, rows: observed.count)
    }
}

/// Held-out evaluation of the consumption regression.
public enum ConsumptionCrossValidation {
    /// Fold index (0..<k) of each of `count` rows: a seeded shuffle of 0..<count dealt round-robin,
    /// so fold sizes differ by at most one and the assignment depends only on (count, k, seed). O(count).
    public static func foldAssignment(count: Int, k: Int, seed: UInt64) -> [Int] {
        var order = Array(0..<count)
        var random = PredictionRandom(seed: seed)
        random.shuffle(&order)
        var fold = Array(repeating: 0, count: count)
        for (position, row) in order.enumerated() { fold[row] = position % k }
        return fold
    }

    /// Held-out metrics for `features` with ridge `lambda` under `method`.
    ///
    /// - Throws: ``FitDataError`` if the method cannot be applied (bad k, missing start times, an
    ///   empty side of the split) or a training part is singular (named with its fold).
    /// - Complexity: k fits, O(k n p²) for k-fold; one fit for a time split.
    public static func evaluate(_ samples: [ConsumptionSample], features: [ConsumptionFeature], ridgeLambda: Double,
                                method: ConsumptionValidationMethod) throws -> ConsumptionMetrics {
        switch method {
        case let .kFold(k, seed):
            guard k >= 2, k <= samples.count else {
                throw FitDataError(row: nil, column: nil, message: "k-fold needs 2 <= k <= rows (\(samples.count)); got k = \(k)")
            }
            let fold = foldAssignment(count: samples.count, k: k, seed: seed)
            var predicted = Array(repeating: 0.0, count: samples.count)
            for f in 0..<k {
                let train = samples.indices.filter { fold[$0] != f }.map { samples[$0] }
                let coefficients = try ConsumptionFitter.solve(train, features: features, ridgeLambda: ridgeLambda,
                                                               context: "fold \(f + 1) of \(k)").coefficients
                for i in samples.indices where fold[i] == f {
                    predicted[i] = ConsumptionFitter.predict(samples[i], features: features, coefficients: coefficients)
                }
            }
            return ConsumptionMetrics.score(predicted: predicted, observed: samples.map(\.kWhPerKM),
                                            distanceKM: samples.map(\.distanceKM))

        case let .timeSplit(fraction):
            guard fraction > 0, fraction < 1 else {
                throw FitDataError(row: nil, column: nil, message: "time split fraction must be in (0, 1); got \(fraction)")
            }
            if let undated = samples.first(where: { $0.start == nil }) {
                throw FitDataError(row: undated.sourceLine, column: "start",
                                   message: "a time split needs a start time on every trip; use k-fold instead")
            }
            // Stable sort: ties keep file order, so the split is deterministic.
            let ordered = samples.enumerated().sorted { ($0.element.start!, $0.offset) < ($1.element.start!, $1.offset) }.map(\.element)
            let cut = Int((Double(ordered.count) * fraction).rounded(.down))
            guard cut > 0, cut < ordered.count else {
                throw FitDataError(row: nil, column: nil, message: "a \(fraction) time split of \(ordered.count) rows leaves one side empty")
            }
            let train = Array(ordered[..<cut]), test = Array(ordered[cut...])
            let coefficients = try ConsumptionFitter.solve(train, features: features, ridgeLambda: ridgeLambda,
                                                           context: "time-split training part").coefficients
            return ConsumptionMetrics.score(
                predicted: test.map { ConsumptionFitter.predict($0, features: features, coefficients: coefficients) },
                observed: test.map(\.kWhPerKM), distanceKM: test.map(\.distanceKM))
        }
    }
}
