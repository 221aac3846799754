import Foundation
import TwinCore

/// Deterministic fake results for tests, the kill/concurrency stress tool and benchmarks.
/// Not part of the public API (`@_spi(Testing) import TwinStore`).
@_spi(Testing)
public enum SyntheticRun {
    /// A result of the given size whose values exercise the store: nil optionals, awkward doubles
    /// (subnormals, huge, infinities, values that look integral), unicode strings.
    public static func result(sessions: Int, events: Int, vehicles: Int = 20, trips: Int = 50,
                              loadSamples: Int = 100, seed: UInt64 = 42) -> RunResult {
        var rng = seed &+ 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            // splitmix64: stable across platforms, so generated files compare across runs.
            rng &+= 0x9E37_79B9_7F4A_7C15
            var z = rng
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        let start = 1_767_225_600.0
        let awkward: [Double] = [0.1 + 0.2, Double.leastNonzeroMagnitude * 12345, 1.7976931348623157e308, .infinity, -.infinity, 3.0, -1e-5, .pi]
        var summary = RunSummary()
        summary.energyKWh = 1234.5678901234
        summary.peakKW = 0.1 + 0.2
        summary.costTotal = 1e300
        summary.unmetVehicles = 3
        summary.minSOC = -0.0123
        summary.clamps = 17
        let sessionRecords = (0..<sessions).map { (i: Int) -> SessionRecord in
            let t0: Double = start + Double(i) * 61.25
            return SessionRecord(id: i + 1, vehicleID: "bus-\(i % vehicles)", chargerID: "CH\(i % 7)",
                          arrivalTime: t0 + next(), plugInTime: t0 + 5,
                          chargeStartTime: i % 5 == 0 ? nil : start + next() * 1e5,
                          chargeEndTime: i % 7 == 0 ? nil : awkward[i % awkward.count],
                          unplugTime: start + 9e4, departureTime: start + 9.1e4, socIn: next(), socOut: next(),
                          wantedKWh: next() * 300, drawnKWh: next() * 300, deliveredKWh: awkward[(i + 3) % awkward.count],
                          clamps: i % 4)
        }
        let vehicleRecords = (0..<vehicles).map { (i: Int) -> VehicleRecord in
            VehicleRecord(id: "bus-\(i)", typeName: i % 2 == 0 ? "Solaris Urbino 12 ⚡" : "e-Citaro", socStart: 0.9,
                          socEnd: next(), socMin: next() - 0.1, drawnKWh: next() * 1000, tripEnergyKWh: next() * 800,
                          trips: i, shortfallKWh: 0, belowReserve: i % 3 == 0)
        }
        let tripRecords = (0..<trips).map { (i: Int) -> TripRecord in
            let t0: Double = start + Double(i) * 600
            let route: String? = i % 4 == 0 ? nil : "R'\(i % 9)\""
            return TripRecord(vehicleID: "bus-\(i % vehicles)", blockID: "B\(i / 3)", tripID: "T\(i)",
                       routeID: route, departureTime: t0,
                       arrivalTime: t0 + 3000.5, distanceKM: next() * 40, ambientC: -12.5 + next(),
                       energyKWh: next() * 50, tractionKWh: next() * 40, hvacKWh: next() * 10, climbKWh: next(),
                       regenKWh: -next(), socBefore: next(), socAfter: next(), shortfallKWh: 0, belowReserve: i % 5 == 0)
        }
        let samples = (0..<loadSamples).map { (i: Int) -> LoadSample in
            LoadSample(time: start + Double(i) * 900, chargersKW: next() * 900, baseKW: 40, plugged: i % 12)
        }
        let kinds = EventRecord.Kind.allCases
        let eventRecords = (0..<events).map { (i: Int) -> EventRecord in
            EventRecord(time: start + Double(i) * 0.5, kind: kinds[i % kinds.count], vehicleID: "bus-\(i % vehicles)",
                        chargerID: i % 3 == 0 ? nil : "CH\(i % 7)", soc: next(), powerKW: next() * 150)
        }
        return RunResult(scenarioName: "synthetic depot", policyName: "greedy", seed: seed, startTime: start,
                         endTime: start + 86_400, stepS: 60, siteLimitKW: 1200.75, timeZone: "Europe/Berlin",
                         summary: summary, sessions: sessionRecords, vehicles: vehicleRecords, trips: tripRecords,
                         loadProfile: samples, events: eventRecords,
                         warnings: ["bus-3 below reserve at 07:12", "quote \" and slash / and ünïcode"])
    }

    /// Metadata to go with `result(...)`.
    public static func metadata(seed: UInt64 = 42, scenarioText: String = "return { name = 'synthetic depot' }") -> RunMetadata {
        RunMetadata(scenario: ScenarioSource(name: "synthetic depot", path: "scenarios/synthetic.lua", text: scenarioText),
                    policy: PluginVersion(name: "greedy", version: "1.0.0"),
                    behaviours: [PluginVersion(name: "preconditioning", version: "0.3"), PluginVersion(name: "queue", version: nil)],
                    parametersJSON: #"{"reserve_soc":0.2,"site_limit_kw":1200}"#, seed: seed, hostVersion: "0.1.0-test",
                    startedAt: Date(timeIntervalSince1970: 1_767_225_600.125),
                    finishedAt: Date(timeIntervalSince1970: 1_767_225_612.5), wallTimeS: 12.375)
    }
}
