import Foundation

/// One trip as read from a telematics CSV, already checked for plausibility.
public struct TelematicsRecord: Equatable, Sendable {
    /// 1-based line in the file where this record starts (for error messages downstream).
    public var line: Int
    public var vehicle: String
    public var start: Date
    public var end: Date
    public var distanceKM: Double
    public var energyKWh: Double
    public var ambientC: Double
    public var avgSpeedKMH: Double?
    public var elevationGainM: Double?
    public var elevationLossM: Double?
    public var payloadKG: Double?

    public init(line: Int, vehicle: String, start: Date, end: Date, distanceKM: Double, energyKWh: Double,
                ambientC: Double, avgSpeedKMH: Double? = nil, elevationGainM: Double? = nil,
                elevationLossM: Double? = nil, payloadKG: Double? = nil) {
        self.line = line
        self.vehicle = vehicle
        self.start = start
        self.end = end
        self.distanceKM = distanceKM
        self.energyKWh = energyKWh
        self.ambientC = ambientC
        self.avgSpeedKMH = avgSpeedKMH
        self.elevationGainM = elevationGainM
        self.elevationLossM = elevationLossM
        self.payloadKG = payloadKG
    }
}

/// Reader for per-trip telematics exports.
///
/// Columns (header names, any order, extra columns ignored):
/// - required: `vehicle`, `start`, `end` (ISO 8601, e.g. `2024-01-31T06:15:00Z`), `distance_km`,
///   `energy_kwh`, `ambient_c`;
/// - optional: `avg_speed_kmh`, `elevation_gain_m`, `elevation_loss_m`, `payload_kg` (a cell may be
///   empty; the fitter uses a feature only when every row has it).
///
/// RFC 4180 quoting (`"a,b"`, `""` for a quote, newlines inside quotes), LF or CRLF line ends and a
/// UTF-8 byte-order mark are accepted. Every value is checked, and the first problem is thrown as a
/// ``FitDataError`` naming the line and column, because a fit on silently-dropped rows is worse than
/// no fit.
public enum TelematicsCSV {
    public static let requiredColumns = ["vehicle", "start", "end", "distance_km", "energy_kwh", "ambient_c"]
    public static let optionalColumns = ["avg_speed_kmh", "elevation_gain_m", "elevation_loss_m", "payload_kg"]

    /// Plausible bus consumption, kWh/km. Outside this band the usual cause is a unit slip by 1000
    /// (Wh for kWh, metres for km), which we name rather than fit.
    public static let plausibleKWhPerKM: ClosedRange<Double> = 0.01...20

    /// Reads and checks a telematics file. O(size of file).
    /// - Throws: ``FitDataError`` for the first bad line, or if the file cannot be read.
    public static func read(contentsOf url: URL) throws -> [TelematicsRecord] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw FitDataError(row: nil, column: nil, message: "cannot read \(url.path): \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FitDataError(row: nil, column: nil, message: "\(url.path) is not UTF-8 text; export the CSV as UTF-8")
        }
        return try parse(text)
    }

    /// Parses and checks CSV text. O(length of text).
    /// - Throws: ``FitDataError`` for the first bad line.
    public static func parse(_ text: String) throws -> [TelematicsRecord] {
        let rows = try splitRecords(text)
        guard let header = rows.first else {
            throw FitDataError(row: 1, column: nil, message: "the file is empty; expected a header line with columns \(requiredColumns.joined(separator: ", "))")
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
        let missing = requiredColumns.filter { index[$0] == nil }
        if !missing.isEmpty {
            throw FitDataError(
                row: header.line, column: missing.joined(separator: ","),
                message: "missing required column(s) \(missing.joined(separator: ", ")); found: \(names.joined(separator: ", "))")
        }
        let body = rows.dropFirst()
        if body.isEmpty {
            throw FitDataError(row: header.line, column: nil, message: "the file has a header but no data rows")
        }
        return try body.map { try record(from: $0, index: index, columnCount: names.count) }
    }

    // MARK: - Fields

    private static func record(from raw: RawRecord, index: [String: Int], columnCount: Int) throws -> TelematicsRecord {
        let line = raw.line
        guard raw.fields.count == columnCount else {
            throw FitDataError(row: line, column: nil,
                               message: "has \(raw.fields.count) fields but the header has \(columnCount); check for an unquoted comma")
        }
        func cell(_ column: String) -> String? {
            guard let i = index[column] else { return nil }
            let value = raw.fields[i].trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        func number(_ column: String, required: Bool) throws -> Double? {
            guard let text = cell(column) else {
                if required { throw FitDataError(row: line, column: column, message: "is empty; a number is required") }
                return nil
            }
            guard let value = Double(text) else {
                throw FitDataError(row: line, column: column, message: "'\(text)' is not a number")
            }
            guard value.isFinite else {
                throw FitDataError(row: line, column: column, message: "'\(text)' is not a finite number (NaN or infinity); fix or drop the row")
            }
            return value
        }
        func date(_ column: String) throws -> Date {
            guard let text = cell(column) else {
                throw FitDataError(row: line, column: column, message: "is empty; an ISO 8601 time is required")
            }
            guard let value = parseISO8601(text) else {
                throw FitDataError(row: line, column: column, message: "'\(text)' is not an ISO 8601 time like 2024-01-31T06:15:00Z")
            }
            return value
        }

        guard let vehicle = cell("vehicle") else {
            throw FitDataError(row: line, column: "vehicle", message: "is empty; a vehicle id is required")
        }
        let start = try date("start")
        let end = try date("end")
        guard end > start else {
            throw FitDataError(row: line, column: "end", message: "end \(cell("end")!) is not after start \(cell("start")!)")
        }
        let distance = try number("distance_km", required: true)!
        if distance < 0 {
            throw FitDataError(row: line, column: "distance_km", message: "distance \(distance) km is negative")
        }
        if distance == 0 {
            // kWh/km is undefined; a depot shunt or idle record does not belong in a consumption fit.
            throw FitDataError(row: line, column: "distance_km", message: "distance is 0 km, so kWh/km is undefined; drop idle or shunting records")
        }
        let energy = try number("energy_kwh", required: true)!
        let perKM = energy / distance
        if energy < 0 {
            throw FitDataError(row: line, column: "energy_kwh", message: "energy \(energy) kWh is negative; a whole trip should consume net energy")
        }
        if perKM > plausibleKWhPerKM.upperBound {
            throw FitDataError(row: line, column: "energy_kwh",
                               message: "\(perKM) kWh/km is implausible for a bus; energy_kwh looks like Wh (value/1000 would be plausible)")
        }
        if perKM < plausibleKWhPerKM.lowerBound {
            throw FitDataError(row: line, column: "energy_kwh",
                               message: "\(perKM) kWh/km is implausible for a bus; energy_kwh looks like MWh or distance_km like metres (x1000 would be plausible)")
        }
        let ambient = try number("ambient_c", required: true)!
        if !(-60...60).contains(ambient) {
            throw FitDataError(row: line, column: "ambient_c", message: "\(ambient) °C is outside -60...60; is it Fahrenheit or Kelvin?")
        }
        let speed = try number("avg_speed_kmh", required: false)
        if let speed, !(speed > 0 && speed <= 150) {
            throw FitDataError(row: line, column: "avg_speed_kmh", message: "\(speed) km/h is outside (0, 150]; is it m/s or mph?")
        }
        let gain = try number("elevation_gain_m", required: false)
        let loss = try number("elevation_loss_m", required: false)
        for (column, value) in [("elevation_gain_m", gain), ("elevation_loss_m", loss)] {
            if let value, value < 0 {
                throw FitDataError(row: line, column: column, message: "\(value) m is negative; gain and loss are both totals >= 0")
            }
        }
        let payload = try number("payload_kg", required: false)
        if let payload, payload < 0 {
            throw FitDataError(row: line, column: "payload_kg", message: "payload \(payload) kg is negative")
        }
        return TelematicsRecord(line: line, vehicle: vehicle, start: start, end: end, distanceKM: distance,
                                energyKWh: energy, ambientC: ambient, avgSpeedKMH: speed, elevationGainM: gain,
                                elevationLossM: loss, payloadKG: payload)
    }

    static func parseISO8601(_ text: String) -> Date? {
        // Formatters are built per call: this runs once per row, and a shared formatter is not
        // safe to use from several threads on every platform.
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    // MARK: - CSV splitting

    struct RawRecord {
        var line: Int
        var fields: [String]
    }

    /// Splits RFC 4180 text into records, remembering the line each starts on. Blank lines are
    /// skipped (spreadsheets often add one at the end). O(n) in the text length.
    static func splitRecords(_ text: String) throws -> [RawRecord] {
        var records: [RawRecord] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var quoteOpenedLine = 1
        var fieldWasQuoted = false
        // Unicode scalars, not Characters: "\r\n" is one Character in Swift and would hide the CR.
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var i = 0

        func endRecord() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            let blank = fields.count == 1 && fields[0].trimmingCharacters(in: .whitespaces).isEmpty && !fieldWasQuoted
            if !blank { records.append(RawRecord(line: recordLine, fields: fields)) }
            fields = []
            fieldWasQuoted = false
        }

        while i < scalars.count {
            let c = scalars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < scalars.count, scalars[i + 1] == "\"" {
                        field.append("\"")
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
            } else {
                switch c {
                case "\"":
                    inQuotes = true
                    fieldWasQuoted = true
                    quoteOpenedLine = line
                case ",":
                    fields.append(String(field))
                    field = String.UnicodeScalarView()
                case "\r":
                    // A bare CR (old Mac) also ends a line; CRLF is handled by skipping the LF.
                    endRecord()
                    if i + 1 < scalars.count, scalars[i + 1] == "\n" { i += 1 }
                    line += 1
                    recordLine = line
                case "\n":
                    endRecord()
                    line += 1
                    recordLine = line
                default:
                    field.append(c)
                }
            }
            i += 1
        }
        if inQuotes {
            throw FitDataError(row: quoteOpenedLine, column: nil, message: "a quoted field is never closed; check for a stray \" character")
        }
        if !fields.isEmpty || !field.isEmpty { endRecord() }
        return records
    }
}
