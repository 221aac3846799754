import Foundation
import LuaHost
import TwinCore

/// Loading and checking scenarios.
extension Session {
    /// Loads a session-list JSON scenario (or a `.lua` file returning a scenario). Errors name the field path.
    public func loadScenario(path: String) throws -> Scenario {
        let full = resolve(path)
        guard let data = FileManager.default.contents(atPath: full) else { throw SessionError("\(path): cannot read the file") }
        let text = String(decoding: data, as: UTF8.self)
        let scenario: Scenario
        if path.hasSuffix(".lua") {
            let results = try lua.run(text, chunkName: "@" + path)
            guard case .userdata(let r)? = results.first, let box = TwinModule.scenarioBox(r, in: self) else {
                throw SessionError("\(path): the script must return twin.scenario{...}")
            }
            scenario = box.scenario
        } else {
            do {
                scenario = try SessionListScenario.decode(data).scenario()
            } catch let e as ScenarioError {
                throw SessionError("\(path): \(e.description)")
            }
        }
        sources[scenario.name] = ScenarioSource(path: path, text: text)
        learn(scenario.vehicleTypes)
        return scenario
    }

    func remember(_ scenario: Scenario, source: ScenarioSource?) {
        if let source { sources[scenario.name] = source }
    }

    /// Validates a scenario (.json / .lua) or a plugin file without running a simulation.
    /// Returns notes (what was checked); throws on the first problem.
    public func check(path: String) throws -> [String] {
        let full = resolve(path)
        let parts = full.split(separator: "/").map(String.init)
        if path.hasSuffix(".lua"), parts.contains(where: { ["policies", "behaviours", "formatters"].contains($0) }) {
            let e = try registry.check(file: full)
            return ["\(e.displayPath): \(e.kind.rawValue) '\(e.name)' \(e.version) OK (\(e.params.count) parameters)"]
        }
        if path.hasSuffix(".lua") { return try checkScript(path: path) }
        let s = try loadScenario(path: path)
        do { try s.validate() } catch let e as ScenarioError { throw SessionError("\(path): \(e.description)") }
        return ["\(path): scenario '\(s.name)' OK (\(s.vehicles.count) vehicles, \(s.chargers.count) chargers, \(s.blocks.count) blocks, \(s.visits.count) visits)"]
    }
}
