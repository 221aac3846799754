import CLua
import CLuaShim

/// Describes how a Swift class appears in Lua as userdata: one metatable per class with methods,
/// typed properties read and written through `__index`/`__newindex`, `__tostring`, `__eq`, and a
/// `__gc` that releases the Swift object.
///
/// ```swift
/// state.register(LuaClass<Vehicle>("vehicle")
///     .property("id") { $0.id }
///     .property("soc", get: { $0.soc }, set: { $0.soc = $1 })
///     .method("charge") { bus, args in bus.charge(kw: try args.number(at: 2)) }
///     .tostring { "vehicle \($0.id)" })
/// ```
/// In a method, argument 1 is `self`; Lua's own numbering (`bad argument #1 to 'charge'` for the
/// first after `:`) is kept in error messages.
public struct LuaClass<Object: AnyObject> {
    public typealias Method = (Object, LuaCallFrame) throws -> Void
    public let name: String
    var methods: [(String, Method)] = []
    var getters: [(String, Method)] = []
    var setters: [(String, Method)] = []
    var toString: ((Object) -> String)?
    var equals: ((Object, Object) -> Bool)?

    /// - Parameter name: the type name Lua shows (`vehicle expected, got table`, `__name`).
    public init(_ name: String) { self.name = name }

    /// Adds a method called as `obj:name(...)`; push results onto the frame.
    public func method(_ name: String, _ body: @escaping Method) -> Self {
        var copy = self
        copy.methods.append((name, body))
        return copy
    }

    /// Adds a read-only property.
    public func property<V: LuaConvertible>(_ name: String, get: @escaping (Object) -> V) -> Self {
        var copy = self
        copy.getters.append((name, { object, frame in get(object).push(to: frame) }))
        return copy
    }

    /// Adds a read-write property; a wrongly typed assignment fails like
    /// `bad value for field 'soc' of vehicle (number expected, got string)`.
    public func property<V: LuaConvertible>(
        _ name: String, get: @escaping (Object) -> V, set: @escaping (Object, V) throws -> Void
    ) -> Self {
        var copy = property(name, get: get)
        let typeName = self.name
        copy.setters.append((name, { object, frame in
            let value: V
            do { value = try V.read(from: frame, at: 2) } catch let error as LuaArgumentError {
                throw LuaScriptError("bad value for field '\(name)' of \(typeName) (\(error.reason))")
            }
            try set(object, value)
        }))
        return copy
    }

    /// Sets what `tostring(obj)` (and the REPL) shows.
    public func tostring(_ body: @escaping (Object) -> String) -> Self {
        var copy = self
        copy.toString = body
        return copy
    }

    /// Sets `==` between two distinct userdata of this class (the same object is always equal).
    public func equality(_ body: @escaping (Object, Object) -> Bool) -> Self {
        var copy = self
        copy.equals = body
        return copy
    }
}

/// What the state remembers about a registered class. Its address is the type tag stored in each
/// userdata, so checking an argument's class is a pointer compare.
final class LuaClassInfo {
    let name: String
    var metatableRef: Int32 = LUA_NOREF
    var memberNames: [String] = []
    var tag: UnsafeRawPointer { UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque()) }
    init(name: String) { self.name = name }
}

extension LuaState {
    /// Registers a class; afterwards its instances can be pushed (``LuaCallFrame/push(object:)``,
    /// ``value(of:)-(AnyObject)``) and read back (``LuaCallFrame/object(at:as:)``).
    public func register<T: AnyObject>(_ cls: LuaClass<T>) {
        let info = LuaClassInfo(name: cls.name)
        classes[ObjectIdentifier(T.self)] = info
        info.memberNames = (cls.getters.map(\.0) + cls.methods.map(\.0)).sorted()
        let tag = info.tag
        let name = cls.name
        let top = lua_gettop(L)
        defer { lua_settop(L, top) }
        for group in [cls.getters, cls.methods, cls.setters] {
            lua_createtable(L, 0, Int32(group.count))
            for (member, body) in group {
                pushString(member)
                pushFunction(member) { frame in
                    let object: T = try frame.objectOrError(at: 1, tag: tag, name: name)
                    try body(object, frame)
                }
                lua_rawset(L, -3)
            }
        }
        dt_newtable(L)  // the metatable
        dt_setup_metatable(L, -4, -3, -2, cls.name)
        if let toString = cls.toString {
            pushString("__tostring")
            pushFunction("__tostring") { frame in
                guard let o = dt_toobject(frame.L, frame.slot(1)), o.pointee.type == tag else {
                    frame.push(name)
                    return
                }
                guard let p = o.pointee.object else { frame.push("\(name) (released)"); return }
                frame.push(toString(Unmanaged<T>.fromOpaque(p).takeUnretainedValue()))
            }
            lua_rawset(L, -3)
        }
        if let equals = cls.equals {
            pushString("__eq")
            pushFunction("__eq") { frame in
                let a: T? = try? frame.object(at: 1, tag: tag, name: name)
                let b: T? = try? frame.object(at: 2, tag: tag, name: name)
                if let a, let b { frame.push(a === b || equals(a, b)) } else { frame.push(false) }
            }
            lua_rawset(L, -3)
        }
        info.metatableRef = luaL_ref(L, dt_registryindex())
    }

    func objectCache() {
        if objectCacheRef == LUA_NOREF {
            dt_newtable(L)
            dt_newtable(L)
            pushString("__mode")
            pushString("v")
            lua_rawset(L, -3)
            _ = lua_setmetatable(L, -2)
            objectCacheRef = luaL_ref(L, dt_registryindex())
        }
        lua_rawgeti(L, dt_registryindex(), lua_Integer(objectCacheRef))
    }

    /// Pushes the userdata of a registered object (the same userdata while it is alive in Lua, so
    /// identity and `==` hold). Pushes nil if its class was never registered.
    func pushObject<T: AnyObject>(_ object: T) {
        // `type(of:)` on a generic bound to an existential would give the existential's metatype.
        let dynamicType: AnyObject.Type = type(of: object as AnyObject)
        guard let info = classes[ObjectIdentifier(dynamicType)] ?? classes[ObjectIdentifier(T.self)] else {
            assertionFailure("\(T.self) is not registered with LuaState.register(_:)")
            lua_pushnil(L)
            return
        }
        let key = Unmanaged.passUnretained(object).toOpaque()
        objectCache()
        lua_pushlightuserdata(L, key)
        if lua_rawget(L, -2) == LUA_TUSERDATA {
            dt_remove(L, -2)
            return
        }
        dt_pop(L, 1)
        _ = dt_newobject(L, Unmanaged.passRetained(object as AnyObject).toOpaque(), info.tag)
        lua_rawgeti(L, dt_registryindex(), lua_Integer(info.metatableRef))
        _ = lua_setmetatable(L, -2)
        lua_pushlightuserdata(L, key)
        lua_pushvalue(L, -2)
        lua_rawset(L, -4)
        dt_remove(L, -2)
    }

    /// A registered object as a Lua value (userdata ref), e.g. to pass as a call argument.
    public func value(of object: AnyObject) -> LuaValue {
        pushObject(object)
        return value(at: -1).popping(self)
    }

    /// Cuts the link between an object and Lua now: the Swift object is released, and any later
    /// use from Lua fails with "<class> object is no longer valid", never a crash.
    public func invalidate(_ object: AnyObject) {
        let key = Unmanaged.passUnretained(object).toOpaque()
        objectCache()
        lua_pushlightuserdata(L, key)
        if lua_rawget(L, -2) == LUA_TUSERDATA {
            dt_invalidate(L, -1)
            lua_pushlightuserdata(L, key)
            lua_pushnil(L)
            lua_rawset(L, -4)
        }
        dt_pop(L, 2)
    }
}

extension LuaValue {
    fileprivate func popping(_ state: LuaState) -> LuaValue {
        dt_pop(state.L, 1)
        return self
    }
}

extension LuaCallFrame {
    /// Like ``object(at:tag:name:)`` but for `self` of getters/methods: errors become plain
    /// messages, because a bad `self` through `__index` has no useful argument number.
    @inline(__always)
    func objectOrError<T: AnyObject>(at i: Int, tag: UnsafeRawPointer, name: String) throws -> T {
        if i <= count, let o = dt_toobject(L, slot(i)), o.pointee.type == tag, let p = o.pointee.object {
            return Unmanaged<T>.fromOpaque(p).takeUnretainedValue()
        }
        do { return try object(at: i, tag: tag, name: name) } catch let e as LuaArgumentError {
            throw LuaArgumentError(index: e.index, reason: e.reason)
        }
    }
}
