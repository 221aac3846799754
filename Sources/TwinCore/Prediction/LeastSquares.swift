/// Why a least-squares problem was refused.
public enum LeastSquaresError: Error, Equatable, Sendable {
    /// Column `column` is zero, or (nearly) a linear combination of the columns before it, so its
    /// coefficient is not determined by the data. `reason` says which.
    case singular(column: Int, reason: String)
    /// Fewer rows than unknowns + 1: no degrees of freedom are left to estimate the noise.
    case tooFewRows(rows: Int, unknowns: Int)
    /// Rows, targets and weights disagree in length, or a weight is not positive and finite.
    case invalidInput(String)
}

/// The result of a weighted (ridge) least-squares fit.
public struct LeastSquaresSolution: Equatable, Sendable {
    /// One per design column, in column order.
    public var coefficients: [Double]
    /// Standard error of each coefficient: sqrt(σ² · (XᵀWX + Λ)⁻¹ⱼⱼ). Exact for λ = 0 when the
    /// noise variance of row i is σ²/wᵢ; with ridge it ignores the shrinkage bias (approximate).
    public var standardErrors: [Double]
    /// σ² = Σ wᵢ rᵢ² / (n - p), the weighted residual variance.
    public var residualVariance: Double
    /// Estimate of the 2-norm condition number of the column-equilibrated normal matrix,
    /// (max Lᵢᵢ / min Lᵢᵢ)² from its Cholesky factor: a lower bound, good enough to warn on.
    public var conditionEstimate: Double
}

/// Weighted linear least squares with optional ridge, by the normal equations and a Cholesky
/// factorisation.
///
/// Why the normal equations: the models here have at most six columns and thousands of rows, so
/// forming XᵀWX (O(n p²)) and factorising it (O(p³)) is cheap, and the squared condition number is
/// harmless after equilibration. Why equilibrate: features come in very different units (K, km/h,
/// m/km, t), and scaling XᵀWX to a unit diagonal makes the pivot test below unit-free.
public enum LeastSquares {
    /// A Cholesky pivot of the equilibrated normal matrix below this means the column is
    /// explained by earlier columns to 1 part in 10¹⁰ (the pivot is 1 - R² of that regression):
    /// the fit would be numerically arbitrary, so it is refused.
    public static let pivotTolerance = 1e-10

    /// Minimises Σ wᵢ (yᵢ - xᵢ·β)² + λ · Σw · Σⱼ penalisedⱼ · sⱼ² βⱼ².
    ///
    /// `sⱼ` is the weighted standard deviation of column j, so λ is dimensionless and means the
    /// same for every feature whatever its unit (standardised ridge); λ = 0 is ordinary WLS.
    ///
    /// - Parameters:
    ///   - design: n rows of p values (the caller includes a column of ones for an intercept).
    ///   - target: n values.
    ///   - weights: n positive weights.
    ///   - ridgeLambda: λ ≥ 0.
    ///   - penalised: p flags; `false` for the intercept.
    /// - Returns: coefficients, standard errors, residual variance, condition estimate.
    /// - Throws: ``LeastSquaresError``.
    /// - Complexity: O(n p² + p³).
    public static func solve(design: [[Double]], target: [Double], weights: [Double], ridgeLambda: Double = 0,
                             penalised: [Bool]? = nil) throws -> LeastSquaresSolution {
        let n = design.count
        guard n == target.count, n == weights.count else {
            throw LeastSquaresError.invalidInput("design has \(n) rows, target \(target.count), weights \(weights.count)")
        }
        let p = design.first?.count ?? 0
        guard p > 0 else { throw LeastSquaresError.invalidInput("design has no columns") }
        guard design.allSatisfy({ $0.count == p }) else { throw LeastSquaresError.invalidInput("design rows differ in length") }
        guard weights.allSatisfy({ $0 > 0 && $0.isFinite }) else { throw LeastSquaresError.invalidInput("weights must be positive and finite") }
        guard ridgeLambda >= 0, ridgeLambda.isFinite else { throw LeastSquaresError.invalidInput("ridge lambda must be >= 0") }
        let penalise = penalised ?? Array(repeating: true, count: p)
        guard penalise.count == p else { throw LeastSquaresError.invalidInput("penalised has \(penalise.count) flags for \(p) columns") }
        guard n > p else { throw LeastSquaresError.tooFewRows(rows: n, unknowns: p) }

        // Normal equations A = XᵀWX, b = XᵀWy.
        var a = Array(repeating: Array(repeating: 0.0, count: p), count: p)
        var b = Array(repeating: 0.0, count: p)
        var totalWeight = 0.0
        var weightedSum = Array(repeating: 0.0, count: p)
        for i in 0..<n {
            let w = weights[i], x = design[i]
            totalWeight += w
            for j in 0..<p {
                let wx = w * x[j]
                weightedSum[j] += wx
                b[j] += wx * target[i]
                for k in 0...j { a[j][k] += wx * x[k] }
            }
        }
        for j in 0..<p { for k in 0..<j { a[k][j] = a[j][k] } }

        // Standardised ridge: λ Σw sⱼ² with sⱼ² = E_w[x²] - E_w[x]², i.e. (A_jj - (Σwx)²/Σw).
        if ridgeLambda > 0 {
            for j in 0..<p where penalise[j] {
                let variance = max(0, a[j][j] - weightedSum[j] * weightedSum[j] / totalWeight)
                a[j][j] += ridgeLambda * variance
            }
        }

        // Equilibrate: S = D^-1/2 A D^-1/2 has a unit diagonal.
        var scale = Array(repeating: 0.0, count: p)
        for j in 0..<p {
            guard a[j][j] > 0 else {
                throw LeastSquaresError.singular(column: j, reason: "the column is zero in every row")
            }
            scale[j] = 1 / a[j][j].squareRoot()
        }
        var s = a
        for j in 0..<p { for k in 0..<p { s[j][k] *= scale[j] * scale[k] } }
        let l = try cholesky(s)

        let scaledB = (0..<p).map { b[$0] * scale[$0] }
        let y = solve(cholesky: l, scaledB)
        let coefficients = (0..<p).map { y[$0] * scale[$0] }

        var rss = 0.0
        for i in 0..<n {
            var fitted = 0.0
            for j in 0..<p { fitted += design[i][j] * coefficients[j] }
            let r = target[i] - fitted
            rss += weights[i] * r * r
        }
        let variance = rss / Double(n - p)

        // Diagonal of A⁻¹ = D^-1/2 S⁻¹ D^-1/2, column by column of S⁻¹.
        var standardErrors = Array(repeating: 0.0, count: p)
        for j in 0..<p {
            var unit = Array(repeating: 0.0, count: p)
            unit[j] = 1
            let column = solve(cholesky: l, unit)
            standardErrors[j] = (variance * column[j] * scale[j] * scale[j]).squareRoot()
        }
        let diagonal = (0..<p).map { l[$0][$0] }
        let ratio = (diagonal.max() ?? 1) / (diagonal.min() ?? 1)
        return LeastSquaresSolution(coefficients: coefficients, standardErrors: standardErrors,
                                    residualVariance: variance, conditionEstimate: ratio * ratio)
    }

    /// Lower-triangular L with L Lᵀ = `matrix`, for a symmetric matrix with unit diagonal.
    ///
    /// - Throws: ``LeastSquaresError/singular(column:reason:)`` when a pivot falls below
    ///   ``pivotTolerance`` (the matrix is not safely positive definite).
    /// - Complexity: O(p³).
    public static func cholesky(_ matrix: [[Double]]) throws -> [[Double]] {
        let p = matrix.count
        var l = Array(repeating: Array(repeating: 0.0, count: p), count: p)
        for j in 0..<p {
            var pivot = matrix[j][j]
            for k in 0..<j { pivot -= l[j][k] * l[j][k] }
            guard pivot > pivotTolerance, pivot.isFinite else {
                throw LeastSquaresError.singular(
                    column: j,
                    reason: "the column is a linear combination of the earlier columns (1 - R² = \(max(pivot, 0)))")
            }
            let d = pivot.squareRoot()
            l[j][j] = d
            for i in (j + 1)..<p {
                var sum = matrix[i][j]
                for k in 0..<j { sum -= l[i][k] * l[j][k] }
                l[i][j] = sum / d
            }
        }
        return l
    }

    /// Solves L Lᵀ x = b by forward then back substitution. O(p²).
    public static func solve(cholesky l: [[Double]], _ b: [Double]) -> [Double] {
        let p = b.count
        var z = b
        for i in 0..<p {
            for k in 0..<i { z[i] -= l[i][k] * z[k] }
            z[i] /= l[i][i]
        }
        for i in stride(from: p - 1, through: 0, by: -1) {
            for k in (i + 1)..<p { z[i] -= l[k][i] * z[k] }
            z[i] /= l[i][i]
        }
        return z
    }
}
