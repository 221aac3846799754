// `make bench`: performance figures, printed, never asserted (tests stay deterministic).
// `twin-bench` runs everything; `twin-bench core` (or `lua`, `policy`) runs one group.
let only = CommandLine.arguments.dropFirst().first
if only == nil || only == "lua" { runLuaHostBenchmarks() }
if only == nil || only == "core" { runCoreBenchmarks() }
if only == nil || only == "policy" { runLuaPolicyBenchmarks() }
