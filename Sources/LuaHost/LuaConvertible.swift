/// A Swift type that moves to and from the Lua stack without boxing, used by typed properties of
/// ``LuaClass``.
public protocol LuaConvertible {
    /// Reads the value at `index` of the frame, throwing Lua's `(<type> expected, got <type>)`.
    static func read(from frame: LuaCallFrame, at index: Int) throws -> Self
    /// Pushes the value onto the frame.
    func push(to frame: LuaCallFrame)
}

extension Double: LuaConvertible {
    public static func read(from frame: LuaCallFrame, at index: Int) throws -> Double { try frame.number(at: index) }
    public func push(to frame: LuaCallFrame) { frame.push(self) }
}

extension Int: LuaConvertible {
    public static func read(from frame: LuaCallFrame, at index: Int) throws -> Int { try frame.int(at: index) }
    public func push(to frame: LuaCallFrame) { frame.push(self) }
}

extension Int64: LuaConvertible {
    public static func read(from frame: LuaCallFrame, at index: Int) throws -> Int64 { try frame.integer(at: index) }
    public func push(to frame: LuaCallFrame) { frame.push(self) }
}

extension String: LuaConvertible {
    public static func read(from frame: LuaCallFrame, at index: Int) throws -> String { try frame.string(at: index) }
    public func push(to frame: LuaCallFrame) { frame.push(self) }
}

extension Bool: LuaConvertible {
    public static func read(from frame: LuaCallFrame, at index: Int) throws -> Bool { frame.bool(at: index) }
    public func push(to frame: LuaCallFrame) { frame.push(self) }
}

extension LuaValue: LuaConvertible {
    public static func read(from frame: LuaCallFrame, at index: Int) throws -> LuaValue { frame.value(at: index) }
    public func push(to frame: LuaCallFrame) { frame.push(self) }
}

extension Optional: LuaConvertible where Wrapped: LuaConvertible {
    public static func read(from frame: LuaCallFrame, at index: Int) throws -> Wrapped? {
        frame.isNil(at: index) ? nil : try Wrapped.read(from: frame, at: index)
    }
    public func push(to frame: LuaCallFrame) {
        if let self { self.push(to: frame) } else { frame.pushNil() }
    }
}
