#!/usr/bin/env python3
"""Run ACN-Sim (acnportal 0.3.3) on a DepotTwin session-list scenario (schema_version 1).

Mapping (see tools/acn/README.md):
  - one ChargingNetwork, EVSEs registered in the file's order (ACN's tie order), continuous
    EVSE(max_rate = max_kw * 1000 / V, min_rate = min_kw * 1000 / V), all at voltage_v, phase 0;
  - one constraint Current(all EVSEs) <= site_limit_kw * 1000 / V;
  - each vehicle an EV(arrival, departure in periods = minute / period_minutes, requested_energy =
    requested_kwh, station = evse_id) with an ideal Battery(capacity, initial_soc * capacity,
    max_power = min(vehicle_max_kw, charger_max_kw)); the EVSE's max pilot while the vehicle is
    plugged in is min(EVSE max, that max power) (VehicleAwareEVSE; --raw: plain EVSE, the
    algorithms then ignore the vehicle's max and waste the headroom it cannot use);
  - vehicles arriving at or after horizon_minutes are left out; stays keep their departures (the
    deadlines EDF and LLF see) and only what is drawn before the horizon counts (--cut-horizon:
    cut departures to the horizon instead);
  - algorithms: SortedSchedulingAlgo(first_come_first_served / earliest_deadline_first /
    least_laxity_first), RoundRobin(first_come_first_served, continuous_inc).
Output: JSON in the acn_expected.json run format.
"""
import argparse, json, math, sys, warnings
from collections import OrderedDict
from datetime import datetime

warnings.filterwarnings("ignore")
import numpy as np
from acnportal import acnsim, algorithms
from acnportal.acnsim.models.battery import Battery
from acnportal.acnsim.models.ev import EV
from acnportal.acnsim.models.evse import EVSE
from acnportal.acnsim.events import EventQueue, PluginEvent
from acnportal.acnsim.network import ChargingNetwork, Current

ALGOS = ["FCFS", "EDF", "LLF", "RoundRobin"]


class VehicleAwareEVSE(EVSE):
    """A continuous EVSE whose max pilot is min(its own max, the plugged vehicle's max power): how
    ACN's algorithms (which only see EVSE limits) are told the vehicle's max, as the reference
    README's semantics require (power <= min(charger, vehicle, ...); LLF laxity with the vehicle max)."""

    def __init__(self, station_id, max_rate, min_rate, voltage):
        super().__init__(station_id, max_rate=max_rate, min_rate=min_rate)
        self._voltage = voltage

    @property
    def max_rate(self):
        if self.ev is not None:
            return min(self._max_rate, self.ev.maximum_charging_power * 1000 / self._voltage)
        return self._max_rate


class VehicleAwareNetwork(ChargingNetwork):
    """ChargingNetwork caches each EVSE's max pilot at registration: refresh it when vehicles come and go."""

    def _refresh_max(self):
        self.max_pilot_signals = np.array([self._EVSEs[s].max_rate for s in self.station_ids])

    def plugin(self, ev, station_id=None):
        super().plugin(ev)
        self._refresh_max()

    def unplug(self, station_id, session_id=None):
        super().unplug(station_id, session_id)
        self._refresh_max()


def make_algo(name, rr_inc):
    s = algorithms
    if name == "FCFS":
        return s.SortedSchedulingAlgo(s.first_come_first_served)
    if name == "EDF":
        return s.SortedSchedulingAlgo(s.earliest_deadline_first)
    if name == "LLF":
        return s.SortedSchedulingAlgo(s.least_laxity_first)
    if name == "RoundRobin":
        return s.RoundRobin(s.first_come_first_served, continuous_inc=rr_inc)
    if name == "Uncontrolled":
        return s.UncontrolledCharging()
    raise ValueError(name)


def to_period(minute, period, mode):
    x = minute / period
    if mode == "floor":
        return int(math.floor(x + 1e-9))
    if mode == "round":
        return int(math.floor(x + 0.5))
    if mode == "ceil":
        return int(math.ceil(x - 1e-9))
    raise ValueError(mode)


def run(sc, algo_name, rr_inc=1.0, raw=False, cut_horizon=False, arr_mode="floor", dep_mode="floor", cap_request=False):
    P = float(sc["period_minutes"])
    V = float(sc.get("voltage_v") or 400.0)
    horizon = float(sc["horizon_minutes"])
    net = ChargingNetwork() if raw else VehicleAwareNetwork()
    ids = []
    for e in sc["evses"]:
        amax, amin = e["max_kw"] * 1000 / V, (e.get("min_kw") or 0.0) * 1000 / V
        evse = EVSE(e["id"], max_rate=amax, min_rate=amin) if raw else VehicleAwareEVSE(e["id"], amax, amin, V)
        net.register_evse(evse, V, 0)
        ids.append(e["id"])
    net.add_constraint(Current(ids), sc["site_limit_kw"] * 1000 / V, name="site")
    events = EventQueue()
    evs = []
    H = horizon / P  # the horizon in periods
    for v in sc["vehicles"]:
        arr_min, dep_min = v["arrival_minute"], v["departure_minute"]
        if arr_min >= horizon:
            continue  # never at the depot within the simulation
        if cut_horizon:
            dep_min = min(dep_min, horizon)
        a = to_period(arr_min, P, arr_mode)
        d = to_period(dep_min, P, dep_mode)
        if d <= a:
            d = a + 1  # ACN refuses a stay shorter than one period: it gets one period
        cap = v["battery_capacity_kwh"]
        bat = Battery(cap, v["initial_soc"] * cap, min(v["vehicle_max_kw"], v["charger_max_kw"]))
        req = v["requested_kwh"]
        if cap_request:  # diagnostic only: ask no more than the battery holds
            req = min(req, (1 - v["initial_soc"]) * cap)
        ev = EV(a, d, req, v["evse_id"], v["id"], bat, estimated_departure=d)
        events.add_event(PluginEvent(a, ev))
        evs.append(ev)
    sched = make_algo(algo_name, rr_inc)
    sim = acnsim.Simulator(net, sched, events, datetime(2024, 1, 1, 18), period=P, verbose=False)
    sim.run()
    # Energy and power within the horizon only (with cut departures nothing is later anyway):
    # ACN has no end time, so the stays run to their real departures (deadlines as in the file)
    # and what is drawn from the horizon on is not counted.
    n_h = int(math.ceil(H - 1e-9))
    rates = sim.charging_rates[:, :n_h]
    power = (sim.network._voltages.T.dot(rates) / 1000) if rates.size else np.zeros(0)
    requested = sum(ev.requested_energy for ev in evs)
    delivered = {}
    for ev in evs:
        i = net.station_ids.index(ev.station_id)
        lo, hi = ev.arrival, min(ev.departure, n_h)
        amps = rates[i, lo:hi].sum() if hi > lo else 0.0
        # the row is the station's: the slice is this stay's (stays on one EVSE never overlap in ACN)
        kwh = amps * V / 1000 * P / 60
        delivered[ev.session_id] = kwh
    unmet = [ev.session_id for ev in evs if delivered[ev.session_id] < 0.99 * ev.requested_energy]
    return OrderedDict(
        scenario=sc["name"], algorithm=algo_name,
        total_requested_kwh=round(requested, 4),
        total_energy_delivered_kwh=round(sum(delivered.values()), 4),
        peak_kw=round(float(power.max()) if len(power) else 0.0, 4),
        site_limit_kw=sc["site_limit_kw"],
        n_unmet_gt_1pct=len(unmet), unmet_vehicle_ids=unmet,
        per_vehicle_delivered_kwh={k: round(x, 4) for k, x in delivered.items()},
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario", nargs="+")
    ap.add_argument("--algo", action="append", choices=ALGOS + ["Uncontrolled"])
    ap.add_argument("--rr-inc", type=float, default=1.0, help="RoundRobin continuous_inc in A (default 1)")
    ap.add_argument("--raw", action="store_true",
                    help="plain EVSEs: the algorithms do not see the vehicle's max power (only its battery does)")
    ap.add_argument("--cut-horizon", action="store_true", help="cut departures after the horizon to it (EDF/LLF deadlines change)")
    ap.add_argument("--cap-request", action="store_true", help="diagnostic: requested_kwh capped at what the battery holds")
    ap.add_argument("--arr", default="floor", choices=["floor", "round", "ceil"])
    ap.add_argument("--dep", default="floor", choices=["floor", "round", "ceil"])
    a = ap.parse_args()
    runs = []
    for path in a.scenario:
        sc = json.load(open(path))
        for alg in a.algo or ALGOS:
            runs.append(run(sc, alg, a.rr_inc, a.raw, a.cut_horizon, a.arr, a.dep, a.cap_request))
    json.dump({"source": "ACN-Sim (acnportal 0.3.3) via run_acn.py", "runs": runs}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
