/// What an engine event does. Its raw value is its priority at equal times (lower first):
/// departures free chargers before arrivals claim them; control runs last, seeing everything.
public enum EventKind: UInt8, Sendable {
    case targetReached = 0
    case blockStart = 1
    case visitDeparture = 2
    case tripEnd = 3
    case tripStart = 4
    case visitArrival = 5
    case plugIn = 6
    case preconditionStart = 7
    case baseLoadChange = 8
    case control = 9
}

/// One scheduled event; `a` and `b` are indices whose meaning depends on `kind`.
public struct Event: Sendable {
    public var time: Double
    public var kind: EventKind
    public var sequence: UInt64
    public var a: Int32
    public var b: Int32

    @inline(__always)
    func precedes(_ o: Event) -> Bool {
        if time != o.time { return time < o.time }
        if kind.rawValue != o.kind.rawValue { return kind.rawValue < o.kind.rawValue }
        return sequence < o.sequence
    }
}

/// Binary min-heap ordered by (time, priority, sequence): same-time order is fixed, so runs are
/// reproducible. Push and pop are O(log n).
public struct EventQueue: Sendable {
    private var heap: [Event] = []
    private var nextSequence: UInt64 = 0

    public init() {}

    public var count: Int { heap.count }
    public var isEmpty: Bool { heap.isEmpty }
    public var first: Event? { heap.first }

    public mutating func push(time: Double, kind: EventKind, a: Int = 0, b: Int = 0) {
        let e = Event(time: time, kind: kind, sequence: nextSequence, a: Int32(truncatingIfNeeded: a),
                      b: Int32(truncatingIfNeeded: b))
        nextSequence &+= 1
        heap.append(e)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) >> 1
            if heap[i].precedes(heap[parent]) { heap.swapAt(i, parent); i = parent } else { break }
        }
    }

    public mutating func pop() -> Event? {
        guard !heap.isEmpty else { return nil }
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var i = 0
            let n = heap.count
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < n && heap[l].precedes(heap[m]) { m = l }
                if r < n && heap[r].precedes(heap[m]) { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
        return top
    }
}
