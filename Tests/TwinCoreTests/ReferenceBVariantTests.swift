import Foundation
import Testing
@testable import TwinCore

/// Variants of reference case B (overnight depot), derived by hand in closed form, to 1e-6 relative.
///
/// Bus type B2: 200 kWh, efficiency 0.9, curve flat 120 kW to SOC 0.75, then c(s) = 420 - 400 s down
/// to 20 kW at SOC 1 (c(0.9) = 60, c(0.95) = 40). k = 0.9 / 200 = 0.0045 SOC per kWh drawn:
///   at constant P kW, ds/dt = 0.0045 P per hour (120 kW: 0.54 /h; 60 kW: 0.27 /h);
///   curve-bound on the taper, c decays as e^(0.0045 x (-400) t) = e^(-1.8 t):
///   120 -> 60 kW (0.75 -> 0.9) takes ln 2 / 1.8 = 0.38508 h; 60 -> 40 kW (0.9 -> 0.95) ln 1.5 / 1.8.
/// Energy drawn for a SOC rise d is d x 200 / 0.9 kWh, whatever the power.
enum DepotB2 {
    static let start = 20.0 * 3600
    static let busType = VehicleType(name: "B2", usableKWh: 200, minSOC: 0, maxSOC: 1, reserveSOC: 0,
                                     curve: ChargingCurve([(0, 120), (0.75, 120), (1.0, 20)]), chargingEfficiency: 0.9)
    /// Hours from `soc` to 0.9 alone on a 120 kW charger: (0.75 - soc) / 0.54 + ln 2 / 1.8.
    static func aloneTo90H(_ soc: Double) -> Double { (0.75 - soc) / 0.54 + log(2) / 1.8 }

    /// One bus per entry: (arrival SOC, target SOC, departure hours after 20:00).
    static func scenario(_ buses: [(soc: Double, target: Double, departH: Double)], chargersKW: [Double],
                         siteKW: Double, stepS: Double = 300, plugInDelayS: Double = 0) -> Scenario {
        let vehicles = buses.indices.map { Vehicle(id: "B\($0 + 1)", typeName: "B2", initialSOC: buses[$0].soc, atDepotAtStart: false) }
        let visits = buses.indices.map {
            Visit(vehicleID: "B\($0 + 1)", arrival: start, departure: start + buses[$0].departH * 3600,
                  socAtArrival: buses[$0].soc, targetSOC: buses[$0].target)
        }
        let chargers = chargersKW.indices.map { Charger(id: "C\($0 + 1)", maxKW: chargersKW[$0], plugInDelayS: plugInDelayS) }
        return Scenario(name: "B2", vehicleTypes: [busType], vehicles: vehicles, visits: visits, chargers: chargers,
                        site: Site(gridLimitKW: siteKW), start: start, end: start + 9 * 3600, stepS: stepS)
    }
}

@Suite struct ReferenceBVariantTests {
    /// Greedy, site binding then not. B1-B3 on 120 kW chargers (SOC 0.10, 0.20, 0.05 -> 0.90),
    /// B4-B5 on 60 kW chargers (0.30, 0.40 -> 0.95), B6 on 60 kW (0.45, wants 0.90) leaves at 21:00.
    /// Site 500 kW. 20:00-21:00: requests 3 x 120 + 3 x 60 = 540 > 500, shared in proportion to the
    /// requests: factor 500/540 = 25/27, so 111.111 kW and 55.556 kW (an equal or max-min share would
    /// give 100/60 or 83.3 each). SOC gain in that hour: 0.0045 x 1000/9 = 0.5 and 0.25: at 21:00
    /// B1 0.60, B2 0.70, B3 0.55 (all below the knee 0.75), B4 0.55, B5 0.65, B6 0.70 (leaves, unmet).
    /// From 21:00: 3 x 120 + 2 x 60 = 480 < 500, each alone:
    ///   120 kW buses: (0.75 - s) / 0.54 + ln 2 / 1.8 -> done 1.6628595 (B1), 1.4776744 (B2), 1.7554521 (B3) h
    ///   60 kW buses: charger-bound to 0.9 (curve = 60 there), (0.9 - s) / 0.27, then ln 1.5 / 1.8
    ///     -> done 2.5215547 (B4), 2.1511843 (B5) h after 20:00.
    /// Grid energy: (0.8 + 0.7 + 0.85 + 0.65 + 0.55 + 0.25) x 200 / 0.9 = 844.44444 kWh; peak 500 kW.
    static let greedyBuses: [(soc: Double, target: Double, departH: Double)] =
        [(0.10, 0.9, 9), (0.20, 0.9, 9), (0.05, 0.9, 9), (0.30, 0.95, 9), (0.40, 0.95, 9), (0.45, 0.9, 1)]
    static let greedyChargers: [Double] = [120, 120, 120, 60, 60, 60]
    static let tail120: Double = log(2.0) / 1.8
    static let tail60: Double = log(1.5) / 1.8
    static let greedyDoneH: [String: Double] = [
        "B1": 1.0 + 0.15 / 0.54 + tail120, "B2": 1.0 + 0.05 / 0.54 + tail120, "B3": 1.0 + 0.20 / 0.54 + tail120,
        "B4": 1.0 + 0.35 / 0.27 + tail60, "B5": 1.0 + 0.25 / 0.27 + tail60,
    ]

    @Test func greedyClosedFormFigures() {
        #expect(relativeError(Self.greedyDoneH["B1"]!, 1.6628595) < 1e-7)
        #expect(relativeError(Self.greedyDoneH["B2"]!, 1.4776744) < 1e-7)
        #expect(relativeError(Self.greedyDoneH["B3"]!, 1.7554521) < 1e-7)
        #expect(relativeError(Self.greedyDoneH["B4"]!, 2.5215547) < 1e-7)
        #expect(relativeError(Self.greedyDoneH["B5"]!, 2.1511843) < 1e-7)
    }

    @Test func greedySharesInProportionToTheRequests() throws {
        let sim = try Simulation(scenario: DepotB2.scenario(Self.greedyBuses, chargersKW: Self.greedyChargers, siteKW: 500),
                                 policy: UncontrolledPolicy())
        try sim.run(until: DepotB2.start + 1800)
        #expect(relativeError(sim.vehicle("B1")!.powerKW, 1000.0 / 9) < 1e-9)
        #expect(relativeError(sim.vehicle("B4")!.powerKW, 500.0 / 9) < 1e-9)
        #expect(relativeError(sim.vehicle("B1")!.soc, 0.10 + 0.25) < 1e-9)
        #expect(relativeError(sim.vehicle("B6")!.soc, 0.45 + 0.125) < 1e-9)
    }

    @Test(arguments: [60.0, 300.0, 900.0, 1234.0])
    func greedySiteBindingThenNot(stepS: Double) throws {
        let r = try Simulation(scenario: DepotB2.scenario(Self.greedyBuses, chargersKW: Self.greedyChargers, siteKW: 500, stepS: stepS),
                               policy: UncontrolledPolicy()).result()
        #expect(r.sessions.count == 6)
        for s in r.sessions {
            if s.vehicleID == "B6" {
                // It leaves unmet: its charging ends at its departure.
                #expect(s.chargeEndTime == DepotB2.start + 3600)
                #expect(relativeError(s.socOut, 0.70) < 1e-9)
                #expect(s.unplugTime == DepotB2.start + 3600)
                continue
            }
            let want = try #require(Self.greedyDoneH[s.vehicleID])
            #expect(relativeError((try #require(s.chargeEndTime) - DepotB2.start) / 3600, want) < 1e-6)
            #expect(relativeError((s.chargeEndTime! - DepotB2.start) / 3600, want) < 1e-9)
            #expect(abs(s.socOut - (s.vehicleID == "B4" || s.vehicleID == "B5" ? 0.95 : 0.9)) < 1e-9)
        }
        #expect(relativeError(r.summary.energyKWh, 3.8 * 200 / 0.9) < 1e-9)
        #expect(relativeError(r.summary.energyKWh, 844.44444) < 1e-6)
        #expect(relativeError(r.summary.peakKW, 500) < 1e-9)
        #expect(r.summary.unmetVehicles == 1)
        #expect(r.loadProfile.allSatisfy { $0.siteKW <= 500 * (1 + 1e-12) })
        for sample in r.loadProfile where sample.time < DepotB2.start + 3600 {
            #expect(relativeError(sample.siteKW, 500) < 1e-9)
        }
    }

    /// Balanced: each bus gets the lowest constant power that reaches its target by its departure,
    /// p = (target - soc) x 200 / 0.9 / hours (all far below the curve, so never curve-bound):
    ///   B1 0.10 -> 0.90 by 05:00 (9 h): 160/0.9/9 = 19.753086    B2 0.20 -> 0.90, 9 h: 17.283951
    ///   B3 0.05 -> 0.90 by 04:00 (8 h): 23.611111                B4 0.30 -> 0.95 by 03:00 (7 h): 20.634921
    ///   B5 0.40 -> 0.95, 9 h: 13.580247                          B6 0.45 -> 0.90 by 02:00 (6 h): 16.666667
    /// Site load: 111.52998 kW to 02:00, 94.86332 to 03:00, 74.22840 to 04:00, 50.61728 to 05:00.
    static let balancedBuses: [(soc: Double, target: Double, departH: Double)] =
        [(0.10, 0.9, 9), (0.20, 0.9, 9), (0.05, 0.9, 8), (0.30, 0.95, 7), (0.40, 0.95, 9), (0.45, 0.9, 6)]

    @Test(arguments: [300.0, 900.0])
    func balancedDifferingNeeds(stepS: Double) throws {
        let buses = Self.balancedBuses
        let power = buses.map { ($0.target - $0.soc) * 200 / 0.9 / $0.departH }
        #expect(relativeError(power[0], 19.753086) < 1e-7)
        #expect(relativeError(power[3], 20.634921) < 1e-7)
        func site(atH h: Double) -> Double { zip(buses, power).filter { $0.0.departH > h }.reduce(0) { $0 + $1.1 } }
        #expect(relativeError(site(atH: 0), 111.52998) < 1e-7)
        #expect(relativeError(site(atH: 6.5), 94.86332) < 1e-6)
        #expect(relativeError(site(atH: 7.5), 74.22840) < 1e-6)
        #expect(relativeError(site(atH: 8.5), 50.61728) < 1e-6)
        let r = try Simulation(scenario: DepotB2.scenario(buses, chargersKW: Array(repeating: 120, count: 6), siteKW: 1000, stepS: stepS),
                               policy: BalancedPolicy()).result()
        #expect(relativeError(r.summary.peakKW, 111.52998) < 1e-6)
        #expect(relativeError(r.summary.energyKWh, 4.0 * 200 / 0.9) < 1e-9)
        for s in r.sessions {
            let i = Int(s.vehicleID.dropFirst())! - 1
            #expect(abs(s.socOut - buses[i].target) < 1e-9)
            #expect(relativeError(s.unplugTime, DepotB2.start + buses[i].departH * 3600) < 1e-12)
        }
        #expect(r.summary.unmetVehicles == 0)
        var checked = 0
        // Samples a hair before a departure may already show that bus done (it reaches its target
        // at its departure, give or take rounding): those are skipped.
        for sample in r.loadProfile where sample.time < DepotB2.start + 9 * 3600 - 1 {
            let h = (sample.time - DepotB2.start) / 3600
            if buses.contains(where: { abs($0.departH - h) < 1.0 / 3600 }) { continue }
            #expect(relativeError(sample.siteKW, site(atH: h)) < 1e-6, "at \(h) h")
            checked += 1
        }
        #expect(checked >= 4)
    }

    /// 3 chargers (120 kW) for 6 buses arriving together, uncontrolled, site 1000 kW (never binds),
    /// first come first served (scenario order). Alone on 120 kW a bus needs T(s) = (0.75 - s) / 0.54
    /// + ln 2 / 1.8 h to 0.9. B1 0.5, B2 0.3, B3 0.6 plug in at 20:00; queued B4 0.2, B5 0.4, B6 0.1:
    ///   C3 frees first at T(0.6) = 0.6628595 -> B4 plugs in, done T(0.6) + T(0.2) = 2.0664598 h
    ///   C1 frees at T(0.5) = 0.8480447 -> B5, done T(0.5) + T(0.4) = 1.8812746 h
    ///   C2 frees at T(0.3) = 1.2184151 -> B6, done T(0.3) + T(0.1) = 2.8072006 h
    /// With a plug-in delay d on every charger each session starts charging d after it reaches the
    /// charger, so each wave is later by d: the first wave ends d + T, the second reaches the charger
    /// then and ends 2 d + T + T'. DepotTwin records `plugInTime` (and `chargeStartTime`) after the
    /// delay, i.e. the instant charging can start (d for the first wave, 2 d + T for the second).
    static let fcfsSOC = [0.5, 0.3, 0.6, 0.2, 0.4, 0.1]

    @Test(arguments: [0.0, 120.0])
    func threeChargersFCFS(plugInDelayS: Double) throws {
        let t = DepotB2.aloneTo90H
        #expect(relativeError(t(0.6) + t(0.2), 2.0664598) < 1e-7)
        #expect(relativeError(t(0.5) + t(0.4), 1.8812746) < 1e-7)
        #expect(relativeError(t(0.3) + t(0.1), 2.8072006) < 1e-7)
        let d = plugInDelayS / 3600
        let buses = Self.fcfsSOC.map { (soc: $0, target: 0.9, departH: 9.0) }
        let r = try Simulation(scenario: DepotB2.scenario(buses, chargersKW: [120, 120, 120], siteKW: 1000,
                                                          plugInDelayS: plugInDelayS),
                               policy: UncontrolledPolicy()).result()
        // vehicle -> (charger, reaches the charger h, charge end h)
        let t6: Double = t(0.6), t5: Double = t(0.5), t3: Double = t(0.3)
        let want: [String: (String, Double, Double)] = [
            "B1": ("C1", 0, d + t5), "B2": ("C2", 0, d + t3), "B3": ("C3", 0, d + t6),
            "B4": ("C3", d + t6, 2 * d + t6 + t(0.2)), "B5": ("C1", d + t5, 2 * d + t5 + t(0.4)),
            "B6": ("C2", d + t3, 2 * d + t3 + t(0.1)),
        ]
        #expect(r.sessions.count == 6)
        for s in r.sessions {
            let w = try #require(want[s.vehicleID])
            #expect(s.chargerID == w.0, "\(s.vehicleID)")
            #expect(s.arrivalTime == DepotB2.start)
            #expect(abs((s.plugInTime - DepotB2.start) / 3600 - (w.1 + d)) < 1e-9, "\(s.vehicleID) plug-in")
            #expect(abs((try #require(s.chargeStartTime) - DepotB2.start) / 3600 - (w.1 + d)) < 1e-9, "\(s.vehicleID) start")
            #expect(relativeError((try #require(s.chargeEndTime) - DepotB2.start) / 3600, w.2) < 1e-9, "\(s.vehicleID) end")
            #expect(abs(s.socOut - 0.9) < 1e-9)
        }
        #expect(relativeError(r.summary.peakKW, 360) < 1e-9)
        #expect(relativeError(r.summary.energyKWh, (0.4 + 0.6 + 0.3 + 0.7 + 0.5 + 0.8) * 200 / 0.9) < 1e-9)
    }
}

extension ReferenceBVariantTests {
    /// Greedy, the site binds until one bus reaches its target, then frees its share at once.
    /// X 0.50 -> 0.60 and Y 0.10 -> 0.90 on 120 kW chargers, site 150 kW: 75 kW each (in proportion
    /// to equal requests) until X has its 0.1 x 200 / 0.9 kWh: 0.1 / (0.0045 x 75) = 8/27 h; Y is then
    /// at 0.20 and alone (120 < 150): 0.55 / 0.54 h to the knee, ln 2 / 1.8 h of taper:
    /// Y done 8/27 + 0.55/0.54 + ln 2 / 1.8 = 1.6998966 h.
    /// Before the fix the freed 75 kW waited for the next tick: Y done 1.7012855 h (60 s step),
    /// 1.7137855 (300 s), 1.7762855 (900 s), 1.9637855 (3600 s).
    @Test(arguments: [60.0, 300.0, 900.0, 3600.0])
    func greedyTargetReachedFreesItsShareAtOnce(stepS: Double) throws {
        let buses: [(soc: Double, target: Double, departH: Double)] = [(0.5, 0.6, 9), (0.1, 0.9, 9)]
        let r = try Simulation(scenario: DepotB2.scenario(buses, chargersKW: [120, 120], siteKW: 150, stepS: stepS),
                               policy: UncontrolledPolicy()).result()
        let xDone = 8.0 / 27, yDone = 8.0 / 27 + 0.55 / 0.54 + log(2) / 1.8
        #expect(relativeError(yDone, 1.6998966) < 1e-7)
        #expect(relativeError((try #require(r.sessions[0].chargeEndTime) - DepotB2.start) / 3600, xDone) < 1e-9)
        #expect(relativeError((try #require(r.sessions[1].chargeEndTime) - DepotB2.start) / 3600, yDone) < 1e-9)
        #expect(relativeError(r.summary.energyKWh, 0.9 * 200 / 0.9) < 1e-9)
        #expect(relativeError(r.summary.peakKW, 150) < 1e-9)
    }
}

extension ReferenceBVariantTests {
    /// Greedy with the site binding while some buses are on the taper and others not (they reach the
    /// knee at different times): the continuous "shared in proportion to the requests" is a coupled
    /// system, solved here in closed form; DepotTwin holds each tick's shares until the next tick, so it
    /// only approaches it as the step shrinks. A KNOWN ISSUE, reported, not fixed.
    ///
    /// Reference B's bus (300 kWh, eff 0.95, 150 kW flat to 0.8, c = 690 - 675 s to 15 kW at 1.0),
    /// k = 0.95 / 300 per kWh. Six 150 kW chargers, site 600 kW, all arrive at 0 wanting 0.9:
    /// H = 3 buses at 0.5, L = 3 buses at 0.3.
    /// Phase 1: requests 6 x 150 = 900 > 600: 100 kW each; H reaches 0.8 at t1 = 0.3 / (100 k) =
    ///   0.9473684 h, L is then at 0.6.
    /// Phase 2: H asks c(s_H) < 150, L asks 150: H gets 600 c / (450 + 3 c) (< c while c > 50), L gets
    ///   600 x 150 / (450 + 3 c). dc/dt = -675 k x 600 c / (450 + 3 c), so
    ///   (450 / c + 3) dc = -675 x 600 k dt: t2 = (450 ln(150 / c) + 3 (150 - c)) / (675 x 600 k);
    ///   ds_L / dc = 150 / (-675 c): s_L = 0.6 + (150 / 675) ln(150 / c).
    ///   H reaches 0.9 at c = 82.5: t2 = 0.3676621 h, H done t1 + t2 = 1.3150305 h; s_L = 0.7328527.
    /// Phase 3: L alone at 150 kW to 0.8, then the taper to 0.9 (ln(150 / 82.5) / (675 k)):
    ///   L done 1.3150305 + 0.1413628 + 0.2796898 = 1.7360832 h.
    /// DepotTwin: H 1.3145553 (10 s step), 1.3122215 (60 s), 1.3023917 (300 s), 1.2834408 (900 s);
    ///            L 1.7362416, 1.7370195, 1.7402961, 1.7478076.
    @Test func greedyTaperWhileTheSiteBindsIsAKnownGap() throws {
        let k = 0.95 / 300
        let t1 = 0.3 / (100 * k)
        let t2 = (450 * log(150 / 82.5) + 3 * 67.5) / (675 * 600 * k)
        let sL = 0.6 + 150.0 / 675 * log(150 / 82.5)
        let t3 = (0.8 - sL) / (150 * k) + log(150 / 82.5) / (675 * k)
        #expect(relativeError(t1 + t2, 1.3150305) < 1e-7)
        #expect(relativeError(t1 + t2 + t3, 1.7360832) < 1e-7)
        let buses = (0..<6).map { Vehicle(id: "B\($0 + 1)", typeName: "bus300", initialSOC: $0 < 3 ? 0.5 : 0.3, atDepotAtStart: false) }
        let visits = buses.map { Visit(vehicleID: $0.id, arrival: 0, departure: 9 * 3600, socAtArrival: $0.initialSOC, targetSOC: 0.9) }
        let scenario = Scenario(name: "knee", vehicleTypes: [DepotB.busType], vehicles: buses, visits: visits,
                                chargers: (1...6).map { Charger(id: "C\($0)", maxKW: 150) }, site: Site(gridLimitKW: 600),
                                start: 0, end: 9 * 3600, stepS: 300)
        let r = try Simulation(scenario: scenario, policy: UncontrolledPolicy()).result()
        let h = try #require(r.sessions[0].chargeEndTime) / 3600, l = try #require(r.sessions[3].chargeEndTime) / 3600
        // What DepotTwin does now (300 s step): 1e-2 off for H.
        #expect(abs(h - 1.3023917) < 1e-6)
        #expect(abs(l - 1.7402961) < 1e-6)
        withKnownIssue("tick-held proportional shares: step-dependent when a site-bound session is curve-bound") {
            #expect(relativeError(h, t1 + t2) < 1e-6)
            #expect(relativeError(l, t1 + t2 + t3) < 1e-6)
        }
    }
}
