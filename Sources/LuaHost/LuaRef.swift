import CLua
import CLuaShim

/// A Lua value kept alive in the registry (`luaL_ref`) so Swift can hold functions, tables and
/// userdata across calls. Unreferenced in `deinit`; harmless if the state is already closed.
///
/// Equality is identity of the reference, not of the Lua value.
public final class LuaRef: Hashable, CustomStringConvertible {
    let box: LuaStateBox
    let ref: Int32

    init(box: LuaStateBox, ref: Int32) {
        self.box = box
        self.ref = ref
    }

    deinit {
        if let L = box.L, ref > 0 { luaL_unref(L, dt_registryindex(), ref) }
    }

    /// Whether the owning state is still open.
    public var isValid: Bool { box.L != nil }

    public static func == (a: LuaRef, b: LuaRef) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    public var description: String {
        guard let L = box.L else { return "<closed Lua ref>" }
        lua_rawgeti(L, dt_registryindex(), lua_Integer(ref))
        defer { dt_pop(L, 1) }
        return "\(String(cString: dt_typename(L, -1))): \(lua_topointer(L, -1).map { "\($0)" } ?? "?")"
    }
}
