-- DepotTwin default demo: a 60-bus electric depot through a winter week.
--
--   twin run scripts/demo.lua --format summary --format html -o out/report.html
--
-- Everything is generated here, deterministically (a tiny LCG, not math.random), so the same
-- script gives the same report on every machine. Read it top to bottom to learn the scenario API:
-- vehicle types -> chargers and cabinets -> weather -> tariff -> blocks -> scenario -> run.
-- The depot:
--   * 60 buses of three types: 24 x 12 m single-deck (350 kWh), 16 x 18 m articulated (500 kWh),
--     20 x midibus (250 kWh); every bus drives one block a day (150-190 km),
--     pulling out 04:30-07:30 and in 18:00-22:30, a third of them split
--     into a morning and an afternoon block with a midday break at the depot.
--   * 28 dispensers, 60 connectors: 24 x 150 kW with 2 connectors behind 4 shared power cabinets
--     of 600 kW, and 4 standalone 150 kW with 3 connectors (a dispenser's power is shared by the
--     buses on its connectors).
--   * site grid connection 1600 kW with 60 kW of workshop/lighting base load: the cabinets and
--     dispensers could draw 3000 kW, so the charging policy decides who charges when.
--   * Berlin, Monday 2026-01-12 00:00 to Monday 2026-01-19 06:00, hourly temperatures -8..+3 C.
--   * time-of-use tariff (cheap nights) with a demand charge on the peak.
-- Policy: least laxity first; behaviours: first free bay, precondition before cold departures.

local DAYS = 7
local START_DAY = { year = 2026, month = 1, day = 12 }

---------------------------------------------------------------------------------------------
-- Deterministic random numbers: a linear congruential generator (glibc's constants).
local seed = 20260112
local function rnd()                       -- uniform in [0, 1)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed / 2147483648
end
local function uniform(lo, hi) return lo + (hi - lo) * rnd() end

-- Local ISO time text for day d (0 = Monday 12th) and minutes after local midnight.
-- Text without an offset is read in the scenario's time zone (Europe/Berlin).
local function at(d, minutes)
  local t = os.time { year = START_DAY.year, month = START_DAY.month, day = START_DAY.day + d,
                      hour = 12 }          -- noon avoids any DST edge; only the date is used
  local date = os.date("%Y-%m-%d", t)
  minutes = math.floor(minutes + 0.5)
  return string.format("%sT%02d:%02d", date, minutes // 60, minutes % 60)
end

---------------------------------------------------------------------------------------------
-- Vehicle types. Curves give the power drawn at the charger by SOC: flat, then tapering above
-- ~80 % as the battery management limits current. HVAC is a heat pump: heat loss through the
-- body (ua_kw_per_k x (setpoint - ambient)) divided by its COP, plus fans and controls
-- (auxiliary_kw); in winter it is 10-20 % of the trip energy.
local e12 = twin.vehicle_type {
  name = "E12", usable_kwh = 350, min_soc = 0.0, max_soc = 1.0, reserve_soc = 0.15,
  curve = { { 0.0, 150 }, { 0.80, 150 }, { 0.90, 90 }, { 1.0, 30 } },
  efficiency = 0.94, kwh_per_km = 1.10, mass_kg = 14500,
  drivetrain_efficiency = 0.9, regen_efficiency = 0.6,
  hvac = { setpoint_c = 18, ua_kw_per_k = 0.40, cop = 2.3, auxiliary_kw = 0.5 },
}
local e18 = twin.vehicle_type {
  name = "E18", usable_kwh = 500, min_soc = 0.0, max_soc = 1.0, reserve_soc = 0.15,
  curve = { { 0.0, 150 }, { 0.80, 150 }, { 0.92, 80 }, { 1.0, 40 } },
  efficiency = 0.93, kwh_per_km = 1.45, mass_kg = 20000,
  drivetrain_efficiency = 0.9, regen_efficiency = 0.6,
  hvac = { setpoint_c = 18, ua_kw_per_k = 0.60, cop = 2.3, auxiliary_kw = 0.8 },
}
local midi = twin.vehicle_type {
  name = "MIDI", usable_kwh = 250, min_soc = 0.0, max_soc = 1.0, reserve_soc = 0.15,
  curve = { { 0.0, 100 }, { 0.82, 100 }, { 1.0, 20 } },
  efficiency = 0.95, kwh_per_km = 0.85, mass_kg = 10000,
  drivetrain_efficiency = 0.9, regen_efficiency = 0.6,
  hvac = { setpoint_c = 18, ua_kw_per_k = 0.28, cop = 2.3, auxiliary_kw = 0.4 },
}

-- The fleet: ids B01..B60; the first 24 are E12, then 16 E18, then 20 MIDI.
local FLEET = { { type = "E12", count = 24 }, { type = "E18", count = 16 }, { type = "MIDI", count = 20 } }
local vehicles = {}
for _, group in ipairs(FLEET) do
  for _ = 1, group.count do
    local id = string.format("B%02d", #vehicles + 1)
    vehicles[#vehicles + 1] = { id = id, type = group.type, soc = uniform(0.85, 0.95) }
  end
end

---------------------------------------------------------------------------------------------
-- Chargers: 4 cabinets of 600 kW, each feeding 6 dispensers of 150 kW with 2 connectors (two
-- bays share one dispenser's 150 kW), then 4 standalone 150 kW dispensers with 3 connectors.
-- 28 dispensers, 60 connectors: every bus has a plug overnight, but power is shared twice over
-- (dispenser, then cabinet) before the site limit: the policy decides who charges when.
local cabinets, chargers = {}, {}
for k = 1, 4 do
  local cab = string.format("CAB%d", k)
  cabinets[#cabinets + 1] = twin.cabinet { id = cab, max_kw = 600 }
  for _ = 1, 6 do
    chargers[#chargers + 1] = twin.charger { id = string.format("C%02d", #chargers + 1), max_kw = 150,
                                             connectors = 2, cabinet = cab, plug_in_delay_s = 120 }
  end
end
for _ = 1, 4 do
  chargers[#chargers + 1] = twin.charger { id = string.format("C%02d", #chargers + 1), max_kw = 150,
                                           connectors = 3, plug_in_delay_s = 120 }
end

---------------------------------------------------------------------------------------------
-- Weather: an hourly series with a diurnal cycle (coldest ~06:00, warmest ~15:00) around a daily
-- mean that drifts between about -6 and -1 C, plus a little noise: -8..+3 C over the week.
local hourly = {}
for h = 0, DAYS * 24 do
  local day, hour = h // 24, h % 24
  local mean = -3.5 + 2.5 * math.sin(day * 0.9)
  local diurnal = 3.5 * math.sin((hour - 9) / 24 * 2 * math.pi)
  hourly[#hourly + 1] = mean + diurnal + uniform(-0.5, 0.5)
end
local weather = twin.weather { hourly = hourly, start = at(0, 0) }

---------------------------------------------------------------------------------------------
-- Tariff: night energy is cheap, the evening peak dear; a demand charge on the month's peak.
local tariff = twin.tariff {
  default_price = 0.24,
  bands = {
    { from_h = 0, to_h = 6, price = 0.15 },
    { from_h = 17, to_h = 20, price = 0.32 },
    { from_h = 22, to_h = 24, price = 0.18 },
  },
  demand_charge_per_kw = 10,               -- per kW of the calendar month's peak site load
}

---------------------------------------------------------------------------------------------
-- Blocks. Each bus has a duty that repeats every day: pull-out from the depot, revenue trips of
-- 14-26 km at 16-20 km/h (city traffic), layovers at the terminus, pull-in. The layovers are
-- spread so that the block ends at its planned pull-in time. Every third bus is a split duty: a
-- morning block and an afternoon block with a midday break at the depot (where it charges).
local TYPE_KM = { E12 = { 150, 190 }, E18 = { 150, 180 }, MIDI = { 150, 170 } }
local DEADHEAD_KM = 5                      -- depot <-> first/last stop

-- One block on day d from `dep` to `arr` (minutes after local midnight) covering about `km` km.
local function make_block(id, vehicle, d, dep, arr, km, route)
  local speed = uniform(16, 20) / 60       -- km per minute
  local legs = {}                          -- revenue legs in km
  local left = km - 2 * DEADHEAD_KM
  while left > 1 do
    local leg = math.min(left, uniform(14, 26))
    legs[#legs + 1] = leg
    left = left - leg
  end
  local driving = km / speed
  local layover = math.max(5, (arr - dep - driving) / (#legs + 1))   -- minutes per stop
  local t = dep + DEADHEAD_KM / speed
  local pull_out = { id = id .. "-PO", departure = at(d, dep), arrival = at(d, t), distance_km = DEADHEAD_KM }
  local trips = {}
  for n, leg in ipairs(legs) do
    t = t + layover
    local dur = leg / speed
    local gain = math.floor(leg * uniform(2, 6))                 -- m climbed (and descended) on the leg
    trips[n] = { id = string.format("%s-T%d", id, n), departure = at(d, t), arrival = at(d, t + dur),
                 distance_km = leg, elevation_gain_m = gain, elevation_loss_m = gain, route = route }
    t = t + dur
  end
  t = t + layover
  local pull_in = { id = id .. "-PI", departure = at(d, t), arrival = at(d, t + DEADHEAD_KM / speed),
                    distance_km = DEADHEAD_KM }
  return twin.block { id = id, vehicle = vehicle, pull_out = pull_out, trips = trips, pull_in = pull_in }
end

-- One duty per bus, drawn once and driven every day (the weekend runs the weekday timetable, for
-- simplicity). Times are minutes after local midnight.
local duties = {}
for i, v in ipairs(vehicles) do
  local range = TYPE_KM[v.type]
  duties[i] = {
    km = uniform(range[1], range[2]),
    pull_out = uniform(4.5 * 60, 7.5 * 60),                     -- 04:30-07:30
    pull_in = uniform(18 * 60, 22.5 * 60),                      -- 18:00-22:30
    split = (i % 3 == 0),
    route = string.format("R%d", 1 + (i * 7) % 12),
  }
end

local blocks = {}
for d = 0, DAYS - 1 do
  for i, v in ipairs(vehicles) do
    local duty = duties[i]
    local id = string.format("%s-D%d", v.id, d + 1)
    if duty.split then
      -- Morning block of 4.5 h, then 4 h at the depot, then the afternoon and evening block.
      local back = duty.pull_out + 4.5 * 60
      blocks[#blocks + 1] = make_block(id .. "a", v.id, d, duty.pull_out, back, duty.km * 0.4, duty.route)
      blocks[#blocks + 1] = make_block(id .. "b", v.id, d, back + 4 * 60, duty.pull_in, duty.km * 0.6, duty.route)
    else
      blocks[#blocks + 1] = make_block(id, v.id, d, duty.pull_out, duty.pull_in, duty.km, duty.route)
    end
  end
end

---------------------------------------------------------------------------------------------
local scenario = twin.scenario {
  name = "Winter week, 60 e-buses",
  -- Ends on Monday 06:00 rather than midnight, so the last night's charging is complete (a
  -- session cut off by the end of the run would count as unmet).
  start = at(0, 0), ["end"] = at(DAYS, 6 * 60), time_zone = "Europe/Berlin",
  step_s = 300, seed = 42,
  vehicle_types = { e12, e18, midi },
  vehicles = vehicles,
  chargers = chargers, cabinets = cabinets,
  site = { grid_limit_kw = 1600, base_load_kw = 60 },
  tariff = tariff, weather = weather, blocks = blocks,
}

-- The run: least laxity first; a bus takes the first free bay; in the cold the cabin is heated
-- from the grid for 20 minutes before departure (saving battery energy on the road).
local result = twin.run(scenario, {
  policy = "llf",
  behaviours = { "first_free", "before_departure" },
  params = { ["before_departure.minutes"] = 20 },
})

return result
