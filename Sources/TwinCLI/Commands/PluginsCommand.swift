/// `twin plugins [show NAME]`: what is installed and what each plugin takes.
struct PluginsCommand: TwinCommand {
    let name = "plugins"
    let summary = "List plugins (policies, behaviours, formatters) or show one's manifest"
    let help = """
    USAGE: twin plugins [--plugins DIR]
           twin plugins show NAME

    Lists every plugin found, sorted by kind, then name. Plugins are searched in this order: bundled
    plugins/, then ./plugins, then each folder of $TWIN_PLUGIN_PATH, then --plugins DIR. A later
    plugin with the same name overrides an earlier one (a note on stderr says so).

    EXAMPLES:
      twin plugins
      twin plugins show peak_shaving
    """
    var spec: CommandLineSpec {
        CommandLineSpec(valued: ["--plugins"], flags: [], positionals: ["action", "name"], requiredPositionals: 0)
    }

    func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        let session = try SessionFactory.make(arguments, console: console)
        switch arguments.positionals.first {
        case nil, "list":
            console.out(PluginListing.table(session.registry))
        case "show":
            guard arguments.positionals.count > 1 else {
                throw CLIError.usage("missing plugin NAME (see 'twin plugins')", command: name)
            }
            let wanted = arguments.positionals[1]
            guard let entry = session.registry.plugin(wanted) else {
                let known = session.registry.all.map(\.name).joined(separator: ", ")
                throw CLIError.badInput("no plugin named '\(wanted)'; known: \(known)")
            }
            console.out(PluginListing.details(entry))
        case let other?:
            throw CLIError.usage("unknown action '\(other)' (use 'twin plugins' or 'twin plugins show NAME')", command: name)
        }
        return 0
    }
}
