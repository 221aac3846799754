import Foundation
import LuaHost
import TwinCore

/// How a session is set up (from the command line and environment).
public struct SessionOptions {
    /// Extra plugin roots from `--plugins DIR` (searched last).
    public var pluginDirectories: [String]
    /// Environment (reads `TWIN_PLUGIN_PATH`, `TWIN_HOME`).
    public var environment: [String: String]
    public var workingDirectory: String
    public var seedOverride: UInt64?
    public var policyOverride: String?
    /// `--set name=value`: `"llf.horizon_h" -> "8"` or scenario-level `"step_s" -> "60"`.
    public var paramOverrides: [String: String]
    /// Sink for notes and warnings (stderr in the CLI).
    public var notes: (String) -> Void
    /// The bundled home (folder with `plugins/` and `stdlib/`); found automatically when nil.
    public var home: String?

    public init(pluginDirectories: [String] = [], environment: [String: String] = ProcessInfo.processInfo.environment,
                workingDirectory: String = FileManager.default.currentDirectoryPath, seedOverride: UInt64? = nil,
                policyOverride: String? = nil, paramOverrides: [String: String] = [:],
                notes: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) },
                home: String? = nil) {
        self.pluginDirectories = pluginDirectories
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.seedOverride = seedOverride
        self.policyOverride = policyOverride
        self.paramOverrides = paramOverrides
        self.notes = notes
        self.home = home
    }
}

/// Where a scenario came from (recorded with each run).
public struct ScenarioSource: Equatable {
    public var path: String?
    public var text: String?
    public init(path: String?, text: String?) { self.path = path; self.text = text }
}

/// One run done in a session.
public struct SessionRun {
    public var result: RunResult
    public var policyName: String
    public var policyVersion: String
    /// Behaviour plugins (name, version) in order.
    public var behaviours: [(name: String, version: String)]
    /// The typed parameters of every plugin of the run, as JSON (`{"llf": {"x": 8}}`).
    public var paramsJSON: String
    public var seed: UInt64
    public var scenarioName: String
    public var scenarioSource: ScenarioSource?
    /// Wall-clock seconds the run took.
    public var wallTimeS: Double
    public var startedAt: Date
}

/// A row of `twin.runs.list()`.
public struct RunSummaryRow {
    public var id: Int64
    public var scenario: String
    public var policy: String
    public var status: String
    /// UTC seconds.
    public var startedAt: Double
    public var peakKW: Double?
    public var energyKWh: Double?
    public init(id: Int64, scenario: String, policy: String, status: String, startedAt: Double, peakKW: Double?, energyKWh: Double?) {
        self.id = id; self.scenario = scenario; self.policy = policy; self.status = status
        self.startedAt = startedAt; self.peakKW = peakKW; self.energyKWh = energyKWh
    }
}

/// Stored runs (the CLI implements it over SQLite); backs `twin.runs.list/get`.
public protocol RunHistory: AnyObject {
    func list(limit: Int) throws -> [RunSummaryRow]
    func get(id: Int64) throws -> RunResult
}

/// A session error with a message for the user (run failures carry the plugin position).
public struct SessionError: Error, CustomStringConvertible {
    public var message: String
    public var traceback: String?
    /// The input is at fault (a scenario value found bad before the run), not the run.
    public var isBadInput: Bool
    public init(_ message: String, traceback: String? = nil, isBadInput: Bool = false) {
        self.message = message
        self.traceback = traceback
        self.isBadInput = isBadInput
    }
    public var description: String { message }
}
