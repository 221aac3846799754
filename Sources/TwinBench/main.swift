print("bench")
runCoreBenchmarks()
