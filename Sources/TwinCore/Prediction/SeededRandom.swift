/// The prediction code's seeded generator: the engine's `SplitMix64`, so one implementation
/// serves both (same seed, same stream on every platform).
public typealias PredictionRandom = SplitMix64
