import CLua
import CLuaShim

/// The body of a Swift function exposed to Lua: read arguments from the frame, push results onto
/// it (every value pushed is returned to Lua), or throw. Thrown errors are raised in Lua by the C
/// trampoline after this Swift frame has returned (bridge rule 1), and Lua's `pcall` can catch them.
/// Lua-style name for the arguments view of a callback.
public typealias LuaArguments = LuaCallFrame

public typealias LuaFunction = (LuaCallFrame) throws -> Void

/// Keeps a Swift closure alive for Lua, which holds only a raw pointer to it.
final class LuaFunctionBox {
    let body: LuaFunction
    init(_ body: @escaping LuaFunction) { self.body = body }
}

/// The one C-callable entry for every Swift function; returns a result count or a DT_RAISE_* code.
private let dispatch: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32 = { L, context in
    let L = L!
    let box = Unmanaged<LuaFunctionBox>.fromOpaque(context!).takeUnretainedValue()
    let base = lua_gettop(L)
    do {
        try box.body(LuaCallFrame(L: L, base: 0, count: base))
        return lua_gettop(L) - base
    } catch let error as LuaArgumentError {
        lua_settop(L, base)
        luaPushString(L, error.reason)
        return Int32(DT_RAISE_ARG_BASE) - Int32(error.index)
    } catch let error as LuaError {
        // Already positioned where it happened in Lua; keep it as is (plus nothing).
        lua_settop(L, base)
        luaPushString(L, error.message)
        return Int32(DT_RAISE_AS_IS)
    } catch {
        lua_settop(L, base)
        luaPushString(L, String(describing: error))
        return Int32(DT_RAISE_WHERE)
    }
}

private let release: @convention(c) (UnsafeMutableRawPointer?) -> Void = { p in
    if let p { Unmanaged<AnyObject>.fromOpaque(p).release() }
}

extension LuaState {
    static let installCallbacks: Void = { dt_set_callbacks(dispatch, release) }()

    /// Pushes a Swift closure as a Lua function. `name` is used in argument errors when the call
    /// site gives none.
    func pushFunction(_ name: String, _ body: @escaping LuaFunction) {
        let box = LuaFunctionBox(body)
        functionBoxes.append(box)
        dt_pushfunction(L, Unmanaged.passUnretained(box).toOpaque(), name)
    }

    /// Makes a Lua function value from a Swift closure (e.g. to put in a table or pass as a callback).
    public func function(_ name: String = "?", _ body: @escaping LuaFunction) -> LuaRef {
        pushFunction(name, body)
        return popRef()
    }

    /// Registers a Swift closure as a global function of the trusted context.
    public func register(_ name: String, _ body: @escaping LuaFunction) {
        lua_rawgeti(L, dt_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        pushString(name)
        pushFunction(name, body)
        lua_rawset(L, -3)
        dt_pop(L, 1)
    }

    /// Registers a module table of Swift functions, e.g. `register(module: "twin", functions: [...])`.
    ///
    /// `module` may be dotted (`"twin.units"`) to nest tables; existing tables on the path are
    /// extended. The table is also stored in `package.loaded[module]` so trusted `require` finds it.
    /// - Returns: a ref to the module table (pass it to sandboxes with ``LuaSandbox/expose(_:as:)``).
    @discardableResult
    public func register(module: String, functions: [String: LuaFunction]) -> LuaRef {
        lua_rawgeti(L, dt_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        for part in module.split(separator: ".") {
            pushString(String(part))
            lua_rawget(L, -2)
            if lua_type(L, -1) != LUA_TTABLE {
                dt_pop(L, 1)
                dt_newtable(L)
                pushString(String(part))
                lua_pushvalue(L, -2)
                lua_rawset(L, -4)
            }
            dt_remove(L, -2)
        }
        for (name, body) in functions.sorted(by: { $0.key < $1.key }) {
            pushString(name)
            pushFunction(name, body)
            lua_rawset(L, -3)
        }
        // package.loaded[module] = table (raw), for the trusted require.
        lua_rawgeti(L, dt_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        pushString("package")
        lua_rawget(L, -2)
        if lua_type(L, -1) == LUA_TTABLE {
            pushString("loaded")
            lua_rawget(L, -2)
            if lua_type(L, -1) == LUA_TTABLE {
                pushString(module)
                lua_pushvalue(L, -5)
                lua_rawset(L, -3)
            }
            dt_pop(L, 1)
        }
        dt_pop(L, 2)
        return popRef()
    }
}
