import Foundation
import TwinCore

// Reference cases shared by the test targets (reference/README.md): where the files are, the
// ACN-Sim figures with their tolerances, and the analytic overnight depot (case B).

/// The repository root, found from this file's path (Tests/TwinTestSupport/Reference.swift).
public let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A file under the repository's `reference/` folder (copies of ../shared/reference).
public func referenceURL(_ name: String) -> URL {
    repositoryRoot.appendingPathComponent("reference").appendingPathComponent(name)
}

/// `referenceURL(name)` as a path.
public func referencePath(_ name: String) -> String { referenceURL(name).path }

/// |a - b| relative to the larger magnitude (0 when both are 0).
public func relativeError(_ a: Double, _ b: Double) -> Double {
    let scale = max(abs(a), abs(b))
    return scale == 0 ? 0 : abs(a - b) / scale
}

/// Case C: ACN-Sim 0.3.3's results on S1/S2 (`reference/acn_expected.json`) and the tolerances
/// the reference README allows per algorithm.
public enum ACNReference {
    /// One algorithm on one scenario, as ACN-Sim reported it.
    public struct Run: Decodable {
        public var scenario: String
        public var algorithm: String
        public var total_requested_kwh: Double
        public var total_energy_delivered_kwh: Double
        public var peak_kw: Double
        public var site_limit_kw: Double
        public var n_unmet_gt_1pct: Int
    }

    private struct File: Decodable { var runs: [Run] }

    /// ACN's name, our policy name, delivered-energy tolerance (relative), unmet-count tolerance.
    public static let algorithms: [(acn: String, policy: String, energyTolerance: Double, unmetTolerance: Int)] = [
        ("FCFS", "fcfs", 0.005, 1), ("EDF", "edf", 0.005, 1), ("LLF", "llf", 0.005, 1), ("RoundRobin", "round_robin", 0.01, 3),
    ]

    /// ACN's figures for `algorithm` (ACN's name) on `scenario`, or nil if the file has none.
    public static func run(scenario: String, algorithm: String) throws -> Run? {
        let data = try Data(contentsOf: referenceURL("acn_expected.json"))
        return try JSONDecoder().decode(File.self, from: data).runs.first { $0.scenario == scenario && $0.algorithm == algorithm }
    }
}

/// Case B: 10 buses, 300 kWh, arrive 20:00 at SOC 0.30, leave 05:00 wanting 0.90;
/// `chargers` x 150 kW; site limit 1000 kW; curve flat 150 kW to SOC 0.8, then down to 15 kW.
public enum DepotB {
    /// 20:00 on day 0, UTC seconds.
    public static let start = 20.0 * 3600
    public static let busType = VehicleType(name: "bus300", usableKWh: 300, minSOC: 0, maxSOC: 1, reserveSOC: 0,
                                            curve: ChargingCurve([(0, 150), (0.8, 150), (1.0, 15)]), chargingEfficiency: 0.95)
    /// Grid energy that meets every bus's demand: 10 x 180 kWh / 0.95.
    public static let demandKWh = 10 * 180 / 0.95

    public static func scenario(chargers: Int = 10) -> Scenario {
        let buses = (0..<10).map { Vehicle(id: "BUS-\($0)", typeName: "bus300", initialSOC: 0.3, atDepotAtStart: false) }
        let visits = buses.map { Visit(vehicleID: $0.id, arrival: start, departure: start + 9 * 3600, socAtArrival: 0.3, targetSOC: 0.9) }
        return Scenario(name: "B", vehicleTypes: [busType], vehicles: buses, visits: visits,
                        chargers: (0..<chargers).map { Charger(id: "C\($0)", maxKW: 150) },
                        site: Site(gridLimitKW: 1000), start: start, end: start + 9 * 3600, stepS: 300)
    }
}
