import Testing
import Dispatch
@testable import LuaHost

func monotonicSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

@Suite struct LuaLimitsTests {
    @Test func infiniteLoopStopsWithLimitNamingChunkAndLine() throws {
        // 10M instructions is a few milliseconds of Lua; the generous wall bound only guards
        // against a budget that is never checked (the loop would otherwise run forever).
        let lua = try LuaState(instructionLimit: 10_000_000)
        let start = monotonicSeconds()
        let e = #expect(throws: LuaError.self) {
            try lua.run("local x = 0\nwhile true do\n  x = x + 1\nend", chunkName: "@plugins/policies/loop.lua")
        }
        #expect(monotonicSeconds() - start < 10)
        #expect(e?.kind == .limit)
        #expect(e?.chunk == "plugins/policies/loop.lua")
        #expect(e?.line == 2 || e?.line == 3)
        #expect(e?.message.contains("instruction limit exceeded (10000000 instructions)") == true)
        // The budget is per call: the next call runs normally.
        #expect(try lua.run("local s = 0 for i = 1, 1000 do s = s + i end return s") == [.integer(500500)])
    }

    @Test func budgetCountsRoughlyTheInstructionsRun() throws {
        let lua = try LuaState()
        // ~4 instructions per iteration: 100k iterations fit in 1M, 1M iterations do not.
        try lua.withLimits(instructions: 1_000_000) {
            _ = try lua.run("for i = 1, 100000 do local y = i * 2 end")
            #expect(throws: LuaError.self) { try lua.run("for i = 1, 1000000 do local y = i * 2 end") }
        }
        #expect(lua.instructionLimit == nil)
        _ = try lua.run("for i = 1, 1000000 do local y = i * 2 end")
    }

    @Test func pcallAndCoroutinesCannotSwallowTheLimit() throws {
        let lua = try LuaState(instructionLimit: 1_000_000)
        for source in [
            "while true do pcall(function() while true do end end) end",
            "while true do xpcall(function() while true do end end, function(m) return m end) end",
            "while true do coroutine.resume(coroutine.create(function() while true do end end)) end",
            "coroutine.wrap(function() while true do end end)()",
        ] {
            let e = #expect(throws: LuaError.self) { try lua.run(source) }
            #expect(e?.kind == .limit, "\(source)")
        }
    }

    @Test func memoryCapGivesMemoryErrorAndStateStaysUsable() throws {
        let lua = try LuaState(memoryLimit: 8 << 20)
        let e = #expect(throws: LuaError.self) {
            try lua.run("local t = {} for i = 1, 1e9 do t[i] = {i} end")
        }
        #expect(e?.kind == .memory)
        #expect(e?.message.contains("not enough memory") == true)
        lua.collectGarbage()
        #expect(lua.memoryUsed < 1 << 20)
        #expect(try lua.run("local t = {} for i = 1, 1000 do t[i] = i end return #t") == [.integer(1000)])
        let e2 = #expect(throws: LuaError.self) { try lua.run("return string.rep('x', 64 << 20)") }
        #expect(e2?.kind == .memory)
        // Caught inside Lua, it is an ordinary error; the cap still holds.
        #expect(try lua.run("return (pcall(string.rep, 'x', 64 << 20))") == [.bool(false)])
        #expect(lua.memoryUsed <= 8 << 20)
    }

    @Test func memoryErrorThroughSwiftCallback() throws {
        let lua = try LuaState(memoryLimit: 4 << 20)
        lua.register("run") { args in
            let r = try args.state.run("local t = {} for i = 1, 1e9 do t[i] = {} end")
            args.push(r.first ?? .nil)
        }
        let e = #expect(throws: LuaError.self) { try lua.run("run()") }
        #expect(e?.kind == .memory)
    }

    @Test func cancelFromAnotherThread() throws {
        // The instruction budget is a backstop (many seconds of Lua): if cancelling did not work
        // the error kind would be `.limit`, not `.cancelled`, instead of the test hanging.
        let lua = try LuaState(instructionLimit: 20_000_000_000)
        let token = lua.cancellation
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { token.cancel() }
        let e = #expect(throws: LuaError.self) {
            try lua.run("local n = 0\nwhile true do n = n + 1 end", chunkName: "@repl")
        }
        #expect(e?.kind == .cancelled)
        #expect(e?.message == "repl:2: cancelled")
        #expect(try lua.run("return 1") == [.integer(1)])
    }

    @Test func limitInsideNestedCallStopsOuterCall() throws {
        let lua = try LuaState(instructionLimit: 1_000_000)
        lua.register("inner") { args in try args.state.run("while true do end", chunkName: "@inner.lua") }
        let e = #expect(throws: LuaError.self) { try lua.run("pcall(inner) while true do end") }
        #expect(e?.kind == .limit)
    }
}
