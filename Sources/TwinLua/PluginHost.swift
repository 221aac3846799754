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
        state.register(LuaClass<LuaOutput>("output")
            .method("write") { o, f in
                for i in 2...max(2, f.count) where i <= f.count {
                    let v = f.value(at: i)
                    switch v {
                    case .string(let s): o.buffer.append(contentsOf: Array(s.utf8))
                    case .bytes(let b): o.buffer.append(contentsOf: b)
                    case .integer, .number: o.buffer.append(contentsOf: Array((luaNumberText(v)).utf8))
                    default: throw LuaArgumentError(index: i - 1, reason: "string expected, got \(f.typeName(at: i))")
                    }
                }
                f.pushArgument(1)
            }
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
        state.instructionLimit = instructionLimit
        state.memoryLimit = memoryLimit
        hostRef = self
    }

    /// Helper by name.
    func helper(_ name: String) throws -> LuaRef {
        guard case .function(let r) = state.get(helpers, .string(name)) else { throw PluginError("missing helper \(name)") }
        return r
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

    static let setupSource = #"""
    local fast = ...
    return function(fast)
      local made = setmetatable({}, { __mode = "k" })
      local H = {}
      local function ctor(kind)
        return function(def)
          if type(def) ~= "table" then error("twin." .. kind .. " expects a table {...}", 2) end
          made[def] = kind
          return def
        end
      end
      local current_ctx = nil
      local slow -- set below: fast.slow on a plain copy of the ctx
      local alloc = {}
      local builtin = { arrival = true, departure = true, laxity = true }
      function alloc.sorted(ctx, key)
        if type(ctx) ~= "table" then error("twin.alloc.sorted: ctx expected", 2) end
        if type(key) == "function" then
          local keys = {}
          for i, s in ipairs(ctx.sessions) do
            local k = key(s)
            if type(k) ~= "number" then
              error("twin.alloc.sorted: key function returned a " .. type(k) .. " for session " .. i .. " (number expected)", 2)
            end
            keys[i] = k
          end
          if rawequal(ctx, current_ctx) then return fast.sorted_keys(keys) end
          return slow("sorted", ctx, keys)
        end
        if not builtin[key] then
          error("twin.alloc.sorted: key must be \"arrival\", \"departure\", \"laxity\" or a function(session) -> number, got " .. tostring(key), 2)
        end
        if rawequal(ctx, current_ctx) then return fast.sorted(key) end
        return slow("sorted", ctx, key)
      end
      for _, op in ipairs { "fair_share", "balanced", "uncontrolled" } do
        alloc[op] = function(ctx)
          if type(ctx) ~= "table" then error("twin.alloc." .. op .. ": ctx expected", 2) end
          if rawequal(ctx, current_ctx) then return fast[op]() end
          return slow(op, ctx)
        end
      end
      local twin = { policy = ctor("policy"), behaviour = ctor("behaviour"), formatter = ctor("formatter"), alloc = alloc }
      H.twin_ref = function() return twin end
      H.kind_of = function(t) return made[t] end
      H.print = fast.print

      -- Session views: one Lua table per engine session, reused across ticks while the session is
      -- shown. Fields that cannot change during a session (and a few that rarely do, checked by
      -- Swift each call) are raw fields written when the session first appears or changes. The
      -- fields that change every tick (DYN) are not sent until the plugin first touches one (read,
      -- write or pairs): then all are filled for this call, and from then on every call sends them
      -- all (so a plugin's edits to them last until the next call, as when ctx was rebuilt). A plugin that only calls twin.alloc.* with a built-in key costs nothing
      -- per session in Lua.
      local DYN = { soc = 1, energy_wanted_kwh = 2, max_kw = 3, vehicle_max_kw = 4 }
      local dynamic = false -- the per-tick fields are raw fields, refreshed by every call
      local order = {}      -- the views of this call, in ctx order
      local spare = {}      -- the next order is built here from runs of this one
      local function fill()
        dynamic = true
        local v = fast.dynamic()
        for i = 1, #order do
          local s, o = order[i], (i - 1) * 4
          rawset(s, "soc", v[o + 1]); rawset(s, "energy_wanted_kwh", v[o + 2])
          rawset(s, "max_kw", v[o + 3]); rawset(s, "vehicle_max_kw", v[o + 4])
        end
      end
      local SM = {
        __metatable = "twin.session",
        __index = function(s, k)
          if not dynamic and DYN[k] then fill(); return rawget(s, k) end
        end,
        __newindex = function(s, k, v)
          if not dynamic and DYN[k] then fill() end
          rawset(s, k, v)
        end,
        __pairs = function(s)
          if not dynamic then fill() end
          return next, s, nil
        end,
      }
      local function is_view(s) return getmetatable(s) == "twin.session" end
      -- A plain copy of a ctx whose sessions may be views (for the slow path, which reads raw fields).
      local function plain(ctx)
        local ss = rawget(ctx, "sessions")
        if type(ss) ~= "table" then return ctx end
        local any = false
        for _, s in ipairs(ss) do if is_view(s) then any = true; break end end
        if not any then return ctx end
        local c, list = {}, {}
        for k, v in pairs(ctx) do c[k] = v end
        for i, s in ipairs(ss) do
          if is_view(s) then
            if not dynamic then fill() end
            local t = {}
            for k, v in next, s do t[k] = v end
            list[i] = t
          else
            list[i] = s
          end
        end
        c.sessions = list
        return c
      end
      H.plain = plain
      slow = function(op, ctx, key) return fast.slow(op, plain(ctx), key) end

      -- The answer of allocate as an array of n numbers (nil = 0), with a clear error otherwise.
      local function checked(name, r, n)
        if type(r) ~= "table" then
          error(name .. ": allocate must return an array of kW aligned with ctx.sessions, got " .. type(r), 0)
        end
        local out = {}
        for i = 1, n do
          local v = r[i]
          if v == nil then v = 0
          elseif type(v) ~= "number" then
            error(name .. ": allocate returned a " .. type(v) .. " at index " .. i .. " (kW number expected)", 0)
          end
          out[i] = v
        end
        return out
      end
      H.checked = checked

      -- A policy call. buf holds, in order: nrec records of R numbers (sessions new or changed since
      -- the last call), nrem ids (sessions gone), when reorder is true nruns runs of the last order
      -- (from, to, length) and nins new sessions (to, id), and when dyn is true the 4 per-tick fields of the n sessions (see LuaPolicy). The answer is returned as is when it is a plain table; Swift reads
      -- its numbers and falls back to `checked` for a clear error.
      H.make_policy = function(name, allocate, params, vids, cids, cabids)
        local R = 10
        local ctx, sessions, byid = {}, {}, {}
        local price_at = fast.price_at
        local tointeger, move = math.tointeger, table.move
        return function(buf, nrec, nrem, nruns, nins, reorder, dyn, n, now, step, limit, base, headroom, price, start, stop)
          ctx.now, ctx.step_s, ctx.site_limit_kw, ctx.base_kw = now, step, limit, base
          ctx.headroom_kw, ctx.price, ctx.start, ctx["end"] = headroom, price, start, stop
          ctx.price_at = price_at
          ctx.sessions = sessions
          local o = 0
          for _ = 1, nrec do
            local id = tointeger(buf[o + 1])
            local s = byid[id]
            if s == nil then
              byid[id] = setmetatable({ id = id, vehicle_id = vids[buf[o + 2]], charger_id = cids[buf[o + 3]],
                cabinet_id = cabids[buf[o + 4]], arrival = buf[o + 5], departure = buf[o + 6], target_soc = buf[o + 7],
                charger_max_kw = buf[o + 8], efficiency = buf[o + 9], capacity_kwh = buf[o + 10] }, SM)
            else
              rawset(s, "id", id); rawset(s, "vehicle_id", vids[buf[o + 2]]); rawset(s, "charger_id", cids[buf[o + 3]])
              rawset(s, "cabinet_id", cabids[buf[o + 4]]); rawset(s, "arrival", buf[o + 5]); rawset(s, "departure", buf[o + 6])
              rawset(s, "target_soc", buf[o + 7]); rawset(s, "charger_max_kw", buf[o + 8])
              rawset(s, "efficiency", buf[o + 9]); rawset(s, "capacity_kwh", buf[o + 10])
            end
            o = o + R
          end
          for j = 1, nrem do byid[buf[o + j]] = nil end
          o = o + nrem
          if reorder then
            local dst = spare
            for _ = 1, nruns do
              local src = buf[o + 1]
              move(order, src, src + buf[o + 3] - 1, buf[o + 2], dst)
              o = o + 3
            end
            for _ = 1, nins do
              dst[buf[o + 1]] = byid[buf[o + 2]]
              o = o + 2
            end
            for i = #dst, n + 1, -1 do dst[i] = nil end
            spare, order = order, dst
          end
          -- The exposed array is refilled every call, so a plugin that edits it affects only that call.
          move(order, 1, n, 1, sessions)
          if dyn then
            for i = 1, n do
              local s = order[i]
              s.soc, s.energy_wanted_kwh, s.max_kw, s.vehicle_max_kw = buf[o + 1], buf[o + 2], buf[o + 3], buf[o + 4]
              o = o + 4
            end
          end
          for i = #sessions, n + 1, -1 do sessions[i] = nil end
          current_ctx = ctx
          local r = allocate(ctx, params)
          if type(r) ~= "table" or getmetatable(r) ~= nil then return checked(name, r, n) end
          return r
        end
      end
      -- A behaviour's on_tick: ctx = { now, vehicles }, the vehicle tables reused across ticks (keyed
      -- by vehicle) and refreshed every call. buf holds K numbers per plugged vehicle.
      H.make_tick = function(hooks, params, ids, types, states, chargers)
        local K = 7
        local ctx, list, by = {}, {}, {}
        return function(buf, n, now)
          ctx.now = now
          ctx.vehicles = list
          for i = 1, n do
            local o = (i - 1) * K
            local v = buf[o + 1]
            local t = by[v]
            if t == nil then t = { id = ids[v], type = types[v] }; by[v] = t end
            t.id, t.type = ids[v], types[v]
            t.soc, t.energy_kwh, t.state, t.plugged = buf[o + 2], buf[o + 3], states[buf[o + 4]], buf[o + 5] ~= 0
            local d = buf[o + 6]
            if d ~= d then t.departure = nil else t.departure = d end
            t.charger_id = chargers[buf[o + 7]]  -- index 0: not plugged, nil
            list[i] = t
          end
          for i = #list, n + 1, -1 do list[i] = nil end
          for j = 1, #hooks do hooks[j](ctx, params[j]) end
        end
      end
      H.seed = function(s) math.randomseed(s) end
      return H
    end
    """#
}

/// The `out` object given to formatters: collects bytes; the host writes them to the path.
final class LuaOutput {
    var buffer: [UInt8] = []
    var siblings: [LuaOutput] = []
    let suffix: String?
    init(suffix: String? = nil) { self.suffix = suffix }
}

func luaNumberText(_ v: LuaValue) -> String {
    switch v {
    case .integer(let i): return String(i)
    case .number(let d):
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) + ".0" }
        return String(format: "%.14g", d)
    default: return v.description
    }
}
