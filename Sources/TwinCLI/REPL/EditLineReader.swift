import CEditLine
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Line editing, history and tab completion through libedit's readline interface (BSD licensed;
/// GNU readline is GPL and is not used).
final class EditLineReader: LineReader {
    private let historyPath: String

    /// - Parameters:
    ///   - historyPath: file the history is loaded from and saved to (`~/.twin_history`).
    ///   - completer: given the word before the cursor (e.g. `twin.alloc.so`), the full candidates.
    init(historyPath: String, completer: @escaping (String) -> [String]) {
        self.historyPath = historyPath
        activeCompleter = completer
        // Keep `.` and `:` inside words so `sim:ru<TAB>` and `twin.alloc.s<TAB>` complete as a whole.
        rl_completer_word_break_characters = strdup(" \t\n\"'`@$><=;|&{(),[]+-*/%^~#")
        rl_attempted_completion_function = { text, _, _ in
            rl_completion_matches(text) { text, state in nextCompletion(text, state) }
        }
        rl_completion_append_character = 0
        using_history()
        read_history(historyPath)
    }

    deinit {
        write_history(historyPath)
        activeCompleter = nil
    }

    func readLine(prompt: String) throws -> String? {
        interruptRequested = 0
        guard let raw = readline(prompt) else {
            if interruptRequested != 0 {
                interruptRequested = 0
                print("")
                throw LineInterrupted()
            }
            return nil
        }
        defer { free(raw) }
        return String(cString: raw)
    }

    func remember(_ entry: String) {
        guard !entry.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        add_history(entry)
        write_history(historyPath)
    }
}

// libedit calls plain C function pointers, which cannot capture context: the one active
// completer lives here (the REPL is single-threaded and there is one prompt at a time).
nonisolated(unsafe) private var activeCompleter: ((String) -> [String])?
nonisolated(unsafe) private var pendingCompletions: [String] = []

/// readline's generator protocol: state 0 computes the matches, then one is returned per call,
/// each a malloc'd string libedit frees; nil ends the list.
private func nextCompletion(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    if state == 0 {
        let word = text.map { String(cString: $0) } ?? ""
        pendingCompletions = activeCompleter?(word) ?? []
    }
    guard !pendingCompletions.isEmpty else { return nil }
    return strdup(pendingCompletions.removeFirst())
}
