print("twin: not built yet")
