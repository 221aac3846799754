import Foundation

/// A small, seeded pseudo-random generator (SplitMix64) for the prediction code.
///
/// Fold assignment in cross validation must be the same on every machine and every Swift
/// release, so we do not use `SystemRandomNumberGenerator` or rely on the standard library's
/// `shuffle` algorithm staying fixed: both the generator and the shuffle are written here.
public struct PredictionRandom: RandomNumberGenerator {
    private var state: UInt64

    /// - Parameter seed: any value; the same seed gives the same sequence on every platform.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits. O(1).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in [0, 1), from the top 53 bits. O(1).
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal draw (Box–Muller; one of the pair is discarded to keep no hidden state). O(1).
    public mutating func nextGaussian() -> Double {
        // 1 - u is in (0, 1], so the logarithm is finite.
        let u1 = 1 - nextUnit()
        let u2 = nextUnit()
        return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
    }

    /// A uniform integer in 0..<bound by rejection, so there is no modulo bias. O(1) expected.
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        let limit = UInt64.max - UInt64.max % b
        while true {
            let x = next()
            if x < limit { return Int(x % b) }
        }
    }

    /// Fisher–Yates shuffle with this generator. O(n).
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = nextIndex(below: i + 1)
            if i != j { array.swapAt(i, j) }
        }
    }
}
