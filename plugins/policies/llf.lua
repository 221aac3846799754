-- llf (least laxity first): laxity is the slack a session has before it must charge flat out:
--
--   laxity_s = (departure - now) - energy_wanted_kwh / (vehicle_max_kw * efficiency) * 3600
--
-- (the battery receives efficiency x the drawn power). The smallest laxity is served first, at
-- the most it may draw within the site, its dispenser and its cabinet. The built-in "laxity" key
-- computes exactly this in Swift (fast); the same in Lua would be
--   twin.alloc.sorted(ctx, function(s)
--     return (s.departure - ctx.now) - s.energy_wanted_kwh / (s.vehicle_max_kw * s.efficiency) * 3600 end)
-- To adapt: change the key, e.g. weight the slack by a vehicle priority.
return twin.policy {
  name = "llf",
  version = "1.0.0",
  api = "1",
  description = "Least laxity first: the session with the least slack before its departure first.",
  params = {},
  -- Session lists asking for more than a battery holds: see them by their request, as ACN-Sim.
  requests_beyond_battery = true,
  allocate = function(ctx, params)
    return twin.alloc.sorted(ctx, "laxity")
  end,
}
