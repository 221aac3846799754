import Testing
@testable import TwinCore

/// Cabin HVAC power by ambient temperature: the heat pump's formula and its rating cap.
@Suite struct HVACModelTests {
    let pump = HVACModel.heatPump(setpointC: 20, uaKWPerK: 0.5, heatingCOP: 2.5, coolingCOP: 3, auxiliaryKW: 1)

    @Test func heatPumpFollowsItsFormula() {
        // -10 C: 1 + 0.5 x 30 / 2.5 = 7 kW; 35 C: 1 + 0.5 x 15 / 3 = 3.5 kW; at the setpoint only the auxiliary load.
        #expect(abs(pump.powerKW(ambientC: -10) - 7) < 1e-12)
        #expect(abs(pump.powerKW(ambientC: 35) - 3.5) < 1e-12)
        #expect(abs(pump.powerKW(ambientC: 20) - 1) < 1e-12)
    }

    @Test func ratingCapsTheElectricalPowerOnly() {
        let capped = HVACModel.heatPump(setpointC: 20, uaKWPerK: 0.5, heatingCOP: 2.5, coolingCOP: 3, auxiliaryKW: 1, maxKW: 5)
        #expect(capped.powerKW(ambientC: -10) == 5, "7 kW asked, 5 kW rating")
        #expect(abs(capped.powerKW(ambientC: 35) - 3.5) < 1e-12, "below the rating: unchanged")
    }
}
