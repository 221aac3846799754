import Foundation
import Testing
@testable import TwinCore

/// The shown sessions' per-tick state lives in `Simulation.hot` while they are shown, and is
/// written back to their records whenever anything else looks at them (`releaseHot`). Looking at
/// every vehicle after every event forces that write-back, and the reload at the next tick, all
/// the time: the results must be the same, bit for bit, as a run nobody looked into.
@Suite struct HotSessionTests {
    /// The run's result, encoded (bit-exact: every Double as written by the encoder).
    static func encoded(_ r: RunResult) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(r)
    }

    @Test(arguments: [true, false])
    func lookingIntoTheRunChangesNothing(keepEvents: Bool) throws {
        let options = RunOptions(keepEvents: keepEvents)
        for seed in UInt64(1)...150 {
            let scenario = RandomScenario.make(seed: seed)
            let straight = try Simulation(scenario: scenario, policy: RandomScenario.policy(seed: seed),
                                          options: options).result()
            let sim = try Simulation(scenario: scenario, policy: RandomScenario.policy(seed: seed), options: options)
            var looked = 0
            while try sim.step() {
                // Every few events, look at every vehicle (its SOC now: the session's write-back).
                if sim.eventsProcessed % 3 == 0 {
                    for v in scenario.vehicles { _ = sim.vehicle(v.id); looked += 1 }
                }
            }
            let interrupted = try sim.result()
            #expect(looked > 0)
            if try Self.encoded(straight) != Self.encoded(interrupted) {
                Issue.record("seed \(seed) (keepEvents \(keepEvents)): results differ when looked into")
            }
        }
    }

    @Test func entriesStayInStepWithTheViews() throws {
        for seed in UInt64(1)...60 {
            let scenario = RandomScenario.make(seed: seed)
            let sim = try Simulation(scenario: scenario, policy: RandomScenario.policy(seed: seed),
                                     options: RunOptions(keepEvents: false))
            while try sim.step() {
                #expect(sim.hot.count == sim.views.count && sim.viewSlots.count == sim.views.count)
                for i in sim.hot.indices where sim.hot[i].fresh {
                    // A fresh entry belongs to the session shown at its position, found there by slot.
                    #expect(Int(sim.hot[i].slot) == sim.viewSlots[i])
                    #expect(Int(sim.viewPos[sim.viewSlots[i]]) == i)
                    #expect(sim.sessions[sim.viewSlots[i]].open && !sim.sessions[sim.viewSlots[i]].reached)
                }
            }
        }
    }
}

@Suite struct HotSessionLayoutTests {
    /// Two cache lines an entry; what every view reads at a tick in the first 48 bytes.
    @Test func layout() {
        #expect(MemoryLayout<Simulation.HotSession>.stride == 128)
        #expect(MemoryLayout<Simulation.HotSession>.offset(of: \.targetSOC)! == 40)
        #expect(MemoryLayout<Simulation.HotSession>.offset(of: \.fresh)! < 16)
    }
}
