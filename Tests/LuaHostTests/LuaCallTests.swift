import Testing
@testable import LuaHost

@Suite struct LuaCallTests {
    @Test func runReturnsValues() throws {
        let lua = try LuaState()
        let r = try lua.run("return 1, 2.5, 'x', true, nil, {1, 2, a = {b = 'c'}}")
        #expect(r.count == 6)
        #expect(r[0] == .integer(1))
        #expect(r[1] == .number(2.5))
        #expect(r[2] == .string("x"))
        #expect(r[3] == .bool(true))
        #expect(r[4] == .nil)
        #expect(r[5] == .table(LuaTable(array: [1, 2], fields: ["a": ["b": "c"]])))
    }

    @Test func valuesRoundTripIncludingEmbeddedZerosAndBytes() throws {
        let lua = try LuaState()
        lua.setGlobal("echo_src", .nil)
        let f = try lua.load("return ...")
        let values: [LuaValue] = [
            .string("a\u{0}b"), .bytes([0xff, 0x00, 0xfe]), .integer(Int64.min), .number(-0.5),
            .table(LuaTable(array: [1, [2, [3]]], fields: ["k": "v"], otherKeys: [.bool(true): 7, .number(1.5): "f"])),
        ]
        let back = try lua.call(f, values)
        #expect(back == values)
        let n = try lua.run("return #('a\\0b')")
        #expect(n == [.integer(3)])
    }

    @Test func cyclicTableIsCut() throws {
        let lua = try LuaState()
        let r = try lua.run("local t = {1}; t.self = t; return t")
        #expect(r[0].tableValue?.array == [1])
        #expect(r[0].tableValue?["self"] == .nil)
    }

    @Test func callGlobalAndRef() throws {
        let lua = try LuaState()
        try lua.run("function add(a, b) return a + b end")
        #expect(try lua.call(global: "add", [2, 3]) == [.integer(5)])
        guard case .function(let f) = lua.global("add") else { Issue.record("no function"); return }
        #expect(try lua.call(f, [1.5, 1]) == [.number(2.5)])
    }

    @Test func binaryChunkRefused() throws {
        let lua = try LuaState()
        let dumped = try lua.run("return string.dump(function() return 1 end)")
        guard case .bytes(let b) = dumped[0] else { Issue.record("expected bytes"); return }
        #expect(b.starts(with: [0x1b, 0x4c, 0x75, 0x61]))
        let text = String(decoding: b, as: UTF8.self)
        let error = #expect(throws: LuaError.self) { try lua.run(text) }
        #expect(error?.kind == .syntax)
        #expect(error?.message.contains("binary") == true)
    }

    @Test func runtimeErrorCarriesChunkLineAndTraceback() throws {
        let lua = try LuaState()
        let error = #expect(throws: LuaError.self) {
            try lua.run("local x\n\nreturn x.y", chunkName: "@plugins/policies/llf.lua")
        }
        #expect(error?.kind == .runtime)
        #expect(error?.chunk == "plugins/policies/llf.lua")
        #expect(error?.line == 3)
        #expect(error?.description.hasPrefix("plugins/policies/llf.lua:3: attempt to index a nil value") == true)
        #expect(error?.traceback?.hasPrefix("stack traceback:") == true)
        #expect(error?.description.contains("stack traceback") == false)
    }

    @Test func syntaxErrorAndIncompleteInput() throws {
        let lua = try LuaState()
        let e1 = #expect(throws: LuaError.self) { try lua.load("for i = 1, 2 do", chunkName: "=stdin") }
        #expect(e1?.kind == .syntax)
        #expect(e1?.isIncompleteInput == true)
        #expect(e1?.chunk == "stdin")
        #expect(e1?.line == 1)
        let e2 = #expect(throws: LuaError.self) { try lua.load("x = = 1", chunkName: "=stdin") }
        #expect(e2?.isIncompleteInput == false)
    }

    @Test func errorObjectsThatAreNotStrings() throws {
        let lua = try LuaState()
        let e = #expect(throws: LuaError.self) {
            try lua.run("error(setmetatable({}, {__tostring = function() while true do end end}))")
        }
        #expect(e?.message == "(error object is a table value)")
    }

    @Test func refsUnrefAndSurviveClosedState() throws {
        var lua: LuaState? = try LuaState()
        let before = lua!.memoryUsed
        var refs: [LuaRef] = []
        for i in 0..<1000 { refs.append(lua!.ref(.table(LuaTable(array: [.integer(Int64(i))])))) }
        #expect(lua!.memoryUsed > before + 20_000)
        refs.removeAll()
        lua!.collectGarbage()
        #expect(lua!.memoryUsed < before + 20_000)
        let survivor = lua!.ref("x")
        #expect(survivor.isValid)
        lua = nil
        #expect(!survivor.isValid)
        _ = survivor.description  // must not crash
    }

    @Test func fastCallWithPrebuiltTableAndDoubles() throws {
        let lua = try LuaState()
        let f = try lua.run("return function(ctx) local r = {} for i = 1, #ctx.kw do r[i] = ctx.kw[i] * 2 end return r end")
        guard case .function(let fn) = f[0] else { Issue.record("no fn"); return }
        let ctx = lua.newTable()
        let kw = lua.newTable()
        lua.setArray(kw, [1, 2, 3.5])
        lua.set(ctx, "kw", to: kw)
        var out: [Double] = []
        try lua.call(fn, pushing: { $0.push(ctx) }, reading: { try $0.doubles(at: 1, into: &out) })
        #expect(out == [2, 4, 7])
    }
}

@Suite struct LuaErrorParsingTests {
    @Test func positionParsing() {
        let a = LuaError(kind: .runtime, message: "plugins/policies/llf.lua:42: attempt to index a nil value")
        #expect(a.chunk == "plugins/policies/llf.lua")
        #expect(a.line == 42)
        #expect(a.description == "plugins/policies/llf.lua:42: attempt to index a nil value")
        let b = LuaError(kind: .runtime, message: #"[string "x = a:1: b"]:3: boom"#)
        #expect(b.chunk == #"[string "x = a:1: b"]"#)
        #expect(b.line == 3)
        let c = LuaError(kind: .memory, message: "not enough memory")
        #expect(c.chunk == nil)
        #expect(c.line == nil)
    }
}
