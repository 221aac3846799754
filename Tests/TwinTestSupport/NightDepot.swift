import TwinCore

/// Overnight depots with queues, connectors and cabinets, shared by the connector and nested-limit
/// tests and the benchmark dumps: buses arriving 18:00-22:00 at SOC 0.2-0.5, leaving 05:00-07:00
/// wanting 0.95-1.0 (draws from SplitMix64 seed 7, so every user sees the same night).
public enum NightDepot {
    public static let bus = VehicleType(name: "bus", usableKWh: 300, minSOC: 0, maxSOC: 1, reserveSOC: 0,
                                        curve: ChargingCurve([(0, 150), (0.8, 150), (1.0, 30)]), chargingEfficiency: 0.95)

    public static func scenario(buses: Int, chargers: [Charger], cabinets: [PowerCabinet] = [], siteKW: Double) -> Scenario {
        var rng = SplitMix64(seed: 7)
        let fleet = (0..<buses).map { Vehicle(id: "B\($0)", typeName: "bus", initialSOC: 0.5, atDepotAtStart: false) }
        let visits = fleet.map { v in
            Visit(vehicleID: v.id, arrival: rng.uniform(18, 22) * 3600, departure: rng.uniform(29, 31) * 3600,
                  socAtArrival: rng.uniform(0.2, 0.5), targetSOC: rng.uniform(0.95, 1.0))
        }
        return Scenario(name: "night", vehicleTypes: [bus], vehicles: fleet, visits: visits, chargers: chargers,
                        cabinets: cabinets, site: Site(gridLimitKW: siteKW), start: 18 * 3600, end: 32 * 3600, stepS: 300)
    }

    /// The demo's charger shape: 28 dispensers of 150 kW, 24 with two connectors six to each of
    /// four cabinets (K0..K3), then four standalone with three connectors (60 connectors).
    public static func demoLikeChargers() -> [Charger] {
        (0..<28).map { i in
            i < 24 ? Charger(id: "C\(i)", maxKW: 150, connectors: 2, cabinetID: "K\(i / 6)")
                : Charger(id: "C\(i)", maxKW: 150, connectors: 3)
        }
    }
}
