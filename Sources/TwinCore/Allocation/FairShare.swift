extension Allocation {
    /// Max-min fair share (water filling): every session gets the same power `level`, except those
    /// capped below it (`usefulKW`), whose unused share goes to the others. Round robin's limit.
    ///
    /// With `limits`, the filling also stops for the sessions of a dispenser or cabinet that is
    /// full (progressive filling: raise all unfrozen sessions equally; freeze a session at its cap
    /// or when any group it belongs to saturates), which is max-min fair under the nested limits:
    /// no session can be raised without lowering one that has no more.
    /// - Complexity: O(n log n); O(n log n + (n + g) g) when g dispensers or cabinets can bind.
    public static func fairShare(_ sessions: [SessionView], headroomKW: Double, limits: GroupLimits = .none,
                                 powerKW: inout [Double], order: inout [Int]) {
        var scratch = FillScratch()
        fairShare(sessions, headroomKW: headroomKW, limits: limits, powerKW: &powerKW, order: &order, scratch: &scratch)
    }

    static func fairShare(_ sessions: [SessionView], headroomKW: Double, limits: GroupLimits,
                          powerKW: inout [Double], order: inout [Int], scratch: inout FillScratch) {
        let n = sessions.count
        resize(&powerKW, n)
        if n == 0 { return }
        if !limits.isEmpty {
            scratch.cap.removeAll(keepingCapacity: true)
            scratch.weight.removeAll(keepingCapacity: true)
            for i in 0..<n {
                scratch.cap.append(max(0, sessions[i].usefulKW))
                scratch.weight.append(1)
            }
            if nestedFill(sessions, headroomKW: headroomKW, limits: limits, scratch: &scratch, powerKW: &powerKW) { return }
        }
        var total = 0.0
        for i in 0..<n { total += max(0, sessions[i].usefulKW) }
        let headroom = max(0, headroomKW)
        if total <= headroom {
            for i in 0..<n { powerKW[i] = max(0, sessions[i].usefulKW) }
            return
        }
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: 0..<n)
        order.sort { a, b in
            let ca = sessions[a].usefulKW, cb = sessions[b].usefulKW
            return ca < cb || (ca == cb && a < b)
        }
        var left = headroom
        var remaining = n
        var level = 0.0
        // Fill the smallest caps first; once a cap exceeds an equal share, everyone left gets it.
        for i in order {
            let cap = max(0, sessions[i].usefulKW)
            let share = left / Double(remaining)
            if cap <= share { left -= cap; remaining -= 1 } else { level = share; break }
        }
        for i in 0..<n { powerKW[i] = min(max(0, sessions[i].usefulKW), level) }
        if remaining == 0 { for i in 0..<n { powerKW[i] = max(0, sessions[i].usefulKW) } }
    }

    /// Fair share returning a fresh array.
    public static func fairShare(_ sessions: [SessionView], headroomKW: Double, limits: GroupLimits = .none) -> [Double] {
        var out: [Double] = []
        var order: [Int] = []
        fairShare(sessions, headroomKW: headroomKW, limits: limits, powerKW: &out, order: &order)
        return out
    }
}
