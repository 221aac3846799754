import Foundation
import LuaHost
import TwinCore
import TwinLua

/// Counts policy calls and the time spent in them (wraps any policy).
final class TimedPolicy: ChargingPolicy {
    let inner: ChargingPolicy
    var calls = 0
    var sessions = 0
    var seconds = 0.0
    var cpuSeconds = 0.0
    init(_ inner: ChargingPolicy) { self.inner = inner }
    var name: String { inner.name }
    func allocate(_ context: PolicyContext, sessions: [SessionView], powerKW: inout [Double]) throws {
        let c = threadCPUSeconds()
        let t = DispatchTime.now().uptimeNanoseconds
        try inner.allocate(context, sessions: sessions, powerKW: &powerKW)
        seconds += Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
        cpuSeconds += threadCPUSeconds() - c
        calls += 1
        self.sessions += sessions.count
    }
}

func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// The Lua `llf` plugin against the Swift primitive on the engine benchmark's generated depot.
/// Target: under 10 s and within 3x of Swift.
func runLuaPolicyBenchmarks(_ filter: String? = nil) {
    print("== TwinLua policy benchmarks ==")
    if filter == nil || filter == "policy" || filter == "policy-small" {
        luaPolicyBench(buses: 100, chargers: 40, days: 30, keyFunction: true)
    }
    // Issue 4: the engine issue's 1000-bus year (1000 buses, 400 chargers in cabinets, one year,
    // 5-minute control, blocks every day, winter/summer temperatures) with the Lua llf plugin.
    if filter == nil || filter == "policy" || filter == "policy-year" {
        luaPolicyBench(buses: 1000, chargers: 400, days: 365, keyFunction: false)
    }
    // A month of the 1000-bus depot (quick look at the per-tick cost with ~240 sessions).
    if filter == "policy-parts" {
        luaPolicyParts(buses: 1000, chargers: 400, days: 30, only: CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : nil)
    }
    if filter == "policy-month" { luaPolicyBench(buses: 1000, chargers: 400, days: 30, keyFunction: CommandLine.arguments.count < 3) }
}

func luaPolicyBench(buses: Int, chargers: Int, days: Int, keyFunction: Bool) {
    let scenario = makeBenchDepot(buses: buses, chargers: chargers, days: days)
    let options = RunOptions(keepEvents: false, keepTrips: false, keepSessions: true, keepLoadProfile: true)
    do {
        // Swift primitive.
        let swiftPolicy = TimedPolicy(SortedPolicy(name: "llf", key: .laxity))
        var t = Date()
        let swift = try Simulation(scenario: scenario, policy: swiftPolicy, options: options).result()
        let swiftS = Date().timeIntervalSince(t)
        let rssSwift = maxResidentMiB()

        // Lua plugin, built by the session as `twin run` does, timed per policy call.
        let session = try Session(options: SessionOptions(notes: { _ in }))
        let luaPolicy = TimedPolicy(try session.simulation(scenario: scenario, policy: "llf", options: options).policy)
        t = Date()
        let lua = try Simulation(scenario: scenario, policy: luaPolicy, options: options).result()
        let luaS = Date().timeIntervalSince(t)
        let rssLua = maxResidentMiB()

        let ticks = max(1, swiftPolicy.calls)
        let meanSessions = Double(swiftPolicy.sessions) / Double(ticks)
        print(String(format: "%@: %d control ticks, %.1f plugged sessions per tick on average", scenario.name, ticks, meanSessions))
        print(String(format: "  Swift llf primitive : run %.3f s (policy %.2f us/tick, CPU %.2f us/tick); max RSS %.0f MiB", swiftS,
                     swiftPolicy.seconds / Double(ticks) * 1e6, swiftPolicy.cpuSeconds / Double(ticks) * 1e6, rssSwift))
        print(String(format: "  Lua llf plugin      : run %.3f s = %.2fx Swift; policy %.2f us/tick (CPU %.2f us/tick, %.1f ns/session; ctx refresh + Lua call + read back); max RSS %.0f MiB",
                     luaS, luaS / swiftS, luaPolicy.seconds / Double(max(1, luaPolicy.calls)) * 1e6,
                     luaPolicy.cpuSeconds / Double(max(1, luaPolicy.calls)) * 1e6,
                     luaPolicy.seconds / Double(max(1, luaPolicy.sessions)) * 1e9, rssLua))
        let same = lua.summary == swift.summary && lua.sessions == swift.sessions && lua.loadProfile == swift.loadProfile
        print(String(format: "  same result as Swift (summary, sessions, load profile): %@ (energy %.1f vs %.1f kWh, peak %.1f vs %.1f kW)",
                     same ? "yes" : "NO", lua.summary.energyKWh, swift.summary.energyKWh, lua.summary.peakKW, swift.summary.peakKW))
        print(String(format: "  target: < 10 s and within 3x -> %@", luaS < 10 && luaS <= 3 * swiftS ? "met" : "NOT met"))

        guard keyFunction else { return }
        // The same plugin with a Lua key function (calls back into Lua per session).
        let dir = NSTemporaryDirectory() + "twin-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir + "/policies", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        return twin.policy { name = "llf_key", version = "1", api = "1", allocate = function(ctx, params)
          local now = ctx.now
          return twin.alloc.sorted(ctx, function(s)
            return (s.departure - now) - s.energy_wanted_kwh / (s.vehicle_max_kw * s.efficiency) * 3600 end)
        end }
        """.write(toFile: dir + "/policies/llf_key.lua", atomically: true, encoding: .utf8)
        let keyed = try Session(options: SessionOptions(pluginDirectories: [dir], notes: { _ in }))
        let keyPolicy = TimedPolicy(try keyed.simulation(scenario: scenario, policy: "llf_key", options: options).policy)
        t = Date()
        let luaKey = try Simulation(scenario: scenario, policy: keyPolicy, options: options).result()
        let luaKeyS = Date().timeIntervalSince(t)
        print(String(format: "  Lua key function    : run %.3f s = %.2fx Swift; policy %.2f us/tick; energy %.1f kWh", luaKeyS,
                     luaKeyS / swiftS, keyPolicy.seconds / Double(max(1, keyPolicy.calls)) * 1e6, luaKey.summary.energyKWh))
    } catch {
        print("Lua policy benchmark failed: \(error)")
    }
}

/// Where the Lua policy's time goes: plugins doing less and less, on the same depot.
func luaPolicyParts(buses: Int, chargers: Int, days: Int, only: String? = nil) {
    let scenario = makeBenchDepot(buses: buses, chargers: chargers, days: days)
    let options = RunOptions(keepEvents: false, keepTrips: false, keepSessions: true, keepLoadProfile: true)
    let dir = NSTemporaryDirectory() + "twin-bench-parts-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let bodies: [(String, String)] = [
        ("empty", "return {}"),
        ("zeros", "local r = {} for i = 1, #ctx.sessions do r[i] = 0 end return r"),
        ("llf", "return twin.alloc.sorted(ctx, \"laxity\")"),
        ("read_soc", "local r = {} for i, s in ipairs(ctx.sessions) do r[i] = s.soc * 0 end return r"),
    ]
    do {
        try FileManager.default.createDirectory(atPath: dir + "/policies", withIntermediateDirectories: true)
        for (name, body) in bodies {
            try "return twin.policy { name = \"p_\(name)\", version = \"1\", api = \"1\", allocate = function(ctx, params) \(body) end }"
                .write(toFile: dir + "/policies/p_\(name).lua", atomically: true, encoding: .utf8)
        }
        let session = try Session(options: SessionOptions(pluginDirectories: [dir], notes: { _ in }))
        for (name, _) in bodies where only == nil || only == name {
            let policy = TimedPolicy(try session.simulation(scenario: scenario, policy: "p_" + name, options: options).policy)
            _ = try Simulation(scenario: scenario, policy: policy, options: options).result()
            print(String(format: "  %-9@ policy CPU %.2f us/tick (%.1f ns/session)", name, policy.cpuSeconds / Double(policy.calls) * 1e6,
                         policy.cpuSeconds / Double(policy.sessions) * 1e9))
        }
    } catch {
        print("Lua policy parts failed: \(error)")
    }
}
