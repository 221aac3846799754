import Foundation
import TwinCore

extension RunStore {
    /// Loads a run in full: its row, metadata, result (rebuilt exactly as saved; nil for a failed
    /// run) and the list of its artifacts. O(rows of the run).
    /// - Throws: `StoreError.runNotFound` when there is no such run.
    public func loadRun(_ id: Int64) throws -> StoredRun {
        try mappingErrors {
            let stmt = try db.prepare("""
                SELECT \(Self.runRowColumns), s.name, s.source_path, s.source_text, r.behaviours, r.parameters,
                    r.start_time, r.end_time, r.step_s, r.site_limit_kw, r.time_zone, r.warnings
                FROM runs r JOIN scenarios s ON s.hash = r.scenario_hash WHERE r.id = ?
                """)
            try stmt.bind(1, id)
            guard try stmt.step() else { throw StoreError.runNotFound(id) }
            let row = Self.runRow(stmt)
            let n = Self.runRowColumnCount
            let behaviours = (try? JSONDecoder().decode([PluginVersion].self, from: Data(stmt.string(n + 3).utf8))) ?? []
            let metadata = RunMetadata(
                scenario: ScenarioSource(name: stmt.string(n), path: stmt.optionalString(n + 1), text: stmt.string(n + 2)),
                policy: PluginVersion(name: row.policy, version: row.policyVersion), behaviours: behaviours,
                parametersJSON: stmt.string(n + 4), seed: row.seed, hostVersion: row.hostVersion,
                startedAt: ISO8601.date(from: row.startedAt) ?? Date(timeIntervalSince1970: 0),
                finishedAt: row.finishedAt.flatMap(ISO8601.date(from:)), wallTimeS: row.wallTimeS)
            var result: RunResult?
            if row.status == .done {
                let warnings = (try? JSONDecoder().decode([String].self, from: Data(stmt.string(n + 10).utf8))) ?? []
                result = RunResult(
                    scenarioName: row.scenarioName, policyName: row.policy, seed: row.seed,
                    startTime: stmt.double(n + 5), endTime: stmt.double(n + 6), stepS: stmt.double(n + 7),
                    siteLimitKW: stmt.double(n + 8), timeZone: stmt.string(n + 9),
                    summary: RunSummary(metrics: Dictionary(try loadMetrics(id).map { ($0.name, $0.value) },
                                                            uniquingKeysWith: { first, _ in first })),
                    sessions: try loadSessions(id), vehicles: try loadVehicles(id), trips: try loadTrips(id),
                    loadProfile: try loadLoadProfile(id), events: try loadEvents(id), warnings: warnings)
            }
            return StoredRun(row: row, metadata: metadata, result: result, artifacts: try loadArtifactInfos(id))
        }
    }

    /// Columns read by `runRow(_:)`, in order, from `runs r`.
    static let runRowColumns = """
        r.id, r.scenario_name, r.scenario_hash, r.policy, r.policy_version, r.seed, r.status, r.error,
        r.started_at, r.finished_at, r.host_version, r.wall_time_s, r.session_count, r.event_count
        """
    static let runRowColumnCount: Int32 = 14

    static func runRow(_ s: SQLiteStatement) -> RunRow {
        RunRow(id: s.int64(0), scenarioName: s.string(1), scenarioHash: s.string(2), policy: s.string(3),
               policyVersion: s.optionalString(4), seed: UInt64(bitPattern: s.int64(5)),
               status: RunStatus(rawValue: s.string(6)) ?? .failed, error: s.optionalString(7),
               startedAt: s.string(8), finishedAt: s.optionalString(9), hostVersion: s.string(10),
               wallTimeS: s.optionalDouble(11), sessionCount: s.int(12), eventCount: s.int(13))
    }

    func loadMetrics(_ id: Int64) throws -> [Metric] {
        let stmt = try db.prepare("SELECT name, value FROM run_metrics WHERE run_id = ?")
        try stmt.bind(1, id)
        var metrics: [Metric] = []
        while try stmt.step() { metrics.append(Metric(name: stmt.string(0), value: stmt.double(1))) }
        // Display order: the public names first, then any others alphabetically.
        let order = Dictionary(uniqueKeysWithValues: RunSummary.metricNames.enumerated().map { ($1, $0) })
        return metrics.sorted {
            let (x, y) = (order[$0.name] ?? Int.max, order[$1.name] ?? Int.max)
            return x != y ? x < y : $0.name < $1.name
        }
    }

    func loadArtifactInfos(_ id: Int64) throws -> [ArtifactInfo] {
        let stmt = try db.prepare("SELECT name, media_type, length(bytes) FROM artifacts WHERE run_id = ? ORDER BY name")
        try stmt.bind(1, id)
        var infos: [ArtifactInfo] = []
        while try stmt.step() { infos.append(ArtifactInfo(name: stmt.string(0), mediaType: stmt.string(1), byteCount: stmt.int(2))) }
        return infos
    }

    private func rows<T>(_ sql: String, _ id: Int64, _ make: (SQLiteStatement) -> T) throws -> [T] {
        let stmt = try db.prepare(sql)
        try stmt.bind(1, id)
        var out: [T] = []
        while try stmt.step() { out.append(make(stmt)) }
        return out
    }

    private func loadSessions(_ id: Int64) throws -> [SessionRecord] {
        try rows("""
            SELECT id, vehicle_id, charger_id, arrival_time, plug_in_time, charge_start_time, charge_end_time,
                unplug_time, departure_time, soc_in, soc_out, wanted_kwh, drawn_kwh, delivered_kwh, clamps
            FROM sessions WHERE run_id = ? ORDER BY seq
            """, id) { s in
            SessionRecord(id: s.int(0), vehicleID: s.string(1), chargerID: s.string(2), arrivalTime: s.double(3),
                          plugInTime: s.double(4), chargeStartTime: s.optionalDouble(5), chargeEndTime: s.optionalDouble(6),
                          unplugTime: s.double(7), departureTime: s.double(8), socIn: s.double(9), socOut: s.double(10),
                          wantedKWh: s.double(11), drawnKWh: s.double(12), deliveredKWh: s.double(13), clamps: s.int(14))
        }
    }

    private func loadVehicles(_ id: Int64) throws -> [VehicleRecord] {
        try rows("""
            SELECT id, type_name, soc_start, soc_end, soc_min, drawn_kwh, trip_energy_kwh, trips, shortfall_kwh,
                below_reserve FROM vehicles WHERE run_id = ? ORDER BY seq
            """, id) { s in
            VehicleRecord(id: s.string(0), typeName: s.string(1), socStart: s.double(2), socEnd: s.double(3),
                          socMin: s.double(4), drawnKWh: s.double(5), tripEnergyKWh: s.double(6), trips: s.int(7),
                          shortfallKWh: s.double(8), belowReserve: s.bool(9))
        }
    }

    private func loadTrips(_ id: Int64) throws -> [TripRecord] {
        try rows("""
            SELECT vehicle_id, block_id, trip_id, route_id, departure_time, arrival_time, distance_km, ambient_c,
                energy_kwh, traction_kwh, hvac_kwh, climb_kwh, regen_kwh, soc_before, soc_after, shortfall_kwh,
                below_reserve FROM trips WHERE run_id = ? ORDER BY seq
            """, id) { s in
            TripRecord(vehicleID: s.string(0), blockID: s.string(1), tripID: s.string(2), routeID: s.optionalString(3),
                       departureTime: s.double(4), arrivalTime: s.double(5), distanceKM: s.double(6),
                       ambientC: s.double(7), energyKWh: s.double(8), tractionKWh: s.double(9), hvacKWh: s.double(10),
                       climbKWh: s.double(11), regenKWh: s.double(12), socBefore: s.double(13), socAfter: s.double(14),
                       shortfallKWh: s.double(15), belowReserve: s.bool(16))
        }
    }

    private func loadLoadProfile(_ id: Int64) throws -> [LoadSample] {
        try rows("SELECT time, chargers_kw, base_kw, plugged FROM load_profile WHERE run_id = ? ORDER BY seq", id) { s in
            LoadSample(time: s.double(0), chargersKW: s.double(1), baseKW: s.double(2), plugged: s.int(3))
        }
    }

    private func loadEvents(_ id: Int64) throws -> [EventRecord] {
        try rows("""
            SELECT time, kind, vehicle_id, charger_id, soc, power_kw FROM events WHERE run_id = ? ORDER BY seq
            """, id) { s in
            EventRecord(time: s.double(0), kind: EventRecord.Kind(rawValue: s.string(1)) ?? .powerChange,
                        vehicleID: s.string(2), chargerID: s.optionalString(3), soc: s.double(4), powerKW: s.double(5))
        }
    }
}
