import CLua
import CLuaShim

/// A view of the Lua stack during a Swift callback (arguments) or after a fast call (results).
///
/// Reading never allocates a ``LuaValue`` unless asked (``value(at:)``), and pushing goes straight
/// onto the stack, which keeps a Lua -> Swift call in the tens of nanoseconds. Indices are 1-based
/// like Lua's. Readers throw ``LuaArgumentError`` whose text matches Lua's own:
/// `bad argument #2 to 'add_chargers' (number expected, got string)`.
/// Valid only during the callback that received it.
public struct LuaCallFrame {
    let L: OpaquePointer
    let base: Int32
    /// Number of arguments (or results).
    public let count: Int

    init(L: OpaquePointer, base: Int32, count: Int32) {
        self.L = L
        self.base = base
        self.count = Int(count)
    }

    /// The owning state (e.g. to push a registered object or make refs).
    public var state: LuaState { LuaState.from(L) }

    @inline(__always) func slot(_ i: Int) -> Int32 { base + Int32(truncatingIfNeeded: i) }

    @inline(__always) func type(at i: Int) -> Int32 { i > count || i < 1 ? LUA_TNONE : lua_type(L, slot(i)) }

    /// Lua's type name of argument `i` ("no value" when absent), as used in error messages.
    public func typeName(at i: Int) -> String {
        let t = type(at: i)
        if t == LUA_TNONE { return "no value" }
        if let o = dt_toobject(L, slot(i)), let info = state.classes.values.first(where: { $0.tag == o.pointee.type }) {
            return info.name
        }
        return String(cString: lua_typename(L, t))
    }

    func mismatch(_ i: Int, _ expected: String) -> LuaArgumentError {
        LuaArgumentError(index: i, reason: "\(expected) expected, got \(typeName(at: i))")
    }

    /// True if argument `i` is absent or nil.
    public func isNil(at i: Int) -> Bool { let t = type(at: i); return t == LUA_TNIL || t == LUA_TNONE }

    /// A number (integer or float; numeric strings are not converted, unlike Lua's tonumber).
    @inline(__always)
    public func number(at i: Int) throws -> Double {
        guard type(at: i) == LUA_TNUMBER else { throw mismatch(i, "number") }
        return lua_tonumberx(L, slot(i), nil)
    }

    /// An integer; a float with an exact integer value is accepted, as Lua does.
    public func integer(at i: Int) throws -> Int64 {
        guard type(at: i) == LUA_TNUMBER else { throw mismatch(i, "number") }
        var ok: Int32 = 0
        let v = lua_tointegerx(L, slot(i), &ok)
        guard ok != 0 else { throw LuaArgumentError(index: i, reason: "number has no integer representation") }
        return Int64(v)
    }

    /// An integer as `Int`.
    public func int(at i: Int) throws -> Int { Int(try integer(at: i)) }

    /// A string (numbers are converted, as `luaL_checkstring` does).
    public func string(at i: Int) throws -> String {
        let t = type(at: i)
        guard t == LUA_TSTRING || t == LUA_TNUMBER, let s = luaConvertToString(L, slot(i)) else {
            throw mismatch(i, "string")
        }
        return s
    }

    /// A boolean by Lua truthiness (only nil and false are false); absent is false.
    public func bool(at i: Int) -> Bool { i <= count && i >= 1 && lua_toboolean(L, slot(i)) != 0 }

    /// `nil` when argument `i` is absent or nil, else as ``number(at:)``; same for the others below.
    public func optionalNumber(at i: Int) throws -> Double? { isNil(at: i) ? nil : try number(at: i) }
    public func optionalInteger(at i: Int) throws -> Int64? { isNil(at: i) ? nil : try integer(at: i) }
    public func optionalString(at i: Int) throws -> String? { isNil(at: i) ? nil : try string(at: i) }

    /// A table argument copied into Swift.
    public func table(at i: Int) throws -> LuaTable {
        guard type(at: i) == LUA_TTABLE, case .table(let t) = value(at: i) else { throw mismatch(i, "table") }
        return t
    }

    public func optionalTable(at i: Int) throws -> LuaTable? { isNil(at: i) ? nil : try table(at: i) }

    /// A function argument as a ref (to call it later).
    public func function(at i: Int) throws -> LuaRef {
        guard type(at: i) == LUA_TFUNCTION else { throw mismatch(i, "function") }
        lua_pushvalue(L, slot(i))
        return LuaState.from(L).popRef()
    }

    /// Any argument as a ref (tables stay in Lua, unlike ``table(at:)``).
    public func ref(at i: Int) -> LuaRef {
        if i > count || i < 1 { lua_pushnil(L) } else { lua_pushvalue(L, slot(i)) }
        return LuaState.from(L).popRef()
    }

    /// Any argument copied into Swift.
    public func value(at i: Int) -> LuaValue {
        guard i <= count, i >= 1 else { return .nil }
        let state = LuaState.from(L)
        return LuaState.value(at: slot(i), on: L, box: state.box)
    }

    /// The array part `t[1..n]` of a table argument as doubles, into a reused buffer (no boxing).
    /// Throws if an element is not a number.
    public func doubles(at i: Int, into out: inout [Double]) throws {
        guard type(at: i) == LUA_TTABLE else { throw mismatch(i, "table") }
        let t = slot(i)
        let n = Int(lua_rawlen(L, t))
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(n)
        if n == 0 { return }
        for k in 1...n {
            guard lua_rawgeti(L, t, lua_Integer(k)) == LUA_TNUMBER else {
                let got = String(cString: dt_typename(L, -1))
                dt_pop(L, 1)
                throw LuaArgumentError(index: i, reason: "number expected at index \(k), got \(got)")
            }
            out.append(lua_tonumberx(L, -1, nil))
            dt_pop(L, 1)
        }
    }

    /// A registered Swift object (see ``LuaClass``); throws a clear error if the host invalidated it.
    public func object<T: AnyObject>(at i: Int, as type: T.Type = T.self) throws -> T {
        let state = LuaState.from(L)
        guard let info = state.classes[ObjectIdentifier(T.self)] else {
            throw LuaScriptError("\(T.self) is not registered with LuaState.register(_:)")
        }
        return try object(at: i, tag: info.tag, name: info.name)
    }

    @inline(__always)
    func object<T: AnyObject>(at i: Int, tag: UnsafeRawPointer, name: String) throws -> T {
        guard i <= count, i >= 1, let o = dt_toobject(L, slot(i)), o.pointee.type == tag else {
            throw mismatch(i, name)
        }
        guard let p = o.pointee.object else {
            throw LuaScriptError("\(name) object is no longer valid (released by the host)")
        }
        return Unmanaged<T>.fromOpaque(p).takeUnretainedValue()
    }

    // MARK: Pushing (results of a callback, or arguments of a fast call)

    /// Pushes a float (each pushed value becomes a result of the callback).
    @inline(__always) public func push(_ d: Double) { lua_pushnumber(L, d) }
    @inline(__always) public func push(_ i: Int) { lua_pushinteger(L, lua_Integer(i)) }
    @inline(__always) public func push(_ i: Int64) { lua_pushinteger(L, lua_Integer(i)) }
    @inline(__always) public func push(_ b: Bool) { lua_pushboolean(L, b ? 1 : 0) }
    public func push(_ s: String) { luaPushString(L, s) }
    public func pushNil() { lua_pushnil(L) }
    public func push(_ v: LuaValue) { let s = LuaState.from(L); LuaState.push(v, on: L, box: s.box) }
    public func push(_ r: LuaRef) { let s = LuaState.from(L); LuaState.push(r, on: L, box: s.box) }
    /// Pushes a copy of argument `i` (e.g. to return it).
    public func pushArgument(_ i: Int) { if i <= count, i >= 1 { lua_pushvalue(L, slot(i)) } else { lua_pushnil(L) } }
    /// Pushes a new array table of numbers.
    public func push(array: [Double]) {
        lua_createtable(L, Int32(array.count), 0)
        for (k, d) in array.enumerated() {
            lua_pushnumber(L, d)
            lua_rawseti(L, -2, lua_Integer(k + 1))
        }
    }
    /// Pushes a registered Swift object as its (cached, identity-preserving) userdata.
    public func push<T: AnyObject>(object: T) { LuaState.from(L).pushObject(object) }
}
