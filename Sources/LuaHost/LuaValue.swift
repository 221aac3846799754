/// A Lua value copied into Swift. Tables are snapshots (nested tables copied recursively; a cycle
/// is cut and read as `.nil`); functions, userdata and threads stay in Lua behind a ``LuaRef``.
public enum LuaValue: Hashable, CustomStringConvertible {
    case `nil`
    case bool(Bool)
    /// A Lua integer (subtype of number).
    case integer(Int64)
    /// A Lua float.
    case number(Double)
    /// A Lua string that is valid UTF-8 (embedded zeros are kept).
    case string(String)
    /// A Lua string that is not valid UTF-8 (binary data).
    case bytes([UInt8])
    /// A snapshot of a table; pushing it builds a new table.
    case table(LuaTable)
    /// A function, kept in Lua; pushing it pushes the same function.
    case function(LuaRef)
    /// A full userdata (e.g. a registered Swift object), kept in Lua.
    case userdata(LuaRef)
    /// A coroutine, kept in Lua.
    case thread(LuaRef)
    /// A light userdata (an opaque C pointer).
    case lightUserdata(UnsafeMutableRawPointer?)

    /// The number as Double for `.integer` and `.number`.
    public var doubleValue: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .number(let d): return d
        default: return nil
        }
    }

    /// The integer for `.integer`, or a `.number` with an exact integer value (as Lua converts).
    public var integerValue: Int64? {
        switch self {
        case .integer(let i): return i
        case .number(let d): return Int64(exactly: d)
        default: return nil
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var tableValue: LuaTable? {
        if case .table(let t) = self { return t }
        return nil
    }

    /// The Lua value as a REPL prints it: strings quoted, tables in constructor syntax.
    public var description: String {
        switch self {
        case .nil: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .number(let d):
            if d == d.rounded(), abs(d) < 1e15 { return String(format15: d) }
            return "\(d)"
        case .string(let s): return "\"" + s.replacingQuotes() + "\""
        case .bytes(let b): return "<\(b.count) bytes>"
        case .table(let t): return t.description
        case .function(let r), .userdata(let r), .thread(let r): return r.description
        case .lightUserdata(let p): return "lightuserdata: \(p.map { "\($0)" } ?? "nil")"
        }
    }
}

extension String {
    init(format15 d: Double) {
        self = String(Int64(d)) + ".0"
    }

    func replacingQuotes() -> String {
        var out = ""
        for c in self {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }
}

/// A Lua table copied into Swift: the sequence `1...n` in ``array``, string keys in ``fields``,
/// everything else in ``otherKeys``.
public struct LuaTable: Hashable, CustomStringConvertible {
    public var array: [LuaValue]
    public var fields: [String: LuaValue]
    public var otherKeys: [LuaValue: LuaValue]

    public init(array: [LuaValue] = [], fields: [String: LuaValue] = [:], otherKeys: [LuaValue: LuaValue] = [:]) {
        self.array = array
        self.fields = fields
        self.otherKeys = otherKeys
    }

    public subscript(_ key: String) -> LuaValue {
        get { fields[key] ?? .nil }
        set { fields[key] = newValue == .nil ? nil : newValue }
    }

    public var description: String {
        var parts = array.map(\.description)
        for key in fields.keys.sorted() {
            parts.append("\(key) = \(fields[key]!.description)")
        }
        for (k, v) in otherKeys { parts.append("[\(k.description)] = \(v.description)") }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}

extension LuaValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .nil }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: LuaValue...) { self = .table(LuaTable(array: elements)) }
    public init(dictionaryLiteral elements: (String, LuaValue)...) {
        self = .table(LuaTable(fields: Dictionary(elements, uniquingKeysWith: { $1 })))
    }
}
