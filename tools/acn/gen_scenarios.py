#!/usr/bin/env python3
"""Generate varied session-list scenarios (schema_version 1) for checking DepotTwin against ACN-Sim.

Usage: gen_scenarios.py OUTDIR [--seed N] [--fit]. Deterministic for a given seed (stdlib random only).
--fit: every request cut to what the battery holds (rounded down to 0.1 kWh), which isolates the
other semantics from ACN's handling of requests beyond the battery.
Each scenario stresses one or two semantics: period length, site limit, vehicle max below the
charger's, mixed EVSE powers, EVSEs shared in sequence, ties, requests beyond the battery or the
stay, SOC variety, horizons cutting sessions off, and (flagged "unaligned") minutes off the period grid.
"""
import json, os, random, sys

V = 400.0


def evse(i, kw):
    return {"id": f"EVSE-{i:04d}", "max_kw": float(kw), "min_kw": 0.0}


def scenario(name, desc, seed, period, horizon, limit, evses, vehicles):
    return {
        "schema_version": 1, "name": name, "description": desc, "seed": seed,
        "generator": "tools/acn/gen_scenarios.py",
        "time_origin": "minute 0 = 18:00 on day 0 (START 2024-01-01T18:00:00)",
        "period_minutes": period, "horizon_minutes": horizon, "site_limit_kw": float(limit),
        "voltage_v": V, "site_limit_a": round(limit * 1000 / V, 6),
        "evses": evses, "vehicles": vehicles,
    }


def vehicle(i, e, arr, dep, req, cap, soc, cmax, vmax):
    return {"id": f"EV-{i:04d}", "evse_id": e["id"], "arrival_minute": arr, "departure_minute": dep,
            "requested_kwh": round(req, 1), "battery_capacity_kwh": float(cap), "initial_soc": round(soc, 3),
            "charger_max_kw": float(cmax), "vehicle_max_kw": float(vmax)}


def grid(rng, lo, hi, period):
    return period * rng.randint(int(lo // period), int(hi // period))


def fleet(rng, n, period, horizon, evse_kw, *, vmax=None, cap=300, soc=(0.05, 0.5), req_frac=(0.3, 0.9),
          arr=(0, 0.4), stay=(0.3, 1.0), aligned=True, evse_list=None, cmax=None):
    """n vehicles, one EVSE each (unless evse_list given: vehicle i on evse_list[i])."""
    evses = evse_list if evse_list is not None else [evse(i, evse_kw(i)) for i in range(n)]
    vs = []
    for i in range(n):
        e = evses[i] if evse_list is None else evses[i % len(evses)]
        if aligned:
            a = grid(rng, arr[0] * horizon, arr[1] * horizon, period)
            d = a + max(period, grid(rng, stay[0] * (horizon - a), stay[1] * (horizon - a), period))
        else:
            a = rng.randint(int(arr[0] * horizon), int(arr[1] * horizon))
            d = a + max(1, rng.randint(int(stay[0] * (horizon - a)), max(1, int(stay[1] * (horizon - a)))))
        s = rng.uniform(*soc)
        c = cap if not callable(cap) else cap(i)
        req = rng.uniform(*req_frac) * c
        vm = e["max_kw"] if vmax is None else vmax(i, e["max_kw"])
        cm = e["max_kw"] if cmax is None else cmax(i, e["max_kw"])
        vs.append(vehicle(i, e, a, d, req, c, s, cm, vm))
    return evses, vs


def build(seed):
    rng = random.Random(seed)
    out = []

    def add(name, desc, period, horizon, limit, evses, vs):
        out.append(scenario(name, desc, seed, period, horizon, limit, evses, vs))

    # G01: baseline, loose limit.
    e, v = fleet(rng, 12, 5, 600, lambda i: 80)
    add("G01", "p5, 12 x 80 kW, loose limit (1000 kW)", 5, 600, 1000, e, v)
    # G02: tight limit.
    e, v = fleet(rng, 16, 5, 600, lambda i: 80)
    add("G02", "p5, 16 x 80 kW, tight limit (300 kW)", 5, 600, 300, e, v)
    # G03: 1-minute periods, tight, short horizon.
    e, v = fleet(rng, 10, 1, 240, lambda i: 50, cap=100, req_frac=(0.3, 0.8))
    add("G03", "p1, 10 x 50 kW, 100 kWh, tight (150 kW), 4 h", 1, 240, 150, e, v)
    # G04: 15-minute periods, tight.
    e, v = fleet(rng, 16, 15, 720, lambda i: 80)
    add("G04", "p15, 16 x 80 kW, tight (320 kW)", 15, 720, 320, e, v)
    # G05: 15-minute periods, loose, vehicle max below the charger's.
    e, v = fleet(rng, 12, 15, 720, lambda i: 150, vmax=lambda i, kw: [50, 100, 150][i % 3])
    add("G05", "p15, 12 x 150 kW EVSEs, vehicles 50/100/150 kW, loose (2000 kW)", 15, 720, 2000, e, v)
    # G06: tight limit with vehicle max below the charger's.
    e, v = fleet(rng, 16, 5, 600, lambda i: 150, vmax=lambda i, kw: [40, 60, 150, 90][i % 4])
    add("G06", "p5, 16 x 150 kW EVSEs, vehicles 40/60/90/150 kW, tight (400 kW)", 5, 600, 400, e, v)
    # G07: mixed EVSE powers, tight.
    e, v = fleet(rng, 18, 5, 600, lambda i: [22, 50, 150][i % 3], cap=lambda i: [80, 200, 400][i % 3])
    add("G07", "p5, EVSEs 22/50/150 kW, batteries 80/200/400 kWh, tight (350 kW)", 5, 600, 350, e, v)
    # G08: EVSEs shared in sequence (3 vehicles each; some departures equal the next arrival).
    evs = [evse(i, 80) for i in range(5)]
    vs = []
    k = 0
    for j, ev in enumerate(evs):
        t = grid(rng, 0, 60, 5)
        for r in range(3):
            stay = grid(rng, 60, 200, 5)
            s = rng.uniform(0.1, 0.6)
            vs.append(vehicle(k, ev, t, t + stay, rng.uniform(0.2, 0.8) * 250, 250, s, 80, 80))
            k += 1
            t = t + stay + (0 if (j + r) % 2 == 0 else grid(rng, 5, 30, 5))
    vs.sort(key=lambda x: x["arrival_minute"])
    for i, x in enumerate(vs):
        x["id"] = f"EV-{i:04d}"
    add("G08", "p5, 5 x 80 kW EVSEs each used by 3 vehicles in turn (some leave as the next arrives), tight (200 kW)",
        5, 720, 200, evs, vs)
    # G09: ties: everyone arrives at once; two departure groups.
    e, v = fleet(rng, 14, 5, 600, lambda i: 80)
    for i, x in enumerate(v):
        x["arrival_minute"] = 60
        x["departure_minute"] = 360 if i % 2 == 0 else 480
    add("G09", "p5, 14 x 80 kW, all arrive at minute 60, departures tie at 360/480, tight (250 kW)", 5, 600, 250, e, v)
    # G10: requests beyond the battery (high SOC).
    e, v = fleet(rng, 12, 5, 600, lambda i: 80, soc=(0.5, 0.95), req_frac=(0.4, 1.2))
    add("G10", "p5, 12 x 80 kW, SOC 0.5-0.95, requests up to 1.2 x capacity (many beyond the battery), tight (250 kW)",
        5, 600, 250, e, v)
    # G11: requests beyond what the stay allows.
    e, v = fleet(rng, 12, 5, 480, lambda i: 50, soc=(0.0, 0.2), req_frac=(0.6, 0.8), stay=(0.1, 0.4))
    add("G11", "p5, 12 x 50 kW, short stays, requests beyond what the stay allows, loose (600 kW)", 5, 480, 600, e, v)
    # G12: SOC variety including nearly full and empty.
    e, v = fleet(rng, 14, 5, 600, lambda i: 80, soc=(0.0, 0.99), req_frac=(0.05, 0.7), cap=lambda i: [100, 300][i % 2])
    add("G12", "p5, 14 x 80 kW, SOC 0-0.99, 100/300 kWh, tight (300 kW)", 5, 600, 300, e, v)
    # G13: horizon cuts sessions off (departures and some arrivals beyond it).
    e, v = fleet(rng, 14, 5, 900, lambda i: 80, arr=(0, 0.6))
    add("G13", "p5, 14 x 80 kW, horizon 480 min cuts stays (and arrivals) off, tight (300 kW)", 5, 480, 300, e, v)
    # G14: 1-minute periods, mixed.
    e, v = fleet(rng, 12, 1, 300, lambda i: [22, 50, 100][i % 3], cap=lambda i: [60, 150][i % 2],
                 vmax=lambda i, kw: min(kw, [30, 100, 80, 22][i % 4]), soc=(0.0, 0.9), req_frac=(0.2, 1.1))
    add("G14", "p1, EVSEs 22/50/100 kW, mixed vehicle max, SOC, requests; tight (150 kW)", 1, 300, 150, e, v)
    # G15: 15-minute periods, mixed, horizon cut.
    e, v = fleet(rng, 14, 15, 1200, lambda i: [50, 150][i % 2], cap=lambda i: [200, 350][i % 2],
                 vmax=lambda i, kw: min(kw, [120, 50, 150][i % 3]), soc=(0.0, 0.8), req_frac=(0.2, 1.0))
    add("G15", "p15, EVSEs 50/150 kW, mixed vehicle max, horizon 720 cuts stays, tight (350 kW)", 15, 720, 350, e, v)
    # G16: minutes off the 5-minute grid, some stays shorter than a period.
    e, v = fleet(rng, 12, 5, 600, lambda i: 80, aligned=False)
    for x in v[:4]:
        x["departure_minute"] = x["arrival_minute"] + rng.randint(1, 4)
    add("G16", "unaligned: p5, minutes off the grid, 4 stays of 1-4 min, tight (250 kW)", 5, 600, 250, e, v)
    # G17: 15-minute periods, minutes on a 5-minute grid (off the period grid), short stays.
    e, v = fleet(rng, 12, 5, 720, lambda i: 80)
    for x in v[:4]:
        x["departure_minute"] = x["arrival_minute"] + 5 * rng.randint(1, 2)
    add("G17", "unaligned: p15, minutes on a 5-min grid, 4 stays of 5-10 min, tight (250 kW)", 15, 720, 250, e, v)
    # G18: limit below one charger.
    e, v = fleet(rng, 8, 5, 600, lambda i: 80, req_frac=(0.1, 0.4))
    add("G18", "p5, 8 x 80 kW, limit 50 kW (below one charger)", 5, 600, 50, e, v)
    # G19: charger_max_kw below the EVSE's max_kw.
    e, v = fleet(rng, 12, 5, 600, lambda i: 150, cmax=lambda i, kw: [150, 50, 100][i % 3])
    add("G19", "p5, 12 x 150 kW EVSEs, vehicles' charger_max_kw 150/50/100, tight (400 kW)", 5, 600, 400, e, v)
    # G20: 1-minute periods, ties and shared EVSEs.
    evs = [evse(i, 50) for i in range(4)]
    vs = []
    for i in range(12):
        ev = evs[i % 4]
        slot = i // 4
        a = 30 + slot * 90
        vs.append(vehicle(i, ev, a, a + 90, rng.uniform(20, 90), 120, rng.uniform(0.0, 0.5), 50, [50, 30][i % 2]))
    add("G20", "p1, 4 x 50 kW EVSEs each used by 3 vehicles back to back, arrivals tie, vehicles 50/30 kW, tight (120 kW)",
        1, 330, 120, evs, vs)
    # G21: LLF with vehicle max far below the EVSE's.
    e, v = fleet(rng, 14, 5, 600, lambda i: 150, vmax=lambda i, kw: [20, 150][i % 2], req_frac=(0.1, 0.5))
    add("G21", "p5, 14 x 150 kW EVSEs, vehicles alternately 20/150 kW, tight (300 kW)", 5, 600, 300, e, v)
    # G22: EVSEs shared in turn by vehicles whose charger_max_kw differ (the limit is the session's).
    evs = [evse(i, 150) for i in range(4)]
    vs = []
    for i in range(8):
        ev = evs[i % 4]
        a = 0 if i < 4 else 240
        vs.append(vehicle(i, ev, a + 5 * (i % 4), a + 240, rng.uniform(210, 260), 300, rng.uniform(0.0, 0.1),
                          [50, 150][i // 4 if i % 2 == 0 else 1 - i // 4], [150, 120][i % 2]))
    add("G22", "p5, 4 x 150 kW EVSEs each used by 2 vehicles in turn, charger_max_kw 50 or 150 per vehicle, limit 450 kW",
        5, 480, 450, evs, vs)
    return out


def main():
    outdir = sys.argv[1]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 2026
    os.makedirs(outdir, exist_ok=True)
    for sc in build(seed):
        if "--fit" in sys.argv:
            for v in sc["vehicles"]:
                room = (1 - v["initial_soc"]) * v["battery_capacity_kwh"]
                if v["requested_kwh"] > room:
                    v["requested_kwh"] = round(int(room * 10) / 10, 1)
            sc["description"] += " [requests capped to fit]"
        with open(os.path.join(outdir, sc["name"] + ".json"), "w") as f:
            json.dump(sc, f, indent=1)
            f.write("\n")
        print(sc["name"], len(sc["vehicles"]), "vehicles:", sc["description"])


if __name__ == "__main__":
    main()
