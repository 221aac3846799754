import Foundation
import LuaHost
import TwinCore

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
    /// Called after each run completes (`twin.run`, `Session.run`), once it is in `runs`: the REPL
    /// stores it there and then. Nil: runs are only collected (`twin run` stores them at the end).
    public var runFinished: ((SessionRun) -> Void)?
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
}
