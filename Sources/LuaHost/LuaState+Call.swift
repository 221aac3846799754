import CLua
import CLuaShim

extension LuaState {
    /// Compiles a text chunk without running it.
    /// - Parameters:
    ///   - source: Lua source. Binary chunks (`"\u{1B}Lua..."`) are refused: bytecode is a known
    ///     sandbox escape.
    ///   - chunkName: `"@plugins/policies/llf.lua"` makes errors read `plugins/policies/llf.lua:42: ...`.
    ///   - environment: the `_ENV` of the chunk (e.g. a sandbox); `nil` keeps the trusted globals.
    /// - Returns: the compiled function.
    /// - Throws: ``LuaError`` `.syntax` (check ``LuaError/isIncompleteInput`` in a REPL) or `.memory`.
    public func load(_ source: String, chunkName: String = "=(load)", environment: LuaRef? = nil) throws -> LuaRef {
        try pushChunk(source, chunkName: chunkName, environment: environment)
        return popRef()
    }

    func pushChunk(_ source: String, chunkName: String, environment: LuaRef?) throws {
        var source = source
        let status = source.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                dt_load(L, chars.baseAddress, chars.count, chunkName)
            }
        }
        if status != LUA_OK { throw popError(status: status) }
        if let environment {
            push(environment)
            // A main chunk's first (only) upvalue is _ENV.
            if lua_setupvalue(L, -2, 1) == nil { dt_pop(L, 1) }
        }
    }

    /// Compiles and runs a text chunk in a protected call.
    /// - Returns: the chunk's return values.
    /// - Throws: ``LuaError`` of any kind; the state stays usable.
    @discardableResult
    public func run(_ source: String, chunkName: String = "=(run)", environment: LuaRef? = nil) throws -> [LuaValue] {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        try pushChunk(source, chunkName: chunkName, environment: environment)
        return try protectedCall(arguments: 0, base: top)
    }

    /// Calls a function held by a ref with arguments, returning all its results.
    @discardableResult
    public func call(_ function: LuaRef, _ arguments: [LuaValue] = []) throws -> [LuaValue] {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        push(function)
        _ = lua_checkstack(L, Int32(arguments.count + 4))
        for a in arguments { push(a) }
        return try protectedCall(arguments: Int32(arguments.count), base: top)
    }

    /// Calls a global function of the trusted context by name (raw lookup, no metamethods).
    @discardableResult
    public func call(global name: String, _ arguments: [LuaValue] = []) throws -> [LuaValue] {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        lua_rawgeti(L, dt_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        pushString(name)
        lua_rawget(L, -2)
        dt_remove(L, -2)
        _ = lua_checkstack(L, Int32(arguments.count + 4))
        for a in arguments { push(a) }
        return try protectedCall(arguments: Int32(arguments.count), base: top)
    }

    /// The fast path: calls `function`, letting `pushArguments` push arguments straight onto the
    /// stack and `readResults` read results straight off it, without boxing into ``LuaValue``.
    ///
    /// `pushArguments` gets a frame to push onto; `readResults` gets a frame whose index 1 is the
    /// first result (its `count` is the number of results). Use ``push(_:)-LuaRef`` a prebuilt table and
    /// ``LuaCallFrame/doubles(at:into:)`` to read an array of numbers.
    public func call<R>(
        _ function: LuaRef,
        pushing pushArguments: (LuaCallFrame) -> Void,
        reading readResults: (LuaCallFrame) throws -> R
    ) throws -> R {
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        push(function)
        pushArguments(LuaCallFrame(L: L, base: 0, count: 0))
        let nargs = lua_gettop(L) - top - 1
        let status = dt_pcall(L, nargs, LUA_MULTRET)
        if status != LUA_OK { throw popError(status: status) }
        return try readResults(LuaCallFrame(L: L, base: top, count: lua_gettop(L) - top))
    }

    /// Runs the function and its `nargs` arguments above `base`; returns the results as values.
    func protectedCall(arguments nargs: Int32, base: Int32) throws -> [LuaValue] {
        let status = dt_pcall(L, nargs, LUA_MULTRET)
        if status != LUA_OK { throw popError(status: status) }
        let top = lua_gettop(L)
        if top == base { return [] }
        var results: [LuaValue] = []
        results.reserveCapacity(Int(top - base))
        for i in (base + 1)...top { results.append(value(at: i)) }
        return results
    }
}
