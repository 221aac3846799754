import Foundation
import Testing
@testable import TwinCore

private func fittedModel() throws -> ConsumptionModel {
    var samples = try ConsumptionSynthetic.samples(count: 120)
    // Give every trip a speed and payload so all optional features are in the document.
    var random = PredictionRandom(seed: 9)
    for i in samples.indices {
        samples[i].avgSpeedKMH = 12 + 30 * random.nextUnit()
        samples[i].payloadKG = 5000 * random.nextUnit()
    }
    return try ConsumptionFitter.fit(samples, options: ConsumptionFitOptions(
        name: "depot-north", ridgeLambda: 0.01, createdAt: Date(timeIntervalSince1970: 1_735_689_600)))
}

@Test func modelJSONRoundTripsExactly() throws {
    let model = try fittedModel()
    #expect(model.features.count == 6)
    let data = try model.jsonData()
    let decoded = try ConsumptionModel.decode(from: data)
    #expect(decoded == model)
    // Same bytes again: sorted keys make the document stable.
    #expect(try decoded.jsonData() == data)
    let text = String(decoding: data, as: UTF8.self)
    #expect(text.contains("\"schema\" : \"depottwin.consumption_model\""))
    #expect(text.contains("\"target_unit\" : \"kWh/km\""))
    #expect(text.contains("\"held_out\""))
}

@Test func modelRefusesUnknownSchemaOrVersion() throws {
    let data = try fittedModel().jsonData()
    var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    object["version"] = 2
    #expect(throws: ConsumptionModelError.unsupportedVersion(found: 2)) {
        try ConsumptionModel.decode(from: try JSONSerialization.data(withJSONObject: object))
    }
    object["version"] = 1
    object["schema"] = "someone.else"
    #expect(throws: ConsumptionModelError.unsupportedSchema(found: "someone.else")) {
        try ConsumptionModel.decode(from: try JSONSerialization.data(withJSONObject: object))
    }
    #expect(ConsumptionModelError.unsupportedVersion(found: 2).description.contains("version 2 is not supported"))
}

@Test func predictionUsesTrainingMeansForMissingInputs() throws {
    let model = try fittedModel()
    let speed = try #require(model.features.first { $0.feature == .avgSpeed })
    let payload = try #require(model.features.first { $0.feature == .payload })
    let grade = try #require(model.features.first { $0.feature == .grade })
    let full = model.predictKWhPerKM(ambientC: 0, avgSpeedKMH: speed.trainingMean, gradeMPerKM: grade.trainingMean,
                                     payloadKG: payload.trainingMean * 1000)
    #expect(abs(model.predictKWhPerKM(ambientC: 0) - full) < 1e-12)
    let manual = model.features.reduce(0.0) { sum, entry in
        switch entry.feature {
        case .intercept: return sum + entry.coefficient
        case .heatingDegrees: return sum + entry.coefficient * 18
        case .coolingDegrees: return sum
        case .avgSpeed: return sum + entry.coefficient * 20
        case .grade: return sum + entry.coefficient * 10
        case .payload: return sum + entry.coefficient * 2.5
        }
    }
    #expect(abs(model.predictKWhPerKM(ambientC: 0, avgSpeedKMH: 20, gradeMPerKM: 10, payloadKG: 2500) - manual) < 1e-12)
}
