/// One forward step of the schema: the SQL that takes a database from `version - 1` to `version`.
/// Steps only add (tables, columns, indexes); none drops or rewrites user data.
struct Migration {
    let version: Int
    let sql: String
}

/// The schema's history. Append new steps; never edit a released one (databases in the field have
/// already run it). `PRAGMA user_version` holds the last step applied.
enum Migrations {
    static let all: [Migration] = [v1, v2]

    /// The version this build writes.
    static var latest: Int { all.last!.version }

    /// v1: scenarios, runs and their result tables.
    ///
    /// Columns holding Swift `Double`s are declared without a type (`/* REAL */` marks them): a
    /// `REAL` column may store an integral value as an integer on disk, which turns -0.0 into 0.0.
    /// Untyped columns keep the 8-byte float, so results reload bit-exact; `typeof()` is still 'real'.
    /// Row tables are `WITHOUT ROWID` on `(run_id, seq)`: one B-tree, appended in order, which both
    /// orders a run's rows and serves the cascade delete.
    static let v1 = Migration(version: 1, sql: """
        CREATE TABLE scenarios (
            hash        TEXT PRIMARY KEY,
            name        TEXT NOT NULL,
            source_path TEXT,
            source_text TEXT NOT NULL
        );
        CREATE TABLE runs (
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            scenario_hash     TEXT NOT NULL REFERENCES scenarios(hash),
            scenario_name     TEXT NOT NULL,
            policy            TEXT NOT NULL,
            policy_version    TEXT,
            behaviours        TEXT NOT NULL DEFAULT '[]',
            parameters        TEXT NOT NULL DEFAULT '{}',
            seed              INTEGER NOT NULL,
            status            TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
            error             TEXT,
            started_at        TEXT NOT NULL,
            finished_at       TEXT,
            host_version      TEXT NOT NULL,
            start_time        /* REAL */,
            end_time          /* REAL */,
            step_s            /* REAL */,
            site_limit_kw     /* REAL */,
            time_zone         TEXT,
            warnings          TEXT NOT NULL DEFAULT '[]',
            session_count     INTEGER NOT NULL DEFAULT 0,
            vehicle_count     INTEGER NOT NULL DEFAULT 0,
            trip_count        INTEGER NOT NULL DEFAULT 0,
            load_sample_count INTEGER NOT NULL DEFAULT 0,
            event_count       INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX runs_by_scenario ON runs(scenario_name, id);
        CREATE TABLE run_metrics (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            name   TEXT NOT NULL,
            value  /* REAL */,
            PRIMARY KEY (run_id, name)
        ) WITHOUT ROWID;
        CREATE TABLE sessions (
            run_id            INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            seq               INTEGER NOT NULL,
            id                INTEGER NOT NULL,
            vehicle_id        TEXT NOT NULL,
            charger_id        TEXT NOT NULL,
            arrival_time      /* REAL */,
            plug_in_time      /* REAL */,
            charge_start_time /* REAL */,
            charge_end_time   /* REAL */,
            unplug_time       /* REAL */,
            departure_time    /* REAL */,
            soc_in            /* REAL */,
            soc_out           /* REAL */,
            wanted_kwh        /* REAL */,
            drawn_kwh         /* REAL */,
            delivered_kwh     /* REAL */,
            clamps            INTEGER NOT NULL,
            PRIMARY KEY (run_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE vehicles (
            run_id          INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            seq             INTEGER NOT NULL,
            id              TEXT NOT NULL,
            type_name       TEXT NOT NULL,
            soc_start       /* REAL */,
            soc_end         /* REAL */,
            soc_min         /* REAL */,
            drawn_kwh       /* REAL */,
            trip_energy_kwh /* REAL */,
            trips           INTEGER NOT NULL,
            shortfall_kwh   /* REAL */,
            below_reserve   INTEGER NOT NULL,
            PRIMARY KEY (run_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE trips (
            run_id         INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            seq            INTEGER NOT NULL,
            vehicle_id     TEXT NOT NULL,
            block_id       TEXT NOT NULL,
            trip_id        TEXT NOT NULL,
            route_id       TEXT,
            departure_time /* REAL */,
            arrival_time   /* REAL */,
            distance_km    /* REAL */,
            ambient_c      /* REAL */,
            energy_kwh     /* REAL */,
            traction_kwh   /* REAL */,
            hvac_kwh       /* REAL */,
            climb_kwh      /* REAL */,
            regen_kwh      /* REAL */,
            soc_before     /* REAL */,
            soc_after      /* REAL */,
            shortfall_kwh  /* REAL */,
            below_reserve  INTEGER NOT NULL,
            PRIMARY KEY (run_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE load_profile (
            run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            seq         INTEGER NOT NULL,
            time        /* REAL */,
            chargers_kw /* REAL */,
            base_kw     /* REAL */,
            plugged     INTEGER NOT NULL,
            PRIMARY KEY (run_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE events (
            run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            seq        INTEGER NOT NULL,
            time       /* REAL */,
            kind       TEXT NOT NULL,
            vehicle_id TEXT NOT NULL,
            charger_id TEXT,
            soc        /* REAL */,
            power_kw   /* REAL */,
            PRIMARY KEY (run_id, seq)
        ) WITHOUT ROWID;
        CREATE TABLE artifacts (
            run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            name       TEXT NOT NULL,
            media_type TEXT NOT NULL,
            bytes      BLOB NOT NULL,
            PRIMARY KEY (run_id, name)
        );
        """)

    /// v2: wall-clock duration of a run, and named resources (vehicle types, chargers, depots).
    static let v2 = Migration(version: 2, sql: """
        ALTER TABLE runs ADD COLUMN wall_time_s /* REAL */;
        CREATE TABLE resources (
            kind       TEXT NOT NULL,
            name       TEXT NOT NULL,
            json       TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (kind, name)
        );
        """)
}
