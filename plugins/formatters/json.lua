-- json: the whole run as one JSON object, for scripts and notebooks:
--   { scenario, policy, seed, start, end, step_s, site_limit_kw, time_zone, summary, sessions,
--     vehicles, trips, load_profile, warnings [, events] }
-- Keys are sorted and numbers printed deterministically (integers as integers, floats "%.10g"),
-- so the same run gives byte-identical output. Times are UTC seconds.
-- To adapt: drop or rename fields in `doc` below; keep summary names as in the contract.
local json = require "twin.json"

-- Plain copies of an array of records (a fresh table, empty arrays stay arrays).
local function records(list)
  local r = {}
  for i, rec in ipairs(list or {}) do
    local c = json.object()
    for k, v in pairs(rec) do c[k] = v end
    r[i] = c
  end
  return r
end

return twin.formatter {
  name = "json",
  version = "1.0.0",
  api = "1",
  description = "The run as one deterministic JSON document.",
  media_type = "application/json",
  extension = "json",
  params = {
    indent = { type = "integer", default = 2, unit = "spaces", help = "indent width; 0 = compact" },
    events = { type = "boolean", default = false, help = "include the event log" },
  },
  write = function(result, out, params)
    local summary = json.object()
    for k, v in pairs(result.summary or {}) do summary[k] = v end
    local doc = json.object {
      scenario = result.scenario,
      policy = result.policy,
      seed = result.seed,
      start = result.start,
      ["end"] = result["end"],
      step_s = result.step_s,
      site_limit_kw = result.site_limit_kw,
      time_zone = result.time_zone,
      summary = summary,
      sessions = records(result.sessions),
      vehicles = records(result.vehicles),
      trips = records(result.trips),
      load_profile = records(result.load_profile),
      warnings = result.warnings or {},
    }
    if params.events then doc.events = records(result.events) end
    local n = params.indent or 2
    out:write(json.encode(doc, { indent = n > 0 and string.rep(" ", n) or nil }))
    out:write("\n")
  end,
}
