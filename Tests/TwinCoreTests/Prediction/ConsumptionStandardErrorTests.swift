import Testing
@testable import TwinCore

/// The recovery test trusts the reported standard errors; this checks that trust over many seeds.
@Test func standardErrorsAreHonestAcrossSeeds() throws {
    let features: [ConsumptionFeature] = [.intercept, .heatingDegrees, .coolingDegrees, .grade]
    var inside = 0, total = 0
    var varianceRatios: [Double] = []
    for seed in UInt64(100)..<UInt64(140) {
        let samples = ConsumptionSynthetic.trips(count: 300, seed: seed).map {
            ConsumptionSample(distanceKM: $0.distanceKM, energyKWh: $0.energyKWh, ambientC: $0.ambientC,
                              gradeMPerKM: ($0.gainM - $0.lossM) / $0.distanceKM, start: $0.start)
        }
        let solution = try ConsumptionFitter.solve(samples, features: features, ridgeLambda: 0, context: "test")
        for (j, feature) in features.enumerated() {
            total += 1
            if abs(solution.coefficients[j] - ConsumptionSynthetic.truth[feature]!) <= 2 * solution.standardErrors[j] { inside += 1 }
        }
        varianceRatios.append(solution.residualVariance / (ConsumptionSynthetic.sigma0 * ConsumptionSynthetic.sigma0))
    }
    let coverage = Double(inside) / Double(total)
    let meanRatio = varianceRatios.reduce(0, +) / Double(varianceRatios.count)
    print("±2 SE coverage \(inside)/\(total) = \(coverage); mean σ̂²/σ₀² = \(meanRatio)")
    // Nominal 95.4%; with 160 intervals a binomial 3-sigma low bound is about 90%.
    #expect(coverage >= 0.90)
    // σ̂² is unbiased for σ₀² under the weighting; 40 fits of 296 d.o.f. average within a few %.
    #expect(abs(meanRatio - 1) < 0.05)
}
