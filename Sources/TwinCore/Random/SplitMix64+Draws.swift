import Foundation

/// Draws built on `SplitMix64` that must be identical on every machine and Swift release (fold
/// assignment in cross validation, synthetic data): the standard library's `shuffle` algorithm is
/// not promised to stay fixed, so it is written here.
extension SplitMix64 {
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
