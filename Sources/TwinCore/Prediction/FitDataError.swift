/// Why telematics data, or a fit on it, was refused.
///
/// `row` is the 1-based line number in the file where the offending record starts (the header is
/// line 1), so the user can open the file at that line; it is `nil` when the problem is not tied to
/// one row (e.g. too few rows, a singular fit). `column` is the CSV column or model feature involved.
public struct FitDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based line number in the source file, or `nil` for whole-data-set problems.
    public var row: Int?
    /// Column (CSV header name) or feature name concerned, or `nil`.
    public var column: String?
    /// What is wrong and what to do about it.
    public var message: String

    public init(row: Int?, column: String?, message: String) {
        self.row = row
        self.column = column
        self.message = message
    }

    public var description: String {
        var place: [String] = []
        if let row { place.append("line \(row)") }
        if let column { place.append("column \(column)") }
        return place.isEmpty ? message : "\(place.joined(separator: ", ")): \(message)"
    }
}
