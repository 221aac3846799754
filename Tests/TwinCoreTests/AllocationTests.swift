import Testing
@testable import TwinCore

@Suite struct AllocationTests {
    static func view(_ i: Int, maxKW: Double, wantedKWh: Double = 1000, arrival: Double = 0, departure: Double = 3600) -> SessionView {
        SessionView(sessionID: i, vehicleIndex: i, chargerIndex: i, cabinetIndex: -1, vehicleID: "V\(i)", chargerID: "C\(i)",
                    arrival: arrival, departure: departure, soc: 0.5, targetSOC: 1, energyWantedKWh: wantedKWh, maxKW: maxKW,
                    chargerMaxKW: maxKW, vehicleMaxKW: maxKW, efficiency: 1, capacityKWh: 2000,
                    energyLimitedKW: wantedKWh / (300.0 / 3600))
    }

    @Test func sortedGivesEachInTurnTheMostItMay() {
        let s = [Self.view(0, maxKW: 50), Self.view(1, maxKW: 80), Self.view(2, maxKW: 80)]
        #expect(Allocation.sorted(s, keys: [3, 1, 2], headroomKW: 120) == [0, 80, 40])
        // Ties keep the sessions' order.
        #expect(Allocation.sorted(s, keys: [1, 1, 1], headroomKW: 100) == [50, 50, 0])
        // The energy still wanted caps a session per period (ACN-Sim): 1 kWh in 5 min is 12 kW.
        let small = [Self.view(0, maxKW: 50, wantedKWh: 1), Self.view(1, maxKW: 50)]
        #expect(Allocation.sorted(small, keys: [0, 1], headroomKW: 60) == [12, 48])
    }

    @Test func fairShareFillsWater() {
        let s = [Self.view(0, maxKW: 10), Self.view(1, maxKW: 80), Self.view(2, maxKW: 80)]
        #expect(Allocation.fairShare(s, headroomKW: 100) == [10, 45, 45])
        #expect(Allocation.fairShare(s, headroomKW: 1000) == [10, 80, 80])
        #expect(Allocation.fairShare(s, headroomKW: 24) == [8, 8, 8])
    }

    @Test func balancedSpreadsToDeparture() {
        let s = [Self.view(0, maxKW: 100, wantedKWh: 50, departure: 3600 * 5), Self.view(1, maxKW: 5, wantedKWh: 50, departure: 3600 * 5)]
        #expect(Allocation.balanced(s, now: 0, headroomKW: 1000) == [10, 5])
        #expect(Allocation.balanced(s, now: 0, headroomKW: 7.5) == [5, 2.5])
    }

    @Test func llfKeyIsLaxity() {
        let a = Self.view(0, maxKW: 60, wantedKWh: 60, departure: 7200)  // 1 h of charging in 2 h: laxity 1 h
        #expect(a.laxityS(now: 0) == 3600)
    }
}
