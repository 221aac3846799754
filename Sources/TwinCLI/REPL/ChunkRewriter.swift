import Foundation

/// Makes top-level `local` declarations outlive their chunk, so `local s = twin.load_scenario(...)`
/// typed on one line is still there on the next: each REPL entry is its own Lua chunk, and a chunk's
/// locals die with it. Only the entry's first line is rewritten: later lines may be inside a
/// function body, where `local` must stay local.
enum ChunkRewriter {
    static func persistLocals(_ chunk: String) -> String {
        var lines = chunk.components(separatedBy: "\n")
        guard let first = lines.first else { return chunk }
        lines[0] = rewrite(first)
        return lines.joined(separator: "\n")
    }

    private static func rewrite(_ line: String) -> String {
        let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
        guard trimmed.hasPrefix("local ") || trimmed.hasPrefix("local\t") else { return line }
        let rest = trimmed.dropFirst("local".count).drop(while: { $0 == " " || $0 == "\t" })
        if rest.hasPrefix("function ") { return String(rest) }
        // `local a, b <const> = ...`: drop attributes too, globals have none.
        let withoutAttributes = String(rest).replacingOccurrences(of: "<\\s*(const|close)\\s*>", with: "", options: .regularExpression)
        if withoutAttributes.contains("=") { return withoutAttributes }
        // `local x` alone declares nil.
        return withoutAttributes.trimmingCharacters(in: .whitespaces) + " = nil"
    }
}
