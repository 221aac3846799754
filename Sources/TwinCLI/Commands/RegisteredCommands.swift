/// The subcommands `twin` knows, in the order `twin --help` lists them.
let registeredCommands: [TwinCommand] = [
    RunCommand(), ReplCommand(), CheckCommand(), PluginsCommand(), RunsCommand(), PredictCommand(), FitCommand(),
    ResourcesCommand(),
]
