import CLua
import CLuaShim

/// Signals a running Lua call to stop, from any thread or a signal handler.
///
/// It only stores to an atomic flag in C that the count hook polls every 1000 VM instructions, so
/// `cancel()` is async-signal-safe (e.g. for Ctrl-C in the REPL). Valid while its state is alive.
public struct LuaCancellation: @unchecked Sendable {
    let info: OpaquePointer
    /// Stops the current (or the next) call with a `.cancelled` ``LuaError``.
    public func cancel() { dt_cancel(info) }
}

extension LuaState {
    /// Memory cap in bytes for everything Lua allocates in this state, `nil` for none.
    ///
    /// The cap is enforced only while Lua code runs (not while Swift pushes values), so an
    /// allocation failure never longjmps over a Swift frame. Exceeding it raises a `.memory` error;
    /// the state stays usable.
    public var memoryLimit: Int? {
        get { let cap = dt_memory_limit(L); return cap == 0 ? nil : Int(cap) }
        set { dt_set_memory_limit(L, newValue.map { max(1, $0) } ?? 0) }
    }

    /// VM instructions allowed per outermost call into Lua (checked every 1000 instructions), `nil`
    /// for none. Exceeding it raises a `.limit` error naming the chunk and line; pcall inside Lua
    /// cannot swallow it.
    public var instructionLimit: Int? {
        get { let n = dt_instruction_limit(L); return n == 0 ? nil : Int(n) }
        set { dt_set_instruction_limit(L, newValue.map { Int64(max(1, $0)) } ?? 0) }
    }

    /// Maximum nesting of Lua -> Swift -> Lua calls (default 40) so recursion through Swift
    /// callbacks fails with a Lua error before it exhausts a thread's stack.
    public func setMaxNesting(_ depth: Int) { dt_set_max_nesting(L, Int32(depth)) }

    /// Runs `body` with the given limits, restoring the previous ones afterwards.
    /// Pass `.some(nil)` to lift a limit inside `body`.
    public func withLimits<R>(
        instructions: Int?? = .none, memory: Int?? = .none, _ body: () throws -> R
    ) rethrows -> R {
        let savedInstructions = instructionLimit
        let savedMemory = memoryLimit
        if let instructions { instructionLimit = instructions }
        if let memory { memoryLimit = memory }
        defer {
            instructionLimit = savedInstructions
            memoryLimit = savedMemory
        }
        return try body()
    }

    /// A token that can cancel this state's running call from another thread or a signal handler.
    public var cancellation: LuaCancellation { LuaCancellation(info: dt_getinfo(L)) }

    /// Stops the running call with a `.cancelled` error. Thread-safe and async-signal-safe.
    public func cancel() { dt_cancel(dt_getinfo(L)) }

    /// Bytes that closed states failed to free, process-wide (0 unless Lua memory leaked), and the
    /// number of states closed so far. For leak tests and benchmarks.
    public static var closedStateStatistics: (leakedBytes: Int, closedStates: Int) {
        (Int(dt_leaked_bytes()), Int(dt_closed_states()))
    }

    /// Forgets a pending cancellation (e.g. Ctrl-C pressed while idle in the REPL).
    public func clearCancellation() { dt_clear_cancel(dt_getinfo(L)) }
}
