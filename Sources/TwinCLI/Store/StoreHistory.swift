import Foundation
import TwinCore
import TwinLua
import TwinStore

/// `twin.runs.list()` and `twin.runs.get(id)` in Lua, served by the SQLite store.
final class StoreHistory: RunHistory {
    private let store: RunStore

    init(store: RunStore) { self.store = store }

    func list(limit: Int) throws -> [RunSummaryRow] {
        try store.listRuns(limit: limit).map { row in
            let metrics = Dictionary(uniqueKeysWithValues: (try? store.metrics(row.id))?.map { ($0.name, $0.value) } ?? [])
            let started = ISO8601DateFormatter.parseMilliseconds(row.startedAt)
            return RunSummaryRow(id: row.id, scenario: row.scenarioName, policy: row.policy, status: row.status.rawValue,
                                 startedAt: started, peakKW: metrics["peak_kw"], energyKWh: metrics["energy_kwh"])
        }
    }

    func get(id: Int64) throws -> RunResult {
        let stored = try store.loadRun(id)
        guard let result = stored.result else {
            throw CLIError.badInput("run \(id) failed and has no results: \(stored.row.error ?? "")")
        }
        return result
    }
}

extension ISO8601DateFormatter {
    /// UTC seconds of the store's `2026-12-03T16:44:55.123Z` stamps (0 when unreadable).
    static func parseMilliseconds(_ text: String) -> Double {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)?.timeIntervalSince1970 ?? 0
    }
}
