import Foundation
import Testing

/// The REPL driven through a pipe, as a script would: no prompts, values printed, errors survived.
@Suite struct PipedReplTests {
    @Test func multiLineFunctionErrorRecoveryAndCommands() throws {
        let dir = try TwinProcess.scratchDirectory()
        let input = """
        1 + 1
        local function square(x)
          return x * x
        end
        square(12)
        nil_value.field
        "still here"
        :plugins
        local s = twin.load_scenario("\(TwinProcess.reference("S1.json"))")
        s.name
        :quit
        """
        let repl = try TwinProcess.run(["repl", "--no-store"], in: dir, stdin: input)
        #expect(repl.status == 0)
        let lines = repl.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "2")
        #expect(lines.contains("144"), "multi-line function then a call: \(repl.stdout)")
        #expect(repl.stderr.contains("stdin:1:"), "error with its place: \(repl.stderr)")
        #expect(lines.contains("\"still here\""), "the REPL goes on after an error")
        #expect(repl.stdout.contains("llf"), ":plugins lists plugins")
        #expect(lines.contains("\"S1\""), "locals persist across lines")
        #expect(!repl.stdout.contains("twin>"), "no prompts when piped")
    }

    @Test func runThenInteractiveKeepsResultBound() throws {
        let dir = try TwinProcess.scratchDirectory()
        let repl = try TwinProcess.run(["run", TwinProcess.reference("S2.json"), "--policy", "edf", "-i", "--no-store",
                                        "--format", "json", "-o", "r.json"],
                                       in: dir, stdin: "result.summary.peak_kw\nresult.policy\nscenario.name\n")
        #expect(repl.status == 0, "\(repl.stderr)")
        let lines = repl.stdout.split(separator: "\n").map(String.init)
        let peak = try #require(lines.first.flatMap(Double.init))
        #expect(peak <= 600 + 1e-6 && peak > 500)
        #expect(lines.contains("\"edf\""))
        #expect(lines.contains("\"S2\""), "the scenario is bound too")
    }

    @Test func replRunsTheFileFirstAndBindsItsLastResult() throws {
        let dir = try TwinProcess.scratchDirectory()
        let script = TwinProcess.packageRoot.appendingPathComponent("scripts/overnight.lua").path
        let repl = try TwinProcess.run(["repl", script, "--no-store"], in: dir, stdin: "result.policy\nresult.summary.peak_kw\n")
        #expect(repl.status == 0, "\(repl.stderr)")
        let lines = repl.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("\"balanced\""), "\(repl.stdout)")
        // Reference B, balanced: a flat 210.5263 kW.
        let peak = try #require(lines.last.flatMap(Double.init))
        #expect(abs(peak - 210.5263) < 1e-4)
    }
}
