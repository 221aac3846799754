-- summary: a plain-text report for the terminal: a header (scenario, policy, seed, period) and
-- an aligned table of the summary metrics with their units, then the warnings count.
-- Times are UTC. To adapt: copy report.SUMMARY_METRICS (order, labels, units, scale) and edit it.
local units = require "twin.units"
local report = require "twin.report"


local num = report.number

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
    for i, m in ipairs(report.SUMMARY_METRICS) do
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
