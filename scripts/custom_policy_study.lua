-- A small study: how low can the peak go? Sweep peak_shaving's target on reference case S1 and
-- compare against llf and balanced, in delivered energy, peak and unmet vehicles.
--
--   twin run scripts/custom_policy_study.lua --no-store
--
-- Shows: running one scenario many times with plugin parameters (params = {["plugin.param"] = v}),
-- and reading result.summary and result.sessions from a script.
local stats = require "twin.stats"

local scenario = twin.load_scenario("reference/S1.json")

local function row(label, r)
  local short = {}
  for _, s in ipairs(r.sessions) do
    short[#short + 1] = math.max(0, s.wanted_kwh - s.delivered_kwh)
  end
  print(string.format("%-22s delivered %9.1f kWh  peak %7.1f kW  unmet %2d  worst short %6.1f kWh",
    label, r.summary.delivered_kwh, r.summary.peak_kw, r.summary.unmet_vehicles, stats.max(short) or 0))
end

row("llf", twin.run(scenario, { policy = "llf" }))
row("balanced", twin.run(scenario, { policy = "balanced" }))

local last
for _, target in ipairs { 1000, 800, 600, 400 } do
  last = twin.run(scenario, { policy = "peak_shaving", params = { ["peak_shaving.target_kw"] = target } })
  row(string.format("peak_shaving %4d kW", target), last)
end

return last
