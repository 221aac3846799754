import Foundation
import LuaHost
import TwinCore

/// A Lua state that runs plugins: each plugin in its own sandbox, with the plugin `twin` module
/// (constructors + `twin.alloc`), stdlib `require`, an instruction budget per call and a memory cap.
///
/// Kept apart from the trusted state so that every call into a plugin is an outermost call with
/// its own instruction budget (a script's `twin.run` reaches the policy through Swift).
final class PluginHost {
    let state: LuaState
    let stdlibDirectory: String
    let notes: (String) -> Void
    /// Helper functions from the setup chunk.
    let helpers: LuaRef
    /// The `twin` table given to plugins.
    let twinTable: LuaRef
    var moduleCache: [String: String] = [:]

    /// The tick the policy is allocating (read by the fast `twin.alloc` primitives).
    var currentSessions: [SessionView] = []
    var context: PolicyContext?
    var currentContext: PolicyContext { context! }
    var scratchKeys: [Double] = []
    var scratchPower: [Double] = []
    var scratchOrder: [Int] = []
    var sortedPolicies: [Allocation.SortKey: SortedPolicy] = [:]
    /// Scenario indices by id, so a ctx a plugin builds itself keeps its sessions' dispenser and
    /// cabinet limits (set by the policy adapter).
    var chargerIndexByID: [String: Int] = [:]
    var cabinetIndexByID: [String: Int] = [:]
    /// The policy plugin reads the per-tick session fields: LuaPolicy sends them with every call.
    var sendsDynamicFields = false

    init(stdlibDirectory: String, notes: @escaping (String) -> Void, instructionLimit: Int = 50_000_000,
         memoryLimit: Int = 512 << 20) throws {
        state = try LuaState()
        self.stdlibDirectory = stdlibDirectory
        self.notes = notes
        let setup = try state.run(Self.setupSource, chunkName: "=(twin plugin host)")
        guard case .function(let make) = setup.first ?? .nil else { throw PluginError("plugin host setup failed") }
        var fast: [String: LuaFunction] = [:]
        var hostRef: PluginHost?
        fast["sorted"] = { f in
            guard let h = hostRef else { return }
            // The engine's own primitive (one per key: it warm-starts its sort from the last call's
            // order, with the same result as a full sort).
            let key = Allocation.SortKey(rawValue: try f.string(at: 1)) ?? .arrival
            let policy: SortedPolicy
            if let p = h.sortedPolicies[key] { policy = p } else {
                policy = SortedPolicy(name: key.rawValue, key: key)
                h.sortedPolicies[key] = policy
            }
            try policy.allocate(h.currentContext, sessions: h.currentSessions, powerKW: &h.scratchPower)
            f.push(array: h.scratchPower)
        }
        fast["sorted_keys"] = { f in
            guard let h = hostRef else { return }
            try f.doubles(at: 1, into: &h.scratchKeys)
            guard h.scratchKeys.count == h.currentSessions.count else {
                throw LuaScriptError("twin.alloc.sorted: \(h.scratchKeys.count) keys for \(h.currentSessions.count) sessions")
            }
            Allocation.sorted(h.currentSessions, keys: h.scratchKeys, headroomKW: h.currentContext.headroomKW,
                              limits: h.currentContext.limits, powerKW: &h.scratchPower, order: &h.scratchOrder)
            f.push(array: h.scratchPower)
        }
        fast["fair_share"] = { f in
            guard let h = hostRef else { return }
            Allocation.fairShare(h.currentSessions, headroomKW: h.currentContext.headroomKW,
                                 limits: h.currentContext.limits, powerKW: &h.scratchPower,
                                 order: &h.scratchOrder)
            f.push(array: h.scratchPower)
        }
        fast["balanced"] = { f in
            guard let h = hostRef else { return }
            Allocation.balanced(h.currentSessions, now: h.currentContext.now, headroomKW: h.currentContext.headroomKW,
                                limits: h.currentContext.limits, powerKW: &h.scratchPower)
            f.push(array: h.scratchPower)
        }
        fast["uncontrolled"] = { f in
            guard let h = hostRef else { return }
            Allocation.uncontrolled(h.currentSessions, powerKW: &h.scratchPower)
            f.push(array: h.scratchPower)
        }
        // Slow path: a ctx the plugin built itself (e.g. filtered sessions), read from Lua.
        fast["slow"] = { f in
            let op = try f.string(at: 1)
            let ctx = try f.table(at: 2)
            let (sessions, now, headroom) = try PluginHost.views(fromContext: ctx, chargers: hostRef?.chargerIndexByID ?? [:],
                                                                 cabinets: hostRef?.cabinetIndexByID ?? [:])
            // The engine's dispenser and cabinet limits hold whatever sessions the plugin passes.
            let limits = hostRef?.context?.limits ?? .none
            var out: [Double] = []
            switch op {
            case "fair_share": out = Allocation.fairShare(sessions, headroomKW: headroom, limits: limits)
            case "balanced": out = Allocation.balanced(sessions, now: now, headroomKW: headroom, limits: limits)
            case "uncontrolled": Allocation.uncontrolled(sessions, powerKW: &out)
            default:
                var keys: [Double] = []
                if let name = f.value(at: 3).stringValue {
                    Allocation.keys(Allocation.SortKey(rawValue: name) ?? .arrival, for: sessions, now: now, into: &keys)
                } else {
                    try f.doubles(at: 3, into: &keys)
                }
                out = Allocation.sorted(sessions, keys: keys, headroomKW: headroom, limits: limits)
            }
            f.push(array: out)
        }
        // The fields of the session views that change every tick, for all sessions of this call in
        // ctx order (4 per session), the first time a plugin touches one (see SM in the setup chunk).
        // From then on LuaPolicy sends the changed ones with every call.
        fast["dynamic"] = { f in
            guard let h = hostRef else { return }
            h.sendsDynamicFields = true
            h.scratchPower.removeAll(keepingCapacity: true)
            for s in h.currentSessions {
                h.scratchPower.append(s.soc); h.scratchPower.append(s.energyWantedKWh)
                h.scratchPower.append(s.maxKW); h.scratchPower.append(s.vehicleMaxKW)
            }
            f.push(array: h.scratchPower)
        }
        fast["price_at"] = { f in
            guard let h = hostRef, let c = h.context else { return }
            f.push(c.price(at: try f.number(at: 1)))
        }
        fast["print"] = { f in
            var parts: [String] = []
            for i in 0..<f.count {
                let v = f.value(at: i + 1)
                switch v {
                case .string(let s): parts.append(s)
                default: parts.append(v.description)
                }
            }
            notes(parts.joined(separator: "\t"))
        }
        let fastTable = state.newTable()
        for (k, body) in fast.sorted(by: { $0.key < $1.key }) { state.set(fastTable, .string(k), .function(state.function(k, body))) }
        helpers = try state.call(make, pushing: { $0.push(fastTable) }, reading: { $0.ref(at: 1) })
        guard case .table(let h) = state.value(of: helpers), case .function(let twin) = h["twin_ref"] else {
            throw PluginError("plugin host setup failed")
        }
        twinTable = try state.call(twin, pushing: { _ in }, reading: { $0.ref(at: 1) })
        // Two classes for `out`: with a file behind it (`sibling` offered), and without (text
        // returned, stdout): there is no file to put a sibling beside, so `out.sibling` is nil and a
        // formatter puts everything in its one output (as the contract says it should then).
        state.register(LuaClass<LuaOutput>("output")
            .method("write") { o, f in try Self.append(to: o, f) }
            .method("sibling") { o, f in
                let suffix = try f.string(at: 2)
                guard !suffix.contains("/"), !suffix.contains("\\"), !suffix.contains(".."), !suffix.isEmpty else {
                    throw LuaScriptError("out:sibling: the suffix must be a plain file name ending, got '\(suffix)'")
                }
                let s = LuaOutput(suffix: suffix)
                o.siblings.append(s)
                f.push(object: s)
            }
            .tostring { "<output\($0.suffix.map { " " + $0 } ?? "") \($0.buffer.count) bytes>" })
        state.register(LuaClass<LuaTextOutput>("output")
            .method("write") { o, f in try Self.append(to: o, f) }
            .tostring { "<output \($0.buffer.count) bytes>" })
        state.instructionLimit = instructionLimit
        state.memoryLimit = memoryLimit
        hostRef = self
    }

    /// Helper by name.
    func helper(_ name: String) throws -> LuaRef {
        guard case .function(let r) = state.get(helpers, .string(name)) else { throw PluginError("missing helper \(name)") }
        return r
    }

    /// `out:write(...)`: appends strings and numbers, returns `out` (so calls chain).
    static func append(to o: LuaOutput, _ f: LuaCallFrame) throws {
        for i in 2...max(2, f.count) where i <= f.count {
            let v = f.value(at: i)
            switch v {
            case .string(let s): o.buffer.append(contentsOf: Array(s.utf8))
            case .bytes(let b): o.buffer.append(contentsOf: b)
            case .integer, .number: o.buffer.append(contentsOf: Array((luaNumberText(v)).utf8))
            default: throw LuaArgumentError(index: i, reason: "string expected, got \(f.typeName(at: i))")
            }
        }
        f.pushArgument(1)
    }

    static func chunkPath(file: String, root: String) -> String {
        let parent = (root as NSString).deletingLastPathComponent
        if file.hasPrefix(parent + "/") { return String(file.dropFirst(parent.count + 1)) }
        return file
    }

    func moduleSource(_ name: String) -> LuaModuleSource? {
        guard name.hasPrefix("twin."), !name.contains("/"), !name.contains("..") else { return nil }
        let short = String(name.dropFirst(5))
        guard !short.isEmpty, short != "meta", short.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        if let cached = moduleCache[short] { return LuaModuleSource(source: cached, chunkName: "@stdlib/twin/\(short).lua") }
        let path = (stdlibDirectory as NSString).appendingPathComponent("twin/\(short).lua")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        moduleCache[short] = text
        return LuaModuleSource(source: text, chunkName: "@stdlib/twin/\(short).lua")
    }

    /// Runs a plugin file's top level in a fresh sandbox. Returns its table and the constructor
    /// kind that made it (nil if not made by a constructor).
    func loadPlugin(file: String, chunkName: String, name: String) throws -> (LuaRef, String?) {
        guard let source = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw PluginError("\(name): cannot read the file")
        }
        do {
            let sandbox = try state.makeSandbox(name: name, modules: { [weak self] in self?.moduleSource($0) })
            try sandbox.expose(twinTable, as: "twin")
            if case .function(let p) = state.get(helpers, "print") { sandbox.setGlobal("print", .function(p)) }
            let chunk = try sandbox.load(source, chunkName: chunkName)
            let table = try state.call(chunk, pushing: { _ in }, reading: { $0.ref(at: 1) })
            let kind = try state.call(try helper("kind_of"), pushing: { $0.push(table) }, reading: { $0.value(at: 1).stringValue })
            return (table, kind)
        } catch let e as LuaError {
            let where_ = e.chunk == nil ? "\(name): " : ""
            throw PluginError("\(where_)\(e.message)")
        }
    }

    /// SessionViews from a Lua ctx table (slow path for plugin-built contexts).
    /// - Parameters:
    ///   - chargers, cabinets: scenario indices by id; a session whose `charger_id` is not among
    ///     them gets an index past every limit (no dispenser limit), one without `cabinet_id` none.
    static func views(fromContext ctx: LuaTable, chargers: [String: Int] = [:],
                      cabinets: [String: Int] = [:]) throws -> ([SessionView], Double, Double) {
        let now = ctx["now"].doubleValue ?? 0
        let headroom = ctx["headroom_kw"].doubleValue ?? 0
        var out: [SessionView] = []
        for (i, v) in (ctx["sessions"].tableValue?.array ?? []).enumerated() {
            guard let s = v.tableValue else { throw LuaScriptError("ctx.sessions[\(i + 1)] is not a table") }
            func n(_ k: String, _ d: Double = 0) -> Double { s[k].doubleValue ?? d }
            let maxKW = n("max_kw")
            let eff = n("efficiency", 1)
            let wanted = n("energy_wanted_kwh")
            let step = ctx["step_s"].doubleValue ?? 0
            let chargerIndex = s["charger_id"].stringValue.flatMap { chargers[$0] } ?? chargers.count + i
            let cabinetIndex = s["cabinet_id"].stringValue.flatMap { cabinets[$0] } ?? -1
            out.append(SessionView(sessionID: Int(n("id")), vehicleIndex: i, chargerIndex: chargerIndex, cabinetIndex: cabinetIndex,
                                   vehicleID: s["vehicle_id"].stringValue ?? "", chargerID: s["charger_id"].stringValue ?? "",
                                   arrival: n("arrival"), departure: n("departure"), soc: n("soc"), targetSOC: n("target_soc"),
                                   energyWantedKWh: wanted, maxKW: maxKW, chargerMaxKW: n("charger_max_kw", maxKW),
                                   vehicleMaxKW: n("vehicle_max_kw", maxKW), efficiency: eff, capacityKWh: n("capacity_kwh"),
                                   energyLimitedKW: step > 0 ? wanted / eff / (step / 3600) : .infinity))
        }
        return (out, now, headroom)
    }
}

/// The `out` object given to formatters: collects bytes; the host writes them to the path.
class LuaOutput {
    var buffer: [UInt8] = []
    var siblings: [LuaOutput] = []
    let suffix: String?
    init(suffix: String? = nil) { self.suffix = suffix }
}

/// The `out` of a formatter whose output is returned as text (no file): no `sibling`.
final class LuaTextOutput: LuaOutput {}

func luaNumberText(_ v: LuaValue) -> String {
    switch v {
    case .integer(let i): return String(i)
    case .number(let d):
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) + ".0" }
        return String(format: "%.14g", d)
    default: return v.description
    }
}
