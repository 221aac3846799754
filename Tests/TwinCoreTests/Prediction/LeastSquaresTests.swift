import Testing
@testable import TwinCore

@Test func leastSquaresSolvesAnExactLine() throws {
    // y = 2 + 3x exactly: coefficients exact to rounding, residual variance ~ 0.
    let xs = [0.0, 1, 2, 3, 4, 5]
    let solution = try LeastSquares.solve(design: xs.map { [1, $0] }, target: xs.map { 2 + 3 * $0 },
                                          weights: xs.map { 1 + $0 })
    #expect(abs(solution.coefficients[0] - 2) < 1e-12)
    #expect(abs(solution.coefficients[1] - 3) < 1e-12)
    #expect(solution.residualVariance < 1e-20)
}

@Test func leastSquaresRefusesCollinearColumnsNamingTheColumn() throws {
    let xs = [1.0, 2, 3, 4, 5, 6]
    // Column 2 = 2 x column 1.
    #expect(throws: LeastSquaresError.self) {
        try LeastSquares.solve(design: xs.map { [1, $0, 2 * $0] }, target: xs, weights: xs.map { _ in 1 })
    }
    do {
        _ = try LeastSquares.solve(design: xs.map { [1, $0, 2 * $0] }, target: xs, weights: xs.map { _ in 1 })
    } catch let LeastSquaresError.singular(column, reason) {
        #expect(column == 2)
        #expect(reason.contains("linear combination"))
    }
    do {
        _ = try LeastSquares.solve(design: xs.map { [1, 0 * $0] }, target: xs, weights: xs.map { _ in 1 })
    } catch let LeastSquaresError.singular(column, reason) {
        #expect(column == 1)
        #expect(reason.contains("zero in every row"))
    }
}

@Test func ridgeShrinksSlopeButNotIntercept() throws {
    let xs = (0..<20).map(Double.init)
    let design = xs.map { [1, $0] }
    let target = xs.map { 5 + 0.5 * $0 }
    let weights = xs.map { _ in 1.0 }
    let plain = try LeastSquares.solve(design: design, target: target, weights: weights)
    let ridge = try LeastSquares.solve(design: design, target: target, weights: weights, ridgeLambda: 1, penalised: [false, true])
    #expect(abs(plain.coefficients[1] - 0.5) < 1e-12)
    // Standardised ridge with λ = 1 halves a slope on centred data: β = Sxy / (Sxx (1 + λ)).
    #expect(abs(ridge.coefficients[1] - 0.25) < 1e-12)
    // Unpenalised intercept keeps the fit through the means.
    #expect(abs(ridge.coefficients[0] + ridge.coefficients[1] * 9.5 - (5 + 0.5 * 9.5)) < 1e-12)
}

@Test func choleskyOfAKnownMatrix() throws {
    let l = try LeastSquares.cholesky([[1, 0.5], [0.5, 1]])
    #expect(abs(l[1][0] - 0.5) < 1e-15)
    #expect(abs(l[1][1] - 0.75.squareRoot()) < 1e-15)
    #expect(throws: LeastSquaresError.self) { try LeastSquares.cholesky([[1, 1], [1, 1]]) }
}

@Test func seededShuffleIsDeterministic() {
    var a = PredictionRandom(seed: 7), b = PredictionRandom(seed: 7)
    var x = Array(0..<50), y = Array(0..<50)
    a.shuffle(&x)
    b.shuffle(&y)
    #expect(x == y)
    #expect(x != Array(0..<50))
    #expect(x.sorted() == Array(0..<50))
    // SplitMix64 reference value for seed 0 (first output).
    var zero = PredictionRandom(seed: 0)
    #expect(zero.next() == 0xE220_A839_7B1D_CDAF)
}
