import Foundation
import TwinCore

extension RunStore {
    /// Stored runs, newest first.
    /// - Parameters:
    ///   - limit: at most this many rows (nil: all).
    ///   - scenario: only runs of this scenario, matched by name or by a prefix of its hash.
    public func listRuns(limit: Int? = nil, scenario: String? = nil) throws -> [RunRow] {
        try mappingErrors {
            var sql = "SELECT \(Self.runRowColumns) FROM runs r"
            if scenario != nil { sql += " WHERE r.scenario_name = ?1 OR r.scenario_hash LIKE ?1 || '%'" }
            sql += " ORDER BY r.id DESC"
            if let limit { sql += " LIMIT \(max(0, limit))" }
            let stmt = try db.prepare(sql)
            if let scenario { try stmt.bind(1, scenario) }
            var out: [RunRow] = []
            while try stmt.step() { out.append(Self.runRow(stmt)) }
            return out
        }
    }

    /// One run's row. - Throws: `StoreError.runNotFound`.
    public func run(_ id: Int64) throws -> RunRow {
        try mappingErrors {
            let stmt = try db.prepare("SELECT \(Self.runRowColumns) FROM runs r WHERE r.id = ?")
            try stmt.bind(1, id)
            guard try stmt.step() else { throw StoreError.runNotFound(id) }
            return Self.runRow(stmt)
        }
    }

    /// Deletes a run with all its results and artifacts (foreign keys cascade), in one transaction.
    /// The scenario text stays (other runs may share it). - Throws: `StoreError.runNotFound`.
    public func deleteRun(_ id: Int64) throws {
        try mappingErrors {
            try writeTransaction {
                let stmt = try db.prepare("DELETE FROM runs WHERE id = ?")
                try stmt.bind(1, id)
                try stmt.run()
                if db.changes == 0 { throw StoreError.runNotFound(id) }
            }
        }
    }

    /// A run's metrics in display order (`RunSummary.metricNames`); empty for a failed run.
    /// - Throws: `StoreError.runNotFound`.
    public func metrics(_ id: Int64) throws -> [Metric] {
        _ = try run(id)
        return try mappingErrors { try loadMetrics(id) }
    }

    /// A run's artifacts without their bytes, by name. - Throws: `StoreError.runNotFound`.
    public func artifacts(_ id: Int64) throws -> [ArtifactInfo] {
        _ = try run(id)
        return try mappingErrors { try loadArtifactInfos(id) }
    }

    /// One artifact with its bytes, or nil when the run has none of that name.
    public func artifact(_ id: Int64, name: String) throws -> Artifact? {
        try mappingErrors {
            let stmt = try db.prepare("SELECT name, media_type, bytes FROM artifacts WHERE run_id = ? AND name = ?")
            try stmt.bind(1, id)
            try stmt.bind(2, name)
            guard try stmt.step() else { return nil }
            return Artifact(name: stmt.string(0), mediaType: stmt.string(1), bytes: stmt.data(2))
        }
    }

    /// Compares two runs metric by metric (every name either run has, in display order).
    /// - Throws: `StoreError.runNotFound` for either id.
    public func diff(_ a: Int64, _ b: Int64) throws -> RunDiff {
        let (rowA, rowB) = (try run(a), try run(b))
        let (ma, mb) = (try metrics(a), try metrics(b))
        var names = ma.map(\.name)
        for metric in mb where !names.contains(metric.name) { names.append(metric.name) }
        let va = Dictionary(ma.map { ($0.name, $0.value) }, uniquingKeysWith: { x, _ in x })
        let vb = Dictionary(mb.map { ($0.name, $0.value) }, uniquingKeysWith: { x, _ in x })
        return RunDiff(a: rowA, b: rowB, metrics: names.map { MetricChange(name: $0, a: va[$0], b: vb[$0]) })
    }
}
