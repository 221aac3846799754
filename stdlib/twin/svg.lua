--- twin.svg: inline SVG charts with no external assets (for HTML reports).
--- Charts return an `<svg>` string; all text is escaped. Colours come from a fixed palette
--- so output is deterministic. Coordinates are printed with "%.1f".
---@class twin.svg
local M = {}

--- Palette used for series in order (colour-blind friendly, Okabe-Ito).
M.palette = { "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000" }

--- Escape text for XML content and attribute values.
---@param s any
---@return string
function M.escape(s)
  return (tostring(s):gsub("[&<>\"']", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;",
                                          ['"'] = "&quot;", ["'"] = "&#39;" }))
end

---@param x number
---@return string
local function f(x) return string.format("%.1f", x) end

-- Inline SVG in HTML5 needs no namespace (and the report must hold no URLs);
-- a standalone .svg file does: pass `standalone = true`.
---@param o twin.svg.ChartOptions
---@return string
local function xmlns(o)
  return o.standalone and ' xmlns="http://www.w3.org/2000/svg"' or ""
end

--- "Nice" tick values covering [lo, hi] (about `n` ticks, steps of 1, 2 or 5 x 10^k).
---@param lo number
---@param hi number
---@param n? integer default 5
---@return number[]
function M.ticks(lo, hi, n)
  n = n or 5
  if hi <= lo then return { lo } end
  local raw = (hi - lo) / n
  local mag = 10 ^ math.floor(math.log(raw, 10))
  local step = mag
  for _, m in ipairs({ 1, 2, 5, 10 }) do
    step = m * mag
    if raw <= step then break end
  end
  local t, v = {}, math.ceil(lo / step) * step
  while v <= hi + step * 1e-9 do t[#t + 1] = v; v = v + step end
  return t
end

--- Tick positions for a time axis in UTC seconds: multiples of 15 min .. 1 day, about `n` ticks.
---@param lo number
---@param hi number
---@param n? integer default 6
---@return number[]
function M.time_ticks(lo, hi, n)
  n = n or 6
  local step = 86400
  for _, s in ipairs({ 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400 }) do
    if (hi - lo) / s <= n then step = s; break end
  end
  if (hi - lo) / step > n then step = math.ceil((hi - lo) / n / 86400) * 86400 end
  local t, v = {}, math.ceil(lo / step) * step
  while v <= hi do t[#t + 1] = v; v = v + step end
  return t
end

--- Tick label: integers plain, others 3 significant digits.
---@param v number
---@return string
local function fmt_tick(v)
  if v == math.floor(v) and math.abs(v) < 1e15 then return string.format("%d", math.tointeger(v)) end
  return string.format("%.3g", v)
end

---@class twin.svg.Series
---@field name string legend label
---@field points number[][] array of {x, y}, x ascending
---@field color? string CSS colour (default from palette)
---@field step? boolean draw as a step line (value holds until the next point)

---@class twin.svg.ChartOptions
---@field width? integer pixels, default 720
---@field height? integer pixels, default 300
---@field title? string
---@field x_label? string
---@field y_label? string
---@field x_format? fun(x: number): string tick label for x (e.g. a time formatter)
---@field x_min? number
---@field x_max? number
---@field y_min? number default min(0, data)
---@field y_max? number
---@field limit? number draw a dashed horizontal line at this y
---@field limit_label? string
---@field x_ticks? number[] x tick positions (default: "nice" numbers; pass hour marks for times)
---@field standalone? boolean add the SVG namespace, for a standalone .svg file

--- Size and margins of a chart.
---@param o twin.svg.ChartOptions
---@return integer width, integer height, table margins
local function frame(o)
  local w, h = o.width or 720, o.height or 300
  return w, h, { l = 60, r = 20, t = o.title and 28 or 12, b = 44 }
end

--- Multi-series line chart with axes, ticks, labels, legend and an optional horizontal limit line.
---@param series twin.svg.Series[]
---@param opts? twin.svg.ChartOptions
---@return string svg
function M.line_chart(series, opts)
  local o = opts or {}
  local w, h, m = frame(o)
  local xmin, xmax, ymin, ymax = o.x_min, o.x_max, o.y_min, o.y_max
  local dx0, dx1, dy0, dy1 = math.huge, -math.huge, 0, -math.huge
  for _, s in ipairs(series) do
    for _, p in ipairs(s.points) do
      dx0, dx1 = math.min(dx0, p[1]), math.max(dx1, p[1])
      dy0, dy1 = math.min(dy0, p[2]), math.max(dy1, p[2])
    end
  end
  if o.limit then dy1 = math.max(dy1, o.limit); dy0 = math.min(dy0, o.limit) end
  if dx0 == math.huge then dx0, dx1 = 0, 1 end
  if dy1 == -math.huge then dy1 = 1 end
  xmin, xmax = xmin or dx0, xmax or dx1
  ymin, ymax = ymin or dy0, ymax or dy1 * 1.05
  if xmax <= xmin then xmax = xmin + 1 end
  if ymax <= ymin then ymax = ymin + 1 end
  local pw, ph = w - m.l - m.r, h - m.t - m.b
  ---@param x number data x
  ---@return number pixel x
  local function X(x) return m.l + (x - xmin) / (xmax - xmin) * pw end
  ---@param y number
  ---@return number pixel y
  local function Y(y) return m.t + ph - (y - ymin) / (ymax - ymin) * ph end
  local b = {}
  b[#b + 1] = string.format('<svg%s viewBox="0 0 %d %d" width="%d" height="%d" role="img" font-family="sans-serif" font-size="11">', xmlns(o), w, h, w, h)
  if o.title then
    b[#b + 1] = string.format('<title>%s</title><text x="%d" y="18" font-size="14" font-weight="bold">%s</text>', M.escape(o.title), m.l, M.escape(o.title))
  end
  -- Grid and y ticks.
  for _, v in ipairs(M.ticks(ymin, ymax, 5)) do
    b[#b + 1] = string.format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#ddd"/><text x="%s" y="%s" text-anchor="end">%s</text>',
      f(m.l), f(Y(v)), f(m.l + pw), f(Y(v)), f(m.l - 4), f(Y(v) + 4), M.escape(fmt_tick(v)))
  end
  for _, v in ipairs(o.x_ticks or M.ticks(xmin, xmax, 6)) do
    local label = o.x_format and o.x_format(v) or fmt_tick(v)
    b[#b + 1] = string.format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#888"/><text x="%s" y="%s" text-anchor="middle">%s</text>',
      f(X(v)), f(m.t + ph), f(X(v)), f(m.t + ph + 4), f(X(v)), f(m.t + ph + 16), M.escape(label))
  end
  -- Axes.
  b[#b + 1] = string.format('<path d="M%s %sV%sH%s" fill="none" stroke="#333"/>', f(m.l), f(m.t), f(m.t + ph), f(m.l + pw))
  if o.x_label then b[#b + 1] = string.format('<text x="%s" y="%d" text-anchor="middle">%s</text>', f(m.l + pw / 2), h - 6, M.escape(o.x_label)) end
  if o.y_label then b[#b + 1] = string.format('<text transform="translate(14 %s) rotate(-90)" text-anchor="middle">%s</text>', f(m.t + ph / 2), M.escape(o.y_label)) end
  -- Series.
  for i, s in ipairs(series) do
    local color = s.color or M.palette[(i - 1) % #M.palette + 1]
    local d = {}
    for k, p in ipairs(s.points) do
      if k == 1 then d[#d + 1] = "M" .. f(X(p[1])) .. " " .. f(Y(p[2]))
      elseif s.step then d[#d + 1] = "H" .. f(X(p[1])) .. "V" .. f(Y(p[2]))
      else d[#d + 1] = "L" .. f(X(p[1])) .. " " .. f(Y(p[2])) end
    end
    if #d > 0 then
      b[#b + 1] = string.format('<path d="%s" fill="none" stroke="%s" stroke-width="1.5"><title>%s</title></path>', table.concat(d), M.escape(color), M.escape(s.name or ""))
    end
  end
  if o.limit then
    b[#b + 1] = string.format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#c00" stroke-dasharray="6 4"/><text x="%s" y="%s" fill="#c00">%s</text>',
      f(m.l), f(Y(o.limit)), f(m.l + pw), f(Y(o.limit)), f(m.l + 6), f(Y(o.limit) - 4), M.escape(o.limit_label or ("limit " .. fmt_tick(o.limit))))
  end
  -- Legend (only when there is more than one series or a name worth showing).
  if #series > 1 then
    for i, s in ipairs(series) do
      local color = s.color or M.palette[(i - 1) % #M.palette + 1]
      local y = m.t + 4 + (i - 1) * 13
      if y > m.t + ph then break end
      b[#b + 1] = string.format('<rect x="%s" y="%s" width="10" height="3" fill="%s"/><text x="%s" y="%s">%s</text>',
        f(m.l + pw - 110), f(y + 2), M.escape(color), f(m.l + pw - 96), f(y + 6), M.escape(s.name or ""))
    end
  end
  b[#b + 1] = "</svg>"
  return table.concat(b, "\n")
end

--- Step chart of one series (value holds until the next point), e.g. site load against a limit.
---@param points number[][] array of {x, y}
---@param opts? twin.svg.ChartOptions plus `name`
---@return string svg
function M.step_chart(points, opts)
  return M.line_chart({ { name = (opts and opts.name) or "", points = points, step = true } }, opts)
end

---@class twin.svg.Row
---@field label string row label (e.g. a charger id)
---@field intervals { from: number, to: number, label?: string, color?: string }[]

--- Gantt / occupancy chart: one row per label, a bar per interval, time on the x axis.
---@param rows twin.svg.Row[]
---@param opts? twin.svg.ChartOptions (`height` is computed from the row count if absent)
---@return string svg
function M.gantt(rows, opts)
  local o = opts or {}
  local row_h = 22
  local w = o.width or 720
  local m = { l = 90, r = 20, t = o.title and 28 or 12, b = 38 }
  local h = o.height or (m.t + m.b + math.max(1, #rows) * row_h)
  local xmin, xmax = o.x_min, o.x_max
  if not xmin or not xmax then
    local a, z = math.huge, -math.huge
    for _, r in ipairs(rows) do
      for _, iv in ipairs(r.intervals) do a = math.min(a, iv.from); z = math.max(z, iv.to) end
    end
    if a == math.huge then a, z = 0, 1 end
    xmin, xmax = xmin or a, xmax or z
  end
  if xmax <= xmin then xmax = xmin + 1 end
  local pw = w - m.l - m.r
  ---@param x number data x
  ---@return number pixel x
  local function X(x) return m.l + (x - xmin) / (xmax - xmin) * pw end
  local b = {}
  b[#b + 1] = string.format('<svg%s viewBox="0 0 %d %d" width="%d" height="%d" role="img" font-family="sans-serif" font-size="11">', xmlns(o), w, h, w, h)
  if o.title then
    b[#b + 1] = string.format('<title>%s</title><text x="%d" y="18" font-size="14" font-weight="bold">%s</text>', M.escape(o.title), m.l, M.escape(o.title))
  end
  local bottom = m.t + #rows * row_h
  for _, v in ipairs(o.x_ticks or M.ticks(xmin, xmax, 6)) do
    local label = o.x_format and o.x_format(v) or fmt_tick(v)
    b[#b + 1] = string.format('<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#ddd"/><text x="%s" y="%s" text-anchor="middle">%s</text>',
      f(X(v)), f(m.t), f(X(v)), f(bottom + 4), f(X(v)), f(bottom + 16), M.escape(label))
  end
  for i, r in ipairs(rows) do
    local y = m.t + (i - 1) * row_h
    b[#b + 1] = string.format('<text x="%d" y="%s" text-anchor="end">%s</text>', m.l - 6, f(y + row_h / 2 + 4), M.escape(r.label))
    for k, iv in ipairs(r.intervals) do
      local color = iv.color or M.palette[(k - 1) % #M.palette + 1]
      local x0, x1 = X(math.max(iv.from, xmin)), X(math.min(iv.to, xmax))
      b[#b + 1] = string.format('<rect x="%s" y="%s" width="%s" height="%d" fill="%s" opacity="0.8"><title>%s</title></rect>',
        f(x0), f(y + 3), f(math.max(x1 - x0, 1)), row_h - 6, M.escape(color), M.escape(iv.label or ""))
    end
  end
  b[#b + 1] = string.format('<path d="M%d %sH%s" stroke="#333"/>', m.l, f(bottom), f(m.l + pw))
  if o.x_label then b[#b + 1] = string.format('<text x="%s" y="%d" text-anchor="middle">%s</text>', f(m.l + pw / 2), h - 4, M.escape(o.x_label)) end
  b[#b + 1] = "</svg>"
  return table.concat(b, "\n")
end

return M
