import Foundation
@testable import TwinCore

/// The package root, found from this file's path (Tests/TwinCoreTests/Support.swift).
func packageRoot(_ file: String = #filePath) -> URL {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// A file under the repository's `reference/` folder (copies of /work/shared/reference).
func referenceURL(_ name: String) -> URL { packageRoot().appendingPathComponent("reference").appendingPathComponent(name) }

func relativeError(_ a: Double, _ b: Double) -> Double {
    let scale = max(abs(a), abs(b))
    return scale == 0 ? 0 : abs(a - b) / scale
}

/// Reference case A's vehicle: 100 kWh, (0, 42), (0.5, 42), (1.0, 1), efficiency 0.95.
let batteryA = VehicleType(name: "A", usableKWh: 100, minSOC: 0, maxSOC: 1, reserveSOC: 0,
                           curve: ChargingCurve([(0, 42), (0.5, 42), (1.0, 1)]), chargingEfficiency: 0.95)

/// One vehicle on one charger for `hours`, uncontrolled, control step `stepS`.
func singleChargeScenario(type: VehicleType, soc: Double, chargerKW: Double, hours: Double, stepS: Double) -> Scenario {
    Scenario(name: "single", vehicleTypes: [type], vehicles: [Vehicle(id: "V1", typeName: type.name, initialSOC: soc)],
             chargers: [Charger(id: "C1", maxKW: chargerKW)], site: Site(gridLimitKW: 10_000),
             start: 0, end: hours * 3600, stepS: stepS)
}
