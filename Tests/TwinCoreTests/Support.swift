import Foundation
@testable import TwinCore
@_exported import TwinTestSupport

/// Reference case A's vehicle: 100 kWh, (0, 42), (0.5, 42), (1.0, 1), efficiency 0.95.
let batteryA = VehicleType(name: "A", usableKWh: 100, minSOC: 0, maxSOC: 1, reserveSOC: 0,
                           curve: ChargingCurve([(0, 42), (0.5, 42), (1.0, 1)]), chargingEfficiency: 0.95)

/// One vehicle on one charger for `hours`, uncontrolled, control step `stepS`.
func singleChargeScenario(type: VehicleType, soc: Double, chargerKW: Double, hours: Double, stepS: Double) -> Scenario {
    Scenario(name: "single", vehicleTypes: [type], vehicles: [Vehicle(id: "V1", typeName: type.name, initialSOC: soc)],
             chargers: [Charger(id: "C1", maxKW: chargerKW)], site: Site(gridLimitKW: 10_000),
             start: 0, end: hours * 3600, stepS: stepS)
}
