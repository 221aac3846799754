--- twin.report: what the report formatters (summary, markdown, html) share: the summary metrics
--- in display order with labels and units, and how a number is shown. Pure Lua, no globals.
---@class twin.report
local M = {}

--- `{ field in result.summary, label, unit, scale }` in display order (`scale` turns fractions
--- into percent). Copy and edit the list in a formatter to show other rows.
---@type { [1]: string, [2]: string, [3]: string, [4]: number? }[]
M.SUMMARY_METRICS = {
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

--- A value as reports show it: "-" for nil, integers as such, other numbers (times `scale`)
--- with two decimals, anything else through tostring (escape it for your output format).
---@param v any
---@param scale? number
---@return string
function M.number(v, scale)
  if v == nil then return "-" end
  if type(v) ~= "number" then return tostring(v) end
  v = v * (scale or 1)
  if math.type(v) == "integer" then return string.format("%d", v) end
  return string.format("%.2f", v)
end

return M
