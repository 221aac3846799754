-- round_robin: the site headroom is shared max-min fairly (water filling): everybody gets the
-- same power, except that sessions that want less get what they want and the rest is shared
-- among the others. This is the steady-state of rotating the power between vehicles.
-- To adapt: exclude sessions (set them to 0) before sharing by building a filtered ctx.
return twin.policy {
  name = "round_robin",
  version = "1.0.0",
  api = "1",
  description = "Fair share of the site headroom (max-min fair, water filling).",
  params = {},
  -- Session lists asking for more than a battery holds: see them by their request, as ACN-Sim.
  requests_beyond_battery = true,
  allocate = function(ctx, params)
    return twin.alloc.fair_share(ctx)
  end,
}
