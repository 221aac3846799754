import CLua
import CLuaShim

/// Source of a pure-Lua module a sandboxed `require` may load (the host decides by name).
public struct LuaModuleSource {
    public var source: String
    /// E.g. `"@stdlib/twin/units.lua"`.
    public var chunkName: String
    public init(source: String, chunkName: String) {
        self.source = source
        self.chunkName = chunkName
    }
}

/// One plugin's environment: its own globals table over frozen, shared safe libraries.
///
/// What a plugin gets: the base functions without `dofile`/`loadfile`, `load` text-only defaulting to
/// this environment, `setmetatable` refusing `__gc`, `rawset` refusing frozen tables,
/// `collectgarbage("count")` only, read-only `string` (no `dump`), `table`, `math`, `utf8`,
/// `coroutine`, `os.time/date/clock/difftime`, `debug.traceback`, and a `require` served by the
/// host's resolver. Everything else fails with "<name> is not allowed in a plugin".
/// Globals a plugin defines stay in its environment.
public final class LuaSandbox {
    /// The plugin's name, as given to ``LuaState/makeSandbox(name:modules:)``.
    public let name: String
    /// The plugin's `_ENV` (also its `_G`).
    public let environment: LuaRef
    let state: LuaState

    init(name: String, environment: LuaRef, state: LuaState) {
        self.name = name
        self.environment = environment
        self.state = state
    }

    /// Runs a text chunk in this environment (limits of the state apply).
    @discardableResult
    public func run(_ source: String, chunkName: String) throws -> [LuaValue] {
        try state.run(source, chunkName: chunkName, environment: environment)
    }

    /// Compiles a text chunk bound to this environment.
    public func load(_ source: String, chunkName: String) throws -> LuaRef {
        try state.load(source, chunkName: chunkName, environment: environment)
    }

    /// Raw-reads a global of the plugin.
    public func global(_ name: String) -> LuaValue { state.get(environment, .string(name)) }

    /// Raw-sets a global of the plugin (e.g. a host-provided `print`).
    public func setGlobal(_ name: String, _ value: LuaValue) { state.set(environment, .string(name), value) }

    /// Gives the plugin a read-only deep copy of a host table (e.g. the `twin` module): the plugin
    /// can call its functions but cannot change it for other plugins or the host.
    public func expose(_ table: LuaRef, as name: String) throws {
        let frozen = try state.freeze(table)
        state.set(environment, .string(name), to: frozen)
    }
}

extension LuaState {
    /// Builds a new plugin environment over frozen safe globals.
    /// - Parameters:
    ///   - name: the plugin's name, for messages.
    ///   - modules: the `require` hook: returns the source of a whitelisted pure-Lua module, or nil
    ///     to refuse. Modules run in the plugin's environment, once per plugin.
    public func makeSandbox(name: String, modules: ((String) -> LuaModuleSource?)? = nil) throws -> LuaSandbox {
        let builder = try sandboxFunctions()
        var args: [LuaValue] = [.string(name)]
        if let modules {
            let resolver = function("require") { frame in
                let module = try frame.string(at: 1)
                if let found = modules(module) {
                    frame.push(found.source)
                    frame.push(found.chunkName)
                }
            }
            args.append(.function(resolver))
        }
        guard case .table(let functions) = value(of: builder), case .function(let newEnv) = functions["new_env"] else {
            throw LuaError(kind: .runtime, message: "sandbox builder missing")
        }
        let result = try withLimits(instructions: .some(nil), memory: .some(nil)) {
            try call(newEnv, pushing: { frame in for a in args { frame.push(a) } }, reading: { $0.ref(at: 1) })
        }
        return LuaSandbox(name: name, environment: result, state: self)
    }

    /// A read-only deep copy of a table (cached per table while it lives).
    public func freeze(_ table: LuaRef) throws -> LuaRef {
        let builder = try sandboxFunctions()
        guard case .table(let functions) = value(of: builder), case .function(let freeze) = functions["freeze_table"] else {
            throw LuaError(kind: .runtime, message: "sandbox builder missing")
        }
        return try withLimits(instructions: .some(nil), memory: .some(nil)) {
            try call(freeze, pushing: { $0.push(table) }, reading: { $0.ref(at: 1) })
        }
    }

    func sandboxFunctions() throws -> LuaRef {
        if let sandboxBuilder { return sandboxBuilder }
        let r = try withLimits(instructions: .some(nil), memory: .some(nil)) {
            try load(LuaState.sandboxSource, chunkName: "=(sandbox)")
        }
        let functions = try withLimits(instructions: .some(nil), memory: .some(nil)) {
            try call(r, pushing: { _ in }, reading: { $0.ref(at: 1) })
        }
        sandboxBuilder = functions
        return functions
    }

    // Runs once per state in the trusted context. Frozen libraries are shared by all sandboxes;
    // each sandbox gets its own globals table and its own `require` cache.
    static let sandboxSource = #"""
    local pairs, next, type, error, tostring, select, rawget, rawset, setmetatable, load, collectgarbage =
          pairs, next, type, error, tostring, select, rawget, rawset, setmetatable, load, collectgarbage
    local frozen = setmetatable({}, { __mode = "k" })   -- proxy -> true
    local frozen_of = setmetatable({}, { __mode = "k" }) -- original -> proxy

    local function blocked(name)
      return function() error(name .. " is not allowed in a plugin", 2) end
    end

    local function make_proxy(name, contents, index)
      local proxy = {}
      setmetatable(proxy, {
        __index = index or contents,
        __newindex = function(_, k)
          error("cannot modify '" .. name .. "." .. tostring(k) .. "': it is read-only in a plugin", 2)
        end,
        __pairs = function() return next, contents, nil end,
        __len = function() return #contents end,
        __metatable = "read-only",
      })
      frozen[proxy] = true
      return proxy
    end

    local function freeze(name, t, seen)
      if frozen[t] then return t end
      if frozen_of[t] then return frozen_of[t] end
      seen = seen or {}
      if seen[t] then return seen[t] end
      local contents = {}
      local proxy = make_proxy(name, contents)
      seen[t] = proxy
      for k, v in next, t do
        if type(v) == "table" then v = freeze(name .. "." .. tostring(k), v, seen) end
        contents[k] = v
      end
      frozen_of[t] = proxy
      return proxy
    end

    local function copy(t, allowed)
      local c = {}
      for k, v in next, t do if allowed == nil or allowed[k] then c[k] = v end end
      return c
    end

    -- Libraries. A blocked name is a stub that raises when called.
    local string_copy = copy(string)
    string_copy.dump = blocked("string.dump")
    local string_meta = getmetatable("")
    string_meta.__index = string_copy       -- ("").dump must not reach the real string.dump
    string_meta.__metatable = "protected"   -- getmetatable("") cannot reach __index

    -- The host seeds math.random per run (reproducibility); one plugin must not reseed it for all.
    local math_copy = copy(math)
    math_copy.randomseed = blocked("math.randomseed")

    local os_copy = copy(os, { time = true, date = true, clock = true, difftime = true })
    for _, k in ipairs { "execute", "exit", "remove", "rename", "getenv", "tmpname", "setlocale" } do
      os_copy[k] = blocked("os." .. k)
    end

    local function deny_all(name, allowed)
      local contents = allowed or {}
      return make_proxy(name, contents, function(_, k)
        if contents[k] ~= nil then return contents[k] end
        error(name .. "." .. tostring(k) .. " is not allowed in a plugin", 2)
      end)
    end

    local libs = {
      string = make_proxy("string", string_copy),
      table = freeze("table", table),
      math = make_proxy("math", math_copy),
      utf8 = freeze("utf8", utf8),
      coroutine = freeze("coroutine", coroutine),
      os = make_proxy("os", os_copy),
      debug = deny_all("debug", { traceback = debug.traceback }),
      io = deny_all("io"),
      package = deny_all("package"),
    }

    local base = {}
    for _, k in ipairs { "assert", "error", "ipairs", "next", "pairs", "pcall", "xpcall", "print",
                         "rawequal", "rawget", "rawlen", "select", "tonumber", "tostring", "type",
                         "getmetatable", "_VERSION" } do
      base[k] = _G[k]
    end
    base.dofile = blocked("dofile")
    base.loadfile = blocked("loadfile")
    base.rawset = function(t, k, v)
      if frozen[t] then error("rawset on a read-only table is not allowed in a plugin", 2) end
      return rawset(t, k, v)
    end
    base.setmetatable = function(t, mt)
      if frozen[t] then error("cannot change a protected metatable", 2) end
      if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
        error("__gc metamethods are not allowed in a plugin", 2)
      end
      return setmetatable(t, mt)
    end
    base.collectgarbage = function(opt, ...)
      if opt == "count" then return collectgarbage("count") end
      error("collectgarbage('" .. tostring(opt or "collect") .. "') is not allowed in a plugin", 2)
    end

    local function new_env(plugin_name, resolver)
      local env = {}
      for k, v in next, base do env[k] = v end
      for k, v in next, libs do env[k] = v end
      env._G = env
      env.load = function(chunk, name, mode, e)
        if mode ~= nil and mode ~= "t" then
          error("loading binary chunks is not allowed in a plugin", 2)
        end
        if e == nil then e = env end
        return load(chunk, name, "t", e)
      end
      local loaded = {}
      env.require = function(name)
        if type(name) ~= "string" then
          error("bad argument #1 to 'require' (string expected, got " .. type(name) .. ")", 2)
        end
        local r = loaded[name]
        if r ~= nil then return r end
        local source, chunkname
        if resolver then source, chunkname = resolver(name) end
        if source == nil then error("require('" .. name .. "') is not allowed in a plugin", 2) end
        local f, err = load(source, chunkname or ("=" .. name), "t", env)
        if not f then error(err, 0) end
        r = f(name)
        if r == nil then r = true end
        loaded[name] = r
        return r
      end
      return env
    end

    return {
      new_env = new_env,
      freeze_table = function(t) return freeze("module", t) end,
    }
    """#
}
