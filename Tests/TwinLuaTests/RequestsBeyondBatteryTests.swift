import Foundation
import Testing
import TwinCore
@testable import TwinLua

/// A policy's manifest field `requests_beyond_battery` (docs/lua-api.md, Manifest): on a session
/// list asking for more than batteries hold (G10), the bundled reference policies, which set it,
/// run exactly as their Swift twins; a copy without it sees only what batteries take; a copy
/// with it runs as the bundled one.
@Suite struct RequestsBeyondBatteryTests {
    static let g10 = referencePath("acn_generated/G10.json")

    @Test(arguments: ["fcfs", "edf", "llf", "round_robin"])
    func bundledPoliciesRunAsTheirSwiftTwins(policy: String) throws {
        let session = try makeSession()
        let scenario = try session.loadScenario(path: Self.g10)
        #expect(session.registry.plugin(policy)?.seesRequestsBeyondBattery == true)
        let lua = try session.run(scenario: scenario, policy: policy).result
        let swift = try Simulation(scenario: scenario, policy: BuiltinPolicies.make(policy)!).result()
        #expect(lua.summary == swift.summary)
        #expect(lua.sessions == swift.sessions)
    }

    @Test func theFieldDecidesWhatACopySees() throws {
        let dir = makeTempDir()
        for (name, flag) in [("my_fcfs", ""), ("my_acn_fcfs", "requests_beyond_battery = true,")] {
            write("""
            return twin.policy { name = "\(name)", version = "1.0.0", api = "1", description = "x", params = {},
              \(flag)
              allocate = function(ctx, params) return twin.alloc.sorted(ctx, "arrival") end }
            """, to: dir + "/plugins/policies/\(name).lua")
        }
        let session = try makeSession(cwd: dir)
        let scenario = try session.loadScenario(path: Self.g10)
        let bundled = try session.run(scenario: scenario, policy: "fcfs").result
        let plain = try session.run(scenario: scenario, policy: "my_fcfs").result
        let flagged = try session.run(scenario: scenario, policy: "my_acn_fcfs").result
        #expect(flagged.summary.deliveredKWh == bundled.summary.deliveredKWh)
        #expect(flagged.sessions == bundled.sessions)
        // Without the field the full batteries' shares go to the others: more is delivered.
        #expect(plain.summary.deliveredKWh > bundled.summary.deliveredKWh * 1.05,
                "\(plain.summary.deliveredKWh) vs \(bundled.summary.deliveredKWh)")
    }

    @Test(arguments: [
        ("policies/typo.lua", "twin.policy", "\"yes\"", "allocate = function(ctx, params) return {} end",
         "typo.lua: requests_beyond_battery must be true or false"),
        ("behaviours/typo.lua", "twin.behaviour", "true", "on_arrival = function(ctx, params) return nil end",
         "typo.lua: requests_beyond_battery is a policy's field"),
    ])
    func theFieldIsChecked(file: String, maker: String, value: String, hook: String, expected: String) throws {
        let dir = makeTempDir()
        write("""
        return \(maker) { name = "typo", version = "1.0.0", api = "1", description = "x", params = {},
          requests_beyond_battery = \(value), \(hook) }
        """, to: dir + "/plugins/" + file)
        do {
            _ = try makeSession(cwd: dir)
            Issue.record("the manifest should be refused")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
        }
    }
}
