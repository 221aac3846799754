import Foundation
import Testing

/// The progress bar: on stderr when it is a terminal, never when piped or with --quiet.
@Suite struct ProgressTests {
    /// Runs the demo with stdout/stderr on a pseudo-terminal (util-linux `script`), bar shown at once.
    private func runOnTerminal(_ extra: [String]) throws -> String {
        let dir = try TwinProcess.scratchDirectory()
        let demo = TwinProcess.packageRoot.appendingPathComponent("scripts/demo.lua").path
        let command = ([TwinProcess.binary.path, "run", demo, "--no-store", "--format", "json", "-o", "r.json"] + extra)
            .joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qfec", command, "/dev/null"]
        process.currentDirectoryURL = dir
        var environment = ProcessInfo.processInfo.environment
        environment["TWIN_PROGRESS_DELAY_S"] = "0"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }

    @Test func barOnATerminalShowsDatePercentAndSpeed() throws {
        let screen = try runOnTerminal([])
        #expect(screen.contains("sim days/s"), "\(screen)")
        #expect(screen.contains("% 2026-01-1"), "simulated date after the percentage: \(screen)")
        #expect(screen.contains("wrote json to r.json"))
    }

    @Test func quietOrPipedShowsNoBar() throws {
        #expect(!(try runOnTerminal(["--quiet"])).contains("sim days/s"))
        let dir = try TwinProcess.scratchDirectory()
        let demo = TwinProcess.packageRoot.appendingPathComponent("scripts/demo.lua").path
        let piped = try TwinProcess.run(["run", demo, "--no-store", "--format", "json", "-o", "r.json"], in: dir,
                                        environment: ["TWIN_PROGRESS_DELAY_S": "0"])
        #expect(piped.status == 0)
        #expect(!piped.stderr.contains("sim days/s"))
    }
}
