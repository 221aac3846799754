import Foundation
import LuaHost
import TwinCore

extension Session {
    /// `twin check` of a study script: runs its top level with every `twin.run` only prepared —
    /// scenario validated, policy, behaviours and parameters resolved and typed, plugins loaded —
    /// and not simulated (each returns an empty result), with `print` silenced. A script that
    /// returns a scenario has it validated as well.
    /// - Returns: one line per scenario or run checked.
    /// - Throws: the first problem, with its file:line or field path.
    func checkScript(path: String) throws -> [String] {
        let full = resolve(path)
        guard let text = try? String(contentsOfFile: full, encoding: .utf8) else { throw SessionError("\(path): cannot read the file") }
        let printer = lua.global("print")
        lua.setGlobal("print", .function(lua.function("print") { _ in }))
        checkedRuns = []
        isChecking = true
        defer {
            isChecking = false
            lua.setGlobal("print", printer)
        }
        let results = try lua.run(text.hasPrefix("#!") ? "--" + text : text, chunkName: "@" + path)
        var lines = checkedRuns.map { "\(path): \($0)" }
        if case .userdata(let ref)? = results.first, let box = TwinModule.scenarioBox(ref, in: self) {
            do { try box.scenario.validate() } catch let e as ScenarioError { throw SessionError("\(path): \(e.description)") }
            lines.append("\(path): scenario '\(box.scenario.name)' OK (\(box.scenario.vehicles.count) vehicles, "
                         + "\(box.scenario.chargers.count) chargers, \(box.scenario.blocks.count) blocks)")
        }
        guard !lines.isEmpty else {
            throw SessionError("\(path): neither returns a scenario nor calls twin.run: nothing to check")
        }
        return lines
    }

    /// What `run` returns while checking: the prepared run, with an empty result over its interval.
    func checkedRun(_ p: Prepared, started: Date) -> SessionRun {
        let sc = p.scenario
        checkedRuns.append("run '\(sc.name)' with policy '\(p.policy.name)'"
                           + (p.behaviours.isEmpty ? "" : " and " + p.behaviours.map { "'\($0.name)'" }.joined(separator: ", "))
                           + " OK (\(sc.vehicles.count) vehicles, \(sc.chargers.count) chargers, not simulated)")
        let empty = RunResult(scenarioName: sc.name, policyName: p.policy.name, seed: p.seed, startTime: sc.start,
                              endTime: sc.end, stepS: sc.stepS, siteLimitKW: sc.site.gridLimitKW, timeZone: sc.timeZone,
                              summary: RunSummary(), sessions: [], vehicles: [], trips: [], loadProfile: [], events: [],
                              warnings: [])
        return SessionRun(result: empty, policyName: p.policy.name, policyVersion: p.policy.version,
                          behaviours: p.behaviours.map { ($0.name, $0.version) }, paramsJSON: Session.json(p.params),
                          seed: p.seed, scenarioName: sc.name, scenarioSource: nil, wallTimeS: 0, startedAt: started)
    }
}
