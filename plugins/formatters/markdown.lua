-- markdown: a report for a README, wiki or pull request: run header, summary table, sessions
-- table and warnings. Times are UTC. Pipes and line breaks in text are escaped so tables hold.
-- To adapt: add a section (e.g. vehicles) by copying the sessions block with other columns.
local units = require "twin.units"
local report = require "twin.report"


local function esc(v)
  -- Backslash and pipe would break the table; < > & would be read as inline HTML.
  return (tostring(v):gsub("\\", "\\\\"):gsub("|", "\\|"):gsub("[\r\n]+", " ")
    :gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"))
end

local function num(v, scale) return esc(report.number(v, scale)) end

local function time(t) return t and units.format_time(t) or "-" end

return twin.formatter {
  name = "markdown",
  version = "1.0.0",
  api = "1",
  description = "Markdown report: summary, sessions and warnings.",
  media_type = "text/markdown",
  extension = "md",
  params = {},
  write = function(result, out, params)
    out:write(string.format("# %s\n\n", esc(result.scenario or "Run")))
    out:write(string.format("Policy **%s**, seed %s, %s to %s UTC.\n\n", esc(result.policy),
      esc(result.seed), time(result.start), time(result["end"])))
    out:write("## Summary\n\n| Metric | Value | Unit |\n|---|---:|---|\n")
    local s = result.summary or {}
    for _, m in ipairs(report.SUMMARY_METRICS) do
      out:write(string.format("| %s | %s | %s |\n", m[2], num(s[m[1]], m[4]), m[3]))
    end
    out:write("\n## Sessions\n\n| Vehicle | Charger | Plug in | Unplug | SOC in % | SOC out % | Wanted kWh | Drawn kWh | Delivered kWh |\n")
    out:write("|---|---|---|---|---:|---:|---:|---:|---:|\n")
    for _, x in ipairs(result.sessions or {}) do
      out:write(string.format("| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", esc(x.vehicle_id),
        esc(x.charger_id), time(x.plug_in), time(x.unplug), num(x.soc_in, 100), num(x.soc_out, 100),
        num(x.wanted_kwh), num(x.drawn_kwh), num(x.delivered_kwh)))
    end
    local w = result.warnings or {}
    out:write(string.format("\n## Warnings (%d)\n\n", #w))
    if #w == 0 then out:write("None.\n") end
    for _, msg in ipairs(w) do out:write("- " .. esc(msg) .. "\n") end
  end,
}
