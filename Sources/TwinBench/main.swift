// `make bench`: performance figures, printed, never asserted (tests stay deterministic).
runLuaHostBenchmarks()
runCoreBenchmarks()
runLuaPolicyBenchmarks()
