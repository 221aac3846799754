import Foundation
import LuaHost
import TwinCore

/// A scenario as Lua userdata.
final class ScenarioBox {
    var scenario: Scenario
    var source: ScenarioSource?
    init(_ s: Scenario, source: ScenarioSource?) { scenario = s; self.source = source }
}

/// A steppable simulation as Lua userdata.
final class SimulationBox {
    let sim: Simulation
    unowned let session: Session
    init(_ sim: Simulation, session: Session) { self.sim = sim; self.session = session }
}

/// A vehicle snapshot as Lua userdata; its prediction methods ask the simulation it came from.
final class VehicleBox {
    let status: VehicleStatus
    /// The simulation the snapshot was taken from (predictions use its state when called).
    let owner: SimulationBox?
    init(_ s: VehicleStatus, owner: SimulationBox? = nil) { status = s; self.owner = owner }

    func simulation() throws -> Simulation {
        guard let sim = owner?.sim else { throw LuaScriptError("vehicle \(status.id): not bound to a simulation") }
        return sim
    }
}

/// The trusted `twin` module of docs/scripting-contract.md.
enum TwinModule {
    static func scenarioBox(_ ref: LuaRef, in session: Session) -> ScenarioBox? {
        var found: ScenarioBox?
        let extract = session.lua.function("scenario") { f in found = try? f.object(at: 1, as: ScenarioBox.self) }
        _ = try? session.lua.call(extract, [.userdata(ref)])
        return found
    }

    /// Turns a Swift error into a Lua-facing one (LuaScriptError gets the caller's file:line).
    static func lua(_ e: Error) -> Error {
        switch e {
        case let e as FieldError: return LuaScriptError(e.description)
        case let e as ScenarioError: return LuaScriptError(ScenarioBuilder.oneBased(e.fieldPath) + ": \(e.message) (\(e.hint))")
        case let e as SessionError:
            // Positioned plugin errors keep their own position (and traceback).
            if LuaErrorPosition.has(e.message) {
                return LuaError(kind: .runtime, message: e.message + (e.traceback.map { "\n" + $0 } ?? ""))
            }
            return LuaScriptError(e.message)
        case let e as PluginError: return LuaScriptError(e.message)
        case let e as SimulationError: return LuaScriptError(e.description)
        default: return e
        }
    }

    static func builder(_ s: Session) -> ScenarioBuilder {
        ScenarioBuilder(baseDirectory: PluginRegistry.absolute(s.options.workingDirectory),
                        modelLookup: { [unowned s] name in try s.consumptionModel(named: name) })
    }

    /// Validates with `check` and tags the table argument (returned as is).
    static func constructor(_ kind: String, _ s: Session, _ check: @escaping (ScenarioBuilder, LuaValue) throws -> Void) -> LuaFunction {
        return { f in
            let v = f.value(at: 1)
            do { try check(builder(s), v) } catch { throw lua(error) }
            let r = f.ref(at: 1)
            f.state.set(r, "_kind", .string(kind))
            f.pushArgument(1)
        }
    }

    static func install(in s: Session) throws {
        let L = s.lua
        L.register(LuaClass<ScenarioBox>("scenario")
            .property("name") { $0.scenario.name }
            .property("start") { $0.scenario.start }
            .property("end") { $0.scenario.end }
            .property("step_s") { $0.scenario.stepS }
            .property("seed") { Int64(bitPattern: $0.scenario.seed) }
            .property("time_zone") { $0.scenario.timeZone }
            .property("vehicle_count") { $0.scenario.vehicles.count }
            .property("charger_count") { $0.scenario.chargers.count }
            .property("block_count") { $0.scenario.blocks.count }
            .property("visit_count") { $0.scenario.visits.count }
            .method("with") { box, f in
                let changes = try f.table(at: 2)
                var sc = box.scenario
                let b = ScenarioBuilder(timeZone: sc.timeZone, baseDirectory: "")
                do {
                    for (k, _) in changes.fields.sorted(by: { $0.key < $1.key }) {
                        switch k {
                        case "seed": sc.seed = UInt64(bitPattern: changes[k].integerValue ?? 0)
                        case "step_s": sc.stepS = try b.number(changes, k, "", positive: true)
                        case "name": sc.name = try b.string(changes, k, "")
                        case "start": sc.start = try b.time(changes, k, "")
                        case "end": sc.end = try b.time(changes, k, "")
                        case "grid_limit_kw", "site_limit_kw": sc.site.gridLimitKW = try b.number(changes, k, "", min: 0)
                        default: throw FieldError(path: k, message: "cannot be changed with :with{} (seed, step_s, name, start, end, grid_limit_kw)")
                        }
                    }
                    try sc.validate()
                } catch { throw lua(error) }
                f.push(object: ScenarioBox(sc, source: box.source))
            }
            .tostring { b in
                let sc = b.scenario
                let day = { (t: Double) in String(TwinTime.iso(t, timeZone: sc.timeZone).prefix(10)) }
                return "<scenario \(sc.name) \(sc.vehicles.count) vehicles \(sc.chargers.count) chargers \(day(sc.start))..\(day(sc.end))>"
            })
        L.register(LuaClass<VehicleBox>("vehicle")
            .property("id") { $0.status.id }
            .property("type") { $0.status.typeName }
            .property("soc") { $0.status.soc }
            .property("state") { $0.status.state.rawValue }
            .property("charger") { $0.status.chargerID }
            .property("power_kw") { $0.status.powerKW }
            .method("time_to_charge") { b, f in try methodArguments {
                // v:time_to_charge([target]) or v:time_to_charge{ target, charger_kw, site_share_kw, temp_c }
                var args = LuaTable()
                switch f.value(at: 2) {
                case .nil: break
                case let .table(t): args = t
                case let x where x.doubleValue != nil: args["target"] = x
                case let x: throw LuaScriptError("time_to_charge: a target SOC or an options table is expected, got \(ScenarioBuilder.typeName(x))")
                }
                let sim = try b.simulation()
                let estimate = try PredictionLua.mapping {
                    try sim.timeToCharge(vehicleID: b.status.id, targetSOC: try PredictionLua.optionalNumber(args, "target"),
                                         chargerKW: try PredictionLua.optionalNumber(args, "charger_kw"),
                                         siteShareKW: try PredictionLua.optionalNumber(args, "site_share_kw"),
                                         ambientC: try PredictionLua.optionalNumber(args, "temp_c"))
                }
                f.push(PredictionLua.value(estimate))
            } }
            .method("range_remaining") { b, f in try methodArguments {
                // v:range_remaining([{ reserve, temp_c, kwh_per_km | model, avg_speed_kmh, grade_m_per_km, ... }])
                var args = LuaTable()
                switch f.value(at: 2) {
                case .nil: break
                case let .table(t): args = t
                case let x: throw LuaScriptError("range_remaining: an options table is expected, got \(ScenarioBuilder.typeName(x))")
                }
                let sim = try b.simulation()
                let consumption = try PredictionLua.consumptionSource(args, modelStore: SessionModelStore(s))
                let profile = try PredictionLua.drivingProfile(args)
                let estimate = try PredictionLua.mapping {
                    try sim.rangeRemaining(vehicleID: b.status.id, reserveSOC: try PredictionLua.optionalNumber(args, "reserve"),
                                           ambientC: try PredictionLua.optionalNumber(args, "temp_c"),
                                           profile: profile, consumption: consumption)
                }
                f.push(PredictionLua.value(estimate))
            } }
            .tostring { b in
                let v = b.status
                let place = v.chargerID.map { "@\($0)" } ?? ""
                return "<vehicle \(v.id) \(v.typeName) soc=\(String(format: "%.2f", v.soc)) \(v.state.rawValue)\(place)>"
            })
        L.register(LuaClass<SimulationBox>("simulation")
            .property("now") { $0.sim.now }
            .property("now_iso") { TwinTime.iso($0.sim.now, timeZone: $0.sim.scenario.timeZone) }
            .property("finished") { $0.sim.isFinished }
            .method("step") { b, f in
                b.session.cancelFlag.pointee = 0
                do { f.push(try b.sim.step()) } catch { throw lua(SessionError.from(error)) }
            }
            .method("run_until") { b, f in
                let v = f.value(at: 2)
                let t: Double
                if let d = v.doubleValue { t = d } else if let str = v.stringValue, let d = TwinTime.parse(str, timeZone: b.sim.scenario.timeZone) { t = d }
                else { throw LuaArgumentError(index: 2, reason: "UTC seconds or ISO 8601 text expected") }
                b.session.cancelFlag.pointee = 0
                do { try b.session.drive(b.sim, until: t) } catch { throw lua(SessionError.from(error)) }
                f.pushArgument(1)
            }
            .method("run") { b, f in
                b.session.cancelFlag.pointee = 0
                do { try b.session.drive(b.sim) } catch { throw lua(SessionError.from(error)) }
                f.pushArgument(1)
            }
            .method("vehicle") { b, f in
                let id = try f.string(at: 2)
                guard let v = b.sim.vehicle(id) else { throw LuaScriptError("no vehicle '\(id)' in scenario '\(b.sim.scenario.name)'") }
                f.push(object: VehicleBox(v, owner: b))
            }
            .method("result") { b, f in
                let r: RunResult
                do { r = try b.sim.result() } catch { throw lua(SessionError.from(error)) }
                try s.pushResult(r, f)
            }
            .tostring { "<simulation \($0.sim.scenario.name) \($0.sim.policy.name) at \(TwinTime.iso($0.sim.now, timeZone: $0.sim.scenario.timeZone))>" })

        var fns: [String: LuaFunction] = [:]
        fns["vehicle_type"] = constructor("vehicle_type", s) { b, v in s.learn([try b.vehicleType(v, "vehicle_type")]) }
        fns["charger"] = constructor("charger", s) { b, v in _ = try b.charger(v, "charger") }
        fns["cabinet"] = constructor("cabinet", s) { b, v in _ = try b.cabinet(v, "cabinet") }
        fns["weather"] = constructor("weather", s) { b, v in _ = try b.series(v, "weather", valueKey: "values_c", constantKey: "constant_c") }
        fns["tariff"] = constructor("tariff", s) { b, v in _ = try b.tariff(v, "tariff") }
        fns["block"] = constructor("block", s) { b, v in _ = try b.block(v, "block") }
        fns["blocks_csv"] = { f in
            let path = try f.string(at: 1)
            let full = s.resolve(path)
            guard let text = try? String(contentsOfFile: full, encoding: .utf8) else { throw LuaScriptError("\(path): cannot read the file") }
            let rows = CSV.parse(text)
            guard let header = rows.first else { throw LuaScriptError("\(path): empty file") }
            func col(_ n: String) -> Int? { header.firstIndex(of: n) }
            for need in ["block_id", "vehicle_id", "trip_id", "departure", "arrival", "distance_km"] where col(need) == nil {
                throw LuaScriptError("\(path): missing column '\(need)'")
            }
            var order: [String] = []
            var blocks: [String: LuaTable] = [:]
            for (r, row) in rows.dropFirst().enumerated() {
                func cell(_ n: String) -> String? { col(n).flatMap { $0 < row.count ? row[$0] : nil } }
                guard let bid = cell("block_id"), !bid.isEmpty else { continue }
                guard let dist = Double(cell("distance_km") ?? "") else { throw LuaScriptError("\(path):\(r + 2): distance_km is not a number") }
                var trip = LuaTable(fields: ["id": .string(cell("trip_id") ?? ""), "departure": .string(cell("departure") ?? ""),
                                             "arrival": .string(cell("arrival") ?? ""), "distance_km": .number(dist)])
                for (k, c) in [("elevation_gain_m", "elevation_gain_m"), ("elevation_loss_m", "elevation_loss_m")] {
                    if let x = cell(c).flatMap(Double.init) { trip[k] = .number(x) }
                }
                if let route = cell("route_id"), !route.isEmpty { trip["route"] = .string(route) }
                for k in ["departure", "arrival"] { if let d = Double(trip[k].stringValue ?? "") { trip[k] = .number(d) } }
                if blocks[bid] == nil {
                    order.append(bid)
                    blocks[bid] = LuaTable(fields: ["id": .string(bid), "vehicle": .string(cell("vehicle_id") ?? ""),
                                                    "trips": .table(LuaTable()), "_kind": .string("block")])
                }
                var trips = blocks[bid]!["trips"].tableValue!
                trips.array.append(.table(trip))
                blocks[bid]!["trips"] = .table(trips)
            }
            f.push(.table(LuaTable(array: order.map { .table(blocks[$0]!) })))
        }
        fns["scenario"] = { f in
            let v = f.value(at: 1)
            let sc: Scenario
            do { sc = try builder(s).scenario(v) } catch { throw lua(error) }
            s.learn(sc.vehicleTypes)
            f.push(object: ScenarioBox(sc, source: s.currentScriptSource))
        }
        fns["load_scenario"] = { f in
            let path = try f.string(at: 1)
            let sc: Scenario
            do { sc = try s.loadScenario(path: path) } catch { throw lua(error) }
            f.push(object: ScenarioBox(sc, source: s.sources[sc.name]))
        }
        fns["run"] = { f in
            let box = try f.object(at: 1, as: ScenarioBox.self)
            let o = try runOptions(f.value(at: 2))
            let run: SessionRun
            do {
                run = try s.run(scenario: box.scenario, policy: o.policy, behaviours: o.behaviours, params: o.params, seed: o.seed,
                                source: box.source)
            } catch { throw lua(error) }
            try s.pushResult(run.result, f)
        }
        fns["simulation"] = { f in
            let box = try f.object(at: 1, as: ScenarioBox.self)
            let o = try runOptions(f.value(at: 2))
            let sim: Simulation
            do { sim = try s.simulation(scenario: box.scenario, policy: o.policy, behaviours: o.behaviours, params: o.params, seed: o.seed) }
            catch { throw lua(error) }
            f.push(object: SimulationBox(sim, session: s))
        }
        fns["plugins"] = { f in
            f.push(.table(LuaTable(array: s.registry.all.map { e in
                .table(LuaTable(fields: ["name": .string(e.name), "kind": .string(e.kind.rawValue), "version": .string(e.version),
                                         "path": .string(e.displayPath), "description": .string(e.description)]))
            })))
        }
        fns["plugin"] = { f in
            let name = try f.string(at: 1)
            guard let e = s.registry.plugin(name) else {
                throw LuaScriptError("unknown plugin '\(name)' (plugins: \(s.registry.all.map(\.name).joined(separator: ", ")))")
            }
            f.push(manifest(e))
        }
        fns["__write"] = { f in
            let id = try f.int(at: 1)
            let format = try f.string(at: 2)
            let path = try f.optionalString(at: 3)
            let params = try f.optionalTable(at: 4)?.fields ?? [:]
            guard let r = s.resultsByID[id] else { throw LuaScriptError("this result is no longer available") }
            let out: FormatterOutput
            do { out = try s.write(format: format, result: r, to: path, params: params) } catch { throw lua(error) }
            if let p = out.path {
                // The path as given, unless it named a folder: then the file written in it.
                if let path, (path as NSString).lastPathComponent == (p as NSString).lastPathComponent { f.push(path) } else { f.push(p) }
            } else if let str = String(validating: out.data, as: UTF8.self) { f.push(str) } else { f.push(.bytes(out.data)) }
        }
        fns["__runs_list"] = { f in
            guard let h = s.history else { throw LuaScriptError("no run store attached (runs are not stored with --no-store)") }
            let limit = try f.optionalInteger(at: 1).map { Int($0) } ?? 20
            let rows: [RunSummaryRow]
            do { rows = try h.list(limit: limit) } catch { throw LuaScriptError("run store: \(error)") }
            f.push(.table(LuaTable(array: rows.map { r in
                var t = LuaTable(fields: ["id": .integer(r.id), "scenario": .string(r.scenario), "policy": .string(r.policy),
                                          "status": .string(r.status), "started_at": .number(r.startedAt)])
                if let p = r.peakKW { t["peak_kw"] = .number(p) }
                if let e = r.energyKWh { t["energy_kwh"] = .number(e) }
                return .table(t)
            })))
        }
        fns["__runs_get"] = { f in
            guard let h = s.history else { throw LuaScriptError("no run store attached (runs are not stored with --no-store)") }
            let id = try f.integer(at: 1)
            let r: RunResult
            do { r = try h.get(id: id) } catch { throw LuaScriptError("run \(id): \(error)") }
            try s.pushResult(r, f)
        }
        let twin = L.register(module: "twin", functions: fns)
        // twin.predict / twin.fit: types are given inline (or as a twin.vehicle_type table); fitted
        // models live for the session unless the CLI attaches its store.
        registerPredictionAPI(on: L, twinModule: twin, vehicleTypeLookup: { [unowned s] name in try? s.vehicleType(named: name) },
                              modelStore: SessionModelStore(s), resolvePath: { [unowned s] path in s.resolve(path) })
        registerStoreAPI(on: L, twinModule: twin, session: s)
        let prelude = try L.run(preludeSource, chunkName: "=(twin)")
        guard case .function(let make)? = prelude.first else { throw SessionError("twin prelude failed") }
        s.makeResultRef = make
    }

    static func manifest(_ e: PluginEntry) -> LuaValue {
        var params = LuaTable()
        for p in e.params {
            var t = LuaTable(fields: ["type": .string(p.type.rawValue), "default": p.defaultValue])
            if let u = p.unit { t["unit"] = .string(u) }
            if let h = p.help { t["help"] = .string(h) }
            params[p.name] = .table(t)
        }
        var t = LuaTable(fields: ["name": .string(e.name), "kind": .string(e.kind.rawValue), "version": .string(e.version),
                                  "api": .string(e.api), "description": .string(e.description), "path": .string(e.displayPath),
                                  "params": .table(params),
                                  "requires": .table(LuaTable(fields: e.requires.mapValues { .string($0) }))])
        if let m = e.mediaType { t["media_type"] = .string(m) }
        if let x = e.fileExtension { t["extension"] = .string(x) }
        return .table(t)
    }

    struct RunOpts { var policy: String?; var behaviours: [String] = []; var params: [String: LuaValue] = [:]; var seed: UInt64? }

    static func runOptions(_ v: LuaValue) throws -> RunOpts {
        var o = RunOpts()
        if v == .nil { return o }
        guard let t = v.tableValue else { throw LuaArgumentError(index: 2, reason: "options table expected") }
        // A misspelt option (`behaviors`, `param`) would otherwise be ignored without a word.
        let known: Set<String> = ["policy", "behaviours", "params", "seed"]
        for key in t.fields.keys.sorted() where !known.contains(key) {
            throw LuaScriptError("unknown option '\(key)' (options: policy, behaviours, params, seed)")
        }
        if let p = t["policy"].stringValue { o.policy = p } else if t["policy"] != .nil { throw LuaScriptError("policy: a plugin name is expected") }
        switch t["behaviours"] {
        case .nil: break
        case .string(let b): o.behaviours = [b]
        case .table(let bt): o.behaviours = try bt.array.map { guard let n = $0.stringValue else { throw LuaScriptError("behaviours: names expected") }; return n }
        default: throw LuaScriptError("behaviours: an array of plugin names is expected")
        }
        if let p = t["params"].tableValue { o.params = p.fields } else if t["params"] != .nil { throw LuaScriptError("params: a table is expected") }
        if let sd = t["seed"].integerValue { o.seed = UInt64(bitPattern: sd) }
        return o
    }

    static let preludeSource = #"""
    local twin = twin
    local write, runs_list, runs_get = twin.__write, twin.__runs_list, twin.__runs_get
    twin.__write, twin.__runs_list, twin.__runs_get = nil, nil, nil
    local methods = {}
    local ids = setmetatable({}, { __mode = "k" })
    local pcall, error, type = pcall, error, type
    function methods.write(self, format, path, params)
      if type(format) ~= "string" then error("result:write(format [, path [, params]]): format name expected", 2) end
      -- Errors at the caller's line, not this wrapper's: the Swift function places its errors at
      -- its caller, which is this chunk. A message that already has a place (a formatter's own
      -- file:line) is kept as it is.
      local ok, r = pcall(write, ids[self], format, path, params)
      if ok then return r end
      if type(r) ~= "string" then error(r, 0) end
      r = r:gsub("^%(twin%):%d+: ", "")
      if r:match("^[^:\n]+:%d+: ") then error(r, 0) end
      error(r, 2)
    end
    local mt = {
      __index = methods,
      __tostring = function(r)
        local s = r.summary or {}
        return string.format("<result %s %s energy=%.1fkWh peak=%.1fkW unmet=%d>", tostring(r.scenario), tostring(r.policy),
          s.energy_kwh or 0, s.peak_kw or 0, s.unmet_vehicles or 0)
      end,
    }
    -- The Swift functions themselves (no Lua wrapper), so their errors point at the caller's line.
    twin.runs = { list = runs_list, get = runs_get }
    return function(t, id) ids[t] = id; return setmetatable(t, mt) end
    """#
}

enum LuaErrorPosition {
    /// True if a message starts with `chunk:line:`.
    static func has(_ m: String) -> Bool {
        LuaError(kind: .runtime, message: m).line != nil
    }
}

extension SessionError {
    static func from(_ e: Error) -> Error {
        switch e {
        case let l as LuaError: return SessionError(l.message, traceback: l.traceback)
        case let p as PluginError: return SessionError(p.message)
        default: return e
        }
    }
}

extension Session {
    /// Pushes a result object (plain table + metatable with write/__tostring) onto a frame.
    func pushResult(_ r: RunResult, _ f: LuaCallFrame) throws {
        nextResultID += 1
        resultsByID[nextResultID] = r
        let value = ResultTable.value(r)
        guard let make = makeResultRef else { f.push(value); return }
        let id = nextResultID
        let obj = try lua.call(make, pushing: { $0.push(value); $0.push(id) }, reading: { $0.ref(at: 1) })
        f.push(obj)
    }
}

/// Runs a method body whose argument checks count from the first argument after `self` (the
/// prediction helpers say "argument 1" for the options table): Lua's own numbering of a method
/// call counts `self` as 1, so the index moves by one. Without it `v:time_to_charge{ target = "x" }`
/// read "calling 'time_to_charge' on bad self".
func methodArguments(_ body: () throws -> Void) throws {
    do { try body() } catch let e as LuaArgumentError { throw LuaArgumentError(index: e.index + 1, reason: e.reason) }
}
