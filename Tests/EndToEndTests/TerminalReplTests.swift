import Foundation
import Testing

/// The REPL in a real pseudo-terminal (util-linux `script` gives the child a controlling tty, so a
/// typed Ctrl-C reaches it as SIGINT through the line discipline, exactly as at a keyboard).
@Suite(.serialized) struct TerminalReplTests {
    /// A `twin repl` under a pty whose keystrokes we type and whose screen we read.
    final class Terminal {
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        private let lock = NSLock()
        private var screen = ""

        init(directory: URL) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            let command = "\(TwinProcess.binary.path) repl --no-store"
            process.arguments = ["-qfec", command, "/dev/null"]
            process.currentDirectoryURL = directory
            var environment = ProcessInfo.processInfo.environment
            environment["HOME"] = directory.path
            environment["TERM"] = "xterm"
            process.environment = environment
            process.standardInput = input
            process.standardOutput = output
            process.standardError = output
            output.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                guard let self, !data.isEmpty else { return }
                self.lock.lock()
                self.screen += String(decoding: data, as: UTF8.self)
                self.lock.unlock()
            }
            try process.run()
        }

        func type(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }

        var text: String {
            lock.lock()
            defer { lock.unlock() }
            return screen
        }

        /// Waits until the screen after `offset` contains `needle` (up to `seconds`).
        @discardableResult
        func waitFor(_ needle: String, after offset: Int = 0, seconds: Double = 20) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                let current = text
                if current.count > offset, current.dropFirst(offset).contains(needle) { return true }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return false
        }

        /// The screen offset just past the first `needle` after `offset` (the screen's end if none).
        func offset(after needle: String, from offset: Int) -> Int {
            let current = text
            guard current.count > offset,
                  let range = current.dropFirst(offset).range(of: needle) else { return current.count }
            return current.distance(from: current.startIndex, to: range.upperBound)
        }

        func close() {
            if process.isRunning { process.terminate() }
            output.fileHandleForReading.readabilityHandler = nil
        }
    }

    @Test func completionCtrlCAndCtrlD() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            Issue.record("util-linux `script` is needed for the pseudo-terminal test")
            return
        }
        let dir = try TwinProcess.scratchDirectory()
        let terminal = try Terminal(directory: dir)
        defer { terminal.close() }
        #expect(terminal.waitFor("twin> "), "prompt appears: \(terminal.text)")

        // Tab completion of a table field: `twin.simu` + TAB becomes `twin.simulation`.
        var mark = terminal.text.count
        terminal.type("twin.simu\t")
        // libedit redraws the completed word in place: the screen gets the missing tail "lation".
        #expect(terminal.waitFor("lation", after: mark), "completion: \(terminal.text)")
        terminal.type("\u{15}")  // Ctrl-U: clear the edited line

        // Line editing: type, move left, insert, run.
        mark = terminal.text.count
        terminal.type("1 + 4\u{1b}[D\u{1b}[D\u{1b}[D\u{1b}[D0\n")  // 10 + 4 after inserting 0 before " + 4"
        #expect(terminal.waitFor("14", after: mark), "edited line evaluates: \(terminal.text)")

        // Ctrl-C stops a long computation and the prompt returns, usable.
        mark = terminal.text.count
        terminal.type("while true do end\n")
        Thread.sleep(forTimeInterval: 0.7)
        terminal.type("\u{03}")
        #expect(terminal.waitFor("interrupted", after: mark), "Ctrl-C stops the loop: \(terminal.text)")
        mark = terminal.text.count
        terminal.type("6 * 7\n")
        #expect(terminal.waitFor("42", after: mark), "prompt usable after Ctrl-C: \(terminal.text)")

        // Ctrl-C stops a long `sim:run()` (S1 at a quarter-second step: many seconds of work) where
        // it is; the simulation stays usable and has not reached its end.
        mark = terminal.text.count
        terminal.type("s = twin.load_scenario(\"\(TwinProcess.reference("S1.json"))\"):with{ step_s = 0.25 }\n")
        terminal.type("sim = twin.simulation(s, { policy = \"llf\" })\nsim\n")
        #expect(terminal.waitFor("<simulation S1", after: mark), "\(terminal.text)")
        mark = terminal.text.count
        terminal.type("sim:run()\n")
        Thread.sleep(forTimeInterval: 1.0)
        terminal.type("\u{03}")
        #expect(terminal.waitFor("run cancelled", after: mark), "Ctrl-C stops sim:run(): \(terminal.text)")
        mark = terminal.text.count
        terminal.type("sim.now < s[\"end\"]\n")
        #expect(terminal.waitFor("true", after: mark), "stopped before the end: \(terminal.text)")
        // Ctrl-D must reach a prompt that is reading: typed while the REPL is still busy, the
        // pty's cooked line discipline takes it as its own end-of-file mark, which the raw-mode
        // read that follows never sees (CI once lost it so).
        let answered = terminal.offset(after: "true", from: mark)
        #expect(terminal.waitFor("twin> ", after: answered), "prompt after the answer: \(terminal.text)")

        // Ctrl-D at an empty prompt quits. The same 20 s and more as every wait above: with the
        // whole suite running on two cores the REPL's exit once took over 10 s.
        terminal.type("\u{04}")
        let deadline = Date().addingTimeInterval(30)
        while terminal.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(!terminal.process.isRunning, "Ctrl-D quits: \(terminal.text.suffix(400))")
    }
}
