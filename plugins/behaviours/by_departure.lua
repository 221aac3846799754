-- by_departure: vehicles leaving soon (within params.soon_h hours, the default 4 h) get the most
-- powerful free charger; the others, and vehicles with no next block, get the weakest, keeping
-- fast chargers free for those who need them. Ties go to the lower charger id.
-- To adapt: base "soon" on energy needed instead, e.g. (1 - soc) * capacity / time left.
local tablex = require "twin.tablex"

return twin.behaviour {
  name = "by_departure",
  version = "1.0.0",
  api = "1",
  description = "Vehicles leaving soonest get the most powerful free charger, later ones the weakest.",
  params = {
    soon_h = { type = "number", default = 4, unit = "h",
               help = "a vehicle departing within this time counts as leaving soon" },
  },
  on_arrival = function(ctx, params)
    local dep = ctx.vehicle.departure
    local soon = dep ~= nil and (dep - ctx.now) <= (params.soon_h or 4) * 3600
    local best
    for _, c in ipairs(ctx.free_chargers) do
      if best == nil then best = c
      elseif c.max_kw ~= best.max_kw then
        if (soon and c.max_kw > best.max_kw) or (not soon and c.max_kw < best.max_kw) then best = c end
      elseif tablex.natural_less(c.id, best.id) then best = c end
    end
    return best and best.id
  end,
}
