import Foundation
import Testing
@testable import TwinCore

/// Bad values are rejected before anything runs, with the field path, the problem and what to do.
@Suite struct ValidationTests {
    static func base() -> Scenario {
        let types = [batteryA, VehicleType(name: "B", usableKWh: 200, curve: .flat(kw: 100)),
                     VehicleType(name: "C", usableKWh: 300, curve: ChargingCurve([(0, 50), (0.3, 150), (0.8, 150), (1, 20)]))]
        return Scenario(name: "v", vehicleTypes: types, vehicles: [Vehicle(id: "V1", typeName: "A", initialSOC: 0.5)],
                        visits: [Visit(vehicleID: "V1", arrival: 0, departure: 3600, chargerID: "C1")],
                        chargers: [Charger(id: "C1", maxKW: 50)], site: Site(gridLimitKW: 100), start: 0, end: 7200)
    }

    func expectError(_ path: String, _ message: String, _ mutate: (inout Scenario) -> Void) {
        var s = Self.base()
        mutate(&s)
        do {
            _ = try Simulation(scenario: s, policy: UncontrolledPolicy())
            Issue.record("expected \(path) to be rejected")
        } catch let e as ScenarioError {
            #expect(e.fieldPath == path)
            #expect(e.message == message)
            #expect(!e.hint.isEmpty)
            #expect(e.description.hasPrefix("\(path): \(message)"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func theBaseScenarioIsValid() throws { try Self.base().validate() }

    @Test func negativeCapacity() { expectError("vehicle_types[1].usable_kwh", "must be > 0") { $0.vehicleTypes[1].usableKWh = -5 } }

    @Test func curveNotIncreasingInSOC() {
        expectError("vehicle_types[2].curve[3].soc", "must increase") { $0.vehicleTypes[2].curve.points[3].soc = 0.8 }
    }

    @Test func departureBeforeArrival() {
        expectError("visits[0].departure", "departure before arrival") { $0.visits[0].departure = -1 }
        expectError("blocks[0].trips[0].arrival", "departure after arrival") {
            $0.blocks = [Block(id: "b", vehicleID: "V1", trips: [Trip(id: "t", departure: 100, arrival: 50, distanceKM: 1)])]
        }
    }

    @Test func unknownCharger() {
        expectError("visits[0].charger_id", "unknown charger 'C9'") { $0.visits[0].chargerID = "C9" }
    }

    @Test func unknownTypeAndCabinet() {
        expectError("vehicles[0].type", "unknown vehicle type 'Z'") { $0.vehicles[0].typeName = "Z" }
        expectError("chargers[0].cabinet_id", "unknown cabinet 'K'") { $0.chargers[0].cabinetID = "K" }
    }

    @Test func sessionListErrorsNameTheField() throws {
        var text = try String(contentsOf: referenceURL("S1.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: "\"evse_id\": \"EVSE-0003\"", with: "\"evse_id\": \"EVSE-9999\"")
        do {
            _ = try SessionListScenario.decode(Data(text.utf8)).scenario()
            Issue.record("expected an unknown charger")
        } catch let e as ScenarioError {
            #expect(e.fieldPath == "vehicles[3].evse_id")
        }
        do {
            _ = try SessionListScenario.decode(Data(#"{"schema_version": 1, "name": "x"}"#.utf8))
            Issue.record("expected a missing field")
        } catch let e as ScenarioError {
            #expect(e.message == "missing")
        }
    }
}
