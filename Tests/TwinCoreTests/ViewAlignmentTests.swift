import Foundation
import Testing
@testable import TwinCore

/// `alignViews` keeps last tick's views and moves them, with their slots and hot entries, to the
/// positions their sessions take this tick: dropped views (closed, at their target) leave, newly
/// plugged sessions come in, and runs of kept views between them shift by the net change.
/// After every control tick of a busy depot (many plug-ins and departures per tick, at random
/// places in the order) the views must be exactly what a rebuild from scratch would give: every
/// plugged session that still wants energy once, in (charger, slot) order, each view its own
/// session's, its hot entry and `viewPos` in step.
@Suite struct ViewAlignmentTests {
    /// A depot with heavy churn: short visits on chargers of one or two connectors, some with a
    /// plug-in delay, batteries that often fill up before the vehicle leaves.
    static func churnScenario(seed: UInt64, stepS: Double) -> Scenario {
        var rng = SplitMix64(seed: seed)
        let type = VehicleType(name: "T", usableKWh: 60, minSOC: 0, maxSOC: 1, reserveSOC: 0,
                               curve: ChargingCurve([(0, 150), (0.6, 150), (1.0, 20)]), chargingEfficiency: 0.92)
        let chargers = (0..<14).map { i in
            Charger(id: "C\(i)", maxKW: rng.uniform(20, 150), connectors: 1 + Int(rng.next() % 2),
                    plugInDelayS: rng.next() % 3 == 0 ? rng.uniform(0, 400) : 0)
        }
        let horizon = 10.0 * 3600
        var vehicles: [Vehicle] = []
        var visits: [Visit] = []
        for v in 0..<36 {
            let id = "V\(v)"
            vehicles.append(Vehicle(id: id, typeName: type.name, initialSOC: rng.uniform(0, 0.5), atDepotAtStart: false))
            var t = rng.uniform(0, 1800)
            while t < horizon {
                let departure = t + rng.uniform(300, 5400)
                visits.append(Visit(vehicleID: id, arrival: t, departure: departure, socAtArrival: rng.uniform(0, 0.8),
                                    targetSOC: rng.uniform(0.6, 1), chargerID: rng.next() % 4 == 0 ? "C\(rng.next() % 14)" : nil))
                t = departure + rng.uniform(0, 2400)
            }
        }
        return Scenario(name: "churn-\(seed)", vehicleTypes: [type], vehicles: vehicles, visits: visits,
                        chargers: chargers, site: Site(gridLimitKW: 900), start: 0, end: horizon, stepS: stepS, seed: seed)
    }

    @Test(arguments: [60.0, 300, 900])
    func viewsMatchARebuildAfterEveryTick(stepS: Double) throws {
        var ticks = 0, busyTicks = 0, mixedTicks = 0, shiftedTicks = 0
        for seed in UInt64(1)...8 {
            let scenario = Self.churnScenario(seed: seed, stepS: stepS)
            let policy = BuiltinPolicies.make(BuiltinPolicies.names[Int(seed) % BuiltinPolicies.names.count])!
            let sim = try Simulation(scenario: scenario, policy: policy, options: RunOptions(keepEvents: false))
            var lastTick = sim.controlCount
            var previous: [Int] = []
            while try sim.step() {
                guard sim.controlCount != lastTick else { continue }
                lastTick = sim.controlCount
                ticks += 1
                let t = sim.lastControlTime
                // The rebuild: every plugged session wanting energy, sorted by (charger, slot).
                let expected = sim.plugged
                    .filter { !sim.sessions[$0].reached && sim.sessions[$0].plugIn <= t }
                    .sorted { (sim.sessions[$0].charger, $0) < (sim.sessions[$1].charger, $1) }
                if sim.viewSlots != expected {
                    Issue.record("seed \(seed) step \(stepS) t \(t): shown \(sim.viewSlots), expected \(expected)")
                    return
                }
                #expect(sim.views.count == expected.count && sim.hot.count == expected.count)
                for (i, slot) in sim.viewSlots.enumerated() {
                    let view = sim.views[i], session = sim.sessions[slot]
                    let ok = view.sessionID == slot + 1 && view.chargerIndex == session.charger
                        && view.vehicleIndex == session.vehicle
                        && view.vehicleID == scenario.vehicles[session.vehicle].id
                        && view.chargerID == scenario.chargers[session.charger].id
                        && sim.hot[i].fresh && Int(sim.hot[i].slot) == slot && Int(sim.viewPos[slot]) == i
                    if !ok {
                        Issue.record("seed \(seed) step \(stepS) t \(t): view \(i) (slot \(slot)) out of step")
                        return
                    }
                }
                // How hard the tick tried the merge: views dropped and added, kept views shifted.
                let now = Set(sim.viewSlots), before = Set(previous)
                let dropped = before.subtracting(now).count, added = now.subtracting(before).count
                if dropped >= 2 || added >= 2 { busyTicks += 1 }
                if dropped >= 1 && added >= 1 { mixedTicks += 1 }
                if previous.enumerated().contains(where: { k, slot in now.contains(slot) && Int(sim.viewPos[slot]) != k }) {
                    shiftedTicks += 1
                }
                previous = sim.viewSlots
            }
        }
        // The depots churn: per step size (60, 300, 900 s), about 200 to 400 ticks drop or add two
        // views or more, 250 to 370 both drop and add (runs shifting left and right, and by zero),
        // and over 3,000 move kept views.
        #expect(ticks > 1_000)
        #expect(busyTicks > 100)
        #expect(mixedTicks > 100)
        #expect(shiftedTicks > 1_000)
    }
}
