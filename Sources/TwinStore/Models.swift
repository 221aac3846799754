import Foundation
import TwinCore

/// The scenario a run came from, kept once per distinct source text.
public struct ScenarioSource: Equatable, Sendable {
    /// Scenario name as given by the modeller.
    public var name: String
    /// Where the source was read from, if a file.
    public var path: String?
    /// The full source text, so a stored run can be re-run exactly.
    public var text: String

    public init(name: String, path: String?, text: String) {
        self.name = name
        self.path = path
        self.text = text
    }

    /// SHA-256 of the UTF-8 source text, 64 lowercase hex digits (the `scenarios.hash` key).
    public var hash: String { SHA256.hex(text.utf8) }
}

/// A plugin (policy or behaviour) and its version, as recorded with a run.
public struct PluginVersion: Equatable, Sendable, Codable {
    public var name: String
    public var version: String?

    public init(name: String, version: String?) {
        self.name = name
        self.version = version
    }
}

/// Everything about a run that is not its result: where it came from and how it was made.
///
/// For a completed run, `RunResult`'s own scenario name, policy name and seed are the ones stored;
/// these fields matter for failed runs, which have no result.
public struct RunMetadata: Equatable, Sendable {
    public var scenario: ScenarioSource
    public var policy: PluginVersion
    public var behaviours: [PluginVersion]
    /// The run's parameters as a JSON object text (`{}` when none).
    public var parametersJSON: String
    public var seed: UInt64
    /// Version of the `twin` that made the run.
    public var hostVersion: String
    /// Wall-clock start and end; stored as ISO 8601 UTC with millisecond precision.
    public var startedAt: Date
    public var finishedAt: Date?
    /// Wall-clock duration of the run, seconds.
    public var wallTimeS: Double?

    public init(scenario: ScenarioSource, policy: PluginVersion, behaviours: [PluginVersion] = [],
                parametersJSON: String = "{}", seed: UInt64, hostVersion: String,
                startedAt: Date, finishedAt: Date? = nil, wallTimeS: Double? = nil) {
        self.scenario = scenario
        self.policy = policy
        self.behaviours = behaviours
        self.parametersJSON = parametersJSON
        self.seed = seed
        self.hostVersion = hostVersion
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.wallTimeS = wallTimeS
    }
}

/// A formatter's output kept with its run (a report, a chart, a CSV).
public struct Artifact: Equatable, Sendable {
    /// Name of the formatter that produced it; unique within a run.
    public var name: String
    /// e.g. `text/html`, `text/csv`, `application/json`.
    public var mediaType: String
    public var bytes: Data

    public init(name: String, mediaType: String, bytes: Data) {
        self.name = name
        self.mediaType = mediaType
        self.bytes = bytes
    }
}

/// An artifact without its bytes, for listings.
public struct ArtifactInfo: Equatable, Sendable {
    public var name: String
    public var mediaType: String
    public var byteCount: Int
}

/// Where a run stands. The store writes only `done` and `failed` (a run is saved when it ends);
/// `running` is accepted for tools that record a run before it finishes.
public enum RunStatus: String, Sendable, Equatable {
    case running, done, failed
}

/// One line of the run history: what `twin runs list` shows.
public struct RunRow: Equatable, Sendable {
    public var id: Int64
    public var scenarioName: String
    public var scenarioHash: String
    public var policy: String
    public var policyVersion: String?
    public var seed: UInt64
    public var status: RunStatus
    /// The failure message of a failed run.
    public var error: String?
    /// ISO 8601 UTC, e.g. `2026-12-03T16:44:55.123Z`.
    public var startedAt: String
    public var finishedAt: String?
    public var hostVersion: String
    public var wallTimeS: Double?
    public var sessionCount: Int
    public var eventCount: Int
}

/// A stored run, complete: `result` is nil for a failed run.
public struct StoredRun: Equatable, Sendable {
    public var row: RunRow
    public var metadata: RunMetadata
    public var result: RunResult?
    public var artifacts: [ArtifactInfo]
}

/// One named figure of a run (the `RunSummary.metrics` names).
public struct Metric: Equatable, Sendable {
    public var name: String
    public var value: Double
}

/// One metric compared across two runs.
public struct MetricChange: Equatable, Sendable {
    public var name: String
    /// Value in the first / second run; nil when that run lacks the metric (e.g. a failed run).
    public var a: Double?
    public var b: Double?

    /// `b - a` when both exist.
    public var delta: Double? {
        guard let a, let b else { return nil }
        return b - a
    }

    /// `(b - a) / |a|` when both exist and `a != 0`.
    public var relativeChange: Double? {
        guard let a, let b, a != 0 else { return nil }
        return (b - a) / abs(a)
    }

    /// True when the values differ (bitwise-equal values, or both missing, are unchanged).
    public var changed: Bool { a != b }
}

/// Two runs side by side: every metric in display order, and the ones that changed.
public struct RunDiff: Equatable, Sendable {
    public var a: RunRow
    public var b: RunRow
    public var metrics: [MetricChange]
    public var changes: [MetricChange] { metrics.filter(\.changed) }
}
