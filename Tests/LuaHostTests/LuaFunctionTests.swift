import Testing
@testable import LuaHost

@Suite struct LuaFunctionTests {
    @Test func swiftClosureCapturesContextAndReturnsValues() throws {
        let lua = try LuaState()
        var total = 0.0
        lua.register("add") { args in
            total += try args.number(at: 1) + args.number(at: 2)
            args.push(total)
            args.push("ok")
        }
        #expect(try lua.run("return add(1, 2.5)") == [.number(3.5), .string("ok")])
        #expect(try lua.run("return add(1, 1)") == [.number(5.5), .string("ok")])
        #expect(total == 5.5)
    }

    @Test func moduleWithNestedTables() throws {
        let lua = try LuaState()
        lua.register(module: "twin", functions: ["version": { $0.push("1.0") }])
        lua.register(module: "twin.units", functions: ["kw": { try $0.push($0.number(at: 1) * 1000) }])
        #expect(try lua.run("return twin.version(), twin.units.kw(2), require('twin.units') == twin.units")
            == [.string("1.0"), .number(2000), .bool(true)])
    }

    @Test func argumentErrorsReadLikeLua() throws {
        let lua = try LuaState()
        lua.register(module: "twin", functions: [
            "add_chargers": { args in _ = try args.string(at: 1); _ = try args.number(at: 2) },
            "count": { args in _ = try args.integer(at: 1) },
        ])
        let e = #expect(throws: LuaError.self) {
            try lua.run("twin.add_chargers('dc', 'x')", chunkName: "@plugins/p.lua")
        }
        #expect(e?.message == "plugins/p.lua:1: bad argument #2 to 'add_chargers' (number expected, got string)")
        let e2 = #expect(throws: LuaError.self) { try lua.run("local f = twin.add_chargers\n f()", chunkName: "@p.lua") }
        #expect(e2?.message == "p.lua:2: bad argument #1 to 'f' (string expected, got no value)")
        let e3 = #expect(throws: LuaError.self) { try lua.run("twin.count(1.5)", chunkName: "@p.lua") }
        #expect(e3?.message == "p.lua:1: bad argument #1 to 'count' (number has no integer representation)")
        // Compare with Lua's own wording.
        let lua4 = #expect(throws: LuaError.self) { try lua.run("string.rep('x', 'y')", chunkName: "@p.lua") }
        #expect(lua4?.message == "p.lua:1: bad argument #2 to 'rep' (number expected, got string)")
    }

    @Test func swiftErrorBecomesCatchableLuaErrorWithCallerPosition() throws {
        struct Boom: Error, CustomStringConvertible { var description: String { "no such charger" } }
        let lua = try LuaState()
        lua.register("fail") { _ in throw Boom() }
        let r = try lua.run("local ok, e = pcall(function()\n  fail()\nend)\nreturn ok, e", chunkName: "@plugins/x.lua")
        #expect(r == [.bool(false), .string("plugins/x.lua:2: no such charger")])
        let e = #expect(throws: LuaError.self) { try lua.run("\nfail()", chunkName: "@plugins/x.lua") }
        #expect(e?.message == "plugins/x.lua:2: no such charger")
        #expect(e?.line == 2)
        // Swift state is intact after the unwinding: defer-like work in callbacks ran.
        var cleanups = 0
        lua.register("guarded") { _ in
            defer { cleanups += 1 }
            throw LuaScriptError("stop")
        }
        for _ in 0..<100 { _ = try? lua.run("guarded()") }
        #expect(cleanups == 100)
    }

    @Test func callbackCanCallBackIntoLua() throws {
        let lua = try LuaState()
        lua.register("apply") { args in
            let f = try args.function(at: 1)
            let r = try args.state.call(f, [args.value(at: 2)])
            args.push(r.first ?? .nil)
        }
        #expect(try lua.run("return apply(function(x) return x * 3 end, 7)") == [.integer(21)])
        // An error inside the nested Lua call propagates with its original position.
        let e = #expect(throws: LuaError.self) {
            try lua.run("return apply(function(x)\n return x.y end, 7)", chunkName: "@n.lua")
        }
        #expect(e?.message.hasPrefix("n.lua:2: attempt to index a number value") == true)
    }

    @Test func recursionThroughSwiftIsBounded() throws {
        let lua = try LuaState()
        lua.register("again") { args in
            let r = try args.state.call(global: "f", [])
            args.push(r.first ?? .nil)
        }
        try lua.run("function f() return again() end")
        let e = #expect(throws: LuaError.self) { try lua.run("return f()") }
        #expect(e?.message.contains("too many nested calls between Lua and Swift") == true)
        #expect(try lua.run("return 1 + 1") == [.integer(2)])
    }

    @Test func deepLuaRecursionIsAnErrorNotACrash() throws {
        let lua = try LuaState()
        let e = #expect(throws: LuaError.self) { try lua.run("local function f(n) return 1 + f(n + 1) end return f(1)") }
        #expect(e?.message.contains("stack overflow") == true)
        let e2 = #expect(throws: LuaError.self) {
            try lua.run("local t = setmetatable({}, {__index = function(t, k) return t[k] end}) return t.x")
        }
        #expect(e2?.message.contains("stack overflow") == true)
        #expect(try lua.run("return 2") == [.integer(2)])
    }
}

@Suite struct LuaCloseTests {
    @Test func luaFinalizerCallingSwiftDuringCloseIsHarmless() throws {
        var calls = 0
        do {
            let lua = try LuaState()
            lua.register("touch") { frame in
                calls += 1
                _ = try frame.state.run("return 1")
            }
            try lua.run("keep = setmetatable({}, {__gc = function() touch() end})")
        }
        #expect(calls == 0)  // refused while closing, and no crash
    }
}
