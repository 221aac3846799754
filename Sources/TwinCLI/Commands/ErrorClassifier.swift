import Foundation
import LuaHost
import TwinCore
import TwinLua

/// Maps what went wrong to the exit code users and scripts rely on: bad input (a file, a scenario
/// field, a plugin name, Lua that does not compile) is 2; a run that started and failed is 1.
enum ErrorClassifier {
    static func classify(_ error: Error) -> CLIError {
        switch error {
        case let cli as CLIError:
            return cli
        case let scenario as ScenarioError:
            return .badInput("\(scenario)")
        case let session as SessionError where session.isBadInput:
            return .badInput(session.message)
        case let session as SessionError:
            // A plugin failed during the run: its message, then the stack traceback (docs §10).
            return .runFailed(session.traceback.map { "\(session.message)\n\($0)" } ?? session.message)
        case let lua as LuaError:
            let text = lua.traceback.map { "\(lua.message)\n\($0)" } ?? lua.message
            return lua.kind == .syntax ? .badInput(lua.message) : .runFailed(text)
        default:
            // Plugin problems found before a run (unknown name, bad manifest, mistyped parameter) are input.
            if let plugin = error as? PluginError { return .badInput(plugin.description) }
            return .runFailed("\(error)")
        }
    }
}
