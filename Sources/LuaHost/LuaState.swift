import CLua
import CLuaShim

/// Shared between a ``LuaState`` and the ``LuaRef``s it hands out, so a ref that outlives its state
/// finds `L == nil` instead of a dangling pointer.
final class LuaStateBox {
    var L: OpaquePointer?
    init(_ L: OpaquePointer) { self.L = L }
}

/// Owns one `lua_State` (bridge rule 4: one owner, one thread, closed in `deinit`).
///
/// The state is created with a limiting allocator (see ``memoryLimit``) and a count hook (see
/// ``instructionLimit`` and ``cancel()``), and the standard libraries opened in protected mode.
/// Every entry into Lua is a protected call; errors arrive as ``LuaError``.
/// Not thread-safe except ``cancellation`` / ``cancel()``.
public final class LuaState {
    /// The raw state. Internal: Swift code outside LuaHost must not touch the Lua C API.
    let L: OpaquePointer
    let box: LuaStateBox
    /// Swift closures exposed to Lua; their boxes live as long as the state (Lua holds raw pointers).
    var functionBoxes: [AnyObject] = []
    /// Registered classes by `ObjectIdentifier` of the Swift type.
    var classes: [ObjectIdentifier: LuaClassInfo] = [:]
    /// Registry reference of the weak-valued object -> userdata cache (identity of pushed objects).
    var objectCacheRef: Int32 = LUA_NOREF
    var sandboxBuilder: LuaRef?

    /// Creates a state with the standard libraries (the trusted, full-power context).
    /// - Parameters:
    ///   - memoryLimit: bytes Lua may allocate in total, `nil` for no cap.
    ///   - instructionLimit: VM instructions allowed per outermost call, `nil` for no limit.
    /// - Throws: ``LuaError`` (`.memory`) if the state or its libraries cannot be created.
    public init(memoryLimit: Int? = nil, instructionLimit: Int? = nil) throws {
        LuaState.installCallbacks
        guard let L = dt_newstate() else {
            throw LuaError(kind: .memory, message: "cannot create a Lua state: out of memory")
        }
        self.L = L
        self.box = LuaStateBox(L)
        dt_set_extra(L, Unmanaged.passUnretained(self).toOpaque())
        let status = dt_openlibs(L)
        if status != LUA_OK {
            let error = popError(status: status)
            box.L = nil
            dt_close(L)
            throw error
        }
        self.memoryLimit = memoryLimit
        self.instructionLimit = instructionLimit
    }

    deinit {
        box.L = nil
        // lua_close runs every __gc, which releases the Swift objects held by userdata.
        dt_close(L)
    }

    /// The state that owns `L`, for callbacks that only have the raw pointer.
    static func from(_ L: OpaquePointer) -> LuaState {
        Unmanaged<LuaState>.fromOpaque(dt_get_extra(L)!).takeUnretainedValue()
    }

    /// Bytes currently allocated by Lua in this state.
    public var memoryUsed: Int { Int(dt_memory_used(L)) }

    /// Forces a full garbage collection (runs `__gc`, releasing unreachable Swift objects).
    public func collectGarbage() {
        dt_gc_collect(L)
    }

    /// The global table of the trusted context, as a ref.
    public var globals: LuaRef {
        lua_rawgeti(L, dt_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        return popRef()
    }

    /// Reads a global of the trusted context without triggering metamethods.
    public func global(_ name: String) -> LuaValue {
        lua_rawgeti(L, dt_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        pushString(name)
        lua_rawget(L, -2)
        defer { dt_pop(L, 2) }
        return value(at: -1)
    }

    /// Sets a global of the trusted context (raw set).
    public func setGlobal(_ name: String, _ value: LuaValue) {
        lua_rawgeti(L, dt_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        pushString(name)
        push(value)
        lua_rawset(L, -3)
        dt_pop(L, 1)
    }

    /// Pops the top value into a registry reference.
    func popRef() -> LuaRef {
        LuaRef(box: box, ref: luaL_ref(L, dt_registryindex()))
    }
}
