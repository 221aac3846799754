/// A bad value in a scenario, found before anything runs.
public struct ScenarioError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Where the value is, e.g. `vehicle_types[2].curve[3].soc`.
    public var fieldPath: String
    /// What is wrong with it.
    public var message: String
    /// What to do about it.
    public var hint: String

    public init(_ fieldPath: String, _ message: String, hint: String) {
        self.fieldPath = fieldPath
        self.message = message
        self.hint = hint
    }

    public var description: String { "\(fieldPath): \(message) (\(hint))" }
}
