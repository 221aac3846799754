-- edf (earliest deadline first): the session that departs soonest is served first, at the most
-- it may draw, then the next, until the site headroom is used up.
-- To adapt: weight deadlines, e.g. key = function(s) return s.departure - 600 * s.energy_wanted_kwh end.
return twin.policy {
  name = "edf",
  version = "1.0.0",
  api = "1",
  description = "Earliest deadline first: the soonest departure gets its maximum first.",
  params = {},
  -- Session lists asking for more than a battery holds: see them by their request, as ACN-Sim.
  requests_beyond_battery = true,
  allocate = function(ctx, params)
    return twin.alloc.sorted(ctx, "departure")
  end,
}
