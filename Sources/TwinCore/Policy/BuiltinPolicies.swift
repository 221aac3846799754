/// The reference policies, each a few lines over the allocation primitives.
public enum BuiltinPolicies {
    /// Names accepted by `make(_:)`.
    public static let names = ["uncontrolled", "fcfs", "edf", "llf", "round_robin", "balanced"]

    /// A fresh built-in policy by name, or nil.
    public static func make(_ name: String) -> ChargingPolicy? {
        switch name {
        case "uncontrolled": return UncontrolledPolicy()
        case "fcfs": return SortedPolicy(name: "fcfs", key: .arrival)
        case "edf": return SortedPolicy(name: "edf", key: .departure)
        case "llf": return SortedPolicy(name: "llf", key: .laxity)
        case "round_robin": return FairSharePolicy()
        case "balanced": return BalancedPolicy()
        default: return nil
        }
    }
}

/// Everyone as fast as allowed; the core shares the site limit in proportion.
public final class UncontrolledPolicy: ChargingPolicy {
    public let name = "uncontrolled"
    public init() {}
    public func allocate(_ context: PolicyContext, sessions: [SessionView], powerKW: inout [Double]) throws {
        Allocation.uncontrolled(sessions, powerKW: &powerKW)
    }
}

/// Sorted allocation by a built-in key (FCFS, EDF, LLF).
public final class SortedPolicy: ChargingPolicy {
    public let name: String
    public let key: Allocation.SortKey
    // Scratch reused between ticks (only this policy touches them: no exclusivity checks needed).
    @exclusivity(unchecked) private var keys: [Double] = []
    @exclusivity(unchecked) private var order: [Int] = []
    @exclusivity(unchecked) private var warm = Allocation.WarmOrder()
    @exclusivity(unchecked) private var left = Allocation.GroupLeft()
    public init(name: String, key: Allocation.SortKey) { self.name = name; self.key = key }
    /// As ACN-Sim's sorted algorithms: a request beyond the battery keeps its session in the queue.
    public var seesRequestsBeyondBattery: Bool { true }
    public func allocate(_ context: PolicyContext, sessions: [SessionView], powerKW: inout [Double]) throws {
        Allocation.keys(key, for: sessions, now: context.now, into: &keys)
        // The same allocation as `Allocation.sorted`, starting the sort from the previous tick's
        // order (carried over by index; nearly sorted: about linear).
        warm.sort(sessions, keys: keys, into: &order)
        Allocation.give(sessions, inOrder: order, headroomKW: context.headroomKW, limits: context.limits, left: &left,
                        powerKW: &powerKW)
    }
}

/// Round robin in the limit of small steps: max-min fair share.
public final class FairSharePolicy: ChargingPolicy {
    public let name = "round_robin"
    /// As ACN-Sim's round robin: a request beyond the battery keeps its session in the round.
    public var seesRequestsBeyondBattery: Bool { true }
    private var order: [Int] = []
    private var scratch = Allocation.FillScratch()
    public init() {}
    public func allocate(_ context: PolicyContext, sessions: [SessionView], powerKW: inout [Double]) throws {
        Allocation.fairShare(sessions, headroomKW: context.headroomKW, limits: context.limits, powerKW: &powerKW,
                             order: &order, scratch: &scratch)
    }
}

/// The lowest constant power that meets each target by departure.
public final class BalancedPolicy: ChargingPolicy {
    public let name = "balanced"
    private var scratch = Allocation.FillScratch()
    public init() {}
    public func allocate(_ context: PolicyContext, sessions: [SessionView], powerKW: inout [Double]) throws {
        Allocation.balanced(sessions, now: context.now, headroomKW: context.headroomKW, limits: context.limits,
                            powerKW: &powerKW, scratch: &scratch)
    }
}
