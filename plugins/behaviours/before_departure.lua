-- before_departure: precondition the cabin from the grid for params.minutes before departure,
-- but only when it is cold (ambient below cold_below_c) or hot (above hot_above_c); in mild
-- weather there is nothing to gain. Returns the lead time in seconds (0 = none).
-- To adapt: scale the lead time with the temperature gap, e.g. 1 min per degree below 5 C.
return twin.behaviour {
  name = "before_departure",
  version = "1.0.0",
  api = "1",
  description = "Precondition before departure in cold or hot weather.",
  params = {
    minutes = { type = "number", default = 20, unit = "min", help = "lead time before departure" },
    cold_below_c = { type = "number", default = 5, unit = "C", help = "precondition when ambient is below this" },
    hot_above_c = { type = "number", default = 25, unit = "C", help = "precondition when ambient is above this" },
  },
  precondition = function(ctx, params)
    local t = ctx.ambient_c
    if t == nil then return 0 end
    if t < (params.cold_below_c or 5) or t > (params.hot_above_c or 25) then
      return (params.minutes or 20) * 60
    end
    return 0
  end,
}
