/// Allocation primitives the policies (Swift and Lua) are made of. Each fills `powerKW` aligned
/// with `sessions` (resized if needed) and never gives more in total than `headroomKW`.
///
/// Per-session caps are `SessionView.usefulKW` = min(charger, curve, energy still wanted over the
/// period), as ACN-Sim defines them.
public enum Allocation {
    /// Everyone as much as it may (`maxKW`); the core scales the total to the site limit.
    /// - Complexity: O(n).
    public static func uncontrolled(_ sessions: [SessionView], powerKW: inout [Double]) {
        resize(&powerKW, sessions.count)
        for i in sessions.indices { powerKW[i] = sessions[i].maxKW }
    }

    @inline(__always)
    static func resize(_ array: inout [Double], _ count: Int) {
        if array.count != count {
            array.removeAll(keepingCapacity: true)
            array.append(contentsOf: repeatElement(0, count: count))
        }
    }
}
