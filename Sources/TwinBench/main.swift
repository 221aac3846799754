// `make bench`: performance figures, printed, never asserted (tests stay deterministic).
// `twin-bench` runs everything; `twin-bench lua` / `core` / `host` only that group
// (`twin-bench lua-small` / `lua-year` one Lua policy case).
let filter = CommandLine.arguments.dropFirst().first
if filter == nil || filter == "host" { runLuaHostBenchmarks() }
if filter == nil || filter == "core" { runCoreBenchmarks() }
if filter == nil || filter == "lua" || filter?.hasPrefix("lua-") == true { runLuaPolicyBenchmarks(filter) }
