extension ConsumptionModel {
    /// The prediction split into the climate part (heating and cooling features) and the rest,
    /// kWh/km; their sum is ``predictKWhPerKM(ambientC:avgSpeedKMH:gradeMPerKM:payloadKG:)``.
    /// Used by the engine's trip energy to report an HVAC term for a fitted model. O(features).
    public func predictedTerms(ambientC: Double, avgSpeedKMH: Double? = nil, gradeMPerKM: Double? = nil,
                               payloadKG: Double? = nil) -> (climateKWhPerKM: Double, otherKWhPerKM: Double) {
        var climate = 0.0, other = 0.0
        for entry in features {
            let x = entry.feature.value(ambientC: ambientC, avgSpeedKMH: avgSpeedKMH, gradeMPerKM: gradeMPerKM,
                                        payloadKG: payloadKG) ?? entry.trainingMean
            if entry.feature == .heatingDegrees || entry.feature == .coolingDegrees {
                climate += entry.coefficient * x
            } else {
                other += entry.coefficient * x
            }
        }
        return (climate, other)
    }
}
