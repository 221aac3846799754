/// Values at increasing times (UTC s), read either linearly interpolated or held (step).
public struct TimeSeries: Equatable, Sendable, Codable {
    public enum Interpolation: String, Equatable, Sendable, Codable { case linear, step }

    public var times: [Double]
    public var values: [Double]
    public var interpolation: Interpolation

    public init(times: [Double], values: [Double], interpolation: Interpolation = .linear) {
        self.times = times
        self.values = values
        self.interpolation = interpolation
    }

    /// A series with one value for all time.
    public static func constant(_ value: Double) -> TimeSeries { TimeSeries(times: [0], values: [value]) }

    /// Value at `time`; flat before the first and after the last sample. O(log n).
    public func value(at time: Double) -> Double {
        var hint = -1
        return value(at: time, hint: &hint)
    }

    /// `value(at:)`, searching first near `hint` (the sample index found by the last call, updated
    /// here): a run reads its weather at times close together, and a full binary search over a
    /// year of hourly samples costs a dozen unpredictable branches. The sample pair bracketing
    /// `time` is unique, so the result is the same whatever the hint.
    public func value(at time: Double, hint: inout Int) -> Double {
        let n = times.count
        if n == 0 { return 0 }
        if time <= times[0] { return values[0] }
        if time >= times[n - 1] { return values[n - 1] }
        // Invariant: times[lo] <= time < times[hi].
        var lo = 0, hi = n - 1
        let nearLo = hint - 8, nearHi = hint + 8
        if nearLo >= 0, nearHi < n, times[nearLo] <= time, time < times[nearHi] {
            lo = nearLo
            hi = nearHi
        }
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if times[mid] <= time { lo = mid } else { hi = mid }
        }
        hint = lo
        if interpolation == .step { return values[lo] }
        let f = (time - times[lo]) / (times[hi] - times[lo])
        return values[lo] + f * (values[hi] - values[lo])
    }
}

/// Ambient temperature over the run.
public struct Weather: Equatable, Sendable, Codable {
    /// Ambient temperature, deg C, linearly interpolated.
    public var temperatureC: TimeSeries

    public init(temperatureC: TimeSeries) { self.temperatureC = temperatureC }

    /// The same temperature all the time.
    public static func constant(_ celsius: Double) -> Weather { Weather(temperatureC: .constant(celsius)) }

    public func ambientC(at time: Double) -> Double { temperatureC.value(at: time) }

    /// `ambientC(at:)` searching near `hint` first (see `TimeSeries.value(at:hint:)`).
    public func ambientC(at time: Double, hint: inout Int) -> Double { temperatureC.value(at: time, hint: &hint) }
}
