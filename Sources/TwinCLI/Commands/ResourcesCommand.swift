import Foundation
import TwinLua
import TwinStore

/// `twin resources list|show|rm|import`: the library of named vehicle types, chargers, depots and
/// consumption models that scripts reach through `twin.store`.
struct ResourcesCommand: TwinCommand {
    let name = "resources"
    let summary = "List, show, remove and import stored vehicle types, chargers, depots and models"
    let help = """
    USAGE: twin resources list [--kind KIND]
           twin resources show KIND NAME
           twin resources rm KIND NAME
           twin resources import KIND NAME FILE.json

    KIND is vehicle_type, charger, depot or consumption_model. Scripts save and load the same
    documents with twin.store.save/load (docs/lua-api.md). 'import' checks the document as
    twin.store.save does (a vehicle type must build as twin.vehicle_type would) before storing it.
    Reads the run database: --db PATH, else $TWIN_DB, else .twin/twin.db in this folder.

    EXAMPLES:
      twin resources list --kind vehicle_type
      twin resources show vehicle_type E12
      twin resources import vehicle_type E12 e12.json
    """
    var spec: CommandLineSpec {
        CommandLineSpec(valued: ["--kind", "--db", "--plugins"], flags: [],
                        positionals: ["action", "kind", "name", "file"], requiredPositionals: 1)
    }

    func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        let action = arguments.positionals[0]
        let store = try StoreLocation.open(arguments, console: console)
        switch action {
        case "list":
            if arguments.positionals.count > 1 {
                throw CLIError.usage("list takes no KIND argument; use --kind KIND", command: name)
            }
            let kind = try arguments.value("--kind").map { try checkedKind($0) }
            let rows = try storeCall { try store.listResources(kind: kind) }
            var table = TextTable(["KIND", "NAME", "UPDATED (UTC)", "BYTES"], rightAligned: [3])
            for row in rows { table.add([row.kind, row.name, row.updatedAt, String(row.json.utf8.count)]) }
            console.out(rows.isEmpty ? "no resources stored\(kind.map { " of kind \($0)" } ?? "") (scripts save them with twin.store.save)" : table.rendered)
        case "show":
            let (kind, resource) = try kindAndName(arguments)
            guard let json = try storeCall({ try store.loadResource(kind: kind, name: resource) }) else {
                throw CLIError.badInput("no \(kind) '\(resource)' stored (twin resources list --kind \(kind))")
            }
            console.out(Self.pretty(json))
        case "rm":
            let (kind, resource) = try kindAndName(arguments)
            guard try storeCall({ try store.deleteResource(kind: kind, name: resource) }) else {
                throw CLIError.badInput("no \(kind) '\(resource)' stored (twin resources list --kind \(kind))")
            }
            console.note("removed \(kind) '\(resource)'")
        case "import":
            let (kind, resource) = try kindAndName(arguments)
            guard arguments.positionals.count > 3 else { throw CLIError.usage("import needs KIND NAME FILE.json", command: name) }
            let file = arguments.positionals[3]
            let path = file.hasPrefix("/") ? file : console.workingDirectory + "/" + file
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIError.badInput("\(file): cannot read the file") }
            let session = try SessionFactory.make(arguments, console: console)
            let json: String
            do {
                json = try session.checkedResource(kind: kind, name: resource, json: String(decoding: data, as: UTF8.self))
            } catch {
                throw CLIError.badInput("\(file): \(error)")
            }
            try storeCall { try store.saveResource(kind: kind, name: resource, json: json) }
            console.note("stored \(kind) '\(resource)' in \(store.path)")
        default:
            throw CLIError.usage("unknown action '\(action)' (use list, show, rm or import)", command: name)
        }
        return 0
    }

    private func checkedKind(_ kind: String) throws -> String {
        guard ResourceKind(rawValue: kind) != nil else {
            throw CLIError.usage("unknown kind '\(kind)' (kinds: \(ResourceKind.names))", command: name)
        }
        return kind
    }

    private func kindAndName(_ arguments: ParsedArguments) throws -> (String, String) {
        guard arguments.positionals.count > 2 else {
            throw CLIError.usage("\(arguments.positionals[0]) needs KIND NAME (see 'twin resources list')", command: name)
        }
        return (try checkedKind(arguments.positionals[1]), arguments.positionals[2])
    }

    static func pretty(_ json: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed]),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed])
        else { return json }
        return String(decoding: data, as: UTF8.self)
    }
}
