--- twin.stats: descriptive statistics over arrays of numbers.
--- Empty input: sum = 0, the others return nil (no invented values).
---@class twin.stats
local M = {}

--- Sum of the values.
---@param xs number[]
---@return number
function M.sum(xs)
  local s = 0
  for i = 1, #xs do s = s + xs[i] end
  return s
end

--- Arithmetic mean, nil for an empty array.
---@param xs number[]
---@return number?
function M.mean(xs)
  if #xs == 0 then return nil end
  return M.sum(xs) / #xs
end

--- Smallest value, nil for an empty array.
---@param xs number[]
---@return number?
function M.min(xs)
  local m = xs[1]
  for i = 2, #xs do if xs[i] < m then m = xs[i] end end
  return m
end

--- Largest value, nil for an empty array.
---@param xs number[]
---@return number?
function M.max(xs)
  local m = xs[1]
  for i = 2, #xs do if xs[i] > m then m = xs[i] end end
  return m
end

--- Percentile p in [0, 100] with linear interpolation between closest ranks
--- (the "linear" method of numpy): p=50 is the median, p=0 the min, p=100 the max.
---@param xs number[]
---@param p number
---@return number?
function M.percentile(xs, p)
  assert(type(p) == "number" and p >= 0 and p <= 100, "percentile: p must be in [0, 100]")
  local n = #xs
  if n == 0 then return nil end
  local s = {}
  for i = 1, n do s[i] = xs[i] end
  table.sort(s)
  local r = p / 100 * (n - 1) + 1
  local lo = math.floor(r)
  if lo >= n then return s[n] end
  return s[lo] + (r - lo) * (s[lo + 1] - s[lo])
end

--- Median (50th percentile).
---@param xs number[]
---@return number?
function M.median(xs) return M.percentile(xs, 50) end

--- Standard deviation; population by default, sample (n - 1) if `sample` is true.
---@param xs number[]
---@param sample? boolean
---@return number?
function M.stddev(xs, sample)
  local n = #xs
  if n == 0 or (sample and n < 2) then return nil end
  local m = M.mean(xs)
  local ss = 0
  for i = 1, n do ss = ss + (xs[i] - m) ^ 2 end
  return math.sqrt(ss / (sample and n - 1 or n))
end

--- Histogram with `bins` equal-width bins over [lo, hi] (default: min..max of xs).
--- Values outside [lo, hi] are ignored; the last bin includes hi.
---@param xs number[]
---@param bins integer
---@param lo? number
---@param hi? number
---@return { lo: number, hi: number, count: integer }[]
function M.histogram(xs, bins, lo, hi)
  assert(math.type(bins) == "integer" and bins > 0, "histogram: bins must be a positive integer")
  lo = lo or M.min(xs) or 0
  hi = hi or M.max(xs) or 0
  local width = (hi - lo) / bins
  local h = {}
  for b = 1, bins do h[b] = { lo = lo + (b - 1) * width, hi = lo + b * width, count = 0 } end
  for i = 1, #xs do
    local x = xs[i]
    if x >= lo and x <= hi then
      local b = width > 0 and math.floor((x - lo) / width) + 1 or 1
      if b > bins then b = bins end
      h[b].count = h[b].count + 1
    end
  end
  return h
end

return M
