#!/usr/bin/env python3
"""Run `twin` on each scenario for the four policies and compare with ACN-Sim's figures.
Usage: compare.py TWIN ACN_DIR SCENARIO.json... (ACN_DIR/NAME.json from run_acn.py)"""
import json, os, subprocess, sys
POL = {"FCFS": "fcfs", "EDF": "edf", "LLF": "llf", "RoundRobin": "round_robin"}
TOL = {"FCFS": (0.005, 1), "EDF": (0.005, 1), "LLF": (0.005, 1), "RoundRobin": (0.01, 3)}

def twin(twin_bin, path, policy):
    out = subprocess.run([twin_bin, "run", path, "--policy", policy, "--format", "json", "-o", "-", "--no-store", "--quiet"],
                         capture_output=True, text=True, check=True).stdout
    d = json.loads(out)
    pv = {}
    for s in d["sessions"]:
        pv[s["vehicle_id"]] = pv.get(s["vehicle_id"], 0) + s["delivered_kwh"]
    return d["summary"], pv

def rel(a, b):
    m = max(abs(a), abs(b)); return 0 if m == 0 else abs(a - b) / m

def main():
    twin_bin, acn_dir, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    rows = []
    print(f"{'scen':5} {'algo':10} {'ours kWh':>10} {'ACN kWh':>10} {'rel%':>6} {'our pk':>8} {'ACN pk':>8} {'lim':>6} {'unm':>4} {'ACN':>4} {'maxveh':>7} ok")
    for p in paths:
        name = os.path.basename(p)[:-5]
        acn = json.load(open(os.path.join(acn_dir, name + ".json")))["runs"]
        for r in acn:
            a = r["algorithm"]
            if a not in POL: continue
            s, pv = twin(twin_bin, p, POL[a])
            etol, utol = TOL[a]
            e = rel(s["delivered_kwh"], r["total_energy_delivered_kwh"])
            mv = max([abs(pv.get(k, 0) - x) for k, x in r["per_vehicle_delivered_kwh"].items()] + [0])
            extra = set(pv) - set(r["per_vehicle_delivered_kwh"])
            ok = e <= etol and s["peak_kw"] <= r["site_limit_kw"] * (1 + 1e-9) and abs(s["unmet_vehicles"] - r["n_unmet_gt_1pct"]) <= utol \
                 and abs(s["requested_kwh"] - r["total_requested_kwh"]) < 1e-3
            print(f"{name:5} {a:10} {s['delivered_kwh']:10.3f} {r['total_energy_delivered_kwh']:10.3f} {100*e:6.2f} {s['peak_kw']:8.2f} {r['peak_kw']:8.2f} {r['site_limit_kw']:6.0f} {s['unmet_vehicles']:4d} {r['n_unmet_gt_1pct']:4d} {mv:7.2f} {'OK' if ok else 'FAIL'}"
                  + ("" if abs(s["requested_kwh"] - r["total_requested_kwh"]) < 1e-3 else f" req {s['requested_kwh']:.1f} vs {r['total_requested_kwh']:.1f}")
                  + (f" extra {sorted(extra)}" if extra else ""))
            rows.append(dict(scenario=name, algorithm=a, ours=s["delivered_kwh"], acn=r["total_energy_delivered_kwh"], ok=ok))
    print("FAIL count:", sum(not r["ok"] for r in rows), "of", len(rows))

if __name__ == "__main__":
    main()
