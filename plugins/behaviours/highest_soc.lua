-- highest_soc: at block start, pick the candidate with the most energy on board among those
-- that can finish the block (energy_kwh >= block.energy_estimate_kwh). nil if none can: the
-- scheduled vehicle goes and its shortfall is measured. Ties go to the lower vehicle id.
-- To adapt: keep a reserve, e.g. require energy_kwh >= estimate * (1 + params.margin).
local tablex = require "twin.tablex"

return twin.behaviour {
  name = "highest_soc",
  version = "1.0.0",
  api = "1",
  description = "The ready vehicle with the most energy that can finish the block drives it.",
  params = {},
  on_block_start = function(ctx, params)
    local need = ctx.block.energy_estimate_kwh or 0
    local best
    for _, v in ipairs(ctx.candidates) do
      local e = v.energy_kwh or 0
      if e >= need then
        if best == nil or e > best.energy_kwh
           or (e == best.energy_kwh and tablex.natural_less(v.id, best.id)) then
          best = v
        end
      end
    end
    return best and best.id
  end,
}
