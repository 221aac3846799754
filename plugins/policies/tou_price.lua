-- tou_price: time-of-use charging. Each session charges at max_kw now only if now is among the
-- cheapest slots it needs before its departure:
--   1. Cut the time from now to departure into step-sized slots (the last may be shorter).
--   2. Rank them by ctx.price_at(slot start), cheapest first (ties: earlier first).
--   3. Take slots in that order until, at max_kw, they deliver energy_wanted_kwh.
--   4. Charge now (at max_kw) only if the current slot was taken.
-- Then the site headroom is honoured in deadline order (earliest departure served first).
-- max_kw is today's value; the curve may taper later, so add params.margin slots for safety.
-- To adapt: use a price threshold instead ("charge whenever price <= x"), or add demand
-- charges by penalising slots whose site load is already high.
return twin.policy {
  name = "tou_price",
  version = "1.0.0",
  api = "1",
  description = "Charge in the cheapest periods before departure (time-of-use prices).",
  params = {
    margin_slots = { type = "integer", default = 0, unit = "slots",
                     help = "extra cheapest slots to reserve on top of the energy needed" },
  },
  allocate = function(ctx, params)
    local step = ctx.step_s > 0 and ctx.step_s or 300
    local want = {}
    for i, s in ipairs(ctx.sessions) do
      want[i] = 0
      if s.energy_wanted_kwh > 0 and s.max_kw > 0 then
        -- Energy one slot of length len delivers to the battery at max_kw.
        local per_s = s.max_kw * (s.efficiency or 1) / 3600
        local slots = {}
        local t = ctx.now
        while t < s.departure do
          slots[#slots + 1] = { t = t, len = math.min(step, s.departure - t), price = ctx.price_at(t) }
          t = t + step
        end
        table.sort(slots, function(a, b)
          if a.price ~= b.price then return a.price < b.price end
          return a.t < b.t
        end)
        local got, extra = 0, params.margin_slots or 0
        local charge_now = #slots == 0 -- already past departure: charge as fast as possible
        for _, slot in ipairs(slots) do
          if got >= s.energy_wanted_kwh then
            if extra <= 0 then break end
            extra = extra - 1
          end
          if slot.t == ctx.now then charge_now = true; break end
          got = got + per_s * slot.len
        end
        if charge_now then want[i] = s.max_kw end
      end
    end
    -- Honour the site headroom: earliest departure first (stable on ctx order).
    local order = {}
    for i = 1, #ctx.sessions do order[i] = i end
    table.sort(order, function(a, b)
      local da, db = ctx.sessions[a].departure, ctx.sessions[b].departure
      if da ~= db then return da < db end
      return a < b
    end)
    local kw, left = {}, math.max(ctx.headroom_kw, 0)
    for i = 1, #ctx.sessions do kw[i] = 0 end
    for _, i in ipairs(order) do
      kw[i] = math.min(want[i], left)
      left = left - kw[i]
    end
    return kw
  end,
}
