import CLua
import CLuaShim

/// An error raised by Lua code, or by the host on its behalf, carrying where it happened.
///
/// `description` reads as a modeller expects: `plugins/policies/llf.lua:42: attempt to index a nil value`.
public struct LuaError: Error, CustomStringConvertible, Equatable {
    /// What went wrong, so callers can react differently to a bug, a runaway plugin or Ctrl-C.
    public enum Kind: Equatable, Sendable {
        /// The chunk does not compile (also: a binary chunk was refused).
        case syntax
        /// An error raised while running (including errors thrown by Swift callbacks).
        case runtime
        /// The memory cap (or the machine) refused an allocation.
        case memory
        /// The instruction budget of the call ran out.
        case limit
        /// ``LuaState/cancel()`` was called.
        case cancelled
    }

    /// What went wrong (see ``Kind``).
    public var kind: Kind
    /// The full message, position first, without the traceback.
    public var message: String
    /// The chunk the position names (`plugins/policies/llf.lua`), if the message has a position.
    public var chunk: String?
    /// The line the position names, if any.
    public var line: Int?
    /// Lua's `stack traceback:` text, if the error came through a protected call.
    public var traceback: String?

    /// Builds an error, parsing `chunk:line:` from the start of `message`.
    public init(kind: Kind, message: String, traceback: String? = nil) {
        self.kind = kind
        self.message = message
        self.traceback = traceback
        if let (chunk, line) = LuaError.position(in: message) {
            self.chunk = chunk
            self.line = line
        }
    }

    public var description: String { message }

    /// True for a syntax error at end of input: the REPL should read another line and retry.
    public var isIncompleteInput: Bool { kind == .syntax && message.hasSuffix("<eof>") }

    /// Finds the first `chunk:digits:` in a message.
    static func position(in message: String) -> (String, Int)? {
        let bytes = Array(message.utf8.prefix(4096))
        var i = 0
        // `[string "a:1: b"]:3:` — the chunk text itself may contain colons; skip past its `"]`.
        if bytes.starts(with: Array("[string \"".utf8)) {
            while i + 1 < bytes.count, !(bytes[i] == UInt8(ascii: "\"") && bytes[i + 1] == UInt8(ascii: "]")) { i += 1 }
        }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: ":") {
                var j = i + 1
                var line = 0
                while j < bytes.count, bytes[j] >= 48, bytes[j] <= 57, line < 100_000_000 {
                    line = line * 10 + Int(bytes[j] - 48)
                    j += 1
                }
                if j > i + 1, j < bytes.count, bytes[j] == UInt8(ascii: ":"), i > 0 {
                    let chunk = String(decoding: bytes[0..<i], as: UTF8.self)
                    return (chunk, line)
                }
            }
            if bytes[i] == UInt8(ascii: "\n") { return nil }
            i += 1
        }
        return nil
    }
}

/// Thrown by argument readers in Swift callbacks; the trampoline turns it into Lua's
/// `bad argument #k to 'name' (reason)`.
public struct LuaArgumentError: Error, CustomStringConvertible {
    public var index: Int
    public var reason: String
    public init(index: Int, reason: String) {
        self.index = index
        self.reason = reason
    }
    public var description: String { "bad argument #\(index) (\(reason))" }
}

/// A plain message for Lua: thrown by a Swift callback, raised as `chunk:line: message` at the caller.
public struct LuaScriptError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension LuaState {
    /// Converts the error value on top (left by ``dt_pcall`` or ``dt_load``) to a ``LuaError`` and pops it.
    func popError(status: Int32) -> LuaError {
        let text: String
        if lua_type(L, -1) == LUA_TSTRING {
            text = string(at: -1)
        } else {
            text = "(error object is a \(String(cString: dt_typename(L, -1))) value)"
        }
        dt_pop(L, 1)
        var message = text
        var traceback: String?
        let marker = Array("\nstack traceback:".utf8)
        let bytes = Array(text.utf8)
        if bytes.count >= marker.count {
            for i in 0...(bytes.count - marker.count) where bytes[i] == marker[0] && Array(bytes[i..<(i + marker.count)]) == marker {
                message = String(decoding: bytes[..<i], as: UTF8.self)
                traceback = String(decoding: bytes[(i + 1)...], as: UTF8.self)
                break
            }
        }
        let kind: LuaError.Kind
        switch status {
        case LUA_ERRSYNTAX: kind = .syntax
        case LUA_ERRMEM: kind = .memory
        default:
            switch dt_interrupt(L) {
            case Int32(DT_INTERRUPT_LIMIT): kind = .limit
            case Int32(DT_INTERRUPT_CANCELLED): kind = .cancelled
            default:
                kind = dt_memory_refused(L) != 0 && message.hasSuffix("not enough memory") ? .memory : .runtime
            }
        }
        return LuaError(kind: kind, message: message, traceback: traceback)
    }
}
