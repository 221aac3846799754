import Foundation
import Testing
@testable import TwinCore

/// A policy that asks for nonsense, to prove the core's clamps hold physics.
final class RoguePolicy: ChargingPolicy {
    let name = "rogue"
    var rng: SplitMix64
    init(seed: UInt64) { rng = SplitMix64(seed: seed) }
    func allocate(_ context: PolicyContext, sessions: [SessionView], powerKW: inout [Double]) throws {
        for i in sessions.indices {
            switch rng.next() % 5 {
            case 0: powerKW[i] = -5
            case 1: powerKW[i] = .nan
            case 2: powerKW[i] = 1e6
            case 3: powerKW[i] = .infinity
            default: powerKW[i] = rng.uniform(0, 200)
            }
        }
    }
}

/// Random small depots from a seed: types, curves, chargers in cabinets, visits and blocks.
enum RandomScenario {
    static func make(seed: UInt64) -> Scenario {
        var rng = SplitMix64(seed: seed)
        func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
        var types: [VehicleType] = []
        for t in 0..<(1 + Int(rng.next() % 3)) {
            var points: [(soc: Double, kw: Double)] = []
            var soc = 0.0
            for _ in 0..<(2 + Int(rng.next() % 4)) {
                points.append((soc, rng.uniform(0, 300)))
                soc += rng.uniform(0.05, 0.5)
            }
            if rng.next() % 2 == 0 { points[points.count - 1].kw = 0 }  // a curve that ends at 0 kW
            types.append(VehicleType(name: "T\(t)", usableKWh: rng.uniform(30, 500), minSOC: 0, maxSOC: rng.uniform(0.7, 1),
                                     reserveSOC: 0.15, curve: ChargingCurve(points), chargingEfficiency: rng.uniform(0.8, 1),
                                     baseKWhPerKM: rng.uniform(0.8, 2), hvac: .heatPump(setpointC: 20, uaKWPerK: 0.4, heatingCOP: 2.5, coolingCOP: 3, auxiliaryKW: 1)))
        }
        let horizon = 12.0 * 3600
        let nCab = Int(rng.next() % 3)
        let cabinets = (0..<nCab).map { PowerCabinet(id: "K\($0)", maxKW: rng.uniform(50, 400)) }
        let chargers = (0..<(1 + Int(rng.next() % 6))).map { i in
            Charger(id: "C\(i)", maxKW: rng.uniform(10, 350), cabinetID: nCab > 0 && rng.next() % 2 == 0 ? "K\(Int(rng.next() % UInt64(nCab)))" : nil,
                    plugInDelayS: rng.next() % 4 == 0 ? rng.uniform(0, 600) : 0)
        }
        var vehicles: [Vehicle] = []
        var visits: [Visit] = []
        var blocks: [Block] = []
        for v in 0..<(2 + Int(rng.next() % 7)) {
            let id = "V\(v)"
            let type = pick(types)
            if rng.next() % 2 == 0 {
                vehicles.append(Vehicle(id: id, typeName: type.name, initialSOC: rng.uniform(0, type.maxSOC), atDepotAtStart: false))
                var t = rng.uniform(0, 4 * 3600)
                while t < horizon {
                    let dep = t + rng.uniform(600, 5 * 3600)
                    visits.append(Visit(vehicleID: id, arrival: t, departure: dep, socAtArrival: rng.next() % 2 == 0 ? rng.uniform(0, 0.6) : nil,
                                        targetSOC: rng.next() % 2 == 0 ? rng.uniform(0.5, 1) : nil,
                                        chargerID: rng.next() % 3 == 0 ? pick(chargers).id : nil))
                    t = dep + rng.uniform(0, 3 * 3600)
                }
            } else {
                vehicles.append(Vehicle(id: id, typeName: type.name, initialSOC: rng.uniform(0.2, type.maxSOC)))
                var t = rng.uniform(0, 3 * 3600)
                var b = 0
                while t < horizon {
                    var trips: [Trip] = []
                    for k in 0..<(1 + Int(rng.next() % 3)) {
                        let d = rng.uniform(600, 3600)
                        trips.append(Trip(id: "t\(k)", departure: t, arrival: t + d, distanceKM: rng.uniform(1, 60),
                                          elevationGainM: rng.uniform(0, 200), elevationLossM: rng.uniform(0, 200)))
                        t += d + rng.uniform(0, 900)
                    }
                    blocks.append(Block(id: "\(id)-b\(b)", vehicleID: id, trips: trips))
                    b += 1
                    t += rng.uniform(600, 4 * 3600)
                }
            }
        }
        let limit = rng.uniform(20, 800)
        let base: TimeSeries? = rng.next() % 3 == 0
            ? TimeSeries(times: [0, 3 * 3600, 7 * 3600], values: [limit * 0.2, limit * 0.4, 0], interpolation: .step) : nil
        let weather = Weather(temperatureC: TimeSeries(times: [0, horizon], values: [rng.uniform(-15, 5), rng.uniform(5, 35)]))
        return Scenario(name: "random-\(seed)", vehicleTypes: types, vehicles: vehicles, blocks: blocks, visits: visits,
                        chargers: chargers, cabinets: cabinets, site: Site(gridLimitKW: limit, baseLoadKW: base),
                        tariff: Tariff(bands: [.init(startHour: 7, endHour: 20, pricePerKWh: 0.3)], defaultPricePerKWh: 0.1, demandChargePerKW: 10),
                        weather: weather, start: 0, end: horizon, stepS: pick([60.0, 300, 900, 1234]), seed: seed)
    }

    static func policy(seed: UInt64) -> ChargingPolicy {
        let names = BuiltinPolicies.names
        let i = Int(seed % UInt64(names.count + 1))
        return i == names.count ? RoguePolicy(seed: seed) : BuiltinPolicies.make(names[i])!
    }
}

@Suite struct InvariantTests {
    @Test func physicsHoldsOverFiveHundredRandomDepots() throws {
        var clamped = 0, sessions = 0, trips = 0
        for seed in UInt64(1)...500 {
            let scenario = RandomScenario.make(seed: seed)
            let r = try Simulation(scenario: scenario, policy: RandomScenario.policy(seed: seed)).result()
            sessions += r.sessions.count
            trips += r.trips.count
            clamped += r.summary.clamps
            let typeOf = Dictionary(uniqueKeysWithValues: scenario.vehicleTypes.map { ($0.name, $0) })
            // Energy drawn x efficiency = energy stored, per vehicle: the SOC change is charge in minus trips out.
            let reset = Set(scenario.visits.filter { $0.socAtArrival != nil }.map(\.vehicleID))
            for v in r.vehicles where !reset.contains(v.id) {
                let t = typeOf[v.typeName]!
                let stored = (v.socEnd - v.socStart) * t.usableKWh + v.tripEnergyKWh
                let viaDrawn = v.drawnKWh * t.chargingEfficiency
                let scale = max(1, v.drawnKWh, abs(v.tripEnergyKWh))
                if abs(stored - viaDrawn) > 1e-9 * scale {
                    Issue.record("seed \(seed) vehicle \(v.id): stored \(stored) vs drawn x eff \(viaDrawn)")
                }
                #expect(v.socEnd <= t.maxSOC + 1e-12 || v.socEnd <= v.socStart)
            }
            let storedTotal = r.vehicles.reduce(0) { $0 + $1.drawnKWh * typeOf[$1.typeName]!.chargingEfficiency }
            #expect(relativeError(r.summary.energyToBatteriesKWh, storedTotal) < 1e-9)
            for s in r.sessions {
                let st = typeOf[r.vehicles.first { $0.id == s.vehicleID }!.typeName]!
                let storedKWh = (s.socOut - s.socIn) * st.usableKWh
                if abs(storedKWh - s.drawnKWh * st.chargingEfficiency) > 1e-9 * max(1, s.drawnKWh) {
                    Issue.record("seed \(seed) session \(s.id): stored \(storedKWh) vs drawn x eff \(s.drawnKWh * st.chargingEfficiency)")
                }
                #expect(relativeError(s.drawnKWh * typeOf[r.vehicles.first { $0.id == s.vehicleID }!.typeName]!.chargingEfficiency,
                                      s.deliveredKWh) < 1e-9)
                let t = typeOf[r.vehicles.first { $0.id == s.vehicleID }!.typeName]!
                if s.socOut > t.maxSOC + 1e-12, s.socOut > s.socIn { Issue.record("seed \(seed): SOC \(s.socOut) above max") }
            }
            // The site limit is hard (base load kept below it by construction).
            let limit = scenario.site.gridLimitKW * (1 + 1e-9)
            if r.summary.peakKW > limit { Issue.record("seed \(seed): peak \(r.summary.peakKW) above \(scenario.site.gridLimitKW)") }
            for sample in r.loadProfile where sample.siteKW > limit {
                Issue.record("seed \(seed): site load \(sample.siteKW) at \(sample.time) above the limit")
            }
            for e in r.events where e.kind == .powerChange || e.kind == .targetReached {
                let t = typeOf[r.vehicles.first { $0.id == e.vehicleID }!.typeName]!
                if e.soc > t.maxSOC + 1e-12 && e.kind == .targetReached { Issue.record("seed \(seed): event SOC \(e.soc) above max") }
            }
            #expect(!r.events.isEmpty)
            #expect(zip(r.events, r.events.dropFirst()).allSatisfy { $0.time <= $1.time })
            // Identical reruns.
            if seed % 5 == 0 {
                let again = try Simulation(scenario: scenario, policy: RandomScenario.policy(seed: seed)).result()
                #expect(again == r)
            }
        }
        #expect(sessions > 1000)
        #expect(trips > 1000)
        #expect(clamped > 0)
    }
}
