#!/usr/bin/env python3
"""check_reference.py RUNS.json: run_acn.py's output on reference/S1.json and S2.json against
reference/acn_expected.json (delivered, peak, unmet ids, largest per-vehicle difference)."""
import json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
ref = json.load(open(os.path.join(here, "..", "..", "reference", "acn_expected.json")))["runs"]
got = json.load(open(sys.argv[1]))["runs"]
for g in got:
    r = next(x for x in ref if x["scenario"] == g["scenario"] and x["algorithm"] == g["algorithm"])
    pv = max(abs(g["per_vehicle_delivered_kwh"][k] - r["per_vehicle_delivered_kwh"][k]) for k in r["per_vehicle_delivered_kwh"])
    print(g["scenario"], g["algorithm"], "delivered", g["total_energy_delivered_kwh"], r["total_energy_delivered_kwh"],
          "peak", g["peak_kw"], r["peak_kw"], "unmet", g["n_unmet_gt_1pct"], r["n_unmet_gt_1pct"],
          "same ids" if g["unmet_vehicle_ids"] == r["unmet_vehicle_ids"] else "OTHER ids", "max per-vehicle diff %.4f" % pv)
