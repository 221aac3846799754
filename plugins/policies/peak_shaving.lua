-- peak_shaving: keep the site load (base_kw + chargers) under params.target_kw while still
-- meeting departures when possible.
--   1. Each session first gets its balanced power (the constant power that meets its energy by
--      departure), so no departure is sacrificed to the target; only if these alone exceed the
--      target does the load go above it (the core still enforces the hard site limit).
--   2. The headroom left below the target is then shared max-min fairly (water filling), so
--      vehicles charge ahead of schedule when the site is quiet.
-- To adapt: make the target time-dependent, e.g. a lower target in the evening peak hours
-- (os.date("!*t", ctx.now).hour), or set step 2 to serve by departure instead of fairly.
return twin.policy {
  name = "peak_shaving",
  version = "1.0.0",
  api = "1",
  description = "Keep site load under a target while still meeting departures when possible.",
  params = {
    target_kw = { type = "number", default = 300, unit = "kW",
                  help = "site load (base + chargers) to stay under" },
  },
  allocate = function(ctx, params)
    local sessions = ctx.sessions
    local need = twin.alloc.balanced(ctx)
    -- The budget for chargers under the target, never above the site headroom.
    local budget = math.min(params.target_kw - ctx.base_kw, ctx.headroom_kw)
    local kw, used = {}, 0
    for i, s in ipairs(sessions) do
      kw[i] = math.min(need[i] or 0, s.max_kw)
      used = used + kw[i]
    end
    -- Water filling of what is left: raise the lowest extra first, capped at each max_kw.
    local left = budget - used
    local open = {}
    for i, s in ipairs(sessions) do
      if s.max_kw > kw[i] and s.energy_wanted_kwh > 0 then open[#open + 1] = i end
    end
    while left > 1e-9 and #open > 0 do
      local share = left / #open
      local still = {}
      for _, i in ipairs(open) do
        local give = math.min(share, sessions[i].max_kw - kw[i])
        kw[i] = kw[i] + give
        left = left - give
        if sessions[i].max_kw - kw[i] > 1e-9 then still[#still + 1] = i end
      end
      if #still == #open then break end -- everybody took a full share: nothing left
      open = still
    end
    return kw
  end,
}
