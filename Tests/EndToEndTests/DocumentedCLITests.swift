import Foundation
import Testing

/// `twin` doing what docs/lua-api.md says it does, for plugin authors working from the docs alone.
@Suite struct DocumentedCLITests {
    static var s2: String { TwinProcess.packageRoot.appendingPathComponent("reference/S2.json").path }

    /// "Set media_type and extension (used when -o names a folder)": `-o DIR` failed with
    /// "cannot rename into place (errno 21)"; `-o new/` names a folder to create.
    @Test func outputToAFolderUsesTheScenarioNameAndTheFormattersExtension() throws {
        let dir = try TwinProcess.scratchDirectory()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("existing"), withIntermediateDirectories: true)
        let r = try TwinProcess.run(["run", Self.s2, "--no-store", "--format", "json", "-o", "existing",
                                     "--format", "csv", "-o", "new/"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("existing/S2.json").path))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("new/S2.csv").path))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("new/S2-sessions.csv").path))
        #expect(r.stderr.contains("wrote json to existing/S2.json"), "\(r.stderr)")
    }

    /// `--format csv` to stdout holds every table (as sections), not just the summary.
    @Test func csvToStdoutKeepsEveryTable() throws {
        let dir = try TwinProcess.scratchDirectory()
        let r = try TwinProcess.run(["run", Self.s2, "--no-store", "--format", "csv"], in: dir)
        #expect(r.status == 0)
        for section in ["# summary", "# sessions", "# vehicles", "# trips", "# load_profile"] {
            #expect(r.stdout.contains(section), "\(section)")
        }
    }
}
