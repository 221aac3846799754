import Foundation
import LuaHost
import TwinCore
@testable import TwinLua

/// The package root, found from this file's path.
func packageRoot(_ file: String = #filePath) -> String {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}

func referencePath(_ name: String) -> String { packageRoot() + "/reference/" + name }

func relativeError(_ a: Double, _ b: Double) -> Double {
    let scale = max(abs(a), abs(b))
    return scale == 0 ? 0 : abs(a - b) / scale
}

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

/// Reference case B: 10 buses, 300 kWh, 20:00 -> 05:00, SOC 0.3 -> 0.9, 10 x 150 kW, site 1000 kW.
enum DepotB {
    static let start = 20.0 * 3600
    static let busType = VehicleType(name: "bus300", usableKWh: 300, minSOC: 0, maxSOC: 1, reserveSOC: 0,
                                     curve: ChargingCurve([(0, 150), (0.8, 150), (1.0, 15)]), chargingEfficiency: 0.95)
    static func scenario(chargers: Int = 10) -> Scenario {
        let buses = (0..<10).map { Vehicle(id: "BUS-\($0)", typeName: "bus300", initialSOC: 0.3, atDepotAtStart: false) }
        let visits = buses.map { Visit(vehicleID: $0.id, arrival: start, departure: start + 9 * 3600, socAtArrival: 0.3, targetSOC: 0.9) }
        return Scenario(name: "B", vehicleTypes: [busType], vehicles: buses, visits: visits,
                        chargers: (0..<chargers).map { Charger(id: "C\($0)", maxKW: 150) },
                        site: Site(gridLimitKW: 1000), start: start, end: start + 9 * 3600, stepS: 300)
    }
}
