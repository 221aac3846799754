import Foundation
import TwinCore
import TwinLua
import TwinStore

/// Runs formatter plugins over a result and sends each output where the user asked.
enum FormatterOutputWriter {
    /// Writes every requested output; returns them as artifacts for the store.
    static func writeAll(_ requests: [OutputRequest], result: RunResult, session: Session,
                         console: Console) throws -> [Artifact] {
        try requests.map { try write(format: $0.format, result: result, to: $0.path, session: session, console: console) }
    }

    /// Writes one output: to `path` (folders created; the file appears only when complete) or,
    /// when `path` is nil, to stdout. Returns it as an artifact.
    @discardableResult
    static func write(format: String, result: RunResult, to path: String?, session: Session,
                      console: Console) throws -> Artifact {
        if let path {
            // `-o out/` names the folder itself (the file in it is named by Session.write).
            let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: console.workingDirectory + "/"))
            let folder = path.hasSuffix("/") ? url : url.deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw CLIError.badInput("cannot create folder \(folder.path) for \(path): \(error.localizedDescription)")
            }
        }
        let output: FormatterOutput
        do {
            output = try session.write(format: format, result: result, to: path)
        } catch {
            throw ErrorClassifier.classify(error)
        }
        if let path {
            let here = console.workingDirectory + "/"
            func shown(_ p: String) -> String { p.hasPrefix(here) ? String(p.dropFirst(here.count)) : p }
            let siblings = output.siblings.map { shown($0.path) }
            // The path as given, unless it named a folder (then the file made in it).
            let written = output.path.map { ($0 as NSString).lastPathComponent == (path as NSString).lastPathComponent ? path : shown($0) } ?? path
            console.note("wrote \(format) to \(written)" + (siblings.isEmpty ? "" : " and " + siblings.joined(separator: ", ")))
        } else {
            FileHandle.standardOutput.write(Data(output.data))
        }
        return Artifact(name: format, mediaType: output.mediaType ?? "text/plain", bytes: Data(output.data))
    }
}
