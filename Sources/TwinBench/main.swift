// `make bench`: performance figures, printed, never asserted (tests stay deterministic).
// `twin-bench` runs everything; `twin-bench core` (or `lua`, `policy`) runs one group;
// `twin-bench policy-small` / `policy-year` / `policy-month [nokey]` / `policy-parts [name]` one Lua policy case.
let only = CommandLine.arguments.dropFirst().first
if only == nil || only == "lua" { runLuaHostBenchmarks() }
if only == nil || only == "core" { runCoreBenchmarks() }
if only == nil || only == "policy" || only?.hasPrefix("policy-") == true { runLuaPolicyBenchmarks(only) }
