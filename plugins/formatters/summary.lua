-- summary: a plain-text report for the terminal: a header (scenario, policy, seed, period) and
-- an aligned table of the summary metrics with their units, then the warnings count.
-- Times are UTC. To adapt: edit METRICS (order, labels, units, scale) or add rows.
local units = require "twin.units"

-- { field in result.summary, label, unit, scale } in display order.
local METRICS = {
  { "energy_kwh", "Energy drawn", "kWh" },
  { "energy_to_batteries_kwh", "Energy to batteries", "kWh" },
  { "requested_kwh", "Energy requested", "kWh" },
  { "delivered_kwh", "Energy delivered", "kWh" },
  { "peak_kw", "Peak site load", "kW" },
  { "cost_energy", "Energy cost", "" },
  { "cost_demand", "Demand cost", "" },
  { "cost_total", "Total cost", "" },
  { "unmet_vehicles", "Unmet vehicles", "" },
  { "missed_departures", "Missed departures", "" },
  { "shortfall_kwh", "Shortfall", "kWh" },
  { "min_soc", "Minimum SOC", "%", 100 },
  { "charger_utilisation", "Charger utilisation", "%", 100 },
  { "clamps", "Policy clamps", "" },
}

local function num(v, scale)
  if v == nil then return "-" end
  if type(v) ~= "number" then return tostring(v) end
  v = v * (scale or 1)
  if math.type(v) == "integer" then return string.format("%d", v) end
  return string.format("%.2f", v)
end

return twin.formatter {
  name = "summary",
  version = "1.0.0",
  api = "1",
  description = "Aligned text table of the summary metrics with a run header.",
  media_type = "text/plain",
  extension = "txt",
  params = {},
  write = function(result, out, params)
    local s = result.summary or {}
    out:write(string.format("Scenario  %s\n", tostring(result.scenario)))
    out:write(string.format("Policy    %s\n", tostring(result.policy)))
    out:write(string.format("Seed      %s\n", tostring(result.seed)))
    out:write(string.format("Period    %s .. %s UTC (%s)\n", units.format_time(result.start),
      units.format_time(result["end"]), units.format_duration(result["end"] - result.start)))
    out:write("\n")
    -- Column widths from the content so the table stays aligned whatever the values.
    local rows, wl, wv = {}, 6, 5
    for i, m in ipairs(METRICS) do
      rows[i] = { m[2], num(s[m[1]], m[4]), m[3] }
      wl = math.max(wl, #rows[i][1]); wv = math.max(wv, #rows[i][2])
    end
    out:write(string.format("%-" .. wl .. "s  %" .. wv .. "s  %s\n", "Metric", "Value", "Unit"))
    out:write(string.rep("-", wl) .. "  " .. string.rep("-", wv) .. "  ----\n")
    for _, r in ipairs(rows) do
      out:write((string.format("%-" .. wl .. "s  %" .. wv .. "s  %s", r[1], r[2], r[3]):gsub("%s+$", "")) .. "\n")
    end
    out:write(string.format("\nWarnings: %d\n", #(result.warnings or {})))
  end,
}
