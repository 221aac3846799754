import Foundation
import Testing
import TwinCore
@testable import TwinCLI

/// `twin predict` and `twin fit`: parsing, results against TwinCore, output shapes, errors.
@Suite struct PredictCommandTests {
    func parse(_ command: TwinCommand, _ line: String) throws -> ParsedArguments {
        try command.spec.parse(line.split(separator: " ").map(String.init), command: command.name)
    }

    @Test func timeToChargeInlineTypeIsReferenceA() throws {
        let args = try parse(PredictCommand(), "time-to-charge --battery-kwh 100 --curve 0:42,0.5:42,1:1 --efficiency 0.95 --soc 0.5 --target 0.9 --charger-kw 100")
        let type = try PredictCommand.vehicleType(args, command: "predict") { _ in nil }
        let e = try PredictCommand.timeToCharge(args, type: type, command: "predict")
        #expect(abs(e.seconds / 3600 - 1.9492505) / 1.9492505 < 1e-6)
        let json = try JSONSerialization.jsonObject(with: Data(PredictCommand.json(e).utf8)) as? [String: Any]
        #expect(abs((json?["seconds"] as? Double ?? 0) - e.seconds) < 1e-9)
        #expect(PredictCommand.json(e).contains("\"drawn_kwh\":\(e.drawnKWh),"))
        #expect(PredictCommand.text(e).contains("1 h 56 min"))
    }

    @Test func namedTypeFromStoreWithOverride() throws {
        let stored = #"{"name": "E12", "usable_kwh": 350, "curve": [[0, 150], [0.8, 150], [1, 30]], "efficiency": 0.95, "kwh_per_km": 1.1, "reserve_soc": 0.15}"#
        let args = try parse(PredictCommand(), "range --type E12 --soc 0.6 --temp-c 20 --kwh-per-km 1.25 --format json")
        let type = try PredictCommand.vehicleType(args, command: "predict") { $0 == "E12" ? stored : nil }
        #expect(type.usableKWh == 350 && type.baseKWhPerKM == 1.25 && type.reserveSOC == 0.15)
        let r = try PredictCommand.range(args, type: type, command: "predict") { _ in throw CLIError.badInput("no models") }
        #expect(abs(r.km - 0.45 * 350 / 1.25) < 1e-9)
        let text = PredictCommand.json(r)
        #expect(text.contains("\"km\":\(r.km),"))  // exact: shortest round-trip digits
        let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect((json?["dominant"] as? String) == "traction")
        #expect((json?["terms"] as? [String: Any])?["traction_kwh_per_km"] != nil)
    }

    @Test func badInputsAreExitCode2() throws {
        let command = PredictCommand()
        let below = try parse(command, "time-to-charge --battery-kwh 100 --curve 0:42,1:1 --soc 0.5 --target 0.2 --charger-kw 100")
        let type = try PredictCommand.vehicleType(below, command: "predict") { _ in nil }
        do {
            _ = try PredictCommand.timeToCharge(below, type: type, command: "predict")
            Issue.record("expected an error")
        } catch let error as CLIError {
            #expect(error.exitCode == 2)
            #expect(error.description.contains("below the SOC now"))
        }
        let zero = try parse(command, "time-to-charge --battery-kwh 100 --curve 0:42,1:1 --soc 0.5 --target 0.9 --charger-kw 0")
        #expect(throws: CLIError.self) { try PredictCommand.timeToCharge(zero, type: type, command: "predict") }
        let unknown = try parse(command, "range --type Z9 --soc 0.5")
        do {
            _ = try PredictCommand.vehicleType(unknown, command: "predict") { _ in nil }
            Issue.record("expected an error")
        } catch let error as CLIError {
            #expect(error.exitCode == 2)
            #expect(error.description.contains("unknown vehicle type 'Z9'"))
        }
        #expect(throws: CLIError.self) { try PredictCommand.parseCurve("0:42,bad", command: "predict") }
        let noType = try parse(command, "range --soc 0.5")
        #expect(throws: CLIError.self) { try PredictCommand.vehicleType(noType, command: "predict") { _ in nil } }
    }

    @Test func fitConsumptionWritesModelAndReport() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let iso = ISO8601DateFormatter()
        var lines = ["vehicle,start,end,distance_km,energy_kwh,ambient_c"]
        for i in 0..<40 {
            let ambient = -10 + Double(i), km = 10 + Double(i % 7)
            let perKM = 1.0 + 0.03 * max(0, 18 - ambient) + 0.02 * max(0, ambient - 22)
            let t = Date(timeIntervalSince1970: 1_704_067_200 + Double(i) * 7200)
            lines.append("B1,\(iso.string(from: t)),\(iso.string(from: t.addingTimeInterval(3600))),\(km),\(km * perKM),\(ambient)")
        }
        try lines.joined(separator: "\n").write(to: dir.appendingPathComponent("trips.csv"), atomically: true, encoding: .utf8)
        let command = FitCommand()
        let args = try parse(command, "consumption trips.csv --name winter --no-store")
        let code = try command.run(args, console: Console(environment: [:], workingDirectory: dir.path))
        #expect(code == 0)
        let data = try Data(contentsOf: dir.appendingPathComponent("winter.model.json"))
        let model = try ConsumptionModel.decode(from: data)
        #expect(abs(model.predictKWhPerKM(ambientC: 8) - 1.3) < 1e-6)
        let report = FitCommand.report(model)
        #expect(report.contains("heating_degrees") && report.contains("kWh/km per K"))
        #expect(report.contains("held-out: MAE") && report.contains("5-fold"))
        // The model file is usable by predict range --model FILE.
        let range = try parse(PredictCommand(), "range --battery-kwh 100 --curve 0:50,1:50 --soc 0.6 --reserve 0.1 --temp-c 8 --model winter.model.json")
        let type = try PredictCommand.vehicleType(range, command: "predict") { _ in nil }
        let r = try PredictCommand.range(range, type: type, command: "predict") {
            try PredictCommand.loadModel($0, workingDirectory: dir.path) { _ in nil }
        }
        #expect(abs(r.kWhPerKM - 1.3) < 1e-6)
        #expect(throws: CLIError.self) { try FitCommand.options(try parse(command, "consumption trips.csv"), command: "fit") }
    }
}
