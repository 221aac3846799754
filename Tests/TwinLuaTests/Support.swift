import Foundation
import LuaHost
import TwinCore
@testable import TwinLua
@_exported import TwinTestSupport

/// The repository root as a path (sessions are rooted there to find the bundled plugins).
func packageRoot() -> String { repositoryRoot.path }

/// Collects notes.
final class NoteSink: @unchecked Sendable {
    var lines: [String] = []
    func add(_ s: String) { lines.append(s) }
}

/// A session rooted at the repository (bundled plugins), working in `cwd` (default: a fresh temp dir).
func makeSession(cwd: String? = nil, pluginDirs: [String] = [], env: [String: String] = [:], set: [String: String] = [:],
                 policy: String? = nil, seed: UInt64? = nil, notes: NoteSink = NoteSink()) throws -> Session {
    let dir = cwd ?? makeTempDir()
    return try Session(options: SessionOptions(pluginDirectories: pluginDirs, environment: env, workingDirectory: dir,
                                               seedOverride: seed, policyOverride: policy, paramOverrides: set,
                                               notes: { notes.add($0) }, home: packageRoot()))
}

func makeTempDir() -> String {
    let d = NSTemporaryDirectory() + "twinlua-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}

func write(_ text: String, to path: String) {
    try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try! text.write(toFile: path, atomically: true, encoding: .utf8)
}

