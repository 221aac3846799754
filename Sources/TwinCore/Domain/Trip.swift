/// One revenue or dead-head trip. Times are UTC seconds.
public struct Trip: Equatable, Sendable, Codable {
    public var id: String
    public var routeID: String?
    public var departure: Double
    public var arrival: Double
    public var distanceKM: Double
    public var elevationGainM: Double
    public var elevationLossM: Double

    public init(id: String, routeID: String? = nil, departure: Double, arrival: Double, distanceKM: Double,
                elevationGainM: Double = 0, elevationLossM: Double = 0) {
        self.id = id
        self.routeID = routeID
        self.departure = departure
        self.arrival = arrival
        self.distanceKM = distanceKM
        self.elevationGainM = elevationGainM
        self.elevationLossM = elevationLossM
    }
}

/// A vehicle's duty: leaves the depot (pull-out), drives its trips in order, returns (pull-in).
public struct Block: Equatable, Sendable, Codable {
    public var id: String
    /// The vehicle scheduled for the block (the behaviour may dispatch another).
    public var vehicleID: String
    /// Dead-head from the depot to the first trip; its departure is the block's start when present.
    public var pullOut: Trip?
    public var trips: [Trip]
    /// Dead-head back to the depot; its arrival is the block's end when present.
    public var pullIn: Trip?

    public init(id: String, vehicleID: String, pullOut: Trip? = nil, trips: [Trip], pullIn: Trip? = nil) {
        self.id = id
        self.vehicleID = vehicleID
        self.pullOut = pullOut
        self.trips = trips
        self.pullIn = pullIn
    }

    /// Every leg driven, pull-out and pull-in included, in order.
    public var legs: [Trip] {
        var all: [Trip] = []
        if let p = pullOut { all.append(p) }
        all.append(contentsOf: trips)
        if let p = pullIn { all.append(p) }
        return all
    }

    /// When the vehicle leaves the depot, UTC s.
    public var departure: Double { pullOut?.departure ?? trips.first?.departure ?? 0 }
    /// When the vehicle is back at the depot, UTC s.
    public var arrival: Double { pullIn?.arrival ?? trips.last?.arrival ?? departure }
    /// Distance of all legs, km.
    public var distanceKM: Double { legs.reduce(0) { $0 + $1.distanceKM } }
}
