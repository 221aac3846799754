extension Allocation {
    /// Scratch for `nestedFill`, reused between calls by the policies that hold one.
    struct FillScratch {
        var cap: [Double] = []
        var weight: [Double] = []
        var active: [Bool] = []
        /// Per charger / cabinet index: sum of caps, then the binding group's id (or -1).
        var chargerSum: [Double] = []
        var cabinetSum: [Double] = []
        var chargerGroup: [Int] = []
        var cabinetGroup: [Int] = []
        /// Per binding group: limit, kW of its frozen members, weight and count of its active ones.
        var limit: [Double] = []
        var frozenKW: [Double] = []
        var activeWeight: [Double] = []
        var activeCount: [Int] = []
        /// Members of binding group g: `members[memberStart[g] ..< memberStart[g + 1]]`.
        var memberStart: [Int] = []
        var members: [Int] = []
        /// Per session, its binding groups (site, cabinet, charger), -1 where none.
        var groupsOf: [Int] = []
        var byCapLevel: [Int] = []
    }

    /// Progressive filling under the nested limits (site headroom, cabinets, dispensers): a common
    /// level rises from 0; every unfrozen session gets `weight * level`; a session freezes when it
    /// reaches its cap or when a group it belongs to saturates (its members then keep their power
    /// and the others rise on). With unit weights this is max-min fair; with `weight = cap` every
    /// session gets the same fraction of its cap, as high as its groups allow (at most 1).
    ///
    /// Deterministic: at equal levels, groups saturate in the order site, cabinets, dispensers
    /// (by index), and sessions reach their caps in index order.
    ///
    /// - Parameters:
    ///   - scratch: `cap` and `weight` filled by the caller (both >= 0, aligned with `sessions`).
    /// - Returns: false (and `powerKW` untouched) when no dispenser or cabinet group can bind: the
    ///   caller's site-only answer is then already exact.
    /// - Complexity: O(n log n + (n + g) g) for g groups that can bind.
    static func nestedFill(_ sessions: [SessionView], headroomKW: Double, limits: GroupLimits,
                           scratch f: inout FillScratch, powerKW: inout [Double]) -> Bool {
        let n = sessions.count
        if limits.isEmpty || n == 0 { return false }
        if f.chargerSum.count < limits.chargerMaxKW.count {
            let extra = limits.chargerMaxKW.count - f.chargerSum.count
            f.chargerSum.append(contentsOf: repeatElement(0, count: extra))
            f.chargerGroup.append(contentsOf: repeatElement(-1, count: extra))
        }
        if f.cabinetSum.count < limits.cabinetMaxKW.count {
            let extra = limits.cabinetMaxKW.count - f.cabinetSum.count
            f.cabinetSum.append(contentsOf: repeatElement(0, count: extra))
            f.cabinetGroup.append(contentsOf: repeatElement(-1, count: extra))
        }
        for i in 0..<n {
            let c = limits.charger(sessions[i].chargerIndex)
            if c >= 0 { f.chargerSum[c] = 0; f.chargerGroup[c] = -1 }
            let k = limits.cabinet(sessions[i].cabinetIndex)
            if k >= 0 { f.cabinetSum[k] = 0; f.cabinetGroup[k] = -1 }
        }
        var total = 0.0
        for i in 0..<n {
            let cap = f.cap[i]
            total += cap
            let c = limits.charger(sessions[i].chargerIndex)
            if c >= 0 { f.chargerSum[c] += cap }
            let k = limits.cabinet(sessions[i].cabinetIndex)
            if k >= 0 { f.cabinetSum[k] += cap }
        }
        // Groups that can bind: their members' caps add up to more than their limit.
        f.limit.removeAll(keepingCapacity: true)
        let headroom = max(0, headroomKW)
        let siteGroup = total > headroom ? 0 : -1
        if siteGroup == 0 { f.limit.append(headroom) }
        var below = false
        for i in 0..<n {
            let k = limits.cabinet(sessions[i].cabinetIndex)
            if k >= 0, f.cabinetGroup[k] == -1, f.cabinetSum[k] > max(0, limits.cabinetMaxKW[k]) {
                f.cabinetGroup[k] = -2  // binding; numbered below in index order
            }
            let c = limits.charger(sessions[i].chargerIndex)
            if c >= 0, f.chargerGroup[c] == -1, f.chargerSum[c] > max(0, limits.chargerMaxKW[c]) {
                f.chargerGroup[c] = -2
            }
        }
        // Number binding groups: site, then cabinets by index, then dispensers by index.
        for pass in 0..<2 {
            var seen: [Int] = []
            for i in 0..<n {
                let x = pass == 0 ? limits.cabinet(sessions[i].cabinetIndex) : limits.charger(sessions[i].chargerIndex)
                if x >= 0, (pass == 0 ? f.cabinetGroup[x] : f.chargerGroup[x]) == -2 {
                    seen.append(x)
                    if pass == 0 { f.cabinetGroup[x] = -3 } else { f.chargerGroup[x] = -3 }
                }
            }
            seen.sort()
            for x in seen {
                if pass == 0 {
                    f.cabinetGroup[x] = f.limit.count
                    f.limit.append(max(0, limits.cabinetMaxKW[x]))
                } else {
                    f.chargerGroup[x] = f.limit.count
                    f.limit.append(max(0, limits.chargerMaxKW[x]))
                }
                below = true
            }
        }
        if !below { return false }
        let g = f.limit.count
        f.frozenKW.removeAll(keepingCapacity: true)
        f.frozenKW.append(contentsOf: repeatElement(0, count: g))
        f.activeWeight.removeAll(keepingCapacity: true)
        f.activeWeight.append(contentsOf: repeatElement(0, count: g))
        f.activeCount.removeAll(keepingCapacity: true)
        f.activeCount.append(contentsOf: repeatElement(0, count: g + 1))
        f.groupsOf.removeAll(keepingCapacity: true)
        f.active.removeAll(keepingCapacity: true)
        resize(&powerKW, n)
        for i in 0..<n {
            let k = limits.cabinet(sessions[i].cabinetIndex)
            let c = limits.charger(sessions[i].chargerIndex)
            f.groupsOf.append(siteGroup)
            f.groupsOf.append(k >= 0 ? f.cabinetGroup[k] : -1)
            f.groupsOf.append(c >= 0 ? f.chargerGroup[c] : -1)
            let live = f.cap[i] > 0 && f.weight[i] > 0
            f.active.append(live)
            powerKW[i] = 0
            if live {
                for j in 0..<3 where f.groupsOf[3 * i + j] >= 0 {
                    let grp = f.groupsOf[3 * i + j]
                    f.activeWeight[grp] += f.weight[i]
                    f.activeCount[grp] += 1
                }
            }
        }
        // Members by group (counting sort, in session order).
        f.memberStart.removeAll(keepingCapacity: true)
        f.memberStart.append(0)
        for grp in 0..<g { f.memberStart.append(f.memberStart[grp] + f.activeCount[grp]) }
        f.members.removeAll(keepingCapacity: true)
        f.members.append(contentsOf: repeatElement(0, count: f.memberStart[g]))
        var fill = Array(f.memberStart.dropLast())
        for i in 0..<n where f.active[i] {
            for j in 0..<3 where f.groupsOf[3 * i + j] >= 0 {
                let grp = f.groupsOf[3 * i + j]
                f.members[fill[grp]] = i
                fill[grp] += 1
            }
        }
        f.byCapLevel.removeAll(keepingCapacity: true)
        for i in 0..<n where f.active[i] { f.byCapLevel.append(i) }
        f.cap.withUnsafeBufferPointer { cap in
            f.weight.withUnsafeBufferPointer { w in
                f.byCapLevel.sort { a, b in
                    let la = cap[a] / w[a], lb = cap[b] / w[b]
                    return la < lb || (la == lb && a < b)
                }
            }
        }

        func freeze(_ i: Int, at kw: Double) {
            f.active[i] = false
            powerKW[i] = kw
            for j in 0..<3 where f.groupsOf[3 * i + j] >= 0 {
                let grp = f.groupsOf[3 * i + j]
                f.frozenKW[grp] += kw
                f.activeCount[grp] -= 1
                f.activeWeight[grp] = f.activeCount[grp] == 0 ? 0 : f.activeWeight[grp] - f.weight[i]
            }
        }

        var level = 0.0
        var next = 0  // position in byCapLevel
        while true {
            while next < f.byCapLevel.count, !f.active[f.byCapLevel[next]] { next += 1 }
            if next == f.byCapLevel.count { break }
            let first = f.byCapLevel[next]
            var best = f.cap[first] / f.weight[first]
            var saturating = -1
            for grp in 0..<g where f.activeCount[grp] > 0 {
                let l = (f.limit[grp] - f.frozenKW[grp]) / f.activeWeight[grp]
                if l < best { best = l; saturating = grp }
            }
            level = max(level, best)
            if saturating >= 0 {
                for m in f.memberStart[saturating]..<f.memberStart[saturating + 1] where f.active[f.members[m]] {
                    let i = f.members[m]
                    freeze(i, at: min(f.cap[i], f.weight[i] * level))
                }
            } else {
                // Every session whose cap is at this level reaches it now.
                while next < f.byCapLevel.count {
                    let i = f.byCapLevel[next]
                    if f.active[i] {
                        if f.cap[i] / f.weight[i] > level { break }
                        freeze(i, at: f.cap[i])
                    }
                    next += 1
                }
            }
        }
        return true
    }
}
