-- first_free: an arriving vehicle takes the first free charger in id order (natural order,
-- so "C2" comes before "C10"). Returns nil when none is free: the host queues the vehicle.
-- To adapt: prefer a charger group, e.g. filter ctx.free_chargers on cabinet_id first.
local tablex = require "twin.tablex"

return twin.behaviour {
  name = "first_free",
  version = "1.0.0",
  api = "1",
  description = "Arriving vehicles take the first free charger in id order.",
  params = {},
  on_arrival = function(ctx, params)
    local best
    for _, c in ipairs(ctx.free_chargers) do
      if best == nil or tablex.natural_less(c.id, best.id) then best = c end
    end
    return best and best.id
  end,
}
