import Testing
import TwinCore

/// `TimeSeries.value(at:hint:)` searches near the last index first; whatever the hint, it must
/// return exactly `value(at:)`, and leave a hint that brackets the time.
@Suite struct TimeSeriesHintTests {
    @Test func anyHintGivesTheSameValue() {
        var rng = SplitMix64(seed: 5)
        for round in 0..<200 {
            // Increasing times with repeats (a step in the series), some series only a few long.
            let n = 1 + rng.nextIndex(below: round % 3 == 0 ? 5 : 400)
            var times: [Double] = [], t = rng.uniform(-100, 100)
            for _ in 0..<n {
                times.append(t)
                if rng.nextIndex(below: 10) > 0 { t += rng.uniform(0.1, 3600) }
            }
            let values = (0..<n).map { _ in rng.uniform(-30, 40) }
            for interpolation in [TimeSeries.Interpolation.linear, .step] {
                let series = TimeSeries(times: times, values: values, interpolation: interpolation)
                var hint = -1
                for _ in 0..<300 {
                    let at = rng.nextIndex(below: 4) == 0 ? times[rng.nextIndex(below: n)]
                        : rng.uniform((times.first ?? 0) - 500, (times.last ?? 0) + 500)
                    if rng.nextIndex(below: 5) == 0 { hint = rng.nextIndex(below: n + 20) - 10 }
                    #expect(series.value(at: at, hint: &hint) == series.value(at: at))
                }
            }
        }
    }

    @Test func weatherHintFollowsTheTime() {
        let weather = Weather(temperatureC: TimeSeries(times: [0, 3600, 7200, 10800], values: [0, 10, 20, 10]))
        var hint = -1
        #expect(weather.ambientC(at: 1800, hint: &hint) == 5)
        #expect(hint == 0)
        #expect(weather.ambientC(at: 9000, hint: &hint) == 15)
        #expect(hint == 2)
        #expect(weather.ambientC(at: 20000, hint: &hint) == 10)
    }
}
