import Dispatch
import LuaHost
import TwinTestSupport

#if canImport(Glibc)
import Glibc
#endif


private func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

private final class BenchVehicle {
    var soc = 0.5
}

/// Prints ns per operation for the Lua bridge's hot paths, and memory after create/close churn.
func runLuaHostBenchmarks() {
    do {
        try benchmarkCalls()
        try benchmarkLeaks()
    } catch {
        print("LuaHost benchmark failed: \(error)")
    }
}

private func benchmarkCalls() throws {
    let lua = try LuaState()
    let n = 5_000_000
    lua.register("inc") { args in args.push(try args.number(at: 1) + 1) }
    lua.register(LuaClass<BenchVehicle>("vehicle").property("soc", get: { $0.soc }, set: { $0.soc = $1 }))
    let benchBus = BenchVehicle()
    let busValue = lua.value(of: benchBus)
    lua.setGlobal("bus", busValue)
    lua.setGlobal("N", .integer(Int64(n)))

    let empty = try seconds { try lua.run("local s = 0 for i = 1, N do s = s + i end") }
    let luaToSwift = try seconds { try lua.run("local f, s = inc, 0 for i = 1, N do s = s + f(i) end") }
    let property = try seconds { try lua.run("local v, s = bus, 0 for i = 1, N do s = s + v.soc end") }
    let perLoop = empty / Double(n) * 1e9
    print(String("LuaHost  Lua -> Swift call:          \(ns(luaToSwift, n)) ns/call (loop overhead \(ns(empty, n)) ns included)"))
    print("LuaHost  userdata property read:    \(ns(property, n)) ns/read (loop overhead included)")

    guard case .function(let f) = try lua.run("return function(x) return x + 1 end")[0] else { return }
    let m = 2_000_000
    var sum = 0.0
    let fast = try seconds {
        for i in 0..<m {
            sum += try lua.call(f, pushing: { $0.push(Double(i)) }, reading: { try $0.number(at: 1) })
        }
    }
    print("LuaHost  Swift -> Lua call (fast):  \(ns(fast, m)) ns/call")
    let boxed = try seconds {
        for i in 0..<(m / 4) { _ = try lua.call(f, [.integer(Int64(i))]) }
    }
    print("LuaHost  Swift -> Lua call ([LuaValue]): \(ns(boxed, m / 4)) ns/call")

    // A policy-shaped hook: a prebuilt ctx table in, an array of 20 numbers out.
    guard case .function(let allocate) = try lua.run("""
        return function(ctx, params)
          local out = {}
          for i = 1, #ctx.wanted do out[i] = math.min(ctx.wanted[i], params.max_kw) end
          return out
        end
        """)[0] else { return }
    let ctx = lua.newTable()
    let wanted = lua.newTable()
    lua.setArray(wanted, (0..<20).map { Double($0) * 10 })
    lua.set(ctx, "wanted", to: wanted)
    let params = lua.ref(["max_kw": 150.0])
    var out: [Double] = []
    let k = 200_000
    let hook = try seconds {
        for _ in 0..<k {
            try lua.call(allocate, pushing: { $0.push(ctx); $0.push(params) }, reading: { try $0.doubles(at: 1, into: &out) })
        }
    }
    print("LuaHost  allocate(ctx, params) -> 20 doubles: \(ns(hook, k)) ns/call (sum check \(out.reduce(0, +)), \(sum > 0))")
    _ = perLoop
}

private func ns(_ seconds: Double, _ n: Int) -> String {
    let v = seconds / Double(n) * 1e9
    return String(Int(v * 10) / 10) + "." + String(Int(v * 10) % 10)
}

private func benchmarkLeaks() throws {
    for _ in 0..<200 { _ = try LuaState() }
    let rss0 = residentBytes()
    let states = try seconds { for _ in 0..<10_000 { _ = try LuaState() } }
    let rss1 = residentBytes()
    for _ in 0..<10_000 { _ = try LuaState() }
    let rss2 = residentBytes()
    print("LuaHost  10,000 states created+closed in \(String(format3: states)) s; RSS \(rss0 >> 10) KiB -> \(rss1 >> 10) KiB -> (another 10,000) \(rss2 >> 10) KiB; bytes left unfreed by lua_close: \(LuaState.closedStateStatistics.leakedBytes)")

    let lua = try LuaState()
    lua.register(LuaClass<BenchVehicle>("vehicle").property("soc", get: { $0.soc }))
    lua.register("make") { $0.push(object: BenchVehicle()) }
    try lua.run("for i = 1, 100000 do local v = make() end collectgarbage()")
    var line = "LuaHost  userdata churn, RSS after each 1,000,000 created+collected:"
    var total = 0.0
    for _ in 0..<3 {
        total += try seconds {
            try lua.run("for j = 1, 10 do for i = 1, 100000 do local v = make() end collectgarbage() end")
        }
        line += " \(residentBytes() >> 10) KiB"
    }
    print(line + " (\(String(format3: total / 3)) s per million; Lua heap \(lua.memoryUsed >> 10) KiB)")
}

extension String {
    fileprivate init(format3 d: Double) { self = String(Int(d * 1000) / 1000) + "." + String(Int(d * 1000) % 1000) }
}
