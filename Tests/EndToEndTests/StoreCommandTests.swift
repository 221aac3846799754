import Foundation
import Testing

/// Runs are stored, listed, compared, re-exported and removed through the binary.
@Suite struct StoreCommandTests {
    @Test func runsAreStoredListedDiffedExportedAndRemoved() throws {
        let dir = try TwinProcess.scratchDirectory()
        let s2 = TwinProcess.reference("S2.json")
        let first = try TwinProcess.run(["run", s2, "--policy", "fcfs", "--quiet"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Peak site load"), "the summary formatter prints by default")
        let second = try TwinProcess.run(["run", s2, "--policy", "llf"], in: dir)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("stored run 2"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(".twin/twin.db").path))

        let list = try TwinProcess.run(["runs", "list"], in: dir)
        #expect(list.status == 0)
        let lines = list.stdout.split(separator: "\n").dropFirst()
        #expect(lines.count == 2)
        #expect(lines.first?.trimmingCharacters(in: .whitespaces).hasPrefix("2") == true, "newest first")

        let show = try TwinProcess.run(["runs", "show", "1"], in: dir)
        #expect(show.stdout.contains("fcfs"))
        #expect(show.stdout.contains("delivered_kwh"))

        let diff = try TwinProcess.run(["runs", "diff", "1", "2"], in: dir)
        #expect(diff.status == 0)
        #expect(diff.stdout.contains("delivered_kwh"))

        let export = try TwinProcess.run(["runs", "export", "2", "--format", "json", "-o", "again.json"], in: dir)
        #expect(export.status == 0, "\(export.stderr)")
        let exported = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("again.json"))) as? [String: Any]
        let direct = try TwinProcess.run(["run", s2, "--policy", "llf", "--format", "json", "-o", "-", "--no-store"], in: dir)
        let fresh = try JSONSerialization.jsonObject(with: Data(direct.stdout.utf8)) as? [String: Any]
        #expect((exported?["summary"] as? NSDictionary) == (fresh?["summary"] as? NSDictionary), "stored results rebuild the same output")

        let remove = try TwinProcess.run(["runs", "rm", "1"], in: dir)
        #expect(remove.status == 0)
        let after = try TwinProcess.run(["runs", "list"], in: dir)
        #expect(after.stdout.split(separator: "\n").count == 2)
        let gone = try TwinProcess.run(["runs", "show", "1"], in: dir)
        #expect(gone.status == 2)
    }

    @Test func failingPluginFailsTheRunWithItsFileAndLine() throws {
        let dir = try TwinProcess.scratchDirectory()
        let policies = dir.appendingPathComponent("plugins/policies")
        try FileManager.default.createDirectory(at: policies, withIntermediateDirectories: true)
        try """
        return twin.policy {
          name = "boom", version = "1.0.0", api = "1", description = "fails on purpose", params = {},
          allocate = function(ctx, params)
            local s = nil
            return s.power
          end,
        }
        """.write(to: policies.appendingPathComponent("boom.lua"), atomically: true, encoding: .utf8)
        let run = try TwinProcess.run(["run", TwinProcess.reference("S1.json"), "--policy", "boom"], in: dir)
        #expect(run.status == 1)
        #expect(run.stderr.contains("plugins/policies/boom.lua:5:"), "\(run.stderr)")
        let list = try TwinProcess.run(["runs", "list"], in: dir)
        #expect(list.stdout.contains("failed"), "a failed run is kept, marked failed")
        // It keeps the seed it ran with: the JSON scenario's own (S1: 101), or --seed's.
        func storedSeed(_ id: String) throws -> String? {
            let show = try TwinProcess.run(["runs", "show", id], in: dir)
            let line = show.stdout.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("seed ") }
            return line.map { $0.split(separator: " ").last.map(String.init) ?? "" }
        }
        #expect(try storedSeed("1") == "101")
        let seeded = try TwinProcess.run(["run", TwinProcess.reference("S1.json"), "--policy", "boom", "--seed", "7"], in: dir)
        #expect(seeded.status == 1)
        #expect(try storedSeed("2") == "7")
    }
}
