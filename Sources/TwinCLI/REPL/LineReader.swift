import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the REPL's lines come from.
protocol LineReader: AnyObject {
    /// The next line without its newline; nil at end of input (Ctrl-D).
    /// Throws `LineInterrupted` when Ctrl-C cleared the line being typed.
    func readLine(prompt: String) throws -> String?
    /// Remembers a finished entry for history (no-op when reading a pipe).
    func remember(_ entry: String)
}

/// Ctrl-C at the prompt: the REPL drops the pending input and prompts again.
struct LineInterrupted: Error {}

/// Reads standard input plainly, with no prompt and no editing: for piped, scripted sessions.
final class PlainLineReader: LineReader {
    func readLine(prompt: String) throws -> String? { Swift.readLine(strippingNewline: true) }
    func remember(_ entry: String) {}
}

/// Set by the SIGINT handler; read and cleared by whoever was interrupted.
nonisolated(unsafe) var interruptRequested: sig_atomic_t = 0
