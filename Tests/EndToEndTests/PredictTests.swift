import Foundation
import Testing

/// `twin predict` as a user types it, checked against reference case A and plain arithmetic.
@Suite struct PredictTests {
    @Test func timeToChargeMatchesReferenceA() throws {
        let dir = try TwinProcess.scratchDirectory()
        let run = try TwinProcess.run(["predict", "time-to-charge", "--battery-kwh", "100", "--curve", "0:42,0.5:42,1:1",
                                       "--efficiency", "0.95", "--soc", "0.5", "--target", "0.9", "--charger-kw", "100",
                                       "--format", "json"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let seconds = try #require(object["seconds"] as? Double)
        #expect(abs(seconds / 3600 - 1.9492505) / 1.9492505 < 1e-6)
        #expect(object["drawn_kwh"] is Double)
    }

    @Test func rangeNeedsNoCurveAndIsEnergyOverConsumption() throws {
        let dir = try TwinProcess.scratchDirectory()
        let run = try TwinProcess.run(["predict", "range", "--battery-kwh", "300", "--kwh-per-km", "1.2", "--reserve", "0.1",
                                       "--soc", "0.6", "--format", "json"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        // (0.6 - 0.1) x 300 kWh / 1.2 kWh/km, no HVAC without a temperature, flat road.
        #expect(abs(try #require(object["km"] as? Double) - 125) < 1e-9)
        #expect(object["dominant"] as? String == "traction")
    }

    @Test func badInputsExitTwo() throws {
        let dir = try TwinProcess.scratchDirectory()
        let noType = try TwinProcess.run(["predict", "time-to-charge", "--soc", "0.2", "--charger-kw", "100"], in: dir)
        #expect(noType.status == 2)
        #expect(noType.stderr.contains("give a vehicle type"))
        let backwards = try TwinProcess.run(["predict", "time-to-charge", "--battery-kwh", "100", "--curve", "0:50,1:50",
                                             "--soc", "0.8", "--target", "0.3", "--charger-kw", "100"], in: dir)
        #expect(backwards.status == 2)
        #expect(backwards.stderr.contains("target"))
    }
}
