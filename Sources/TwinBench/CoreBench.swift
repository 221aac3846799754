import Foundation
import TwinCore

/// Core engine benchmarks: a generated depot under LLF (the Swift sorted-allocation primitive).
/// Run in release: `swift build -c release --product twin-bench && .build/release/twin-bench`.
func runCoreBenchmarks() {
    print("== TwinCore benchmarks ==")
    coreBench(buses: 100, chargers: 40, days: 30, keepEverything: true)
    coreBench(buses: 1000, chargers: 400, days: 365, keepEverything: false)
}

/// A depot of `buses` buses, `chargers` 150 kW dispensers in cabinets of four (400 kW each), one
/// block of four trips a day per bus, winter/summer and day/night temperatures, 5-minute control.
func makeBenchDepot(buses: Int, chargers: Int, days: Int, siteLimitFraction: Double = 0.4, seed: UInt64 = 42) -> Scenario {
    var rng = SplitMix64(seed: seed)
    let start = 1_704_067_200.0  // 2024-01-01T00:00:00Z
    let day = 86_400.0
    let type = VehicleType(name: "12m", usableKWh: 400, minSOC: 0.05, maxSOC: 0.95, reserveSOC: 0.15,
                           curve: ChargingCurve([(0, 120), (0.1, 150), (0.8, 150), (1, 30)]), chargingEfficiency: 0.95,
                           baseKWhPerKM: 1.1, massKG: 18_000, drivetrainEfficiency: 0.9, regenerationEfficiency: 0.6,
                           hvac: .heatPump(setpointC: 20, uaKWPerK: 0.6, heatingCOP: 2.5, coolingCOP: 3, auxiliaryKW: 1.5))
    let vehicles = (0..<buses).map { Vehicle(id: String(format: "BUS-%04d", $0), typeName: "12m", initialSOC: 0.9) }
    var blocks: [Block] = []
    blocks.reserveCapacity(buses * days)
    for d in 0..<days {
        for b in 0..<buses {
            var t = start + Double(d) * day + 5 * 3600 + rng.uniform(0, 4 * 3600)
            let pullOut = Trip(id: "out", departure: t, arrival: t + 900, distanceKM: 5)
            t += 900
            var trips: [Trip] = []
            trips.reserveCapacity(4)
            for k in 0..<4 {
                let duration = rng.uniform(3000, 6000)
                trips.append(Trip(id: "t\(k)", routeID: "R\(b % 20)", departure: t, arrival: t + duration,
                                  distanceKM: duration / 3600 * 20, elevationGainM: 60, elevationLossM: 60))
                t += duration + 600
            }
            let pullIn = Trip(id: "in", departure: t, arrival: t + 900, distanceKM: 5)
            blocks.append(Block(id: "D\(d)-B\(b)", vehicleID: vehicles[b].id, pullOut: pullOut, trips: trips, pullIn: pullIn))
        }
    }
    let cabinets = (0..<(chargers + 3) / 4).map { PowerCabinet(id: "K\($0)", maxKW: 400) }
    let chargerList = (0..<chargers).map { Charger(id: "C\($0)", maxKW: 150, cabinetID: "K\($0 / 4)", plugInDelayS: 60) }
    // Hourly ambient: seasonal swing (coldest mid-January) plus a day/night swing.
    var times: [Double] = [], temps: [Double] = []
    for h in 0...(days * 24) {
        let t = start + Double(h) * 3600
        let seasonal = 10 - 12 * cos(2 * Double.pi * (Double(h) / 24 - 15) / 365)
        let daily = -4 * cos(2 * Double.pi * (Double(h % 24) - 3) / 24)
        times.append(t)
        temps.append(seasonal + daily)
    }
    return Scenario(name: "bench-\(buses)x\(days)", vehicleTypes: [type], vehicles: vehicles, blocks: blocks,
                    chargers: chargerList, cabinets: cabinets, site: Site(gridLimitKW: Double(chargers) * 150 * siteLimitFraction),
                    tariff: Tariff(bands: [.init(startHour: 7, endHour: 21, pricePerKWh: 0.28)], defaultPricePerKWh: 0.16,
                                   demandChargePerKW: 12),
                    weather: Weather(temperatureC: TimeSeries(times: times, values: temps)),
                    start: start, end: start + Double(days) * day, stepS: 300, timeZone: "Europe/Berlin", seed: seed)
}

func coreBench(buses: Int, chargers: Int, days: Int, keepEverything: Bool, siteLimitFraction: Double = 0.4) {
    let t0 = Date()
    let scenario = makeBenchDepot(buses: buses, chargers: chargers, days: days, siteLimitFraction: siteLimitFraction)
    let t1 = Date()
    do {
        let options = keepEverything ? RunOptions()
            : RunOptions(keepEvents: false, keepTrips: false, keepSessions: true, keepLoadProfile: true)
        let sim = try Simulation(scenario: scenario, policy: SortedPolicy(name: "llf", key: .laxity), options: options)
        let t2 = Date()
        let r = try sim.result()
        let t3 = Date()
        let s = r.summary
        print(String(format: "%@: build %.2f s, setup %.2f s, run %.2f s; sessions %d, trips %d, events %d, load samples %d",
                     scenario.name, t1.timeIntervalSince(t0), t2.timeIntervalSince(t1), t3.timeIntervalSince(t2),
                     r.sessions.count, r.trips.count, r.events.count, r.loadProfile.count))
        print(String(format: "  energy %.0f kWh, peak %.0f kW (limit %.0f), unmet %d, missed %d, shortfall %.1f kWh, min SOC %.3f, utilisation %.3f, clamps %d, cost %.0f",
                     s.energyKWh, s.peakKW, r.siteLimitKW, s.unmetVehicles, s.missedDepartures, s.shortfallKWh, s.minSOC,
                     s.chargerUtilisation, s.clamps, s.costTotal))
        print("  events \(sim.eventsProcessed), control ticks \(sim.controlCount), session views \(sim.sessionViewsShown)")
        print(String(format: "  max RSS so far %.0f MiB", maxResidentMiB()))
    } catch {
        print("\(scenario.name) failed: \(error)")
    }
}

func maxResidentMiB() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(0), &usage)  // RUSAGE_SELF
    return Double(usage.ru_maxrss) / 1024  // Linux reports KiB
}
