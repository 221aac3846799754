-- html: ONE self-contained HTML report (no network, no external assets): run header, summary
-- table, and inline SVG charts:
--   * site load against the site limit (step chart: load is piecewise constant),
--   * SOC of every vehicle over time (lines between the vehicle's events that carry a SOC),
--   * charger occupancy (Gantt: one row per charger, a bar per session plug_in..unplug),
-- then the sessions table and the warnings. All text is escaped. Times are UTC.
-- To adapt: add a chart with svg.line_chart(series, opts); keep everything inline.
local svg = require "twin.svg"
local units = require "twin.units"
local report = require "twin.report"
local tablex = require "twin.tablex"

local esc = svg.escape


local CSS = [[
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:960px;color:#222;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em} h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0} th,td{padding:.25em .7em;border-bottom:1px solid #eee}
th{text-align:left;background:#f5f5f5} td.n{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#555} svg{max-width:100%;height:auto;display:block} .warn{color:#a40}
]]

local function num(v, scale) return esc(report.number(v, scale)) end

local function hhmm(t) return os.date("!%H:%M", math.floor(t)) end

-- Site load (and its charger / base parts) as step series, extended to the end of the run.
local function load_chart(result, x0, x1)
  local site, chargers, base = {}, {}, {}
  for _, p in ipairs(result.load_profile or {}) do
    site[#site + 1] = { p.time, p.site_kw or 0 }
    chargers[#chargers + 1] = { p.time, p.chargers_kw or 0 }
    base[#base + 1] = { p.time, p.base_kw or 0 }
  end
  for _, s in ipairs({ site, chargers, base }) do
    if #s > 0 and s[#s][1] < x1 then s[#s + 1] = { x1, s[#s][2] } end
  end
  return svg.line_chart({
    { name = "site", points = site, step = true },
    { name = "chargers", points = chargers, step = true },
    { name = "base", points = base, step = true },
  }, { title = "Site load", y_label = "kW", x_label = "time (UTC)", x_min = x0, x_max = x1,
       x_ticks = svg.time_ticks(x0, x1), x_format = hhmm,
       limit = result.site_limit_kw, limit_label = result.site_limit_kw and ("site limit " .. num(result.site_limit_kw) .. " kW") })
end

-- SOC (%) per vehicle from the events that carry a SOC, in vehicle id order.
local function soc_chart(result, x0, x1)
  local by_vehicle = tablex.group_by(tablex.filter(result.events or {}, function(e)
    return e.vehicle_id ~= nil and type(e.soc) == "number"
  end), "vehicle_id")
  local ids = tablex.keys(by_vehicle)
  table.sort(ids, tablex.natural_less)
  local series = {}
  for _, id in ipairs(ids) do
    local pts = {}
    for _, e in ipairs(tablex.sort_by(by_vehicle[id], "time")) do pts[#pts + 1] = { e.time, e.soc * 100 } end
    series[#series + 1] = { name = tostring(id), points = pts }
  end
  return svg.line_chart(series, { title = "State of charge", y_label = "SOC %", x_label = "time (UTC)",
    x_min = x0, x_max = x1, y_min = 0, y_max = 100, x_ticks = svg.time_ticks(x0, x1), x_format = hhmm })
end

-- Charger occupancy: a row per charger, a bar per session from plug_in to unplug.
local function occupancy_chart(result, x0, x1)
  local by_charger = tablex.group_by(result.sessions or {}, "charger_id")
  local ids = tablex.keys(by_charger)
  table.sort(ids, tablex.natural_less)
  local rows = {}
  for _, id in ipairs(ids) do
    local iv = {}
    for _, s in ipairs(by_charger[id]) do
      local from, to = s.plug_in or s.arrival, s.unplug or s.departure or x1
      if from then
        iv[#iv + 1] = { from = from, to = to, label = string.format("%s %s-%s", tostring(s.vehicle_id), hhmm(from), hhmm(to)) }
      end
    end
    rows[#rows + 1] = { label = tostring(id), intervals = iv }
  end
  return svg.gantt(rows, { title = "Charger occupancy", x_label = "time (UTC)", x_min = x0, x_max = x1,
    x_ticks = svg.time_ticks(x0, x1), x_format = hhmm })
end

return twin.formatter {
  name = "html",
  version = "1.0.0",
  api = "1",
  description = "Self-contained HTML report with summary and inline SVG charts.",
  media_type = "text/html",
  extension = "html",
  params = {},
  write = function(result, out, params)
    local x0, x1 = result.start or 0, result["end"] or 1
    local w = function(...) out:write(table.concat({ ... })) end
    w('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>', esc(result.scenario or "Run"),
      " - DepotTwin</title>\n<style>\n", CSS, "</style>\n</head>\n<body>\n")
    w("<h1>", esc(result.scenario or "Run"), "</h1>\n")
    w('<p class="meta">Policy <b>', esc(result.policy), "</b>, seed ", esc(result.seed), ", ",
      esc(units.format_time(x0)), " to ", esc(units.format_time(x1)), " UTC",
      result.time_zone and (" (depot time zone " .. esc(result.time_zone) .. ")") or "", "</p>\n")
    w("<h2>Summary</h2>\n<table>\n<tr><th>Metric</th><th>Value</th><th>Unit</th></tr>\n")
    local s = result.summary or {}
    for _, m in ipairs(report.SUMMARY_METRICS) do
      w("<tr><td>", esc(m[2]), '</td><td class="n">', num(s[m[1]], m[4]), "</td><td>", esc(m[3]), "</td></tr>\n")
    end
    w("</table>\n<h2>Site load</h2>\n", load_chart(result, x0, x1), "\n")
    w("<h2>State of charge</h2>\n", soc_chart(result, x0, x1), "\n")
    w("<h2>Charger occupancy</h2>\n", occupancy_chart(result, x0, x1), "\n")
    w("<h2>Sessions</h2>\n<table>\n<tr><th>Vehicle</th><th>Charger</th><th>Plug in</th><th>Unplug</th>",
      "<th>SOC in %</th><th>SOC out %</th><th>Wanted kWh</th><th>Drawn kWh</th><th>Delivered kWh</th></tr>\n")
    for _, x in ipairs(result.sessions or {}) do
      w("<tr><td>", esc(x.vehicle_id), "</td><td>", esc(x.charger_id), "</td><td>",
        x.plug_in and esc(units.format_time(x.plug_in)) or "-", "</td><td>",
        x.unplug and esc(units.format_time(x.unplug)) or "-", '</td><td class="n">', num(x.soc_in, 100),
        '</td><td class="n">', num(x.soc_out, 100), '</td><td class="n">', num(x.wanted_kwh),
        '</td><td class="n">', num(x.drawn_kwh), '</td><td class="n">', num(x.delivered_kwh), "</td></tr>\n")
    end
    local warnings = result.warnings or {}
    w("</table>\n<h2>Warnings (", tostring(#warnings), ")</h2>\n")
    if #warnings == 0 then w("<p>None.</p>\n") else
      w("<ul>\n")
      for _, msg in ipairs(warnings) do w('<li class="warn">', esc(msg), "</li>\n") end
      w("</ul>\n")
    end
    w("</body>\n</html>\n")
  end,
}
