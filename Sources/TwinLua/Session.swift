import Foundation
import LuaHost
import TwinCore

/// How a session is set up (from the command line and environment).
public struct SessionOptions {
    /// Extra plugin roots from `--plugins DIR` (searched last).
    public var pluginDirectories: [String]
    /// Environment (reads `TWIN_PLUGIN_PATH`, `TWIN_HOME`).
    public var environment: [String: String]
    public var workingDirectory: String
    public var seedOverride: UInt64?
    public var policyOverride: String?
    /// `--set name=value`: `"llf.horizon_h" -> "8"` or scenario-level `"step_s" -> "60"`.
    public var paramOverrides: [String: String]
    /// Sink for notes and warnings (stderr in the CLI).
    public var notes: (String) -> Void
    /// The bundled home (folder with `plugins/` and `stdlib/`); found automatically when nil.
    public var home: String?

    public init(pluginDirectories: [String] = [], environment: [String: String] = ProcessInfo.processInfo.environment,
                workingDirectory: String = FileManager.default.currentDirectoryPath, seedOverride: UInt64? = nil,
                policyOverride: String? = nil, paramOverrides: [String: String] = [:],
                notes: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) },
                home: String? = nil) {
        self.pluginDirectories = pluginDirectories
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.seedOverride = seedOverride
        self.policyOverride = policyOverride
        self.paramOverrides = paramOverrides
        self.notes = notes
        self.home = home
    }
}

/// Where a scenario came from (recorded with each run).
public struct ScenarioSource: Equatable {
    public var path: String?
    public var text: String?
    public init(path: String?, text: String?) { self.path = path; self.text = text }
}

/// One run done in a session.
public struct SessionRun {
    public var result: RunResult
    public var policyName: String
    public var policyVersion: String
    /// Behaviour plugins (name, version) in order.
    public var behaviours: [(name: String, version: String)]
    /// The typed parameters of every plugin of the run, as JSON (`{"llf": {"x": 8}}`).
    public var paramsJSON: String
    public var seed: UInt64
    public var scenarioName: String
    public var scenarioSource: ScenarioSource?
    /// Wall-clock seconds the run took.
    public var wallTimeS: Double
    public var startedAt: Date
}

/// A row of `twin.runs.list()`.
public struct RunSummaryRow {
    public var id: Int64
    public var scenario: String
    public var policy: String
    public var status: String
    /// UTC seconds.
    public var startedAt: Double
    public var peakKW: Double?
    public var energyKWh: Double?
    public init(id: Int64, scenario: String, policy: String, status: String, startedAt: Double, peakKW: Double?, energyKWh: Double?) {
        self.id = id; self.scenario = scenario; self.policy = policy; self.status = status
        self.startedAt = startedAt; self.peakKW = peakKW; self.energyKWh = energyKWh
    }
}

/// Stored runs (the CLI implements it over SQLite); backs `twin.runs.list/get`.
public protocol RunHistory: AnyObject {
    func list(limit: Int) throws -> [RunSummaryRow]
    func get(id: Int64) throws -> RunResult
}

/// A session error with a message for the user (run failures carry the plugin position).
public struct SessionError: Error, CustomStringConvertible {
    public var message: String
    public var traceback: String?
    public init(_ message: String, traceback: String? = nil) { self.message = message; self.traceback = traceback }
    public var description: String { message }
}

/// The one execution context shared by the runner and the REPL.
public final class Session {
    public let options: SessionOptions
    /// The bundled home folder (contains `plugins/` and `stdlib/`).
    public let home: String
    public var stdlibDirectory: String { (home as NSString).appendingPathComponent("stdlib") }
    /// The trusted Lua state (full libraries, `twin` global).
    public let lua: LuaState
    public private(set) var registry: PluginRegistry
    /// Every run done in this session, in order.
    public internal(set) var runs: [SessionRun] = []
    /// Stored runs; nil with `--no-store`.
    public var history: RunHistory?
    /// Named vehicle types, chargers, depots and models (`twin.store`); nil with `--no-store`.
    public var resources: ResourceLibrary?
    /// Where fitted models are also saved, and looked up after this session's (the CLI's store);
    /// nil: models live for the session only.
    public var modelStore: ConsumptionModelStore?
    /// Models fitted in this session (`twin.fit.consumption`), by name.
    public internal(set) var fittedModels: [String: ConsumptionModel] = [:]
    /// Vehicle types made, or used by scenarios built or loaded, in this session (the last one of a
    /// name wins); `twin.predict` finds `type = "E12"` here first.
    public internal(set) var knownVehicleTypes: [String: VehicleType] = [:]
    /// Called from the run loop at most every ~0.1 s of wall time.
    public var progress: ((_ now: Double, _ start: Double, _ end: Double) -> Void)?
    /// Instruction budget per plugin call.
    public var pluginInstructionLimit = 50_000_000
    /// Memory cap of the plugin state, bytes.
    public var pluginMemoryLimit = 512 << 20

    let cancelFlag: UnsafeMutablePointer<Int32>
    var pluginCancellation: LuaCancellation?
    var sources: [String: ScenarioSource] = [:]
    var makeResultRef: LuaRef?
    /// True while `twin check` runs a script: `run` prepares and validates, and does not simulate.
    var isChecking = false
    /// What a check prepared, one line each.
    var checkedRuns: [String] = []
    var resultsByID: [Int: RunResult] = [:]
    var nextResultID = 0
    /// The script being run (scenarios built by it record it as their source).
    var currentScriptSource: ScenarioSource?

    public init(options: SessionOptions) throws {
        self.options = options
        guard let home = options.home ?? Session.locateHome(environment: options.environment,
                                                            workingDirectory: options.workingDirectory) else {
            throw SessionError("cannot find the bundled plugins/ and stdlib/ folders (set TWIN_HOME)")
        }
        self.home = home
        cancelFlag = .allocate(capacity: 1)
        cancelFlag.pointee = 0
        lua = try LuaState()
        registry = try PluginRegistry(roots: Session.pluginRoots(home: home, options: options),
                                      stdlibDirectory: (home as NSString).appendingPathComponent("stdlib"),
                                      workingDirectory: options.workingDirectory)
        for n in registry.notes { options.notes(n) }
        try validateOverrides()
        let stdlib = (home as NSString).appendingPathComponent("stdlib")
        lua.setGlobal("__twin_stdlib", .string(stdlib + "/?.lua;"))
        try lua.run("package.path = __twin_stdlib .. package.path; __twin_stdlib = nil", chunkName: "=(twin)")
        try TwinModule.install(in: self)
    }

    deinit { cancelFlag.deallocate() }

    // MARK: Locating files

    /// `TWIN_HOME`, else the first folder holding `plugins/policies` and `stdlib/twin`, walking up
    /// from the executable's folder, then from the working directory.
    public static func locateHome(environment: [String: String], workingDirectory: String) -> String? {
        let fm = FileManager.default
        func isHome(_ d: String) -> Bool {
            var isDir: ObjCBool = false
            return fm.fileExists(atPath: (d as NSString).appendingPathComponent("plugins/policies"), isDirectory: &isDir) && isDir.boolValue
                && fm.fileExists(atPath: (d as NSString).appendingPathComponent("stdlib/twin"), isDirectory: &isDir) && isDir.boolValue
        }
        if let h = environment["TWIN_HOME"], !h.isEmpty { return isHome(h) ? PluginRegistry.absolute(h) : nil }
        var starts: [String] = []
        if let exe = Bundle.main.executablePath { starts.append((PluginRegistry.absolute(exe) as NSString).deletingLastPathComponent) }
        starts.append(PluginRegistry.absolute(workingDirectory))
        for start in starts {
            var d = start
            while true {
                if isHome(d) { return d }
                let up = (d as NSString).deletingLastPathComponent
                if up == d || up.isEmpty { break }
                d = up
            }
        }
        return nil
    }

    static func pluginRoots(home: String, options: SessionOptions) -> [String] {
        var roots = [(home as NSString).appendingPathComponent("plugins")]
        let local = ((PluginRegistry.absolute(options.workingDirectory)) as NSString).appendingPathComponent("plugins")
        roots.append(local)
        for p in (options.environment["TWIN_PLUGIN_PATH"] ?? "").split(separator: ":") where !p.isEmpty {
            roots.append(Session.resolve(String(p), in: options.workingDirectory))
        }
        for p in options.pluginDirectories { roots.append(Session.resolve(p, in: options.workingDirectory)) }
        var seen = Set<String>()
        return roots.map { ($0 as NSString).standardizingPath }.filter { seen.insert($0).inserted }
    }

    static func resolve(_ path: String, in dir: String) -> String {
        path.hasPrefix("/") ? path : ((PluginRegistry.absolute(dir) as NSString).appendingPathComponent(path) as NSString).standardizingPath
    }

    func resolve(_ path: String) -> String { Session.resolve(path, in: options.workingDirectory) }

    // MARK: Plugins

    public func reloadPlugins() throws {
        try registry.reload()
        for n in registry.notes { options.notes(n) }
    }

    static let scenarioKeys = ["step_s", "seed", "site.grid_limit_kw", "grid_limit_kw", "name"]

    /// Checks every `--set` names a known plugin parameter (or scenario field) and parses.
    func validateOverrides() throws {
        for (key, text) in options.paramOverrides.sorted(by: { $0.key < $1.key }) {
            if Session.scenarioKeys.contains(key) {
                if key != "name", Double(text) == nil { throw SessionError("--set \(key)=\(text): a number is expected") }
                continue
            }
            _ = try typedParam(key, .string(text), fromCommandLine: true)
        }
    }

    /// Resolves `plugin.param` and types the value.
    func typedParam(_ key: String, _ value: LuaValue, fromCommandLine: Bool) throws -> (String, String, LuaValue) {
        guard let dot = key.firstIndex(of: ".") else {
            throw SessionError("parameter '\(key)': use plugin.param (e.g. llf.horizon_h) or one of \(Session.scenarioKeys.joined(separator: ", "))")
        }
        let pname = String(key[..<dot]), param = String(key[key.index(after: dot)...])
        guard let entry = registry.plugin(pname) else {
            throw SessionError("unknown plugin '\(pname)' in parameter '\(key)' (plugins: \(registry.all.map(\.name).joined(separator: ", ")))")
        }
        guard let p = entry.param(param) else {
            let valid = entry.params.map { "\(pname).\($0.name)" }
            throw SessionError("unknown parameter '\(key)'; \(pname) has \(valid.isEmpty ? "no parameters" : valid.joined(separator: ", "))")
        }
        do {
            let typed = fromCommandLine ? try p.parse(value.stringValue ?? "") : try p.coerce(value)
            return (pname, param, typed)
        } catch let e as PluginError {
            throw SessionError("\(pname).\(e.message.replacingOccurrences(of: "parameter '\(param)' ", with: "\(param): "))")
        }
    }

    // MARK: Scenarios

    /// Loads a session-list JSON scenario (or a `.lua` file returning a scenario). Errors name the field path.
    public func loadScenario(path: String) throws -> Scenario {
        let full = resolve(path)
        guard let data = FileManager.default.contents(atPath: full) else { throw SessionError("\(path): cannot read the file") }
        let text = String(decoding: data, as: UTF8.self)
        let scenario: Scenario
        if path.hasSuffix(".lua") {
            let results = try lua.run(text, chunkName: "@" + path)
            guard case .userdata(let r)? = results.first, let box = TwinModule.scenarioBox(r, in: self) else {
                throw SessionError("\(path): the script must return twin.scenario{...}")
            }
            scenario = box.scenario
        } else {
            do {
                scenario = try SessionListScenario.decode(data).scenario()
            } catch let e as ScenarioError {
                throw SessionError("\(path): \(e.description)")
            }
        }
        sources[scenario.name] = ScenarioSource(path: path, text: text)
        learn(scenario.vehicleTypes)
        return scenario
    }

    func remember(_ scenario: Scenario, source: ScenarioSource?) {
        if let source { sources[scenario.name] = source }
    }

    /// Validates a scenario (.json / .lua) or a plugin file without running a simulation.
    /// Returns notes (what was checked); throws on the first problem.
    public func check(path: String) throws -> [String] {
        let full = resolve(path)
        let parts = full.split(separator: "/").map(String.init)
        if path.hasSuffix(".lua"), parts.contains(where: { ["policies", "behaviours", "formatters"].contains($0) }) {
            let e = try registry.check(file: full)
            return ["\(e.displayPath): \(e.kind.rawValue) '\(e.name)' \(e.version) OK (\(e.params.count) parameters)"]
        }
        if path.hasSuffix(".lua") { return try checkScript(path: path) }
        let s = try loadScenario(path: path)
        do { try s.validate() } catch let e as ScenarioError { throw SessionError("\(path): \(e.description)") }
        return ["\(path): scenario '\(s.name)' OK (\(s.vehicles.count) vehicles, \(s.chargers.count) chargers, \(s.blocks.count) blocks, \(s.visits.count) visits)"]
    }

    // MARK: Running

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
        func apply(_ key: String, _ value: LuaValue, commandLine: Bool) throws {
            if Session.scenarioKeys.contains(key) {
                let text = value.stringValue ?? luaNumberText(value)
                switch key {
                case "step_s": guard let d = Double(text) else { throw SessionError("step_s: number expected") }; scenario.stepS = d
                case "seed": guard let d = UInt64(text) else { throw SessionError("seed: integer expected") }; scenario.seed = d
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
        if let o = options.seedOverride, let s = seed, o != s { options.notes("--seed \(o) overrides the script's seed \(s)") }
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
                throw SessionError("scenario '\(sc.name)': \(e.description)")
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

    // MARK: Formatters

    /// Runs a formatter on a result. With a path, writes atomically (temp file in the same folder,
    /// renamed on success), siblings likewise; without, returns the bytes.
    @discardableResult
    public func write(format: String, result: RunResult, to path: String? = nil, params: [String: LuaValue] = [:]) throws -> FormatterOutput {
        let entry: PluginEntry
        do { entry = try registry.plugin(format, kind: .formatter) } catch let e as PluginError { throw SessionError(e.message) }
        var typed = entry.defaultParams
        for (k, v) in params {
            let key = k.contains(".") ? k : "\(format).\(k)"
            let (_, param, value) = try typedParam(key, v, fromCommandLine: false)
            typed[param] = value
        }
        for (k, v) in options.paramOverrides where k.hasPrefix(format + ".") {
            let (_, param, value) = try typedParam(k, .string(v), fromCommandLine: true)
            typed[param] = value
        }
        let host = try PluginHost(stdlibDirectory: stdlibDirectory, notes: options.notes,
                                  instructionLimit: pluginInstructionLimit * 4, memoryLimit: pluginMemoryLimit)
        pluginCancellation = host.state.cancellation
        let out = LuaOutput()
        do {
            let plugin = try LoadedPlugin(entry: entry, host: host, params: typed)
            guard let writeFn = plugin.hook("write") else { throw SessionError("\(entry.displayPath): write must be a function") }
            let resultValue = ResultTable.value(result)
            let params = plugin.params
            try host.state.call(writeFn, pushing: { f in f.push(resultValue); f.push(object: out); f.push(params) }, reading: { _ in })
        } catch let e as LuaError {
            throw SessionError(e.message, traceback: e.traceback)
        } catch let e as PluginError {
            throw SessionError(e.message)
        }
        var siblings: [(String, [UInt8])] = []
        func collect(_ o: LuaOutput) { for s in o.siblings { siblings.append((s.suffix ?? "", s.buffer)); collect(s) } }
        collect(out)
        guard let path else {
            return FormatterOutput(data: out.buffer, path: nil, siblings: siblings.map { ($0.0, $0.1) }, mediaType: entry.mediaType)
        }
        let full = resolve(path)
        let base = ((full as NSString).deletingPathExtension)
        var writes: [(String, [UInt8])] = [(full, out.buffer)]
        for (suffix, data) in siblings { writes.append((base + suffix, data)) }
        try Session.atomicWrite(writes)
        return FormatterOutput(data: out.buffer, path: full, siblings: writes.dropFirst().map { ($0.0, $0.1) }, mediaType: entry.mediaType)
    }

    /// Writes each file to a temp file beside it, then renames all into place (nothing half-written).
    static func atomicWrite(_ files: [(String, [UInt8])]) throws {
        let fm = FileManager.default
        var temps: [(String, String)] = []
        defer { for (t, _) in temps where fm.fileExists(atPath: t) { try? fm.removeItem(atPath: t) } }
        for (path, data) in files {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty, !fm.fileExists(atPath: dir) {
                throw SessionError("\(path): the folder \(dir) does not exist")
            }
            let temp = (dir as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).tmp-\(getpid())")
            guard fm.createFile(atPath: temp, contents: Data(data)) else { throw SessionError("\(path): cannot write") }
            temps.append((temp, path))
        }
        for (temp, path) in temps {
            if rename(temp, path) != 0 { throw SessionError("\(path): cannot rename into place (errno \(errno))") }
        }
    }

    static func json(_ params: [String: [String: LuaValue]]) -> String {
        var obj: [String: Any] = [:]
        for (plugin, ps) in params {
            var o: [String: Any] = [:]
            for (k, v) in ps {
                switch v {
                case .integer(let i): o[k] = i
                case .number(let d): o[k] = d
                case .bool(let b): o[k] = b
                case .string(let s): o[k] = s
                default: o[k] = v.description
                }
            }
            obj[plugin] = o
        }
        guard let data = try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
