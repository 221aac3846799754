-- balanced: each session gets the constant power that delivers exactly the energy it still
-- wants by its departure, so charging is spread over the whole stay and peaks stay low.
-- To adapt: add a safety margin, e.g. multiply each value by params.margin (1.1 = 10 % extra).
return twin.policy {
  name = "balanced",
  version = "1.0.0",
  api = "1",
  description = "Constant power per session that meets its energy exactly by departure.",
  params = {},
  allocate = function(ctx, params)
    return twin.alloc.balanced(ctx)
  end,
}
