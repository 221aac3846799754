import CLua
import CLuaShim

// Moving values between Swift and the Lua stack. Only non-raising API is used: raw gets and sets,
// lua_next on keys it returned itself, and allocation (whose cap is off while Swift runs).

/// Reads a Lua string without copying through C strings (keeps embedded zeros).
@inline(__always)
func luaStringBytes(_ L: OpaquePointer, _ index: Int32) -> UnsafeRawBufferPointer {
    var length = 0
    let p = dt_tostring(L, index, &length)
    return UnsafeRawBufferPointer(start: p, count: length)
}

@inline(__always)
func luaPushString(_ L: OpaquePointer, _ s: String) {
    var s = s
    s.withUTF8 { buffer in
        _ = lua_pushlstring(L, buffer.baseAddress, buffer.count)
    }
}

/// `lua_tolstring` on a number converts the stack slot (and allocates); format numbers in C instead.
func luaConvertToString(_ L: OpaquePointer, _ index: Int32) -> String? {
    switch lua_type(L, index) {
    case LUA_TSTRING:
        return String(decoding: luaStringBytes(L, index), as: UTF8.self)
    case LUA_TNUMBER:
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            _ = dt_number_to_string(L, index, buffer.baseAddress, 64)
            return String(cString: buffer.baseAddress!)
        }
    default:
        return nil
    }
}

extension LuaState {
    func pushString(_ s: String) { luaPushString(L, s) }

    /// String at `index`, or "" if it is not a string or number.
    func string(at index: Int32) -> String { luaConvertToString(L, index) ?? "" }

    /// Pushes any ``LuaValue``; tables are built fresh.
    func push(_ value: LuaValue) {
        LuaState.push(value, on: L, box: box)
    }

    static func push(_ value: LuaValue, on L: OpaquePointer, box: LuaStateBox) {
        switch value {
        case .nil: lua_pushnil(L)
        case .bool(let b): lua_pushboolean(L, b ? 1 : 0)
        case .integer(let i): lua_pushinteger(L, lua_Integer(i))
        case .number(let d): lua_pushnumber(L, d)
        case .string(let s): luaPushString(L, s)
        case .bytes(let b): b.withUnsafeBufferPointer { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        case .table(let t):
            _ = lua_checkstack(L, 4)
            lua_createtable(L, Int32(t.array.count), Int32(t.fields.count + t.otherKeys.count))
            for (i, v) in t.array.enumerated() {
                push(v, on: L, box: box)
                lua_rawseti(L, -2, lua_Integer(i + 1))
            }
            for (k, v) in t.fields {
                luaPushString(L, k)
                push(v, on: L, box: box)
                lua_rawset(L, -3)
            }
            for (k, v) in t.otherKeys where k != .nil {
                if case .number(let d) = k, d.isNaN { continue }
                push(k, on: L, box: box)
                push(v, on: L, box: box)
                lua_rawset(L, -3)
            }
        case .function(let r), .userdata(let r), .thread(let r):
            push(r, on: L, box: box)
        case .lightUserdata(let p): lua_pushlightuserdata(L, p)
        }
    }

    static func push(_ ref: LuaRef, on L: OpaquePointer, box: LuaStateBox) {
        precondition(ref.box === box, "LuaRef used with a LuaState that did not create it")
        lua_rawgeti(L, dt_registryindex(), lua_Integer(ref.ref))
    }

    /// Pushes the value a ref holds.
    public func push(_ ref: LuaRef) { LuaState.push(ref, on: L, box: box) }

    /// Copies the value at `index` into Swift.
    func value(at index: Int32) -> LuaValue {
        LuaState.value(at: index, on: L, box: box)
    }

    static func value(at index: Int32, on L: OpaquePointer, box: LuaStateBox) -> LuaValue {
        var visiting = Set<UnsafeRawPointer>()
        return value(at: lua_absindex(L, index), on: L, box: box, visiting: &visiting)
    }

    private static func value(
        at index: Int32, on L: OpaquePointer, box: LuaStateBox, visiting: inout Set<UnsafeRawPointer>
    ) -> LuaValue {
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE: return .nil
        case LUA_TBOOLEAN: return .bool(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, index) != 0 { return .integer(Int64(lua_tointegerx(L, index, nil))) }
            return .number(lua_tonumberx(L, index, nil))
        case LUA_TSTRING:
            let bytes = luaStringBytes(L, index)
            if let s = String(validating: bytes, as: UTF8.self) { return .string(s) }
            return .bytes(Array(bytes))
        case LUA_TTABLE:
            guard let p = lua_topointer(L, index), visiting.insert(p).inserted, lua_checkstack(L, 4) != 0 else {
                return .nil
            }
            defer { visiting.remove(p) }
            var table = LuaTable()
            let n = Int(lua_rawlen(L, index))
            table.array = Array(repeating: .nil, count: n)
            lua_pushnil(L)
            while lua_next(L, index) != 0 {
                let v = value(at: lua_gettop(L), on: L, box: box, visiting: &visiting)
                let keyType = lua_type(L, -2)
                if keyType == LUA_TNUMBER, lua_isinteger(L, -2) != 0,
                    case let k = Int(lua_tointegerx(L, -2, nil)), k >= 1, k <= n
                {
                    table.array[k - 1] = v
                } else if keyType == LUA_TSTRING {
                    table.fields[String(decoding: luaStringBytes(L, -2), as: UTF8.self)] = v
                } else {
                    let k = value(at: lua_gettop(L) - 1, on: L, box: box, visiting: &visiting)
                    table.otherKeys[k] = v
                }
                dt_pop(L, 1)
            }
            return .table(table)
        case LUA_TFUNCTION:
            lua_pushvalue(L, index)
            return .function(LuaRef(box: box, ref: luaL_ref(L, dt_registryindex())))
        case LUA_TUSERDATA:
            lua_pushvalue(L, index)
            return .userdata(LuaRef(box: box, ref: luaL_ref(L, dt_registryindex())))
        case LUA_TTHREAD:
            lua_pushvalue(L, index)
            return .thread(LuaRef(box: box, ref: luaL_ref(L, dt_registryindex())))
        case LUA_TLIGHTUSERDATA:
            return .lightUserdata(lua_touserdata(L, index))
        default:
            return .nil
        }
    }

    /// Copies a ref's value into Swift (e.g. a table snapshot).
    public func value(of ref: LuaRef) -> LuaValue {
        push(ref)
        defer { dt_pop(L, 1) }
        return value(at: -1)
    }

    /// Makes a registry reference to a value (e.g. to pass the same prebuilt table many times).
    public func ref(_ value: LuaValue) -> LuaRef {
        push(value)
        return popRef()
    }

    /// Creates an empty table and returns a ref to it.
    public func newTable(arrayCapacity: Int = 0, fieldCapacity: Int = 0) -> LuaRef {
        lua_createtable(L, Int32(arrayCapacity), Int32(fieldCapacity))
        return popRef()
    }

    /// Raw-reads `table[key]` (no metamethods).
    public func get(_ table: LuaRef, _ key: LuaValue) -> LuaValue {
        push(table)
        guard lua_type(L, -1) == LUA_TTABLE else { dt_pop(L, 1); return .nil }
        push(key)
        lua_rawget(L, -2)
        defer { dt_pop(L, 2) }
        return value(at: -1)
    }

    /// Raw-writes `table[key] = value` (no metamethods). Ignores a nil/NaN key or a non-table.
    public func set(_ table: LuaRef, _ key: LuaValue, _ value: LuaValue) {
        if key == .nil { return }
        if case .number(let d) = key, d.isNaN { return }
        push(table)
        guard lua_type(L, -1) == LUA_TTABLE else { dt_pop(L, 1); return }
        push(key)
        push(value)
        lua_rawset(L, -3)
        dt_pop(L, 1)
    }

    /// Raw-writes `table[key] = <the value ref holds>` (e.g. nest a prebuilt table in a context table).
    public func set(_ table: LuaRef, _ key: LuaValue, to ref: LuaRef) {
        if key == .nil { return }
        push(table)
        guard lua_type(L, -1) == LUA_TTABLE else { dt_pop(L, 1); return }
        push(key)
        push(ref)
        lua_rawset(L, -3)
        dt_pop(L, 1)
    }

    /// Raw-writes `table[i] = numbers[i]` for the whole array (fast fill of a reused table).
    public func setArray(_ table: LuaRef, _ numbers: [Double]) {
        push(table)
        guard lua_type(L, -1) == LUA_TTABLE else { dt_pop(L, 1); return }
        for (i, d) in numbers.enumerated() {
            lua_pushnumber(L, d)
            lua_rawseti(L, -2, lua_Integer(i + 1))
        }
        dt_pop(L, 1)
    }

    /// Names of the string keys of a table (raw, sorted), for tab completion. Empty for non-tables.
    /// For a userdata of a registered class, its property and method names.
    public func keys(of value: LuaValue) -> [String] {
        switch value {
        case .table(let t): return t.fields.keys.sorted()
        case .userdata(let r):
            push(r)
            defer { dt_pop(L, 1) }
            if let o = dt_toobject(L, -1), let info = classes.values.first(where: { $0.tag == o.pointee.type }) {
                return info.memberNames
            }
            return []
        default: return []
        }
    }

    /// Names of the globals of the trusted context (or of a sandbox environment), sorted.
    public func globalNames(in environment: LuaRef? = nil) -> [String] {
        var names: [String] = []
        if let environment { push(environment) } else {
            lua_rawgeti(L, dt_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        }
        let t = lua_gettop(L)
        if lua_type(L, t) == LUA_TTABLE {
            lua_pushnil(L)
            while lua_next(L, t) != 0 {
                if lua_type(L, -2) == LUA_TSTRING { names.append(string(at: -2)) }
                dt_pop(L, 1)
            }
        }
        dt_pop(L, 1)
        return names.sorted()
    }
}
