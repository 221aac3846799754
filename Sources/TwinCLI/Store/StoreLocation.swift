import Foundation
import TwinStore

/// Which run database a command uses: `--db PATH`, else `TWIN_DB`, else `.twin/twin.db` in the
/// working directory; none with `--no-store`.
enum StoreLocation {
    /// The database path for these arguments, or nil when the user asked for no store.
    static func path(_ arguments: ParsedArguments, console: Console) -> String? {
        if arguments.has("--no-store") { return nil }
        if let explicit = arguments.value("--db") {
            return explicit.hasPrefix("/") ? explicit : console.workingDirectory + "/" + explicit
        }
        return RunStore.defaultPath(environment: console.environment, cwd: console.workingDirectory)
    }

    /// Opens the store for a command that needs one (`twin runs ...`).
    /// - Throws: `CLIError.badInput` when the file cannot be opened, with what to do.
    static func open(_ arguments: ParsedArguments, console: Console) throws -> RunStore {
        guard let path = path(arguments, console: console) else {
            throw CLIError.usage("this command needs a run database; drop --no-store", command: nil)
        }
        do {
            return try RunStore(path: path)
        } catch {
            throw CLIError.badInput("cannot open run database \(path): \(error)")
        }
    }
}
