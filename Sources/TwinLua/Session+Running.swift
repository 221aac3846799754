import Foundation
import LuaHost
import TwinCore

/// Running scenarios under Lua plugins, and running scripts.
extension Session {
    /// Applies overrides (command line wins) and types every parameter.
    func prepare(scenario: Scenario, policy: String?, behaviours: [String], params: [String: LuaValue], seed: UInt64?)
        throws -> (Scenario, PluginEntry, [PluginEntry], [String: [String: LuaValue]], UInt64) {
        var scenario = scenario
        let policyName = options.policyOverride ?? policy ?? "uncontrolled"
        if let o = options.policyOverride, let p = policy, o != p { options.notes("--policy \(o) overrides the script's policy '\(p)'") }
        let policyEntry: PluginEntry
        do { policyEntry = try registry.plugin(policyName, kind: .policy) } catch let e as PluginError { throw SessionError(e.message) }
        var behaviourEntries: [PluginEntry] = []
        for b in behaviours {
            do { behaviourEntries.append(try registry.plugin(b, kind: .behaviour)) } catch let e as PluginError { throw SessionError(e.message) }
        }
        var typed: [String: [String: LuaValue]] = [:]
        for e in [policyEntry] + behaviourEntries { typed[e.name] = e.defaultParams }
        var paramSeed: UInt64?  // a seed given as params.seed (the script's too)
        func apply(_ key: String, _ value: LuaValue, commandLine: Bool) throws {
            if Session.scenarioKeys.contains(key) {
                let text = value.stringValue ?? luaNumberText(value)
                switch key {
                case "step_s": guard let d = Double(text) else { throw SessionError("step_s: number expected") }; scenario.stepS = d
                case "seed":
                    guard let d = UInt64(text) else { throw SessionError("seed: integer expected") }
                    scenario.seed = d
                    if !commandLine { paramSeed = d }
                case "name": scenario.name = text
                default: guard let d = Double(text) else { throw SessionError("\(key): number expected") }; scenario.site.gridLimitKW = d
                }
                return
            }
            let (plugin, param, v) = try typedParam(key, value, fromCommandLine: commandLine)
            if typed[plugin] == nil {
                options.notes("note: parameter '\(key)' is for plugin '\(plugin)', which this run does not use")
                return
            }
            typed[plugin]![param] = v
        }
        for (k, v) in params.sorted(by: { $0.key < $1.key }) { try apply(k, v, commandLine: false) }
        for (k, v) in options.paramOverrides.sorted(by: { $0.key < $1.key }) {
            if params[k] != nil { options.notes("--set \(k)=\(v) overrides the script's value") }
            try apply(k, .string(v), commandLine: true)
        }
        let runSeed = options.seedOverride ?? seed ?? scenario.seed
        if let o = options.seedOverride, let s = seed ?? paramSeed, o != s { options.notes("--seed \(o) overrides the script's seed \(s)") }
        scenario.seed = runSeed
        return (scenario, policyEntry, behaviourEntries, typed, runSeed)
    }

    /// A simulation under Lua plugins (not started). The plugins live as long as the simulation.
    public func simulation(scenario: Scenario, policy: String?, behaviours: [String] = [],
                           params: [String: LuaValue] = [:], seed: UInt64? = nil, options runOptions: RunOptions = RunOptions())
        throws -> Simulation {
        try makeSimulation(scenario: scenario, policy: policy, behaviours: behaviours, params: params, seed: seed,
                           runOptions: runOptions).sim
    }

    struct Prepared {
        var sim: Simulation
        var policy: PluginEntry
        var behaviours: [PluginEntry]
        var params: [String: [String: LuaValue]]
        var seed: UInt64
        var scenario: Scenario
    }

    func makeSimulation(scenario: Scenario, policy: String?, behaviours: [String], params: [String: LuaValue],
                        seed: UInt64?, runOptions: RunOptions) throws -> Prepared {
        let (sc, policyEntry, behaviourEntries, typed, runSeed) = try prepare(scenario: scenario, policy: policy,
                                                                               behaviours: behaviours, params: params, seed: seed)
        let host = try PluginHost(stdlibDirectory: stdlibDirectory, notes: options.notes,
                                  instructionLimit: pluginInstructionLimit, memoryLimit: pluginMemoryLimit)
        pluginCancellation = host.state.cancellation
        do {
            try host.state.call(try host.helper("seed"), pushing: { $0.push(Int64(bitPattern: runSeed)) }, reading: { _ in })
            let pol = try LuaPolicy(plugin: try LoadedPlugin(entry: policyEntry, host: host, params: typed[policyEntry.name] ?? [:]),
                                    scenario: sc)
            let bs = try behaviourEntries.map { try LoadedPlugin(entry: $0, host: host, params: typed[$0.name] ?? [:]) }
            let behaviour: DepotBehaviour = bs.isEmpty ? DefaultBehaviour() : LuaBehaviours(plugins: bs, scenario: sc)
            let sim: Simulation
            do { sim = try Simulation(scenario: sc, policy: pol, behaviour: behaviour, options: runOptions) } catch let e as ScenarioError {
                throw SessionError("scenario '\(sc.name)': \(e.description)", isBadInput: true)
            }
            let flag = cancelFlag
            sim.isCancelled = { flag.pointee != 0 }
            return Prepared(sim: sim, policy: policyEntry, behaviours: behaviourEntries, params: typed, seed: runSeed, scenario: sc)
        } catch let e as PluginError {
            throw SessionError(e.message)
        }
    }

    /// Runs a scenario to the end under a policy plugin and behaviour plugins; records the run.
    @discardableResult
    public func run(scenario: Scenario, policy: String? = nil, behaviours: [String] = [], params: [String: LuaValue] = [:],
                    seed: UInt64? = nil, source: ScenarioSource? = nil, options runOptions: RunOptions = RunOptions()) throws -> SessionRun {
        cancelFlag.pointee = 0
        let started = Date()
        let p = try makeSimulation(scenario: scenario, policy: policy, behaviours: behaviours, params: params, seed: seed,
                                   runOptions: runOptions)
        if isChecking { return checkedRun(p, started: started) }
        let sim = p.sim
        let result: RunResult
        do {
            try drive(sim)
            result = try sim.result()
        } catch let e as LuaError {
            throw SessionError(e.message, traceback: e.traceback)
        } catch let e as PluginError {
            throw SessionError(e.message)
        }
        let run = SessionRun(result: result, policyName: p.policy.name, policyVersion: p.policy.version,
                             behaviours: p.behaviours.map { ($0.name, $0.version) }, paramsJSON: Session.json(p.params),
                             seed: p.seed, scenarioName: p.scenario.name,
                             scenarioSource: source ?? sources[scenario.name], wallTimeS: Date().timeIntervalSince(started),
                             startedAt: started)
        runs.append(run)
        runFinished?(run)
        return run
    }

    /// Runs a simulation to `time` in chunks, reporting progress at most every 0.1 s.
    func drive(_ sim: Simulation, until time: Double? = nil) throws {
        let end = min(time ?? sim.scenario.end, sim.scenario.end)
        guard let progress else { try sim.run(until: end); return }
        let chunk = max(sim.scenario.stepS, (sim.scenario.end - sim.scenario.start) / 500)
        var last = Date.distantPast
        while sim.now < end, !sim.isFinished {
            try sim.run(until: min(end, sim.now + chunk))
            if Date().timeIntervalSince(last) >= 0.1 {
                last = Date()
                progress(sim.now, sim.scenario.start, sim.scenario.end)
            }
        }
        if end >= sim.scenario.end { try sim.run(until: end) }
    }

    /// Stops the running simulation or Lua code (signal-safe: stores flags only).
    public func cancel() {
        cancelFlag.pointee = 1
        lua.cancel()
        pluginCancellation?.cancel()
    }

    /// Runs a trusted script; chunk name `@<path as given>`.
    public func runScript(path: String) throws {
        let full = resolve(path)
        guard let text = try? String(contentsOfFile: full, encoding: .utf8) else { throw SessionError("\(path): cannot read the file") }
        cancelFlag.pointee = 0
        lua.clearCancellation()
        let saved = currentScriptSource
        currentScriptSource = ScenarioSource(path: path, text: text)
        defer { currentScriptSource = saved }
        try lua.run(text.hasPrefix("#!") ? "--" + text : text, chunkName: "@" + path)
    }
}
