import Foundation
import Testing
@testable import TwinCore

private let fixedDate = Date(timeIntervalSince1970: 1_735_689_600) // 2025-01-01T00:00:00Z

@Test func fitRecoversKnownCoefficients() throws {
    let samples = try ConsumptionSynthetic.samples(count: 600)
    let model = try ConsumptionFitter.fit(samples, options: ConsumptionFitOptions(name: "synthetic", createdAt: fixedDate))
    #expect(model.features.map(\.feature) == [.intercept, .heatingDegrees, .coolingDegrees, .grade])
    for entry in model.features {
        let truth = try #require(ConsumptionSynthetic.truth[entry.feature])
        print("recovered \(entry.feature.rawValue): \(entry.coefficient) ± \(entry.standardError) (true \(truth))")
        // Noise model matches the weights, so SEs are honest: 3 SE is a 99.7% band per coefficient.
        #expect(abs(entry.coefficient - truth) <= 3 * entry.standardError)
        // And the SEs are small enough for the band to mean something (< 15% of each true value).
        #expect(entry.standardError < 0.15 * abs(truth))
    }
    // R²: the fitted model does at least as well on its training data as the truth (least squares
    // minimises the weighted residual), and only a little better (4 parameters vs 600 rows).
    let truthScore = ConsumptionMetrics.score(
        predicted: samples.map { ConsumptionSynthetic.trueKWhPerKM(ambientC: $0.ambientC, gradeMPerKM: $0.gradeMPerKM!) },
        observed: samples.map(\.kWhPerKM), distanceKM: samples.map(\.distanceKM))
    print("R² truth \(truthScore.r2), training \(model.validation.training.r2), held-out \(model.validation.heldOut.r2); held-out MAE \(model.validation.heldOut.maeKWhPerKM)")
    #expect(model.validation.training.r2 >= truthScore.r2 - 1e-12)
    #expect(model.validation.training.r2 - truthScore.r2 < 0.01)
    #expect(abs(model.validation.heldOut.r2 - truthScore.r2) < 0.02)
    #expect(abs(model.validation.heldOut.maeKWhPerKM - truthScore.maeKWhPerKM) < 0.005)
    #expect(model.validation.heldOut.rows == 600)
    #expect(model.trainingData.rows == 600)
    #expect(model.trainingData.firstStart == "2024-01-01T00:00:00Z")
    #expect(model.createdAt == "2025-01-01T00:00:00Z")
    // The fit at given conditions is close to the truth there.
    #expect(abs(model.predictKWhPerKM(ambientC: -5, gradeMPerKM: 0) - ConsumptionSynthetic.trueKWhPerKM(ambientC: -5, gradeMPerKM: 0)) < 0.03)
}

@Test func kFoldAndTimeSplitBothWork() throws {
    let samples = try ConsumptionSynthetic.samples(count: 200, seed: 3)
    let kFold = try ConsumptionFitter.fit(samples, options: ConsumptionFitOptions(validation: .kFold(k: 5, seed: 11), createdAt: fixedDate))
    let again = try ConsumptionFitter.fit(samples, options: ConsumptionFitOptions(validation: .kFold(k: 5, seed: 11), createdAt: fixedDate))
    #expect(kFold == again)
    #expect(kFold.validation.method == "k_fold")
    #expect(kFold.validation.folds == 5)
    #expect(kFold.validation.heldOut.r2 > 0.8)
    let split = try ConsumptionFitter.fit(samples, options: ConsumptionFitOptions(validation: .timeSplit(trainFraction: 0.8), createdAt: fixedDate))
    #expect(split.validation.method == "time_split")
    #expect(split.validation.heldOut.rows == 40)
    #expect(split.validation.heldOut.r2 > 0.8)
    // Same data, same final fit: only the validation differs.
    #expect(split.features == kFold.features)

    let folds = ConsumptionCrossValidation.foldAssignment(count: 23, k: 5, seed: 1)
    let sizes = (0..<5).map { f in folds.filter { $0 == f }.count }
    #expect(sizes.max()! - sizes.min()! <= 1)
    #expect(folds == ConsumptionCrossValidation.foldAssignment(count: 23, k: 5, seed: 1))
    #expect(folds != ConsumptionCrossValidation.foldAssignment(count: 23, k: 5, seed: 2))
}

@Test func timeSplitTrainsOnTheEarliestTrips() throws {
    // Reverse the file order: the split must follow start times, not file order.
    let samples = Array(try ConsumptionSynthetic.samples(count: 100).reversed())
    let metrics = try ConsumptionCrossValidation.evaluate(samples, features: [.intercept, .heatingDegrees, .coolingDegrees, .grade],
                                                          ridgeLambda: 0, method: .timeSplit(trainFraction: 0.8))
    #expect(metrics.rows == 20)
    var undated = samples
    undated[5].start = nil
    #expect(throws: FitDataError.self) {
        try ConsumptionCrossValidation.evaluate(undated, features: [.intercept], ridgeLambda: 0, method: .timeSplit())
    }
}

@Test func fitRefusesTooFewRows() throws {
    let samples = try ConsumptionSynthetic.samples(count: 19)
    // 4 features need max(10, 20) = 20 rows.
    do {
        _ = try ConsumptionFitter.fit(samples)
        Issue.record("fit on 19 rows should be refused")
    } catch let error as FitDataError {
        #expect(error.row == nil)
        #expect(error.column == nil)
        #expect(error.message.contains("have 19, need at least 20"))
    }
    #expect(throws: Never.self) { try ConsumptionFitter.fit(try ConsumptionSynthetic.samples(count: 20)) }
}

@Test func fitRefusesAFeatureTheDataCannotSeparate() throws {
    // Every trip at the same speed: avg_speed is a multiple of the intercept.
    var samples = try ConsumptionSynthetic.samples(count: 60)
    for i in samples.indices { samples[i].avgSpeedKMH = 25 }
    do {
        _ = try ConsumptionFitter.fit(samples)
        Issue.record("collinear speed should be refused")
    } catch let error as FitDataError {
        #expect(error.column == "avg_speed")
        #expect(error.message.contains("not identifiable"))
    }
    // Ridge does not rescue a constant column (its standardised penalty is zero), but excluding does.
    let model = try ConsumptionFitter.fit(samples, options: ConsumptionFitOptions(excludedFeatures: [.avgSpeed]))
    #expect(model.notes.contains { $0.contains("avg_speed: excluded") })
}

@Test func summerOnlyDataDropsHeatingWithANote() throws {
    var samples = try ConsumptionSynthetic.samples(count: 60)
    for i in samples.indices { samples[i].ambientC = 20 + Double(i % 15) }
    let model = try ConsumptionFitter.fit(samples)
    #expect(!model.features.contains { $0.feature == .heatingDegrees })
    #expect(model.notes.contains { $0.hasPrefix("heating_degrees") })
}

@Test func samplesFromEngineTrips() {
    let trip = TripRecord(vehicleID: "v", blockID: "b", tripID: "t", routeID: nil, departureTime: 0, arrivalTime: 3600,
                          distanceKM: 30, ambientC: 4, energyKWh: 36, tractionKWh: 30, hvacKWh: 6, climbKWh: 0,
                          regenKWh: 0, socBefore: 0.9, socAfter: 0.8, shortfallKWh: 0, belowReserve: false)
    let sample = ConsumptionSample(trip: trip)
    #expect(sample.kWhPerKM == 1.2)
    #expect(sample.avgSpeedKMH == 30)
    #expect(sample.start == Date(timeIntervalSince1970: 0))
}
