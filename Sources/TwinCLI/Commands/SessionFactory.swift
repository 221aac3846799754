import Foundation
import TwinCore
import TwinLua

/// Builds the one `Session` a command works in, from the options every command shares:
/// `--plugins DIR`, `--policy`, `--set name=value`, `--seed N`.
enum SessionFactory {
    static func make(_ arguments: ParsedArguments, console: Console) throws -> Session {
        var options = SessionOptions()
        options.environment = console.environment
        options.workingDirectory = console.workingDirectory
        options.pluginDirectories = arguments.values("--plugins")
        options.policyOverride = arguments.value("--policy")
        options.notes = { console.note($0) }
        if let seedText = arguments.value("--seed") {
            guard let seed = UInt64(seedText) else {
                throw CLIError.usage("--seed must be a non-negative integer, got '\(seedText)'", command: nil)
            }
            options.seedOverride = seed
        }
        for assignment in arguments.values("--set") {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw CLIError.usage("--set takes name=value (e.g. --set llf.horizon_h=8), got '\(assignment)'", command: nil)
            }
            options.paramOverrides[String(assignment[..<equals])] = String(assignment[assignment.index(after: equals)...])
        }
        do {
            return try Session(options: options)
        } catch {
            throw ErrorClassifier.classify(error)
        }
    }
}
