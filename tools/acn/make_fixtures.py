#!/usr/bin/env python3
"""Copy chosen generated scenarios and ACN-Sim's figures for them into reference/acn_generated/.

Usage: make_fixtures.py GEN_DIR GENFIT_DIR ACN_GEN_DIR ACN_GENFIT_DIR OUT_DIR
A name ending in "-fit" comes from GENFIT_DIR (requests cut to what the battery holds). Runs listed
in KNOWN_ISSUES get a `known_issue` note: the Swift test then expects them to fail (withKnownIssue).
"""
import json, os, sys

FIXTURES = ["G03-fit", "G04-fit", "G06-fit", "G08-fit", "G09-fit", "G13-fit", "G20-fit", "G22-fit", "G10", "G04"]
# (scenario, algorithm) -> note, for runs DepotTwin does not reproduce yet. Empty since the
# reference policies see requests beyond the battery as ACN does (G10 and G04 were 4-40% off before).
KNOWN_ISSUES = {}


def main():
    gen, genfit, acn_gen, acn_fit, out = sys.argv[1:6]
    os.makedirs(out, exist_ok=True)
    runs = []
    for name in FIXTURES:
        base = name[:-4] if name.endswith("-fit") else name
        src, acn = (genfit, acn_fit) if name.endswith("-fit") else (gen, acn_gen)
        sc = json.load(open(os.path.join(src, base + ".json")))
        sc["name"] = name
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump(sc, f, indent=1)
            f.write("\n")
        for r in json.load(open(os.path.join(acn, base + ".json")))["runs"]:
            r["scenario"] = name
            if (name, r["algorithm"]) in KNOWN_ISSUES:
                r["known_issue"] = KNOWN_ISSUES[(name, r["algorithm"])]
            runs.append(r)
    doc = {"source": "ACN-Sim (acnportal 0.3.3) via tools/acn/run_acn.py on tools/acn/gen_scenarios.py --seed 2026; "
                     "ideal battery, vehicle-aware EVSEs, RoundRobin 1 A steps; unmet = delivered < 99% of requested",
           "runs": runs}
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
