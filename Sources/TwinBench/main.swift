runLuaHostBenchmarks()
