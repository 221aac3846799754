/// Allocation primitives the policies (Swift and Lua) are made of. Each fills `powerKW` aligned
/// with `sessions` (resized if needed) and never gives more in total than `headroomKW`.
///
/// Per-session caps are `SessionView.usefulKW` = min(charger, curve, energy still wanted over the
/// period), as ACN-Sim defines them. Given `limits` (the engine passes `PolicyContext.limits`),
/// `sorted`, `fairShare` and `balanced` also keep each dispenser's connectors together within the
/// dispenser's kW and each cabinet's dispensers within the cabinet's kW, so the core has nothing
/// to cut and no headroom is wasted. Without limits (`.none`) only the site headroom is shared.
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

/// The nested electrical limits below the site: a dispenser's kW is shared by its connectors
/// (the sessions with the same `SessionView.chargerIndex`) and a cabinet's kW by its dispensers
/// (the sessions with the same `SessionView.cabinetIndex`). The site headroom is above all.
public struct GroupLimits: Equatable, Sendable {
    /// Per charger index, the dispenser's most kW over all its connectors. Empty: not limited.
    public var chargerMaxKW: [Double]
    /// Per cabinet index, the cabinet's most kW over all its dispensers. Empty: not limited.
    public var cabinetMaxKW: [Double]

    public init(chargerMaxKW: [Double] = [], cabinetMaxKW: [Double] = []) {
        self.chargerMaxKW = chargerMaxKW
        self.cabinetMaxKW = cabinetMaxKW
    }

    /// No dispenser or cabinet limits: the primitives share only the site headroom.
    public static let none = GroupLimits()

    /// True when there is nothing below the site to respect.
    @inlinable public var isEmpty: Bool { chargerMaxKW.isEmpty && cabinetMaxKW.isEmpty }

    /// `chargerIndex` if that dispenser is limited, else -1.
    @inline(__always) func charger(_ chargerIndex: Int) -> Int {
        chargerIndex >= 0 && chargerIndex < chargerMaxKW.count ? chargerIndex : -1
    }

    /// `cabinetIndex` if that cabinet is limited, else -1.
    @inline(__always) func cabinet(_ cabinetIndex: Int) -> Int {
        cabinetIndex >= 0 && cabinetIndex < cabinetMaxKW.count ? cabinetIndex : -1
    }
}
