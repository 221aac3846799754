-- csv: tables for spreadsheets and pandas: summary, sessions, vehicles, trips, load profile.
--
-- Output layout (host contract assumption, see docs/plugin-contract.md):
--   * If the host offers `out:sibling(suffix)`, the main output (e.g. run.csv) holds the summary
--     (metric,value) and each table goes to its own file beside it, named <base><suffix>:
--     run-sessions.csv, run-vehicles.csv, run-trips.csv, run-load_profile.csv.
--   * Otherwise everything goes to the one output: sections, each starting with a "# <name>"
--     line followed by a header row, separated by a blank line (pandas: split on blank lines).
-- Times are ISO 8601 UTC text ("2026-01-05T06:30:00Z") unless params.iso_times is false
-- (then UTC seconds). To adapt: edit TABLES (columns and order).
local csv = require "twin.csv"
local units = require "twin.units"

local TABLES = {
  { "sessions", { "id", "vehicle_id", "charger_id", "arrival", "plug_in", "charge_start", "charge_end",
                  "unplug", "departure", "soc_in", "soc_out", "wanted_kwh", "drawn_kwh", "delivered_kwh", "clamps" } },
  { "vehicles", { "id", "type", "soc_start", "soc_end", "soc_min", "drawn_kwh", "trip_energy_kwh", "trips",
                  "shortfall_kwh", "below_reserve" } },
  { "trips", { "vehicle_id", "block_id", "trip_id", "route_id", "departure", "arrival", "distance_km",
               "ambient_c", "energy_kwh", "traction_kwh", "hvac_kwh", "climb_kwh", "regen_kwh", "soc_before",
               "soc_after", "shortfall_kwh", "below_reserve" } },
  { "load_profile", { "time", "chargers_kw", "base_kw", "site_kw", "plugged" } },
}
local TIME_COLUMNS = { arrival = true, plug_in = true, charge_start = true, charge_end = true,
                       unplug = true, departure = true, time = true }

-- Deterministic cell text: integers as integers, floats with up to 10 significant digits.
local function cell(col, v, iso)
  if v == nil then return "" end
  if type(v) == "number" then
    if iso and TIME_COLUMNS[col] then return units.format_iso(v) end
    if math.type(v) == "integer" then return string.format("%d", v) end
    if v == math.floor(v) and math.abs(v) < 2^53 then return string.format("%d", math.tointeger(v)) end
    return string.format("%.10g", v)
  end
  return tostring(v)
end

local function table_text(list, columns, iso)
  local rows = { columns }
  for _, rec in ipairs(list or {}) do
    local row = {}
    for k, col in ipairs(columns) do row[k] = cell(col, rec[col], iso) end
    rows[#rows + 1] = row
  end
  return csv.encode(rows)
end

local function summary_text(result)
  local rows = { { "metric", "value" } }
  local names = {}
  for k in pairs(result.summary or {}) do names[#names + 1] = k end
  table.sort(names)
  for _, k in ipairs(names) do rows[#rows + 1] = { k, cell(k, result.summary[k], false) } end
  return csv.encode(rows)
end

return twin.formatter {
  name = "csv",
  version = "1.0.0",
  api = "1",
  description = "CSV tables: sessions, vehicles, trips and load profile (sibling files or sections).",
  media_type = "text/csv",
  extension = "csv",
  params = {
    iso_times = { type = "boolean", default = true, help = "times as ISO 8601 text (false: UTC seconds)" },
  },
  write = function(result, out, params)
    local iso = params.iso_times ~= false
    if out.sibling then
      out:write(summary_text(result))
      for _, t in ipairs(TABLES) do
        local f = out:sibling("-" .. t[1] .. ".csv")
        f:write(table_text(result[t[1]], t[2], iso))
      end
    else
      out:write("# summary\n" .. summary_text(result))
      for _, t in ipairs(TABLES) do
        out:write("\n# " .. t[1] .. "\n" .. table_text(result[t[1]], t[2], iso))
      end
    end
  end,
}
