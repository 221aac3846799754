-- Reference case B (reference/README.md), built with twin.scenario: an analytic overnight depot.
--
--   twin run scripts/overnight.lua --no-store
--
-- 10 buses of 300 kWh arrive at 20:00 with SOC 0.30 and must leave at 05:00 with SOC 0.90;
-- 10 chargers of 150 kW; the site may draw 1000 kW. Expected (closed form):
--   * any policy that meets demand draws 10 x 180 / 0.95 = 1894.7368 kWh;
--   * uncontrolled: peak 1000 kW, everyone done 1.9028640 h after 20:00;
--   * balanced: a flat 210.5263 kW all night.
local bus = twin.vehicle_type {
  name = "B300", usable_kwh = 300, efficiency = 0.95,
  curve = { { 0.0, 150 }, { 0.8, 150 }, { 1.0, 15 } },   -- flat to 0.8, linear down to 15 kW
}

local vehicles, chargers, visits = {}, {}, {}
for i = 1, 10 do
  local id = string.format("V%02d", i)
  vehicles[i] = { id = id, type = "B300", soc = 0.30, at_depot = false }   -- arrives with its visit
  chargers[i] = twin.charger { id = string.format("C%02d", i), max_kw = 150 }
  visits[i] = { vehicle = id, arrival = "2026-01-12T20:00", departure = "2026-01-13T05:00",
                soc = 0.30, target_soc = 0.90 }
end

local scenario = twin.scenario {
  name = "Reference B: overnight depot", time_zone = "UTC",
  start = "2026-01-12T18:00", ["end"] = "2026-01-13T07:00",
  vehicle_types = { bus }, vehicles = vehicles, chargers = chargers,
  site = { grid_limit_kw = 1000 }, visits = visits,
}

local function done_after_h(r)                 -- hours from 20:00 until the last session finished
  local last = 0
  for _, s in ipairs(r.sessions) do last = math.max(last, s.charge_end or s.unplug or 0) end
  return (last - (scenario.start + 2 * 3600)) / 3600
end

local results = {}
for _, policy in ipairs { "uncontrolled", "balanced" } do
  local r = twin.run(scenario, { policy = policy })
  results[#results + 1] = r
  print(string.format("%-12s energy %9.4f kWh  peak %9.4f kW  done after %.7f h  unmet %d",
    policy, r.summary.energy_kwh, r.summary.peak_kw, done_after_h(r), r.summary.unmet_vehicles))
end

return results[#results]
