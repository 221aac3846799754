import Testing
@testable import TwinCore

/// `Allocation.GroupLeft` kept between ticks (as a policy keeps it) copies the clamped limits it
/// made for the same limit arrays: when the limits change, in place or not, it must follow.
@Suite struct GroupLeftTests {
    @Test func limitsChangedBetweenTicks() {
        var left = Allocation.GroupLeft()
        var powerKW: [Double] = []
        var limits = GroupLimits(chargerMaxKW: [100, 50], cabinetMaxKW: [120])
        let sessions = (0..<4).map { i in
            SessionView(sessionID: i + 1, vehicleIndex: 0, chargerIndex: i % 2, cabinetIndex: 0, vehicleID: "V",
                        chargerID: "C", arrival: 0, departure: 3600, soc: 0.5, targetSOC: 1, energyWantedKWh: 10,
                        maxKW: 80, chargerMaxKW: 150, vehicleMaxKW: 150, efficiency: 1, capacityKWh: 100,
                        energyLimitedKW: 300)
        }
        let keys = [4.0, 3, 2, 1], order = [3, 2, 1, 0]
        for step in 0..<6 {
            if step == 2 { limits.chargerMaxKW[1] = 10 }  // in place: a copy of the shared buffer
            if step == 3 { limits.cabinetMaxKW[0] = -0.0 }  // -0.0 == 0, but not the same bits
            if step == 4 { limits.cabinetMaxKW[0] = 0 }
            if step == 5 { limits = .none }
            Allocation.give(sessions, inOrder: order, headroomKW: 1000, limits: limits, left: &left, powerKW: &powerKW)
            let expected = SortedGiveTests.plainSorted(sessions, keys: keys, headroomKW: 1000, limits: limits)
            #expect(powerKW.map(\.bitPattern) == expected.map(\.bitPattern), "step \(step)")
        }
    }
}
