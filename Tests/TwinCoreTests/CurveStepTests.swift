import Foundation
import Testing
@testable import TwinCore

/// `ChargingCurve.Piece.growthIfSurelyWithin` decides `.within` without `log1p`: it must never
/// say so when `log1p(x) / kb >= timeLeft` (the decision `step` takes) is false.
@Suite struct CurveStepTests {
    @Test func fastWithinAgreesWithLog1p() {
        var rng = SplitMix64(seed: 11)
        var decided = 0, undecided = 0
        for _ in 0..<200_000 {
            // Rising and falling pieces, short and long intervals, x near the boundary and far.
            let kb = (rng.next() % 2 == 0 ? 1 : -1) * pow(10, rng.uniform(-9, -1))
            let t = pow(10, rng.uniform(-3, 6))
            let e = expm1(kb * t)
            let x = e * (1 + (rng.next() % 2 == 0 ? 1 : -1) * pow(10, rng.uniform(-17, 0)))
            guard let growth = ChargingCurve.Piece.growthIfSurelyWithin(x: x, kb: kb, timeLeft: t) else {
                undecided += 1
                continue
            }
            decided += 1
            #expect(log1p(x) / kb >= t, "kb \(kb) t \(t) x \(x)")
            #expect(growth == expm1(kb * t))
        }
        // Both outcomes occur (the band is narrow, the ranges wide).
        #expect(decided > 10_000 && undecided > 10_000)
    }

    @Test func outOfRangeIsLeftToLog1p() {
        #expect(ChargingCurve.Piece.growthIfSurelyWithin(x: 5, kb: 1e-4, timeLeft: .infinity) == nil)
        #expect(ChargingCurve.Piece.growthIfSurelyWithin(x: -1, kb: -1e-4, timeLeft: 300) == nil)
        #expect(ChargingCurve.Piece.growthIfSurelyWithin(x: .nan, kb: -1e-4, timeLeft: 300) == nil)
        #expect(ChargingCurve.Piece.growthIfSurelyWithin(x: -0.5, kb: -1e-4, timeLeft: 1e6) == nil)  // |kb t| > 30
    }
}
