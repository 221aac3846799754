import Foundation
import TwinLua
import TwinStore

/// `twin check FILE`: validates a scenario or a plugin without simulating.
struct CheckCommand: TwinCommand {
    let name = "check"
    let summary = "Validate a scenario (.json/.lua) or a plugin file without running it"
    let help = """
    USAGE: twin check FILE [--plugins DIR] [--db PATH]

    Reports every problem with its place (file:line or field path) and exits 2, or prints 'ok'.
    A plugin file (under a policies/, behaviours/ or formatters/ folder) has its manifest read
    in the sandbox without calling a hook. A .lua scenario that loads resources (twin.store.load)
    reads them from the run database when one exists (--db PATH, $TWIN_DB, .twin/twin.db).

    EXAMPLES:
      twin check reference/S1.json
      twin check plugins/policies/llf.lua
    """
    var spec: CommandLineSpec {
        CommandLineSpec(valued: ["--plugins", "--db"], flags: [], positionals: ["file"], requiredPositionals: 1)
    }

    func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        let file = arguments.positionals[0]
        guard FileManager.default.fileExists(atPath: file) else {
            throw CLIError.badInput("no such file: \(file)")
        }
        let session = try SessionFactory.make(arguments, console: console)
        // Checking never creates a database; an existing one serves twin.store.load.
        if let path = StoreLocation.path(arguments, console: console), FileManager.default.fileExists(atPath: path) {
            session.attach(store: try storeCall { try RunStore(path: path) })
        }
        let findings: [String]
        do {
            findings = try session.check(path: file)
        } catch {
            throw CLIError.badInput(ErrorClassifier.classify(error).description)
        }
        for finding in findings { console.note(finding) }
        console.out("\(file): ok")
        return 0
    }
}
