import LuaHost
import TwinCore

extension Session {
    /// Forgets a Ctrl-C that was already handled, so the next REPL entry runs normally.
    public func clearCancellation() {
        cancelFlag.pointee = 0
        lua.clearCancellation()
    }

    /// Binds `result` (a result object like `twin.run` returns, with `:write`) and, when given,
    /// `scenario` (a scenario object like `twin.load_scenario` returns) as globals for the REPL that
    /// `twin run -i` opens, so the analyst continues where the run ended.
    public func bindForREPL(result run: SessionRun, scenario: Scenario? = nil) throws {
        if let scenario {
            lua.setGlobal("scenario", lua.value(of: ScenarioBox(scenario, source: run.scenarioSource)))
        }
        nextResultID += 1
        resultsByID[nextResultID] = run.result
        let value = ResultTable.value(run.result)
        guard let make = makeResultRef else {
            lua.setGlobal("result", value)
            return
        }
        let id = nextResultID
        let object = try lua.call(make, pushing: { $0.push(value); $0.push(id) }, reading: { $0.ref(at: 1) })
        lua.set(lua.globals, .string("result"), to: object)
    }
}

/// What a SIGINT handler may touch to stop a session: raw C flags only (no Swift references,
/// no allocation), so firing it is async-signal-safe. The running simulation stops at its next
/// event; trusted Lua (the REPL, a script) stops at its next hook check; a plugin call in progress
/// ends first, bounded by the plugin instruction budget.
public struct SessionInterrupt: @unchecked Sendable {
    let flag: UnsafeMutablePointer<Int32>
    let lua: LuaCancellation

    /// Requests the stop. Safe to call from a signal handler.
    public func fire() {
        flag.pointee = 1
        lua.cancel()
    }
}

extension Session {
    /// The signal-safe stop for this session (valid while the session lives).
    public var interrupt: SessionInterrupt { SessionInterrupt(flag: cancelFlag, lua: lua.cancellation) }
}
