import Foundation
import TwinCore
import TwinStore

/// `twin runs list|show|diff|export|rm`: the run history kept in SQLite.
struct RunsCommand: TwinCommand {
    let name = "runs"
    let summary = "List, show, compare, re-export and remove stored runs"
    let help = """
    USAGE: twin runs list [--limit N] [--scenario NAME]
           twin runs show ID
           twin runs diff A B
           twin runs export ID --format NAME -o PATH
           twin runs rm ID

    Reads the run database: --db PATH, else $TWIN_DB, else .twin/twin.db in this folder.
    'list' prints one run per line, newest first, each line starting with the run id.
    'export' rebuilds a formatter's output from the stored results without simulating again.

    EXAMPLES:
      twin runs list --limit 5
      twin runs diff 3 4
      twin runs export 4 --format html -o out/run4.html
    """
    var spec: CommandLineSpec {
        CommandLineSpec(valued: ["--limit", "--scenario", "--format", "-o", "--db", "--plugins"],
                        flags: [], positionals: ["action", "id", "other"], requiredPositionals: 1)
    }

    func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        let action = arguments.positionals[0]
        let store = try StoreLocation.open(arguments, console: console)
        switch action {
        case "list": try list(store, arguments, console)
        case "show": try show(store, id: try runID(arguments, 1), console)
        case "diff": try diff(store, try runID(arguments, 1), try runID(arguments, 2), console)
        case "export": try export(store, id: try runID(arguments, 1), arguments, console)
        case "rm":
            let id = try runID(arguments, 1)
            try storeCall { try store.deleteRun(id) }
            console.note("removed run \(id)")
        default:
            throw CLIError.usage("unknown action '\(action)' (use list, show, diff, export or rm)", command: name)
        }
        return 0
    }

    private func runID(_ arguments: ParsedArguments, _ position: Int) throws -> Int64 {
        guard arguments.positionals.count > position else {
            throw CLIError.usage("missing run ID (see 'twin runs list')", command: name)
        }
        guard let id = Int64(arguments.positionals[position]) else {
            throw CLIError.usage("run ID must be a number, got '\(arguments.positionals[position])'", command: name)
        }
        return id
    }

    private func list(_ store: RunStore, _ arguments: ParsedArguments, _ console: Console) throws {
        var limit: Int?
        if let text = arguments.value("--limit") {
            guard let value = Int(text), value > 0 else {
                throw CLIError.usage("--limit must be a positive integer, got '\(text)'", command: name)
            }
            limit = value
        }
        let rows = try storeCall { try store.listRuns(limit: limit, scenario: arguments.value("--scenario")) }
        var table = TextTable(["ID", "STARTED (UTC)", "STATUS", "SCENARIO", "POLICY", "SEED", "WALL S"], rightAligned: [0, 5, 6])
        for row in rows {
            let policy = row.policyVersion.map { "\(row.policy)@\($0)" } ?? row.policy
            table.add([String(row.id), row.startedAt, row.status.rawValue, row.scenarioName, policy,
                       String(row.seed), row.wallTimeS.map { String(format: "%.2f", $0) } ?? "-"])
        }
        console.out(rows.isEmpty ? "no runs stored yet (twin run FILE stores one)" : table.rendered)
    }

    private func show(_ store: RunStore, id: Int64, _ console: Console) throws {
        let stored = try storeCall { try store.loadRun(id) }
        let row = stored.row
        var lines = [
            "run \(row.id): \(row.scenarioName) (\(row.status.rawValue))",
            "  scenario hash  \(row.scenarioHash.prefix(16))  \(stored.metadata.scenario.path ?? "")",
            "  policy         \(row.policy)\(row.policyVersion.map { "@" + $0 } ?? "")",
            "  behaviours     \(stored.metadata.behaviours.map { "\($0.name)@\($0.version ?? "?")" }.joined(separator: ", "))",
            "  parameters     \(stored.metadata.parametersJSON)",
            "  seed           \(row.seed)",
            "  started        \(row.startedAt)   finished \(row.finishedAt ?? "-")",
            "  host           twin \(row.hostVersion)   wall time \(row.wallTimeS.map { String(format: "%.3f s", $0) } ?? "-")",
        ]
        if let error = row.error { lines.append("  error          \(error)") }
        let metrics = try storeCall { try store.metrics(id) }
        if !metrics.isEmpty {
            lines.append("")
            var table = TextTable(["METRIC", "VALUE"], rightAligned: [1])
            for metric in metrics { table.add([metric.name, formatMetric(metric.value)]) }
            lines.append(table.rendered)
        }
        if !stored.artifacts.isEmpty {
            lines.append("")
            lines.append("artifacts: " + stored.artifacts.map { "\($0.name) (\($0.mediaType), \($0.byteCount) bytes)" }.joined(separator: ", "))
        }
        console.out(lines.joined(separator: "\n"))
    }

    private func diff(_ store: RunStore, _ a: Int64, _ b: Int64, _ console: Console) throws {
        let difference = try storeCall { try store.diff(a, b) }
        var table = TextTable(["METRIC", "RUN \(a)", "RUN \(b)", "CHANGE", "%"], rightAligned: [1, 2, 3, 4])
        for metric in difference.metrics {
            let relative = metric.relativeChange.map { String(format: "%+.2f", $0 * 100) } ?? "-"
            table.add([metric.name, formatMetric(metric.a), formatMetric(metric.b),
                       metric.delta.map { ($0 > 0 ? "+" : "") + formatMetric($0) } ?? "-", relative])
        }
        console.out("run \(a) (\(difference.a.scenarioName), \(difference.a.policy)) vs run \(b) (\(difference.b.scenarioName), \(difference.b.policy))")
        console.out(table.rendered)
    }

    private func export(_ store: RunStore, id: Int64, _ arguments: ParsedArguments, _ console: Console) throws {
        guard let format = arguments.value("--format") else {
            throw CLIError.usage("export needs --format NAME (see 'twin plugins')", command: name)
        }
        let stored = try storeCall { try store.loadRun(id) }
        guard let result = stored.result else {
            throw CLIError.badInput("run \(id) failed and has no results to export (twin runs show \(id))")
        }
        let session = try SessionFactory.make(arguments, console: console)
        let path = arguments.value("-o")
        try FormatterOutputWriter.write(format: format, result: result, to: path == "-" ? nil : path,
                                        session: session, console: console)
    }
}

/// Runs a store call, turning its errors into a bad-input error the user can act on.
func storeCall<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as StoreError {
        throw CLIError.badInput("\(error)")
    }
}
