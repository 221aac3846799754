import Foundation
import TwinLua
import TwinStore

/// Turns a session's runs into the store's run metadata.
enum RunRecorder {
    static func metadata(_ run: SessionRun, file: String) -> RunMetadata {
        RunMetadata(
            scenario: TwinStore.ScenarioSource(name: run.scenarioName, path: run.scenarioSource?.path ?? file,
                                               text: run.scenarioSource?.text ?? ""),
            policy: PluginVersion(name: run.policyName, version: run.policyVersion),
            behaviours: run.behaviours.map { PluginVersion(name: $0.name, version: $0.version) },
            parametersJSON: run.paramsJSON, seed: run.seed, hostVersion: TwinCLI.version,
            startedAt: run.startedAt, finishedAt: run.startedAt.addingTimeInterval(run.wallTimeS),
            wallTimeS: run.wallTimeS)
    }

    /// What is known of a run that failed before it finished: the file, the policy asked for and
    /// the seed it ran with (`--seed`, else a JSON scenario's own; 0 when neither is known, as for
    /// a script, whose runs may each take their own).
    static func failedMetadata(file: String, policy: String?, seed: UInt64?, started: Date) -> RunMetadata {
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        return RunMetadata(
            scenario: TwinStore.ScenarioSource(name: name, path: file, text: text),
            policy: PluginVersion(name: policy ?? "?", version: nil),
            behaviours: [], parametersJSON: "{}", seed: seed ?? 0, hostVersion: TwinCLI.version,
            startedAt: started, finishedAt: Date(), wallTimeS: Date().timeIntervalSince(started))
    }
}
