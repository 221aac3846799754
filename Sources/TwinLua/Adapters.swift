import Foundation
import LuaHost
import TwinCore

/// A loaded plugin: its manifest, its table in a plugin host and its typed parameters.
final class LoadedPlugin {
    let entry: PluginEntry
    let host: PluginHost
    let table: LuaRef
    let params: LuaRef
    init(entry: PluginEntry, host: PluginHost, params: [String: LuaValue]) throws {
        self.entry = entry
        self.host = host
        let (table, kind) = try host.loadPlugin(file: entry.path, chunkName: entry.chunkName, name: entry.displayPath)
        guard kind == entry.kind.rawValue else { throw PluginError("\(entry.displayPath): changed kind since it was listed") }
        self.table = table
        self.params = host.state.ref(.table(LuaTable(fields: params)))
    }

    func hook(_ name: String) -> LuaRef? {
        if case .function(let f) = host.state.get(table, .string(name)) { return f }
        return nil
    }
}

/// A policy plugin as a `TwinCore.ChargingPolicy`.
///
/// Each call sends Lua only what changed since the previous call: records for sessions that are
/// new (or whose slowly-changing fields changed), ids of sessions gone, and the id order when it
/// changed. Fields that change every tick (soc, energy wanted, max kW, curve kW) are not sent at
/// all: the session views read them from `PluginHost.currentSessions` on demand.
final class LuaPolicy: ChargingPolicy {
    let name: String
    let plugin: LoadedPlugin
    let call: LuaRef
    let checked: LuaRef
    let buffer: LuaRef
    var numbers: [Double] = []
    var out: [Double] = []
    /// Numbers per session record (see `make_policy` in the setup chunk).
    static let recordStride = 10
    /// Policy calls so far; `lastSeen[id]` is the call that last showed session `id`.
    var calls: Int32 = 0
    var lastSeen: [Int32] = []
    /// The manifest's `requests_beyond_battery` (the bundled fcfs, edf, llf and round_robin set it,
    /// as their Swift twins do: `ChargingPolicy.seesRequestsBeyondBattery`).
    let seesRequestsBeyondBattery: Bool

    init(plugin: LoadedPlugin, scenario: Scenario) throws {
        self.plugin = plugin
        name = plugin.entry.name
        seesRequestsBeyondBattery = plugin.entry.seesRequestsBeyondBattery
        let state = plugin.host.state
        guard let allocate = plugin.hook("allocate") else { throw PluginError("\(plugin.entry.displayPath): allocate must be a function") }
        let vids = LuaValue.table(LuaTable(array: scenario.vehicles.map { .string($0.id) }))
        let cids = LuaValue.table(LuaTable(array: scenario.chargers.map { .string($0.id) }))
        let cabids = LuaValue.table(LuaTable(array: scenario.cabinets.map { .string($0.id) }))
        plugin.host.chargerIndexByID = Dictionary(scenario.chargers.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        plugin.host.cabinetIndexByID = Dictionary(scenario.cabinets.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        let make = try plugin.host.helper("make_policy")
        let path = plugin.entry.displayPath
        let params = plugin.params
        call = try state.withLimits(instructions: .some(nil)) {
            try state.call(make, pushing: { f in
                f.push(path); f.push(allocate); f.push(params); f.push(vids); f.push(cids); f.push(cabids)
            }, reading: { $0.ref(at: 1) })
        }
        checked = try plugin.host.helper("checked")
        buffer = state.newTable(arrayCapacity: 64 * Self.recordStride)
    }

    /// The previous call's session ids (ctx order) and their record numbers (`recordStride` each,
    /// as sent to Lua), kept in flat arrays: the engine's own array is not retained past a call,
    /// so it never has to copy it on its next tick.
    var previousIDs: [Int] = []
    var previousRecords: [Double] = []
    var currentRecords: [Double] = []
    var runNumbers: [Double] = []
    var insertNumbers: [Double] = []
    /// `lastSeen[id]` is the call that last showed session `id`; `position[id]` its index then.
    var position: [Int32] = []

    func allocate(_ context: PolicyContext, sessions: [SessionView], powerKW: inout [Double]) throws {
        let host = plugin.host
        host.currentSessions = sessions
        host.context = context
        defer { host.currentSessions = [] }
        let n = sessions.count
        calls += 1
        let call = calls
        let dynamic = host.sendsDynamicFields
        var top = 0
        for i in sessions.indices { top = max(top, sessions[i].sessionID) }
        if top >= lastSeen.count {
            let grow = max(top + 1, lastSeen.count * 2, 64) - lastSeen.count
            lastSeen.append(contentsOf: repeatElement(Int32.min, count: grow))
            position.append(contentsOf: repeatElement(0, count: grow))
        }
        let R = Self.recordStride
        // Work on locals (moved out and back): no copies, no exclusivity checks per element.
        var numbers = self.numbers, currentRecords = self.currentRecords, previousRecords = self.previousRecords
        var previousIDs = self.previousIDs, lastSeen = self.lastSeen, position = self.position
        self.numbers = []; self.currentRecords = []; self.previousRecords = []
        self.previousIDs = []; self.lastSeen = []; self.position = []
        defer {
            self.numbers = numbers; self.currentRecords = currentRecords; self.previousRecords = previousRecords
            self.previousIDs = previousIDs; self.lastSeen = lastSeen; self.position = position
        }
        numbers.removeAll(keepingCapacity: true)
        currentRecords.removeAll(keepingCapacity: true)
        var records = 0
        var reorder = previousIDs.count != n
        // The new order as runs of the previous one (src, dst, length; 1-based) plus inserted new
        // sessions (dst, id): the engine keeps its sessions in charger order, so a tick with a few
        // plug-ins and unplugs is a few runs, copied by table.move in Lua.
        var runNumbers = self.runNumbers, insertNumbers = self.insertNumbers
        self.runNumbers = []; self.insertNumbers = []
        defer { self.runNumbers = runNumbers; self.insertNumbers = insertNumbers }
        runNumbers.removeAll(keepingCapacity: true)
        insertNumbers.removeAll(keepingCapacity: true)
        var runs = 0, inserts = 0, lastPrevious = -2
        currentRecords.append(contentsOf: repeatElement(0, count: n * R))
        sessions.withUnsafeBufferPointer { cur in
        currentRecords.withUnsafeMutableBufferPointer { rec in
        previousRecords.withUnsafeBufferPointer { prev in
        lastSeen.withUnsafeMutableBufferPointer { seen in
        position.withUnsafeMutableBufferPointer { pos in
            for i in 0..<n {
                let id = cur[i].sessionID
                if !reorder, previousIDs[i] != id { reorder = true }
                let base = i * R
                rec[base] = Double(id); rec[base + 1] = Double(cur[i].vehicleIndex + 1)
                rec[base + 2] = Double(cur[i].chargerIndex + 1); rec[base + 3] = Double(cur[i].cabinetIndex + 1)
                rec[base + 4] = cur[i].arrival; rec[base + 5] = cur[i].departure; rec[base + 6] = cur[i].targetSOC
                rec[base + 7] = cur[i].chargerMaxKW; rec[base + 8] = cur[i].efficiency; rec[base + 9] = cur[i].capacityKWh
                let kept = seen[id] == call - 1
                var same = kept
                if kept {
                    let p = Int(pos[id])
                    for k in 1..<R where prev[p * R + k].bitPattern != rec[base + k].bitPattern {
                        same = false
                        break
                    }
                    if p == lastPrevious + 1 {
                        runNumbers[runNumbers.count - 1] += 1
                    } else {
                        runNumbers.append(Double(p + 1)); runNumbers.append(Double(i + 1)); runNumbers.append(1)
                        runs += 1
                    }
                    lastPrevious = p
                } else {
                    insertNumbers.append(Double(i + 1)); insertNumbers.append(Double(id))
                    inserts += 1
                    lastPrevious = -2
                }
                if !same {
                    for k in 0..<R { numbers.append(rec[base + k]) }
                    records += 1
                }
                seen[id] = call
                pos[id] = Int32(i)
            }
        }}}}}
        var removed = 0
        for id in previousIDs where lastSeen[id] != call {
            numbers.append(Double(id))
            removed += 1
        }
        previousIDs.removeAll(keepingCapacity: true)
        for i in 0..<n { previousIDs.append(sessions[i].sessionID) }
        swap(&previousRecords, &currentRecords)
        if reorder {
            numbers.append(contentsOf: runNumbers)
            numbers.append(contentsOf: insertNumbers)
        } else {
            runs = 0; inserts = 0
        }
        if dynamic {
            // All of them, every call: a plugin's edits to these fields last only until the next call.
            for i in 0..<n {
                numbers.append(sessions[i].soc); numbers.append(sessions[i].energyWantedKWh)
                numbers.append(sessions[i].maxKW); numbers.append(sessions[i].vehicleMaxKW)
            }
        }
        if !numbers.isEmpty { host.state.setArray(buffer, numbers) }
        let buffer = self.buffer
        var bad: LuaRef?
        do {
        try host.state.call(self.call, pushing: { f in
            f.push(buffer); f.push(records); f.push(removed); f.push(runs); f.push(inserts); f.push(reorder); f.push(dynamic); f.push(n); f.push(context.now)
            f.push(context.stepS); f.push(context.siteLimitKW); f.push(context.baseKW); f.push(context.headroomKW)
            f.push(context.pricePerKWh); f.push(context.start); f.push(context.end)
        }, reading: { f in
            // A plain table of numbers (the usual answer, e.g. straight from twin.alloc.*): read as is.
            do { try f.doubles(at: 1, into: &out) } catch { bad = f.ref(at: 1) }
        })
        if let bad {
            // A hole or a non-number somewhere: let Lua check the first n (nil = 0) and say which.
            let path = plugin.entry.displayPath
            try host.state.call(checked, pushing: { f in f.push(path); f.push(bad); f.push(n) },
                                reading: { f in try f.doubles(at: 1, into: &out) })
        }
        } catch {
            // Lua may have stopped half way through its bookkeeping: next call resends everything.
            calls += 1
            previousIDs.removeAll()
            throw pluginLocated(error, plugin.entry.displayPath)
        }
        let m = min(n, out.count)
        out.withUnsafeBufferPointer { o in
            powerKW.withUnsafeMutableBufferPointer { kw in
                for i in 0..<m { kw[i] = o[i] }
                for i in m..<n { kw[i] = 0 }
            }
        }
    }
}

/// Behaviour plugins in order: the first non-nil answer wins.
final class LuaBehaviours: DepotBehaviour {
    let plugins: [LoadedPlugin]
    let name: String
    let scenario: Scenario
    init(plugins: [LoadedPlugin], scenario: Scenario) {
        self.plugins = plugins
        self.scenario = scenario
        name = plugins.map(\.entry.name).joined(separator: "+")
    }
    var wantsChargerChoice: Bool { plugins.contains { $0.hook("on_arrival") != nil } }
    var wantsDispatch: Bool { plugins.contains { $0.hook("on_block_start") != nil } }
    var wantsPreconditioning: Bool { plugins.contains { $0.hook("precondition") != nil } }
    var wantsTick: Bool { plugins.contains { $0.hook("on_tick") != nil } }

    /// The Lua side of `on_tick` (built on first use): every plugin's hook in order, over one reused ctx.
    var tickCall: LuaRef?
    var tickBuffer: LuaRef?
    var tickNumbers: [Double] = []
    static let vehicleStates: [VehicleState] = [.onRoute, .arriving, .queued, .plugged, .ready]

    /// Every behaviour's `on_tick(ctx, params)` (its answer is ignored: a tick is observed, not
    /// changed); `ctx.now`, `ctx.vehicles` = the plugged vehicles {id, type, soc, energy_kwh, state,
    /// plugged, departure, charger_id} in charger order, tables reused across ticks.
    func onTick(now: Double, vehicles: [VehicleView]) throws {
        guard let state = plugins.first?.host.state else { return }
        if tickCall == nil {
            let ticking = plugins.filter { $0.hook("on_tick") != nil }
            let hooks = LuaValue.table(LuaTable(array: ticking.compactMap { p in p.hook("on_tick").map { LuaValue.function($0) } }))
            let params = LuaValue.table(LuaTable(array: ticking.map { state.value(of: $0.params) }))
            let ids = LuaValue.table(LuaTable(array: scenario.vehicles.map { .string($0.id) }))
            let types = LuaValue.table(LuaTable(array: scenario.vehicles.map { .string($0.typeName) }))
            let states = LuaValue.table(LuaTable(array: Self.vehicleStates.map { .string($0.rawValue) }))
            let chargers = LuaValue.table(LuaTable(array: scenario.chargers.map { .string($0.id) }))
            guard let host = ticking.first?.host else { return }
            let make = try host.helper("make_tick")
            tickCall = try state.call(make, pushing: { f in f.push(hooks); f.push(params); f.push(ids); f.push(types); f.push(states); f.push(chargers) },
                                      reading: { $0.ref(at: 1) })
            tickBuffer = state.newTable(arrayCapacity: 64 * 7)
        }
        guard let call = tickCall, let buffer = tickBuffer else { return }
        tickNumbers.removeAll(keepingCapacity: true)
        for v in vehicles {
            tickNumbers.append(Double(v.index + 1)); tickNumbers.append(v.soc); tickNumbers.append(v.energyKWh)
            tickNumbers.append(Double((Self.vehicleStates.firstIndex(of: v.state) ?? 0) + 1)); tickNumbers.append(v.plugged ? 1 : 0)
            tickNumbers.append(v.departure ?? .nan); tickNumbers.append(Double(v.chargerIndex + 1))
        }
        if !tickNumbers.isEmpty { state.setArray(buffer, tickNumbers) }
        let n = vehicles.count
        do {
            try state.call(call, pushing: { f in f.push(buffer); f.push(n); f.push(now) }, reading: { _ in })
        } catch {
            // Which behaviour's on_tick raised: the tick function keeps its index while it runs.
            let ticking = plugins.filter { $0.hook("on_tick") != nil }
            guard let host = ticking.first?.host,
                  let index = (try? state.call(try host.helper("tick_index"), pushing: { _ in },
                                               reading: { $0.value(at: 1).integerValue })) ?? nil,
                  ticking.indices.contains(Int(index) - 1) else { throw error }
            throw pluginLocated(error, ticking[Int(index) - 1].entry.displayPath)
        }
    }

    /// A vehicle as behaviour hooks see it; `charger_id` names its charger when plugged.
    static func vehicle(_ v: VehicleView, chargers: [Charger]) -> LuaValue {
        var t = LuaTable(fields: ["id": .string(v.id), "type": .string(v.typeName), "soc": .number(v.soc),
                                  "energy_kwh": .number(v.energyKWh), "plugged": .bool(v.plugged), "state": .string(v.state.rawValue)])
        if let d = v.departure { t["departure"] = .number(d) }
        if chargers.indices.contains(v.chargerIndex) { t["charger_id"] = .string(chargers[v.chargerIndex].id) }
        return .table(t)
    }

    static func block(_ b: BlockView) -> LuaValue {
        .table(LuaTable(fields: ["id": .string(b.id), "vehicle_id": .string(b.vehicleID), "departure": .number(b.departure),
                                 "arrival": .number(b.arrival), "distance_km": .number(b.distanceKM),
                                 "energy_estimate_kwh": .number(b.energyEstimateKWh)]))
    }

    func ask(_ hookName: String, _ ctx: LuaValue) throws -> (LoadedPlugin, LuaValue)? {
        for p in plugins {
            guard let hook = p.hook(hookName) else { continue }
            let params = p.params
            let r: LuaValue
            do {
                r = try p.host.state.call(hook, pushing: { f in f.push(ctx); f.push(params) }, reading: { $0.value(at: 1) })
            } catch {
                throw pluginLocated(error, p.entry.displayPath)
            }
            if r != .nil { return (p, r) }
        }
        return nil
    }

    func chargerForArrival(vehicle: VehicleView, freeChargers: [ChargerView], now: Double) throws -> Int? {
        let free = LuaValue.table(LuaTable(array: freeChargers.map { c in
            var t = LuaTable(fields: ["id": .string(c.id), "max_kw": .number(c.maxKW)])
            if let cab = c.cabinetID { t["cabinet_id"] = .string(cab) }
            return .table(t)
        }))
        let ctx = LuaValue.table(LuaTable(fields: ["now": .number(now), "vehicle": Self.vehicle(vehicle, chargers: scenario.chargers), "free_chargers": free]))
        guard let (p, answer) = try ask("on_arrival", ctx) else { return nil }
        guard let id = answer.stringValue, let c = freeChargers.first(where: { $0.id == id }) else {
            throw PluginError("\(p.entry.displayPath): on_arrival returned \(answer), which is not a free charger id (free: \(freeChargers.map(\.id).joined(separator: ", ")))")
        }
        return c.index
    }

    func vehicleForBlock(_ block: BlockView, candidates: [VehicleView], now: Double) throws -> Int? {
        let ctx = LuaValue.table(LuaTable(fields: ["now": .number(now), "block": Self.block(block),
                                                   "candidates": .table(LuaTable(array: candidates.map { Self.vehicle($0, chargers: scenario.chargers) }))]))
        guard let (p, answer) = try ask("on_block_start", ctx) else { return nil }
        guard let id = answer.stringValue, let v = candidates.first(where: { $0.id == id }) else {
            throw PluginError("\(p.entry.displayPath): on_block_start returned \(answer), which is not a candidate vehicle id (candidates: \(candidates.map(\.id).joined(separator: ", ")))")
        }
        return v.index
    }

    func preconditionLeadS(vehicle: VehicleView, block: BlockView, ambientC: Double, now: Double) throws -> Double {
        let ctx = LuaValue.table(LuaTable(fields: ["now": .number(now), "vehicle": Self.vehicle(vehicle, chargers: scenario.chargers),
                                                   "block": Self.block(block), "ambient_c": .number(ambientC)]))
        guard let (p, answer) = try ask("precondition", ctx) else { return 0 }
        guard let s = answer.doubleValue, s >= 0, s.isFinite else {
            throw PluginError("\(p.entry.displayPath): precondition returned \(answer) (seconds >= 0 expected)")
        }
        return s
    }
}

/// What a formatter produced.
public struct FormatterOutput {
    /// The main output's bytes.
    public var data: [UInt8]
    /// The path written (nil when the text was returned).
    public var path: String?
    /// Sibling outputs: path (or suffix when no path) -> bytes.
    public var siblings: [(path: String, data: [UInt8])]
    public var mediaType: String?
    public var text: String { String(decoding: data, as: UTF8.self) }
}

/// A plugin's error whose message has no `file:line` (`error({...})`, `error("x", 0)`, the memory
/// cap's "not enough memory") named after the plugin's file, so every plugin error says where it
/// came from.
func pluginLocated(_ error: Error, _ path: String) -> Error {
    guard let e = error as? LuaError, e.kind == .runtime || e.kind == .memory, e.chunk == nil,
          !e.message.hasPrefix(path) else { return error }
    return LuaError(kind: e.kind, message: "\(path): \(e.message)", traceback: e.traceback)
}
