import Testing
@testable import LuaHost

/// Each escape attempt must fail inside the plugin; `expectBlocked` runs it and checks the error.
func expectBlocked(_ box: LuaSandbox, _ source: String, _ fragment: String,
                   sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let r = try box.run(source, chunkName: "@plugins/policies/evil.lua")
        Issue.record("escape succeeded: \(source) -> \(r)", sourceLocation: sourceLocation)
    } catch let e as LuaError {
        #expect(e.message.contains(fragment), "\(source): \(e.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
    }
}

@Suite struct LuaSandboxTests {
    let lua: LuaState
    let a: LuaSandbox
    let b: LuaSandbox

    init() throws {
        lua = try LuaState()
        a = try lua.makeSandbox(name: "a")
        b = try lua.makeSandbox(name: "b")
    }

    @Test func safeLibrariesWork() throws {
        let r = try a.run("""
            local t = {3, 1, 2}; table.sort(t)
            return ("abc"):upper(), string.format("%.1f", math.pi), t[1], os.time{year=2026, month=1, day=1, hour=0} > 0,
                   type(os.clock()), debug.traceback("x"):sub(1, 1), utf8.char(72), collectgarbage("count") > 0,
                   select("#", pcall(error, "e"))
            """, chunkName: "@p.lua")
        #expect(r == [.string("ABC"), .string("3.1"), .integer(1), .bool(true), .string("number"), .string("x"),
                      .string("H"), .bool(true), .integer(2)])
    }

    @Test func blockedFunctionsSayNotAllowed() {
        for (call, name) in [
            ("os.execute('ls')", "os.execute"), ("os.exit(1)", "os.exit"), ("os.remove('x')", "os.remove"),
            ("os.rename('a', 'b')", "os.rename"), ("os.getenv('HOME')", "os.getenv"),
            ("io.open('/etc/passwd')", "io.open"), ("io.popen('ls')", "io.popen"), ("io.write('x')", "io.write"),
            ("package.loadlib('x', 'y')", "package.loadlib"), ("return package.loaded", "package.loaded"),
            ("require 'io'", "require('io')"), ("require 'os'", "require('os')"),
            ("dofile('x.lua')", "dofile"), ("loadfile('x.lua')", "loadfile"),
            ("collectgarbage()", "collectgarbage('collect')"), ("collectgarbage('stop')", "collectgarbage('stop')"),
            ("string.dump(print)", "string.dump"), ("debug.getregistry()", "debug.getregistry"),
            ("debug.getinfo(1)", "debug.getinfo"), ("debug.sethook()", "debug.sethook"),
            ("debug.getupvalue(print, 1)", "debug.getupvalue"), ("math.randomseed(1)", "math.randomseed"), ("debug.setmetatable('', {})", "debug.setmetatable"),
        ] {
            expectBlocked(a, call, "\(name) is not allowed in a plugin")
        }
    }

    @Test func escapeAttemptsFail() throws {
        // 1-3: the string metatable.
        expectBlocked(a, "getmetatable('').__index.upper = function() return 'pwned' end", "attempt to index")
        #expect(try a.run("return getmetatable('')", chunkName: "=p") == [.string("protected")])
        expectBlocked(a, "('').dump(function() end)", "string.dump is not allowed")
        // 4-8: frozen library tables.
        expectBlocked(a, "string.upper = function() end", "read-only in a plugin")
        expectBlocked(a, "rawset(string, 'upper', print)", "rawset on a read-only table is not allowed")
        expectBlocked(a, "setmetatable(math, nil)", "cannot change a protected metatable")
        expectBlocked(a, "getmetatable(table).__index.insert = nil", "attempt to index")
        expectBlocked(a, "table.insert(math, 1)", "read-only in a plugin")
        // 9-10: _ENV tricks cannot reach anything shared.
        expectBlocked(a, "local _ENV = setmetatable({}, {__index = _G}) string.rep = nil", "read-only")
        expectBlocked(a, "_ENV.os.exit = nil", "read-only")
        // 11-12: coroutine tricks run under the same rules.
        expectBlocked(a, "coroutine.wrap(function() string.len = nil end)()", "read-only")
        expectBlocked(a, "local co = coroutine.create(function() os.execute('x') end) local ok, e = coroutine.resume(co) error(e, 0)", "os.execute is not allowed")
        // 13-15: binary chunks.
        expectBlocked(a, #"assert(load("\27Lua\84\0\25\147\13\10\26\10"))"#, "attempt to load a binary chunk")
        expectBlocked(a, "load('return 1', 'x', 'b')", "loading binary chunks is not allowed")
        expectBlocked(a, "load(string.dump(print))", "string.dump is not allowed")
        // 16-17: load's env parameter and default env do not reach host globals.
        expectBlocked(a, "return load('return io.open')()", "io.open is not allowed")
        #expect(try a.run("x = 5 local t = {x = 1} return load('return x', 'c', 't', t)(), load('return x')()", chunkName: "=p")
            == [.integer(1), .integer(5)])
        expectBlocked(a, "return load('return io.open', 'x', 't', nil)()", "io.open is not allowed")
        // 18-19: no debug, no registry.
        expectBlocked(a, "return debug.getregistry()[2]", "debug.getregistry is not allowed")
        expectBlocked(a, "return getfenv(1)", "attempt to call a nil value (global 'getfenv')")
        // 20-21: __gc and __tostring tricks.
        expectBlocked(a, "setmetatable({}, {__gc = function() os.exit() end})", "__gc metamethods are not allowed")
        expectBlocked(a, "error(setmetatable({}, {__tostring = function() while true do end end}))", "(error object is a table value)")
        // 22: package.loaded
        expectBlocked(a, "return package.loaded._G", "package.loaded is not allowed")
        // 23: pairs on a frozen library gives frozen values only.
        expectBlocked(a, "for k, v in pairs(_G) do if type(v) == 'table' and v ~= _G then v.x = 1 end end", "read-only")
        // 24: the host's own libraries are intact after all this.
        #expect(try lua.run("return string.upper('ok'), type(os.execute), type(io.open), string.dump ~= nil")
            == [.string("OK"), .string("function"), .string("function"), .bool(true)])
    }

    @Test func noGlobalsLeakBetweenPlugins() throws {
        try a.run("x = 42; _G.y = 1; string = nil; print = nil", chunkName: "=a")
        #expect(try b.run("return x, y, type(string), type(print)", chunkName: "=b")
            == [.nil, .nil, .string("table"), .string("function")])
        #expect(lua.global("x") == .nil)
        #expect(a.global("x") == .integer(42))
        #expect(try b.run("return string.upper('b')", chunkName: "=b") == [.string("B")])
    }

    @Test func requireHookServesWhitelistedModulesOnce() throws {
        var loads = 0
        let box = try lua.makeSandbox(name: "m") { name in
            guard name == "twin.units" else { return nil }
            loads += 1
            return LuaModuleSource(source: "local M = {} function M.kw(x) return x * 1000 end return M",
                                   chunkName: "@stdlib/twin/units.lua")
        }
        #expect(try box.run("local u = require 'twin.units' return u.kw(2), require('twin.units') == u", chunkName: "=m")
            == [.integer(2000), .bool(true)])
        #expect(loads == 1)
        expectBlocked(box, "require 'twin.secret'", "require('twin.secret') is not allowed in a plugin")
        // Without a hook, require is refused.
        expectBlocked(a, "require 'twin.units'", "require('twin.units') is not allowed in a plugin")
    }

    @Test func exposedHostModuleIsReadOnly() throws {
        let twin = lua.register(module: "twin", functions: ["answer": { $0.push(42) }])
        lua.register(module: "twin.units", functions: ["kw": { try $0.push($0.number(at: 1) * 1000) }])
        try a.expose(twin, as: "twin")
        #expect(try a.run("return twin.answer(), twin.units.kw(1)", chunkName: "=a") == [.integer(42), .number(1000)])
        expectBlocked(a, "twin.answer = nil", "read-only in a plugin")
        expectBlocked(a, "twin.units.kw = nil", "read-only in a plugin")
        expectBlocked(a, "rawset(twin.units, 'kw', nil)", "rawset on a read-only table")
        #expect(try lua.run("return twin.answer()") == [.integer(42)])
    }

    @Test func limitsApplyInsideSandbox() throws {
        let e = #expect(throws: LuaError.self) {
            try lua.withLimits(instructions: 100_000) { try a.run("while true do end", chunkName: "@plugins/policies/spin.lua") }
        }
        #expect(e?.kind == .limit)
        #expect(e?.chunk == "plugins/policies/spin.lua")
    }
}
