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
///
/// The priority and the sequence number are packed into one word (`rank`, priority in the top
/// byte), so the heap compares two numbers per event, and an event takes 24 bytes, not 32.
public struct Event: Sendable {
    public var time: Double
    /// `kind.rawValue << 56 | sequence`: at equal times, lower first.
    var rank: UInt64
    public var a: Int32
    public var b: Int32

    init(time: Double, kind: EventKind, sequence: UInt64, a: Int32, b: Int32) {
        self.time = time
        self.rank = UInt64(kind.rawValue) << 56 | (sequence & Self.sequenceMask)
        self.a = a
        self.b = b
    }

    static let sequenceMask: UInt64 = (1 << 56) - 1

    public var kind: EventKind { EventKind(rawValue: UInt8(truncatingIfNeeded: rank >> 56))! }
    public var sequence: UInt64 { rank & Self.sequenceMask }

    @inline(__always)
    func precedes(_ o: Event) -> Bool {
        time < o.time || (time == o.time && rank < o.rank)
    }
}

/// Events ordered by (time, priority, sequence): same-time order is fixed, so runs are
/// reproducible. Events known before the run (`preload`) sit in one array sorted once; the rest
/// in a binary min-heap. A year of 1000 buses preloads 365 000 block starts: kept out of the heap,
/// they do not deepen every push and pop. Push and pop are O(log n) in the heap's size.
public struct EventQueue: Sendable {
    private var heap: [Event] = []
    /// Preloaded events, sorted by `sortPreloaded()`, consumed from `preloadedHead`.
    private var preloaded: [Event] = []
    private var preloadedHead = 0
    private var nextSequence: UInt64 = 0

    public init() {}

    public var count: Int { heap.count + preloaded.count - preloadedHead }
    public var isEmpty: Bool { count == 0 }
    public var first: Event? {
        guard preloadedHead < preloaded.count else { return heap.first }
        let p = preloaded[preloadedHead]
        if let h = heap.first, h.precedes(p) { return h }
        return p
    }

    /// Schedules an event known before the run starts; call `sortPreloaded()` once they are all in,
    /// before the first `first` or `pop`. Same order as `push` (sequence numbers are shared).
    public mutating func preload(time: Double, kind: EventKind, a: Int = 0, b: Int = 0) {
        precondition(preloadedHead == 0, "preload before the run starts")
        preloaded.append(makeEvent(time: time, kind: kind, a: a, b: b))
    }

    /// Sorts the preloaded events (sequence numbers are unique: the order is total).
    public mutating func sortPreloaded() {
        preloaded.sort { $0.precedes($1) }
    }

    private mutating func makeEvent(time: Double, kind: EventKind, a: Int, b: Int) -> Event {
        let e = Event(time: time, kind: kind, sequence: nextSequence, a: Int32(truncatingIfNeeded: a),
                      b: Int32(truncatingIfNeeded: b))
        nextSequence &+= 1
        return e
    }

    public mutating func push(time: Double, kind: EventKind, a: Int = 0, b: Int = 0) {
        let e = makeEvent(time: time, kind: kind, a: a, b: b)
        heap.append(e)
        // Sift up through a hole, as `popHeap` sifts down.
        heap.withUnsafeMutableBufferPointer { h in
            var i = h.count - 1
            while i > 0 {
                let parent = (i - 1) >> 1
                guard e.precedes(h[parent]) else { break }
                h[i] = h[parent]
                i = parent
            }
            h[i] = e
        }
    }

    public mutating func pop() -> Event? {
        if preloadedHead < preloaded.count {
            let p = preloaded[preloadedHead]
            if heap.isEmpty || !heap[0].precedes(p) {
                preloadedHead += 1
                return p
            }
        }
        return popHeap()
    }

    /// Removes the heap's top (Floyd's bottom-up deletion): the hole left at the root sinks to a
    /// leaf along the smaller child (one comparison per level, between the two children), then the
    /// last event rises from there to its place. It mostly belongs near the bottom, so this takes
    /// about half the comparisons of sinking it from the root (each level two, hard to predict).
    /// The (time, rank) order is strict, so events come out in the same order either way.
    private mutating func popHeap() -> Event? {
        guard !heap.isEmpty else { return nil }
        let top = heap[0]
        let last = heap.removeLast()
        let n = heap.count
        guard n > 0 else { return top }
        heap.withUnsafeMutableBufferPointer { h in
            var i = 0
            while true {
                let l = 2 &* i &+ 1
                if l >= n { break }
                let r = l &+ 1
                let m = r < n && h[r].precedes(h[l]) ? r : l
                h[i] = h[m]
                i = m
            }
            while i > 0 {
                let parent = (i &- 1) >> 1
                guard last.precedes(h[parent]) else { break }
                h[i] = h[parent]
                i = parent
            }
            h[i] = last
        }
        return top
    }
}
