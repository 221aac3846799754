-- none: never precondition the cabin from the grid; HVAC runs from the battery on the trip.
-- To adapt: see before_departure.lua for a temperature-dependent lead time.
return twin.behaviour {
  name = "none",
  version = "1.0.0",
  api = "1",
  description = "No preconditioning.",
  params = {},
  precondition = function(ctx, params)
    return 0
  end,
}
