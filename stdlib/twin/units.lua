--- twin.units: unit conversions and human-readable formatting.
--- Every function is pure; names read "from_to" (kw_to_w = kilowatts to watts).
---@class twin.units
local M = {}

---@param kw number kilowatts
---@return number watts
function M.kw_to_w(kw) return kw * 1000 end
---@param w number watts
---@return number kilowatts
function M.w_to_kw(w) return w / 1000 end

---@param kwh number
---@return number watt-hours
function M.kwh_to_wh(kwh) return kwh * 1000 end
---@param wh number
---@return number kilowatt-hours
function M.wh_to_kwh(wh) return wh / 1000 end
---@param kwh number
---@return number megajoules (1 kWh = 3.6 MJ)
function M.kwh_to_mj(kwh) return kwh * 3.6 end
---@param mj number
---@return number kilowatt-hours
function M.mj_to_kwh(mj) return mj / 3.6 end

---@param h number hours
---@return number seconds
function M.h_to_s(h) return h * 3600 end
---@param s number seconds
---@return number hours
function M.s_to_h(s) return s / 3600 end
---@param min number minutes
---@return number seconds
function M.min_to_s(min) return min * 60 end
---@param s number seconds
---@return number minutes
function M.s_to_min(s) return s / 60 end
---@param h number hours
---@return number minutes
function M.h_to_min(h) return h * 60 end
---@param min number minutes
---@return number hours
function M.min_to_h(min) return min / 60 end

---@param c number Celsius
---@return number Fahrenheit
function M.c_to_f(c) return c * 9 / 5 + 32 end
---@param f number Fahrenheit
---@return number Celsius
function M.f_to_c(f) return (f - 32) * 5 / 9 end
---@param c number Celsius
---@return number kelvin
function M.c_to_k(c) return c + 273.15 end
---@param k number kelvin
---@return number Celsius
function M.k_to_c(k) return k - 273.15 end

local KM_PER_MI = 1.609344
---@param km number
---@return number miles
function M.km_to_mi(km) return km / KM_PER_MI end
---@param mi number
---@return number kilometres
function M.mi_to_km(mi) return mi * KM_PER_MI end

--- Format a duration in seconds as "1d 2h 03m", "2h 05m", "4m 10s" or "12s".
--- Negative durations get a leading "-".
---@param s number seconds
---@return string
function M.format_duration(s)
  local sign = s < 0 and "-" or ""
  s = math.floor(math.abs(s) + 0.5)
  local d, h, m, sec = s // 86400, s % 86400 // 3600, s % 3600 // 60, s % 60
  if d > 0 then return string.format("%s%dd %dh %02dm", sign, d, h, m) end
  if h > 0 then return string.format("%s%dh %02dm", sign, h, m) end
  if m > 0 then return string.format("%s%dm %02ds", sign, m, sec) end
  return string.format("%s%ds", sign, sec)
end

--- Format an energy in kWh with a sensible unit: "850 Wh", "12.3 kWh", "4.56 MWh".
---@param kwh number
---@return string
function M.format_energy(kwh)
  local a = math.abs(kwh)
  if a ~= 0 and a < 1 then return string.format("%.0f Wh", kwh * 1000) end
  if a >= 1000 then return string.format("%.2f MWh", kwh / 1000) end
  return string.format("%.1f kWh", kwh)
end

--- Format a UTC time (seconds) as "2026-01-05 06:30" (UTC, no zone suffix).
---@param t number UTC seconds
---@param with_seconds? boolean add ":SS"
---@return string
function M.format_time(t, with_seconds)
  return os.date(with_seconds and "!%Y-%m-%d %H:%M:%S" or "!%Y-%m-%d %H:%M", math.floor(t))
end

--- Format a UTC time (seconds) as ISO 8601: "2026-01-05T06:30:00Z".
---@param t number UTC seconds
---@return string
function M.format_iso(t)
  return os.date("!%Y-%m-%dT%H:%M:%SZ", math.floor(t))
end

return M
