import Foundation
import Testing
import LuaHost
import TwinCore
@testable import TwinLua

/// A small plugin file for tests.
func policyPlugin(_ name: String, body: String, params: String = "{}") -> String {
    """
    return twin.policy {
      name = "\(name)", version = "1.0.0", api = "1", description = "test",
      params = \(params),
      allocate = function(ctx, params)
    \(body)
      end,
    }
    """
}

@Suite struct PluginTests {
    @Test func aGreedyPolicyIsClampedAndCounted() throws {
        let dir = makeTempDir()
        write(policyPlugin("greedy", body: """
            local r = {}
            for i = 1, #ctx.sessions do r[i] = 1e6 end
            return r
        """), to: dir + "/plugins/policies/greedy.lua")
        let session = try makeSession(cwd: dir)
        let r = try session.run(scenario: DepotB.scenario(), policy: "greedy").result
        #expect(r.summary.clamps > 0)
        #expect(r.summary.peakKW <= 1000 * (1 + 1e-9))
        #expect(r.loadProfile.allSatisfy { $0.siteKW <= 1000 * (1 + 1e-9) })
        #expect(relativeError(r.summary.energyKWh, 1894.7368) < 1e-6)  // physics respected: no bus past its target
        for s in r.sessions { #expect(s.socOut <= 0.9 + 1e-9) }
    }

    @Test func aRunawayPolicyStopsWithFileAndLineAndTheSessionGoesOn() throws {
        let dir = makeTempDir()
        write(policyPlugin("spin", body: "    while true do end"), to: dir + "/plugins/policies/spin.lua")
        let session = try makeSession(cwd: dir)
        session.pluginInstructionLimit = 2_000_000
        let started = Date()
        do {
            _ = try session.run(scenario: DepotB.scenario(), policy: "spin")
            Issue.record("expected the run to fail")
        } catch let e as SessionError {
            #expect(e.message.hasPrefix("plugins/policies/spin.lua:5:"), "\(e.message)")
            #expect(e.message.contains("instruction limit"))
        }
        #expect(Date().timeIntervalSince(started) < 10)
        // The session is still usable: the same scenario under llf.
        let ok = try session.run(scenario: DepotB.scenario(), policy: "llf").result
        #expect(ok.summary.unmetVehicles == 0)
        #expect(session.runs.count == 1)
    }

    @Test func aPolicyErrorNamesItsFileAndLine() throws {
        let dir = makeTempDir()
        write(policyPlugin("bad", body: "    local x = nil\n    return x.field"), to: dir + "/plugins/policies/bad.lua")
        write(policyPlugin("strings", body: "    return { \"fast\" }"), to: dir + "/plugins/policies/strings.lua")
        let session = try makeSession(cwd: dir)
        do {
            _ = try session.run(scenario: DepotB.scenario(), policy: "bad")
            Issue.record("expected failure")
        } catch let e as SessionError {
            #expect(e.message.hasPrefix("plugins/policies/bad.lua:6: attempt to index a nil value"), "\(e.message)")
            #expect(e.traceback?.contains("stack traceback") == true)
        }
        do {
            _ = try session.run(scenario: DepotB.scenario(), policy: "strings")
            Issue.record("expected failure")
        } catch let e as SessionError {
            #expect(e.message.contains("plugins/policies/strings.lua: allocate returned a string at index 1"), "\(e.message)")
        }
    }

    @Test func discoveryOrderAndOverrideNotes() throws {
        let dir = makeTempDir()
        let envDir = makeTempDir(), cliDir = makeTempDir()
        write(policyPlugin("llf", body: "    return twin.alloc.sorted(ctx, \"arrival\")"), to: dir + "/plugins/policies/llf.lua")
        write(policyPlugin("mine", body: "    return {}"), to: envDir + "/policies/mine/init.lua")
        write(policyPlugin("mine", body: "    return twin.alloc.fair_share(ctx)").replacingOccurrences(of: "1.0.0", with: "2.0.0"),
              to: cliDir + "/policies/mine.lua")
        let notes = NoteSink()
        let session = try makeSession(cwd: dir, pluginDirs: [cliDir], env: ["TWIN_PLUGIN_PATH": envDir], notes: notes)
        #expect(session.registry.roots == [packageRoot() + "/plugins", dir + "/plugins", envDir, cliDir])
        let llf = try #require(session.registry.plugin("llf"))
        #expect(llf.displayPath == "plugins/policies/llf.lua")
        #expect(llf.root == dir + "/plugins")
        #expect(notes.lines.contains("plugin 'llf' from ./plugins overrides plugins/policies/llf.lua"), "\(notes.lines)")
        let mine = try #require(session.registry.plugin("mine"))
        #expect(mine.version == "2.0.0")
        #expect(mine.path == cliDir + "/policies/mine.lua")
        #expect(notes.lines.contains { $0.hasPrefix("plugin 'mine' from \(cliDir) overrides") })
        // Bundled kinds are all found, sorted.
        #expect(session.registry.all.filter { $0.kind == .formatter }.map(\.name) == ["csv", "html", "json", "markdown", "summary"])
        #expect(session.registry.all.filter { $0.kind == .behaviour }.count == 6)
    }

    @Test(arguments: [
        ("return 42", "must return a table made by twin.policy"),
        ("return { name = 'x', version = '1', api = '1', allocate = function() end }", "must return a table made by twin.policy"),
        ("return twin.formatter { name = 'x', version = '1', api = '1', write = function() end }", "was made by twin.formatter"),
        ("return twin.policy { version = '1', api = '1', allocate = function() end }", "'name' is missing"),
        ("return twin.policy { name = 'x', api = '1', allocate = function() end }", "'version' is missing"),
        ("return twin.policy { name = 'x', version = '1', allocate = function() end }", "'api' is missing"),
        ("return twin.policy { name = 'x', version = '1', api = '2', allocate = function() end }", "api \"2\" is not supported"),
        ("return twin.policy { name = 'x', version = '1', api = '1', params = { k = { default = 1 } }, allocate = function() end }", "params.k.type is missing"),
        ("return twin.policy { name = 'x', version = '1', api = '1', params = { k = { type = 'number' } }, allocate = function() end }", "params.k.default is missing"),
        ("return twin.policy { name = 'x', version = '1', api = '1', params = { k = { type = 'integer', default = 'a' } }, allocate = function() end }", "params.k.default \"a\" is not a integer"),
        ("return twin.policy { name = 'x', version = '1', api = '1', requires = { ghost = '>=1' }, allocate = function() end }", "requires plugin 'ghost'"),
        ("return twin.policy { name = 'x', version = '1', api = '1', requires = { llf = '>=9' }, allocate = function() end }", "requires 'llf' >=9, found version 1.0.0"),
        ("return twin.policy { name = 'x', version = '1', api = '1' }", "allocate must be a function"),
        ("while true do end", "instruction limit exceeded"),
        ("local t = {} for i = 1, 1e9 do t[i] = i end", "not enough memory"),
        ("error('top level boom')", "plugins/policies/x.lua:1: top level boom"),
        ("return twin.policy {", "plugins/policies/x.lua:1:"),
        ("os.execute('true')", "os.execute is not allowed in a plugin"),
        ("io.open('/etc/passwd')", "io.open is not allowed in a plugin"),
    ])
    func badManifestsNameTheFile(source: String, expected: String) throws {
        let root = makeTempDir() + "/plugins"
        write(source, to: root + "/policies/x.lua")
        do {
            _ = try PluginRegistry(roots: [packageRoot() + "/plugins", root], stdlibDirectory: packageRoot() + "/stdlib")
            Issue.record("expected an error for \(source)")
        } catch let e as PluginError {
            #expect(e.message.hasPrefix("plugins/policies/x.lua"), "\(e.message)")
            #expect(e.message.contains(expected), "\(e.message)")
        }
    }

    @Test func paramsAreTypedFromSetAndRejectedWhenWrong() throws {
        let dir = makeTempDir()
        write(policyPlugin("capped", body: """
            local r = {}
            for i, s in ipairs(ctx.sessions) do r[i] = params.enabled and math.min(s.max_kw, params.cap_kw) or s.max_kw end
            assert(math.type(params.count) == "integer", "count must be an integer")
            return r
        """, params: "{ cap_kw = { type = 'number', default = 100, unit = 'kW' }, enabled = { type = 'boolean', default = false }, count = { type = 'integer', default = 3 }, label = { type = 'string', default = 'a' } }"),
              to: dir + "/plugins/policies/capped.lua")
        let session = try makeSession(cwd: dir, set: ["capped.cap_kw": "21.0526315789", "capped.enabled": "true", "capped.count": "7"])
        let run = try session.run(scenario: DepotB.scenario(), policy: "capped")
        #expect(relativeError(run.result.summary.peakKW, 210.526315789) < 1e-6)
        #expect(run.paramsJSON.contains("\"cap_kw\":21.0526315789"))
        #expect(run.paramsJSON.contains("\"count\":7"))
        #expect(run.paramsJSON.contains("\"enabled\":true"))
        for (set, message) in [(["capped.cap_kw": "fast"], "expects a number"), (["capped.count": "2.5"], "expects an integer"),
                               (["capped.enabled": "maybe"], "expects true or false"),
                               (["capped.nope": "1"], "capped has capped.cap_kw, capped.count, capped.enabled, capped.label"),
                               (["ghost.x": "1"], "unknown plugin 'ghost'"), (["step_s": "x"], "a number is expected")] {
            do {
                _ = try makeSession(cwd: dir, set: set)
                Issue.record("expected \(set) to be rejected")
            } catch let e as SessionError {
                #expect(e.message.contains(message), "\(e.message)")
            }
        }
        // Scenario-level --set: a 60 s step.
        let s60 = try makeSession(cwd: dir, set: ["step_s": "60"])
        #expect(try s60.run(scenario: DepotB.scenario(), policy: "llf").result.stepS == 60)
    }

    @Test func theModellerStoryCopyLLFChangeOneLine() throws {
        let dir = makeTempDir()
        let llf = try String(contentsOfFile: packageRoot() + "/plugins/policies/llf.lua", encoding: .utf8)
        let changed = llf.replacingOccurrences(of: "return twin.alloc.sorted(ctx, \"laxity\")",
                                               with: "return twin.alloc.sorted(ctx, function(s) return -s.arrival end)")
        #expect(changed != llf)
        let before = try makeSession(cwd: dir)
        let sc = try before.loadScenario(path: referencePath("S2.json"))
        let a = try before.run(scenario: sc, policy: "llf").result
        write(changed, to: dir + "/plugins/policies/llf.lua")
        let notes = NoteSink()
        let after = try makeSession(cwd: dir, notes: notes)
        #expect(notes.lines.contains { $0.contains("plugin 'llf' from ./plugins overrides plugins/policies/llf.lua") })
        let b = try after.run(scenario: sc, policy: "llf").result
        #expect(a.summary.unmetVehicles == 0)
        #expect(b.summary.deliveredKWh < a.summary.deliveredKWh - 1)
        #expect(b.summary.unmetVehicles > 0)
    }

    @Test func behavioursChooseChargersAndPrecondition() throws {
        let dir = makeTempDir()
        write("""
        return twin.behaviour { name = "last_free", version = "1", api = "1",
          on_arrival = function(ctx) return ctx.free_chargers[#ctx.free_chargers].id end }
        """, to: dir + "/plugins/behaviours/last_free.lua")
        write("""
        return twin.behaviour { name = "liar", version = "1", api = "1", on_arrival = function(ctx) return "C99" end }
        """, to: dir + "/plugins/behaviours/liar.lua")
        let session = try makeSession(cwd: dir)
        var sc = DepotB.scenario(chargers: 12)
        sc.visits = sc.visits.map { var v = $0; v.chargerID = nil; return v }
        let r = try session.run(scenario: sc, policy: "llf", behaviours: ["last_free"]).result
        #expect(Set(r.sessions.map(\.chargerID)).contains("C11"))
        do {
            _ = try session.run(scenario: sc, policy: "llf", behaviours: ["liar"])
            Issue.record("expected failure")
        } catch let e as SessionError {
            #expect(e.message.contains("plugins/behaviours/liar.lua: on_arrival returned \"C99\""), "\(e.message)")
        }
    }
}
