-- Compare charging policies on reference scenario S2 (40 vehicles, 40 x 80 kW chargers, a
-- 600 kW site limit: too little for everyone, so the order of service decides who is short).
--
--   twin run scripts/compare_policies.lua --no-store
--
-- Prints one row per policy; ACN-Sim's figures for the same inputs are in reference/README.md
-- (delivered 6715.83 / 6906.70 / 7040.40 / 6807.47 kWh of 7040.4 for fcfs / edf / llf / round_robin).
local scenario = twin.load_scenario("reference/S2.json")

local POLICIES = { "fcfs", "edf", "llf", "round_robin" }

print(string.format("%-12s %12s %12s %9s %7s", "policy", "requested", "delivered", "peak kW", "unmet"))
local last
for _, name in ipairs(POLICIES) do
  local r = twin.run(scenario, { policy = name })
  local s = r.summary
  print(string.format("%-12s %12.2f %12.2f %9.1f %7d", name, s.requested_kwh, s.delivered_kwh,
                      s.peak_kw, s.unmet_vehicles))
  last = r
end

return last
