import Foundation
import TwinCore

extension RunStore {
    /// Stores a completed run with its result and artifacts, all-or-nothing in one transaction.
    /// O(rows): statements are prepared once per table and reused for every row.
    /// - Parameters:
    ///   - metadata: where the run came from; the result's scenario name, policy name and seed win.
    ///   - result: the finished run.
    ///   - artifacts: formatter outputs to keep with the run (names must be unique).
    /// - Returns: the new run's id.
    /// - Throws: `StoreError` (nothing is stored when it throws).
    @discardableResult
    public func saveRun(_ metadata: RunMetadata, result: RunResult, artifacts: [Artifact] = []) throws -> Int64 {
        try mappingErrors {
            try writeTransaction {
                let id = try insertRunRow(metadata, result: result, status: .done, error: nil)
                try insertMetrics(id, result.summary)
                try insertSessions(id, result.sessions)
                try insertVehicles(id, result.vehicles)
                try insertTrips(id, result.trips)
                try insertLoadProfile(id, result.loadProfile)
                try insertEvents(id, result.events)
                try insertArtifacts(id, artifacts)
                return id
            }
        }
    }

    /// Records a run that failed (e.g. a plugin error mid-run): status `failed`, its error, and no
    /// partial results.
    /// - Returns: the new run's id.
    @discardableResult
    public func saveFailedRun(_ metadata: RunMetadata, error: String) throws -> Int64 {
        try mappingErrors {
            try writeTransaction { try insertRunRow(metadata, result: nil, status: .failed, error: error) }
        }
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).flatMap { String(data: $0, encoding: .utf8) } ?? "null"
    }

    private func insertRunRow(_ meta: RunMetadata, result: RunResult?, status: RunStatus, error: String?) throws -> Int64 {
        let hash = meta.scenario.hash
        let scenario = try db.prepare("""
            INSERT INTO scenarios (hash, name, source_path, source_text) VALUES (?, ?, ?, ?)
            ON CONFLICT (hash) DO UPDATE SET name = excluded.name, source_path = coalesce(excluded.source_path, source_path)
            """)
        try scenario.bindAll([.text(hash), .text(meta.scenario.name),
                              meta.scenario.path.map { .text($0) } ?? .null, .text(meta.scenario.text)])
        try scenario.run()

        let run = try db.prepare("""
            INSERT INTO runs (scenario_hash, scenario_name, policy, policy_version, behaviours, parameters, seed,
                status, error, started_at, finished_at, host_version, wall_time_s, start_time, end_time, step_s,
                site_limit_kw, time_zone, warnings, session_count, vehicle_count, trip_count, load_sample_count,
                event_count)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        func real(_ value: Double?) -> SQLiteValue { value.map { .double($0) } ?? .null }
        func text(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }
        let seed = result?.seed ?? meta.seed
        try run.bindAll([
            .text(hash), .text(result?.scenarioName ?? meta.scenario.name),
            .text(result?.policyName ?? meta.policy.name), text(meta.policy.version),
            .text(Self.json(meta.behaviours)), .text(meta.parametersJSON),
            // Seeds above Int64.max are kept by bit pattern (they read back negative in sqlite3).
            .int(Int64(bitPattern: seed)),
            .text(status.rawValue), text(error),
            .text(ISO8601.string(from: meta.startedAt)), text(meta.finishedAt.map(ISO8601.string(from:))),
            .text(meta.hostVersion), real(meta.wallTimeS),
            real(result?.startTime), real(result?.endTime), real(result?.stepS), real(result?.siteLimitKW),
            text(result?.timeZone), .text(Self.json(result?.warnings ?? [])),
            .int(Int64(result?.sessions.count ?? 0)), .int(Int64(result?.vehicles.count ?? 0)),
            .int(Int64(result?.trips.count ?? 0)), .int(Int64(result?.loadProfile.count ?? 0)),
            .int(Int64(result?.events.count ?? 0)),
        ])
        try run.run()
        return db.lastInsertRowID
    }

    private func insertMetrics(_ id: Int64, _ summary: RunSummary) throws {
        let stmt = try db.prepare("INSERT INTO run_metrics (run_id, name, value) VALUES (?, ?, ?)")
        for metric in summary.metrics {
            try stmt.bind(1, id)
            try stmt.bind(2, metric.name)
            try stmt.bind(3, metric.value)
            try stmt.run()
        }
    }

    private func insertSessions(_ id: Int64, _ rows: [SessionRecord]) throws {
        let stmt = try db.prepare("""
            INSERT INTO sessions (run_id, seq, id, vehicle_id, charger_id, arrival_time, plug_in_time,
                charge_start_time, charge_end_time, unplug_time, departure_time, soc_in, soc_out, wanted_kwh,
                drawn_kwh, delivered_kwh, clamps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (seq, s) in rows.enumerated() {
            try stmt.bind(1, id); try stmt.bind(2, seq); try stmt.bind(3, s.id)
            try stmt.bind(4, s.vehicleID); try stmt.bind(5, s.chargerID)
            try stmt.bind(6, s.arrivalTime); try stmt.bind(7, s.plugInTime)
            try stmt.bind(8, s.chargeStartTime); try stmt.bind(9, s.chargeEndTime)
            try stmt.bind(10, s.unplugTime); try stmt.bind(11, s.departureTime)
            try stmt.bind(12, s.socIn); try stmt.bind(13, s.socOut); try stmt.bind(14, s.wantedKWh)
            try stmt.bind(15, s.drawnKWh); try stmt.bind(16, s.deliveredKWh); try stmt.bind(17, s.clamps)
            try stmt.run()
        }
    }

    private func insertVehicles(_ id: Int64, _ rows: [VehicleRecord]) throws {
        let stmt = try db.prepare("""
            INSERT INTO vehicles (run_id, seq, id, type_name, soc_start, soc_end, soc_min, drawn_kwh,
                trip_energy_kwh, trips, shortfall_kwh, below_reserve) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (seq, v) in rows.enumerated() {
            try stmt.bind(1, id); try stmt.bind(2, seq); try stmt.bind(3, v.id); try stmt.bind(4, v.typeName)
            try stmt.bind(5, v.socStart); try stmt.bind(6, v.socEnd); try stmt.bind(7, v.socMin)
            try stmt.bind(8, v.drawnKWh); try stmt.bind(9, v.tripEnergyKWh); try stmt.bind(10, v.trips)
            try stmt.bind(11, v.shortfallKWh); try stmt.bind(12, v.belowReserve)
            try stmt.run()
        }
    }

    private func insertTrips(_ id: Int64, _ rows: [TripRecord]) throws {
        let stmt = try db.prepare("""
            INSERT INTO trips (run_id, seq, vehicle_id, block_id, trip_id, route_id, departure_time, arrival_time,
                distance_km, ambient_c, energy_kwh, traction_kwh, hvac_kwh, climb_kwh, regen_kwh, soc_before,
                soc_after, shortfall_kwh, below_reserve) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (seq, t) in rows.enumerated() {
            try stmt.bind(1, id); try stmt.bind(2, seq); try stmt.bind(3, t.vehicleID); try stmt.bind(4, t.blockID)
            try stmt.bind(5, t.tripID); try stmt.bind(6, t.routeID)
            try stmt.bind(7, t.departureTime); try stmt.bind(8, t.arrivalTime)
            try stmt.bind(9, t.distanceKM); try stmt.bind(10, t.ambientC); try stmt.bind(11, t.energyKWh)
            try stmt.bind(12, t.tractionKWh); try stmt.bind(13, t.hvacKWh); try stmt.bind(14, t.climbKWh)
            try stmt.bind(15, t.regenKWh); try stmt.bind(16, t.socBefore); try stmt.bind(17, t.socAfter)
            try stmt.bind(18, t.shortfallKWh); try stmt.bind(19, t.belowReserve)
            try stmt.run()
        }
    }

    private func insertLoadProfile(_ id: Int64, _ rows: [LoadSample]) throws {
        let stmt = try db.prepare("""
            INSERT INTO load_profile (run_id, seq, time, chargers_kw, base_kw, plugged) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for (seq, l) in rows.enumerated() {
            try stmt.bind(1, id); try stmt.bind(2, seq); try stmt.bind(3, l.time)
            try stmt.bind(4, l.chargersKW); try stmt.bind(5, l.baseKW); try stmt.bind(6, l.plugged)
            try stmt.run()
        }
    }

    private func insertEvents(_ id: Int64, _ rows: [EventRecord]) throws {
        let stmt = try db.prepare("""
            INSERT INTO events (run_id, seq, time, kind, vehicle_id, charger_id, soc, power_kw)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (seq, e) in rows.enumerated() {
            try stmt.bind(1, id); try stmt.bind(2, seq); try stmt.bind(3, e.time); try stmt.bind(4, e.kind.rawValue)
            try stmt.bind(5, e.vehicleID); try stmt.bind(6, e.chargerID); try stmt.bind(7, e.soc)
            try stmt.bind(8, e.powerKW)
            try stmt.run()
        }
    }

    private func insertArtifacts(_ id: Int64, _ artifacts: [Artifact]) throws {
        let stmt = try db.prepare("INSERT INTO artifacts (run_id, name, media_type, bytes) VALUES (?, ?, ?, ?)")
        for artifact in artifacts {
            try stmt.bind(1, id); try stmt.bind(2, artifact.name); try stmt.bind(3, artifact.mediaType)
            try stmt.bind(4, artifact.bytes)
            try stmt.run()
        }
    }
}
