import Foundation
import TwinCore
import TwinLua
import TwinStore

/// `twin run FILE`: runs a Lua study script or a session-list JSON scenario, writes the chosen
/// outputs, stores the run, and optionally opens the REPL in the same context.
struct RunCommand: TwinCommand {
    let name = "run"
    let summary = "Run a scenario (.json) or a Lua study script (.lua); print, write and store results"
    let help = """
    USAGE: twin run FILE [options]

    FILE is a Lua scenario/study script (each twin.run in it is a run) or a session-list JSON
    scenario (reference schema). Without --format the summary of the last run is printed (a
    script that makes no run just runs: nothing is printed or stored).

    OPTIONS:
      --policy NAME        charging policy (overrides the script's; JSON default: uncontrolled)
      --set NAME=VALUE     a plugin or scenario parameter, typed by its manifest (repeatable),
                           e.g. --set peak_shaving.target_kw=800 --set step_s=60
      --format NAME        a formatter plugin (repeatable); each -o PATH binds to the --format before it
      -o PATH              where that format goes ('-' = stdout, which then carries only that output)
      --seed N             seed for every random draw (overrides the scenario's)
      --db PATH            run database (default $TWIN_DB, else .twin/twin.db)
      --no-store           keep nothing in the database
      --plugins DIR        one more plugin folder, searched last (repeatable)
      --quiet              no progress and no notes on stderr
      -i                   open the REPL afterwards, with `result` bound (and `scenario` for a
                           .json scenario; a script's own globals stay as it left them)

    A run longer than about a second shows a progress bar on stderr when stderr is a terminal
    (simulated date, percentage, simulated days per second); TWIN_PROGRESS_DELAY_S changes the delay.

    EXAMPLES:
      twin run scripts/demo.lua --format summary --format html -o out/report.html
      twin run reference/S2.json --policy llf --format json -o -
    """
    var spec: CommandLineSpec {
        CommandLineSpec(valued: ["--policy", "--set", "--format", "-o", "--seed", "--db", "--plugins"],
                        flags: ["--no-store", "--quiet", "-i"], positionals: ["file"], requiredPositionals: 1)
    }

    func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        let file = arguments.positionals[0]
        let outputs = try OutputRequest.parse(arguments, command: name)
        let quiet = arguments.has("--quiet")
        let noteConsole = quiet ? Console.silent(console) : console
        let path = file.hasPrefix("/") ? file : console.workingDirectory + "/" + file
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError.badInput("no such file: \(file) (give a .lua script or a .json scenario)")
        }
        guard file.hasSuffix(".lua") || file.hasSuffix(".json") else {
            throw CLIError.badInput("\(file): twin run takes a .lua script or a .json session-list scenario")
        }
        let session = try SessionFactory.make(arguments, console: noteConsole)
        let progress = ProgressBar(enabled: !quiet && console.stderrIsTerminal,
                                   delayS: console.environment["TWIN_PROGRESS_DELAY_S"].flatMap(Double.init) ?? 1)
        session.progress = progress.update
        let interrupt = InterruptHandler.install(session: session)
        defer { interrupt.uninstall() }

        let store = try StoreLocation.path(arguments, console: console).map { path in
            try storeCall { try RunStore(path: path) }
        }
        if let store { session.attach(store: store) }
        let runsBefore = session.runs.count
        var failure: Error?
        var jsonScenario: Scenario?
        let started = Date()
        do {
            if file.hasSuffix(".json") {
                let policy = arguments.value("--policy") ?? "uncontrolled"
                let scenario: Scenario
                do {
                    scenario = try session.loadScenario(path: file)
                } catch {
                    throw CLIError.badInput("\(error)")
                }
                do {
                    _ = try session.registry.plugin(policy, kind: .policy)
                } catch {
                    throw CLIError.badInput("\(error)")
                }
                jsonScenario = scenario
                _ = try session.run(scenario: scenario, policy: policy)
            } else {
                try session.runScript(path: file)
            }
        } catch {
            failure = error
        }
        progress.finish()
        let newRuns = Array(session.runs[runsBefore...])
        if let failure {
            let classified = ErrorClassifier.classify(failure)
            if let store, classified.exitCode == 1 {
                let metadata = RunRecorder.failedMetadata(file: file, policy: arguments.value("--policy"),
                                                          seed: session.options.seedOverride ?? jsonScenario?.seed,
                                                          started: started)
                if let id = try? store.saveFailedRun(metadata, error: "\(classified)") {
                    noteConsole.note("stored failed run \(id) in \(store.path)")
                }
            }
            throw classified
        }
        guard let last = newRuns.last else {
            // A script may only build, predict, fit or fill the library (twin.store): that is a
            // success. Only an output the user asked for cannot be made without a run.
            if !arguments.values("--format").isEmpty {
                throw CLIError.badInput("\(file) ran but made no run, so there is nothing to --format: call twin.run(scenario, {...}) in the script")
            }
            noteConsole.note("\(file) made no run (no twin.run): nothing to print or store")
            if arguments.has("-i") { return ReplCommand.startREPL(session: session, console: console, store: store) }
            return 0
        }
        let artifacts = try FormatterOutputWriter.writeAll(outputs, result: last.result, session: session, console: noteConsole)
        if let store {
            for (index, run) in newRuns.enumerated() {
                let id = try storeCall {
                    try store.saveRun(RunRecorder.metadata(run, file: file),
                                      result: run.result, artifacts: index == newRuns.count - 1 ? artifacts : [])
                }
                noteConsole.note("stored run \(id) in \(store.path) (twin runs show \(id))")
            }
        }
        if arguments.has("-i") {
            try session.bindForREPL(result: last, scenario: jsonScenario)
            return ReplCommand.startREPL(session: session, console: console, store: store)
        }
        return 0
    }
}

/// One requested output: a formatter and where it goes (nil = stdout).
struct OutputRequest: Equatable {
    var format: String
    var path: String?

    /// `--format A -o PATH --format B`: each `-o` binds to the `--format` before it; a format with
    /// no `-o` prints to stdout; no `--format` at all means the summary on stdout.
    static func parse(_ arguments: ParsedArguments, command: String) throws -> [OutputRequest] {
        var requests: [OutputRequest] = []
        for option in arguments.options where option.name == "--format" || option.name == "-o" {
            if option.name == "--format" {
                requests.append(OutputRequest(format: option.value, path: nil))
            } else {
                guard !requests.isEmpty else {
                    throw CLIError.usage("-o \(option.value) must follow the --format it is for", command: command)
                }
                guard requests[requests.count - 1].path == nil else {
                    throw CLIError.usage("two -o for --format \(requests[requests.count - 1].format)", command: command)
                }
                requests[requests.count - 1].path = option.value == "-" ? nil : option.value
            }
        }
        return requests.isEmpty ? [OutputRequest(format: "summary", path: nil)] : requests
    }
}

extension Console {
    /// A console whose notes go nowhere (`--quiet`); results still reach stdout.
    static func silent(_ console: Console) -> Console {
        SilentConsole(environment: console.environment, workingDirectory: console.workingDirectory)
    }
}

private final class SilentConsole: Console {
    override func note(_ text: String) {}
}
