import Foundation

/// A one-line progress bar on stderr for runs longer than about a second: simulated date,
/// percentage and speed in simulated days per wall second. Silent when disabled (not a terminal,
/// or --quiet), so piped output stays clean.
final class ProgressBar {
    private let enabled: Bool
    /// Wall seconds before the bar appears: short runs stay quiet. `TWIN_PROGRESS_DELAY_S` changes it
    /// (0 shows it at once, which the end-to-end test uses).
    private let delayS: Double
    private let startedAt = Date()
    private var lastDrawn = Date.distantPast
    private var drew = false

    init(enabled: Bool, delayS: Double = 1) {
        self.enabled = enabled
        self.delayS = delayS
    }

    /// Called by the session as the simulation advances (UTC seconds).
    func update(now: Double, start: Double, end: Double) {
        guard enabled else { return }
        let wall = Date().timeIntervalSince(startedAt)
        guard wall >= delayS, Date().timeIntervalSince(lastDrawn) > 0.1, end > start else { return }
        lastDrawn = Date()
        drew = true
        let fraction = min(1, max(0, (now - start) / (end - start)))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let date = ISO8601DateFormatter.string(from: Date(timeIntervalSince1970: now), timeZone: TimeZone(identifier: "UTC")!,
                                               formatOptions: [.withFullDate])
        let speed = (now - start) / 86_400 / wall
        let line = String(format: "\r[%@] %3.0f%% %@ %.1f sim days/s", bar, fraction * 100, date, speed)
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Clears the bar's line so the next message starts clean.
    func finish() {
        guard drew else { return }
        FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: 70) + "\r").utf8))
    }
}
