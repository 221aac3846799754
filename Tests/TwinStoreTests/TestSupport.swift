import Foundation
@testable @_spi(Testing) import TwinStore
import TwinCore

/// A fresh folder under the system temp dir; the database path inside it does not exist yet.
func temporaryDatabasePath(_ name: String = "twin.db") -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("twinstore-\(UUID().uuidString)")
    return folder.appendingPathComponent(name).path
}

/// Every Double reachable from `value`, as bit patterns, in a stable order (Mirror walk).
func doubleBits(_ value: Any) -> [UInt64] {
    var out: [UInt64] = []
    func walk(_ v: Any) {
        if let d = v as? Double { out.append(d.bitPattern); return }
        let mirror = Mirror(reflecting: v)
        if mirror.displayStyle == .optional {
            if let child = mirror.children.first { walk(child.value) } else { out.append(0xDEAD_BEEF) }
            return
        }
        for child in mirror.children { walk(child.value) }
    }
    walk(value)
    return out
}

/// The path and values of the first difference between two values (Mirror walk), or nil when equal
/// field by field. Keeps failure messages short for results with 100k rows.
func firstDifference(_ a: Any, _ b: Any, path: String = "") -> String? {
    if let x = a as? Double, let y = b as? Double {
        return x.bitPattern == y.bitPattern ? nil : "\(path): \(x) (\(x.bitPattern)) vs \(y) (\(y.bitPattern))"
    }
    let (ma, mb) = (Mirror(reflecting: a), Mirror(reflecting: b))
    // Look through Optional on either side so `loaded?.result` compares with `result`.
    if ma.displayStyle == .optional, mb.displayStyle != .optional {
        guard let wrapped = ma.children.first else { return "\(path): nil vs \(b)" }
        return firstDifference(wrapped.value, b, path: path)
    }
    if mb.displayStyle == .optional, ma.displayStyle != .optional { return firstDifference(b, a, path: path) }
    if ma.children.isEmpty && mb.children.isEmpty {
        let (sa, sb) = (String(describing: a), String(describing: b))
        return sa == sb ? nil : "\(path): \(sa) vs \(sb)"
    }
    let (ca, cb) = (Array(ma.children), Array(mb.children))
    if ca.count != cb.count { return "\(path): \(ca.count) vs \(cb.count) children" }
    for (index, (x, y)) in zip(ca, cb).enumerated() {
        if let difference = firstDifference(x.value, y.value, path: "\(path).\(x.label ?? String(index))") { return difference }
    }
    return nil
}
