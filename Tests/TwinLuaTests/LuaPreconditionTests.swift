import Foundation
import Testing
import TwinCore
@testable import TwinLua

@Suite struct LuaPreconditionTests {
    /// The precondition hook gets `ctx.now`, the plug-in time: a behaviour heating the cabin from
    /// plug-in to departure returns `departure - now`, and preconditioning then starts at plug-in.
    @Test func preconditionHookSeesNow() throws {
        let dir = makeTempDir()
        write("""
        return twin.behaviour { name = "from_plug_in", version = "1", api = "1",
          precondition = function(ctx, params)
            if type(ctx.now) ~= "number" or ctx.now > ctx.block.departure then error("bad ctx.now " .. tostring(ctx.now)) end
            print(ctx.vehicle.id .. " " .. math.tointeger(ctx.now))
            return ctx.block.departure - ctx.now
          end }
        """, to: dir + "/plugins/behaviours/from_plug_in.lua")
        write(ScriptTests.depotScript.replacingOccurrences(of: "\"before_departure\"", with: "\"from_plug_in\""),
              to: dir + "/depot.lua")
        let notes = NoteSink()
        let session = try makeSession(cwd: dir, notes: notes)
        try session.runScript(path: "depot.lua")
        let r = try #require(session.runs.last).result
        let starts = r.events.filter { $0.kind == .preconditionStart }
        #expect(!starts.isEmpty)
        // Every answer was given at a plug-in, and preconditioning started right then.
        let plugIns = Set(r.events.filter { $0.kind == .plugIn }.map { "\($0.vehicleID) \(Int($0.time))" })
        #expect(!notes.lines.isEmpty)
        #expect(notes.lines.allSatisfy { plugIns.contains($0) })
        #expect(starts.allSatisfy { plugIns.contains("\($0.vehicleID) \(Int($0.time))") })
    }
}
