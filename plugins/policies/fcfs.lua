-- fcfs (first come, first served): sessions are served in arrival order; each in turn gets the
-- most it may draw within the headroom left by those before it. Ties keep ctx order.
-- To adapt: pass your own key function to twin.alloc.sorted, e.g. serve the emptiest first:
--   twin.alloc.sorted(ctx, function(s) return s.soc end)
return twin.policy {
  name = "fcfs",
  version = "1.0.0",
  api = "1",
  description = "First come, first served: earliest arrival gets its maximum first.",
  params = {},
  -- Session lists asking for more than a battery holds: see them by their request, as ACN-Sim.
  requests_beyond_battery = true,
  allocate = function(ctx, params)
    return twin.alloc.sorted(ctx, "arrival")
  end,
}
