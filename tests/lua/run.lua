-- Pure-Lua test harness for the stdlib and the bundled plugins.
-- Run from the repository root:  lua5.4 tests/lua/run.lua
-- It loads each plugin in a restricted environment (the globals the contract allows, a mock
-- `twin`), checks manifests, runs policies on fixed contexts, behaviours on fixed events and
-- formatters on a fake result. Exits non-zero if any check fails.
package.path = "stdlib/?.lua;" .. package.path

local json = require "twin.json"
local csv = require "twin.csv"
local stats = require "twin.stats"
local units = require "twin.units"
local tablex = require "twin.tablex"
local svg = require "twin.svg"

local passed, failed = 0, 0
local current = "?"

local function check(cond, msg)
  if cond then passed = passed + 1 else
    failed = failed + 1
    print(string.format("FAIL [%s] %s", current, msg))
  end
end
local function near(a, b, tol) return type(a) == "number" and math.abs(a - b) <= (tol or 1e-6) end
local function test(name, f)
  current = name
  local ok, err = xpcall(f, debug.traceback)
  if not ok then failed = failed + 1; print(string.format("ERROR [%s] %s", name, err)) end
end

-- Mock host ---------------------------------------------------------------

local function kind(k) return function(def) def.kind = k; return def end end

-- Simple Lua versions of the Swift allocation primitives (same contract, not tuned).
local alloc = {}
local function laxity(ctx, s)
  return (s.departure - ctx.now) - s.energy_wanted_kwh / (s.vehicle_max_kw * (s.efficiency or 1)) * 3600
end
function alloc.uncontrolled(ctx)
  local r = {}
  for i, s in ipairs(ctx.sessions) do r[i] = s.max_kw end
  return r
end
function alloc.sorted(ctx, key)
  local kf = type(key) == "function" and key
    or key == "laxity" and function(s) return laxity(ctx, s) end
    or function(s) return s[key] end
  local order = {}
  for i, s in ipairs(ctx.sessions) do order[i] = { i = i, k = kf(s) } end
  table.sort(order, function(a, b) if a.k ~= b.k then return a.k < b.k end return a.i < b.i end)
  local r, left = {}, math.max(ctx.headroom_kw, 0)
  for i = 1, #ctx.sessions do r[i] = 0 end
  for _, o in ipairs(order) do r[o.i] = math.min(ctx.sessions[o.i].max_kw, left); left = left - r[o.i] end
  return r
end
function alloc.fair_share(ctx)
  local r, left, open = {}, math.max(ctx.headroom_kw, 0), {}
  for i = 1, #ctx.sessions do r[i] = 0; open[#open + 1] = i end
  while left > 1e-9 and #open > 0 do
    local share, still = left / #open, {}
    for _, i in ipairs(open) do
      local g = math.min(share, ctx.sessions[i].max_kw - r[i])
      r[i] = r[i] + g; left = left - g
      if ctx.sessions[i].max_kw - r[i] > 1e-9 then still[#still + 1] = i end
    end
    if #still == #open then break end
    open = still
  end
  return r
end
function alloc.balanced(ctx)
  local r = {}
  for i, s in ipairs(ctx.sessions) do
    local h = (s.departure - ctx.now) / 3600
    r[i] = h > 0 and math.min(s.max_kw, s.energy_wanted_kwh / (s.efficiency or 1) / h) or s.max_kw
  end
  return r
end

local twin_mock = { policy = kind("policy"), behaviour = kind("behaviour"), formatter = kind("formatter"), alloc = alloc }

-- Restricted environment: only what docs/plugin-contract.md lists; require limited to stdlib.
local function plugin_env()
  local env = {
    twin = twin_mock, string = string, table = table, math = math, utf8 = utf8, coroutine = coroutine,
    pcall = pcall, error = error, ipairs = ipairs, pairs = pairs, select = select, tostring = tostring,
    tonumber = tonumber, type = type, setmetatable = setmetatable, getmetatable = getmetatable,
    rawget = rawget, rawset = rawset, rawequal = rawequal, rawlen = rawlen, next = next, assert = assert,
    load = load, print = print, debug = { traceback = debug.traceback },
    os = { date = os.date, time = os.time, clock = os.clock },
    require = function(name)
      assert(type(name) == "string" and name:match("^twin%.[%w_]+$"), "plugins may require only twin.* stdlib modules, not " .. tostring(name))
      return require(name)
    end,
  }
  return env
end

local plugins = { policies = {}, behaviours = {}, formatters = {} }
local function list_dir(dir)
  local names = {}
  local p = io.popen('ls "' .. dir .. '"')
  for line in p:lines() do if line:match("%.lua$") then names[#names + 1] = line end end
  p:close()
  table.sort(names)
  return names
end

for _, folder in ipairs({ "policies", "behaviours", "formatters" }) do
  for _, file in ipairs(list_dir("plugins/" .. folder)) do
    test("load " .. folder .. "/" .. file, function()
      local env = plugin_env()
      local before = tablex.keys(env)
      local chunk, err = loadfile("plugins/" .. folder .. "/" .. file, "t", env)
      check(chunk ~= nil, "compiles: " .. tostring(err))
      local p = chunk()
      check(#tablex.keys(env) == #before, "defines no globals")
      local want = ({ policies = "policy", behaviours = "behaviour", formatters = "formatter" })[folder]
      check(type(p) == "table" and p.kind == want, "returns a " .. want)
      check(p.name .. ".lua" == file, "name matches file name")
      check(type(p.version) == "string" and p.version:match("^%d+%.%d+%.%d+$"), "semantic version")
      check(p.api == "1", "api = \"1\"")
      check(type(p.description) == "string" and #p.description > 10, "has a description")
      check(type(p.params) == "table", "has params")
      for pname, spec in pairs(p.params or {}) do
        check(({ number = 1, integer = 1, string = 1, boolean = 1 })[spec.type], pname .. ": type")
        check(spec.default ~= nil, pname .. ": default")
        check(type(spec.help) == "string", pname .. ": help")
        if spec.type == "number" or spec.type == "integer" then check(type(spec.unit) == "string", pname .. ": unit") end
      end
      if want == "policy" then check(type(p.allocate) == "function", "has allocate") end
      if want == "formatter" then check(type(p.write) == "function", "has write") end
      p._env, p._nglobals = env, #before
      plugins[folder][p.name] = p
    end)
  end
end

-- Default params as the host would pass them.
local function defaults(p, over)
  local r = {}
  for k, spec in pairs(p.params or {}) do r[k] = spec.default end
  for k, v in pairs(over or {}) do r[k] = v end
  return r
end

-- Policies ------------------------------------------------------------------

local T0 = 1767600000 -- 2026-01-05 08:00 UTC
local function session(id, arrival, departure, wanted, max_kw)
  return { id = id, vehicle_id = "V" .. id, charger_id = "C" .. id, arrival = arrival, departure = departure,
           soc = 0.4, target_soc = 0.9, energy_wanted_kwh = wanted, max_kw = max_kw, charger_max_kw = max_kw,
           vehicle_max_kw = max_kw, efficiency = 0.9, capacity_kwh = 300 }
end
local function make_ctx(price_at)
  price_at = price_at or function(t) return 0.2 end
  return { now = T0, step_s = 900, site_limit_kw = 100, base_kw = 20, headroom_kw = 80,
           price = price_at(T0), price_at = price_at, start = T0 - 86400, ["end"] = T0 + 86400,
           sessions = {
             session(1, T0 - 3600, T0 + 4 * 3600, 40, 50),
             session(2, T0 - 7200, T0 + 8 * 3600, 60, 50),
             session(3, T0 - 1800, T0 + 3600, 20, 50),
           } }
end

test("policies: aligned sane arrays", function()
  for name, p in tablex.sorted_pairs(plugins.policies) do
    local ctx = make_ctx()
    local r = p.allocate(ctx, defaults(p))
    check(type(r) == "table" and r ~= ctx.sessions, name .. ": fresh table")
    check(#r <= #ctx.sessions, name .. ": no extra entries")
    for i, s in ipairs(ctx.sessions) do
      local v = r[i] or 0
      check(type(v) == "number" and v == v and v >= 0 and v <= s.max_kw + 1e-9, name .. ": value " .. i .. " in [0, max_kw]")
    end
    local empty = make_ctx(); empty.sessions = {}
    check(#p.allocate(empty, defaults(p)) == 0, name .. ": empty ctx gives empty array")
    check(#tablex.keys(p._env) == p._nglobals, name .. ": allocate leaks no globals")
  end
end)

test("policies: fcfs, edf, llf order", function()
  local r = plugins.policies.fcfs.allocate(make_ctx(), {})
  check(r[2] == 50 and r[1] == 30 and r[3] == 0, "fcfs: earliest arrival first, within headroom")
  r = plugins.policies.edf.allocate(make_ctx(), {})
  check(r[3] == 50 and r[1] == 30 and r[2] == 0, "edf: earliest departure first")
  r = plugins.policies.llf.allocate(make_ctx(), {})
  check(r[3] == 50 and r[1] == 30 and r[2] == 0, "llf: least laxity first")
  r = plugins.policies.uncontrolled.allocate(make_ctx(), {})
  check(r[1] == 50 and r[2] == 50 and r[3] == 50, "uncontrolled: max_kw each")
  r = plugins.policies.round_robin.allocate(make_ctx(), {})
  check(near(r[1], 80 / 3) and near(r[2], 80 / 3) and near(r[3], 80 / 3), "round_robin: equal shares")
end)

test("policies: peak_shaving", function()
  local p = plugins.policies.peak_shaving
  local ctx = make_ctx()
  local need = alloc.balanced(ctx)
  local r = p.allocate(ctx, defaults(p, { target_kw = 70 })) -- feasible: balanced sum 41.7 <= 50
  local sum = r[1] + r[2] + r[3]
  check(ctx.base_kw + sum <= 70 + 1e-9, "stays under target when feasible")
  check(near(ctx.base_kw + sum, 70), "uses the headroom below target")
  for i = 1, 3 do check(r[i] >= need[i] - 1e-9, "at least balanced power " .. i) end
  ctx = make_ctx(); ctx.base_kw = 90; ctx.headroom_kw = 10
  r = p.allocate(ctx, defaults(p, { target_kw = 70 })) -- base alone above target: no extra
  for i = 1, 3 do check(near(r[i], need[i]), "base above target: balanced only " .. i) end
  r = p.allocate(make_ctx(), defaults(p, { target_kw = 40 })) -- infeasible: departures win
  for i = 1, 3 do check(r[i] >= need[i] - 1e-9, "infeasible target: still balanced " .. i) end
end)

test("policies: tou_price", function()
  local p = plugins.policies.tou_price
  -- Expensive for the next 2 h, cheap after.
  local ctx = make_ctx(function(t) return t < T0 + 7200 and 0.40 or 0.10 end)
  local r = p.allocate(ctx, defaults(p))
  check(r[3] == 50, "session leaving in 1 h must charge now even if expensive")
  check(r[1] == 0, "session 1 waits for the cheap slots (needs 40 kWh, has 2 h cheap at 45 kW)")
  check(r[2] == 0, "session 2 waits for the cheap slots")
  -- Cheap now, expensive later: everybody charges now, within headroom in deadline order.
  ctx = make_ctx(function(t) return t < T0 + 900 and 0.05 or 0.30 end)
  r = p.allocate(ctx, defaults(p))
  check(r[3] == 50 and r[1] == 30 and r[2] == 0, "cheap now: charge in deadline order within headroom")
end)

-- Behaviours ----------------------------------------------------------------

test("behaviours", function()
  local b = plugins.behaviours
  local chargers = { { id = "C10", max_kw = 150 }, { id = "C2", max_kw = 50 }, { id = "C3", max_kw = 150 } }
  local ctx = { now = T0, vehicle = { id = "V1", type = "e12", soc = 0.3, departure = T0 + 3600 }, free_chargers = chargers }
  check(b.first_free.on_arrival(ctx, {}) == "C2", "first_free: natural id order")
  check(b.first_free.on_arrival({ now = T0, vehicle = ctx.vehicle, free_chargers = {} }, {}) == nil, "first_free: nil when none free")
  check(b.by_departure.on_arrival(ctx, defaults(b.by_departure)) == "C3", "by_departure: soon -> most powerful, lowest id")
  ctx.vehicle.departure = T0 + 10 * 3600
  check(b.by_departure.on_arrival(ctx, defaults(b.by_departure)) == "C2", "by_departure: later -> weakest")
  local block = { id = "B1", vehicle_id = "V1", departure = T0, arrival = T0 + 3600 * 5, distance_km = 120, energy_estimate_kwh = 150 }
  local cands = { { id = "V1", soc = 0.4, energy_kwh = 120 }, { id = "V2", soc = 0.8, energy_kwh = 240 }, { id = "V3", soc = 0.9, energy_kwh = 270 } }
  check(b.fixed.on_block_start({ block = block, candidates = cands }, {}) == nil, "fixed: nil")
  check(b.highest_soc.on_block_start({ block = block, candidates = cands }, {}) == "V3", "highest_soc: most energy")
  block.energy_estimate_kwh = 500
  check(b.highest_soc.on_block_start({ block = block, candidates = cands }, {}) == nil, "highest_soc: nil if none can")
  check(b.none.precondition({ ambient_c = -10 }, {}) == 0, "none: 0")
  local bd = b.before_departure
  check(bd.precondition({ ambient_c = -5 }, defaults(bd)) == 1200, "before_departure: cold -> 20 min")
  check(bd.precondition({ ambient_c = 32 }, defaults(bd)) == 1200, "before_departure: hot -> 20 min")
  check(bd.precondition({ ambient_c = 15 }, defaults(bd)) == 0, "before_departure: mild -> 0")
  check(bd.precondition({ ambient_c = -5 }, defaults(bd, { minutes = 30 })) == 1800, "before_departure: minutes param")
end)

-- Formatters ------------------------------------------------------------------

local function fake_result()
  return {
    scenario = "Depot <North> & \"friends\"", policy = "edf", seed = 42, start = T0, ["end"] = T0 + 86400,
    step_s = 300, site_limit_kw = 400, time_zone = "Europe/Berlin", warnings = { "V2 below reserve <5%>" },
    summary = { energy_kwh = 812.5, energy_to_batteries_kwh = 731.25, requested_kwh = 760, delivered_kwh = 731.25,
                peak_kw = 380, cost_energy = 162.5, cost_demand = 40, cost_total = 202.5, unmet_vehicles = 1,
                missed_departures = 0, shortfall_kwh = 28.75, min_soc = 0.12, charger_utilisation = 0.41, clamps = 3 },
    sessions = {
      { id = 1, vehicle_id = "V1", charger_id = "C1", arrival = T0 + 3600, plug_in = T0 + 3600, charge_start = T0 + 3600,
        charge_end = T0 + 5 * 3600, unplug = T0 + 6 * 3600, departure = T0 + 6 * 3600, soc_in = 0.3, soc_out = 0.9,
        wanted_kwh = 180, drawn_kwh = 200, delivered_kwh = 180, clamps = 0 },
      { id = 2, vehicle_id = "V2", charger_id = "C2", arrival = T0 + 7200, plug_in = T0 + 7200, unplug = T0 + 9 * 3600,
        departure = T0 + 9 * 3600, soc_in = 0.2, soc_out = 0.7, wanted_kwh = 210, drawn_kwh = 170, delivered_kwh = 153, clamps = 3 },
    },
    vehicles = { { id = "V1", type = "e12", soc_start = 0.8, soc_end = 0.9, soc_min = 0.3, drawn_kwh = 200,
                   trip_energy_kwh = 150, trips = 2, shortfall_kwh = 0, below_reserve = false } },
    trips = { { vehicle_id = "V1", block_id = "B1", trip_id = "T1", route_id = "R1", departure = T0, arrival = T0 + 3600,
                distance_km = 40.5, ambient_c = -3, energy_kwh = 75, traction_kwh = 60, hvac_kwh = 18, climb_kwh = 2,
                regen_kwh = 5, soc_before = 0.8, soc_after = 0.55, shortfall_kwh = 0, below_reserve = false } },
    load_profile = { { time = T0, chargers_kw = 0, base_kw = 20, site_kw = 20, plugged = 0 },
                     { time = T0 + 3600, chargers_kw = 150, base_kw = 20, site_kw = 170, plugged = 1 },
                     { time = T0 + 7200, chargers_kw = 360, base_kw = 20, site_kw = 380, plugged = 2 },
                     { time = T0 + 9 * 3600, chargers_kw = 0, base_kw = 20, site_kw = 20, plugged = 0 } },
    events = { { time = T0, kind = "trip_start", vehicle_id = "V1", soc = 0.8 },
               { time = T0 + 3600, kind = "plug_in", vehicle_id = "V1", charger_id = "C1", soc = 0.3 },
               { time = T0 + 5 * 3600, kind = "target_reached", vehicle_id = "V1", charger_id = "C1", soc = 0.9 },
               { time = T0 + 7200, kind = "plug_in", vehicle_id = "V2", charger_id = "C2", soc = 0.2 },
               { time = T0 + 9 * 3600, kind = "unplug", vehicle_id = "V2", charger_id = "C2", soc = 0.7 } },
  }
end

-- An output that collects text; `with_siblings` also offers out:sibling(suffix).
local function output(with_siblings)
  local o = { parts = {}, siblings = {} }
  function o:write(s) assert(type(s) == "string", "out:write expects a string"); self.parts[#self.parts + 1] = s end
  function o:text() return table.concat(self.parts) end
  if with_siblings then
    function o:sibling(suffix) local s = output(false); self.siblings[suffix] = s; return s end
  end
  return o
end

local function run_formatter(name, with_siblings, params)
  local f = plugins.formatters[name]
  local out = output(with_siblings)
  f.write(fake_result(), out, defaults(f, params))
  return out:text(), out
end

test("formatters: non-empty, deterministic", function()
  for name in tablex.sorted_pairs(plugins.formatters) do
    local a, b = run_formatter(name), run_formatter(name)
    check(#a > 100, name .. ": non-empty output")
    check(a == b, name .. ": deterministic")
    check(#tablex.keys(plugins.formatters[name]._env) == plugins.formatters[name]._nglobals, name .. ": leaks no globals")
  end
end)

test("formatters: empty result", function()
  for name, f in tablex.sorted_pairs(plugins.formatters) do
    local out = output(false)
    local ok, err = pcall(f.write, { scenario = "empty", policy = "fcfs", seed = 1, start = T0, ["end"] = T0 + 3600,
      step_s = 300, site_limit_kw = 100, warnings = {}, summary = {}, sessions = {}, vehicles = {}, trips = {},
      load_profile = {}, events = {} }, out, defaults(f))
    check(ok, name .. ": handles an empty run: " .. tostring(err))
    check(#out:text() > 0, name .. ": writes something for an empty run")
  end
end)

test("formatter json", function()
  local text = run_formatter("json")
  local ok, doc = pcall(json.decode, text)
  check(ok, "decodes: " .. tostring(doc))
  if not ok then return end
  for _, k in ipairs({ "scenario", "policy", "seed", "start", "end", "summary", "sessions", "vehicles", "trips", "load_profile" }) do
    check(doc[k] ~= nil, "has " .. k)
  end
  for k in pairs(fake_result().summary) do check(doc.summary[k] ~= nil, "summary." .. k) end
  local s = doc.sessions[1]
  for _, k in ipairs({ "vehicle_id", "charger_id", "wanted_kwh", "drawn_kwh", "delivered_kwh" }) do check(s[k] ~= nil, "session." .. k) end
  check(doc.seed == 42 and math.type(doc.seed) == "integer", "seed stays an integer")
  check(doc.scenario == fake_result().scenario, "escaped scenario round-trips")
  check(json.encode(doc, { indent = "  " }) .. "\n" == text, "re-encoding gives identical text")
  check(run_formatter("json", false, { events = true }):find('"events"'), "events on request")
end)

test("formatter csv", function()
  local text = run_formatter("csv")
  check(text:find("# sessions\n", 1, true) and text:find("\n\n# load_profile\n", 1, true), "sections without sibling")
  local main, out = run_formatter("csv", true)
  check(main:match("^metric,value\n"), "main file holds the summary")
  for _, t in ipairs({ "sessions", "vehicles", "trips", "load_profile" }) do
    local s = out.siblings["-" .. t .. ".csv"]
    check(s ~= nil and #s:text() > 0, "sibling " .. t)
  end
  local recs = csv.parse(out.siblings["-sessions.csv"]:text())
  check(#recs == 2 and recs[1].vehicle_id == "V1" and recs[2].drawn_kwh == "170", "sessions parse back")
  check(recs[1].plug_in == "2026-01-05T09:00:00Z", "ISO times")
end)

test("formatter html", function()
  local text = run_formatter("html")
  check(text:find("<svg", 1, true), "contains inline svg")
  local _, nsvg = text:gsub("<svg", "")
  check(nsvg == 3, "three charts")
  check(not text:find("http://", 1, true) and not text:find("https://", 1, true), "no URLs")
  check(not text:find("<link", 1, true) and not text:find("<script", 1, true), "no external assets or scripts")
  check(text:find("Depot &lt;North&gt; &amp; &quot;friends&quot;", 1, true), "escapes scenario name")
  check(not text:find("<North>", 1, true), "no raw text injection")
  check(text:find("site limit", 1, true), "limit line")
end)

test("formatter summary/markdown", function()
  local s = run_formatter("summary")
  check(s:find("Policy    edf", 1, true) and s:find("Warnings: 1", 1, true), "summary header and warnings")
  check(s:find("Peak site load%s+380%s+kW"), "summary metric with unit")
  local m = run_formatter("markdown")
  check(m:find("| Peak site load | 380 | kW |", 1, true), "markdown summary row")
  check(m:find("| V2 | C2 |", 1, true), "markdown session row")
  check(m:find("## Warnings (1)", 1, true), "markdown warnings")
end)

-- Stdlib ------------------------------------------------------------------------

test("stdlib csv", function()
  local rows = csv.parse_rows('a,b,c\r\n1,"x,y","say ""hi"""\r\n2,"multi\nline",\r\n')
  check(#rows == 3, "three rows")
  check(rows[2][2] == "x,y" and rows[2][3] == 'say "hi"', "quotes and escaped quotes")
  check(rows[3][2] == "multi\nline" and rows[3][3] == "", "newline in quotes, empty last field")
  check(csv.encode({ { "a", "b,c", 'd"e', "f\ng", 3 } }) == 'a,"b,c","d""e","f\ng",3\n', "encode quoting")
  local ok, err = pcall(csv.parse, 'a,b\n1,2\n3\n')
  check(not ok and tostring(err):find("line 3"), "field count error names the line: " .. tostring(err))
  ok, err = pcall(csv.parse, 'a,b\n"x\ny",2\n3\n')
  check(not ok and tostring(err):find("line 4"), "line counts newlines inside quotes: " .. tostring(err))
  ok, err = pcall(csv.parse_rows, 'a,b\n"open\n')
  check(not ok and tostring(err):find("line 2") and tostring(err):find("unterminated"), "unterminated quote: " .. tostring(err))
  local recs = csv.parse(csv.encode_records({ { x = "1", y = "a,b" } }, { "x", "y" }))
  check(recs[1].y == "a,b", "records round-trip")
end)

test("stdlib json", function()
  check(json.encode({ b = 1, a = { 1, 2.5, "x" } }) == '{"a":[1,2.5,"x"],"b":1}', "sorted keys, arrays")
  check(json.encode("q\"\\\n\t\1") == '"q\\"\\\\\\n\\t\\u0001"', "escaping")
  check(json.encode(1 / 3) == "0.3333333333" and json.encode(2.0) == "2" and json.encode(7) == "7", "number format")
  check(json.encode({}) == "[]" and json.encode(json.object()) == "{}", "empty array vs object")
  local ok, err = pcall(json.encode, { x = 0 / 0 })
  check(not ok and err:find("NaN") and err:find("%$%.x"), "NaN refused with path: " .. tostring(err))
  ok, err = pcall(json.encode, { math.huge })
  check(not ok and err:find("infinity"), "inf refused")
  ok, err = pcall(json.decode, '{"a": [1, 2,, 3]}')
  check(not ok and err:find("column 13"), "decode error position: " .. tostring(err))
  ok, err = pcall(json.decode, '{"a": 1} x')
  check(not ok and err:find("trailing"), "trailing characters")
  local v = json.decode('{"s":"\\u00e9\\ud83d\\ude00","n":[1,-2.5e2,null,false]}')
  check(v.s == "é😀" and v.n[2] == -250 and v.n[3] == json.null and #v.n == 4, "decode values")
  check(math.type(json.decode("12")) == "integer", "integers stay integers")
end)

test("stdlib stats", function()
  local xs = { 4, 1, 3, 2, 5 }
  check(stats.sum(xs) == 15 and stats.mean(xs) == 3 and stats.min(xs) == 1 and stats.max(xs) == 5, "basics")
  check(stats.percentile(xs, 50) == 3 and stats.percentile(xs, 0) == 1 and stats.percentile(xs, 100) == 5, "percentile ends")
  check(near(stats.percentile({ 1, 2, 3, 4 }, 25), 1.75) and near(stats.percentile({ 1, 2, 3, 4 }, 90), 3.7), "linear interpolation")
  check(near(stats.stddev({ 2, 4, 4, 4, 5, 5, 7, 9 }), 2) and near(stats.stddev({ 1, 2, 3, 4 }, true), 1.2909944487), "stddev")
  check(stats.mean({}) == nil and stats.percentile({}, 50) == nil, "empty input")
  local h = stats.histogram({ 0, 1, 2, 3, 4, 10 }, 5, 0, 10)
  check(h[1].count == 2 and h[2].count == 2 and h[3].count == 1 and h[5].count == 1, "histogram counts")
end)

test("stdlib units, tablex, svg", function()
  check(units.kw_to_w(1.5) == 1500 and near(units.kwh_to_mj(1), 3.6) and near(units.c_to_f(100), 212), "units")
  check(near(units.k_to_c(273.15), 0) and near(units.mi_to_km(1), 1.609344) and units.h_to_s(2) == 7200, "units 2")
  check(units.format_duration(3725) == "1h 02m" and units.format_duration(90061) == "1d 1h 01m" and units.format_duration(42) == "42s", "format_duration")
  check(units.format_energy(0.5) == "500 Wh" and units.format_energy(12.34) == "12.3 kWh" and units.format_energy(4560) == "4.56 MWh", "format_energy")
  local t = { { k = 2, n = "a" }, { k = 1, n = "b" }, { k = 2, n = "c" }, { k = 1, n = "d" } }
  local s = tablex.sort_by(t, "k")
  check(s[1].n == "b" and s[2].n == "d" and s[3].n == "a" and s[4].n == "c", "sort_by stable")
  check(tablex.sum_by(t, "k") == 6 and #tablex.group_by(t, "k")[2] == 2, "sum_by, group_by")
  local d = { a = { b = { 1 } } }; local c = tablex.deepcopy(d)
  check(c.a.b[1] == 1 and c.a ~= d.a, "deepcopy")
  local ks = tablex.keys({ b = 1, a = 2, [3] = 0 })
  check(ks[1] == 3 and ks[2] == "a" and ks[3] == "b", "keys sorted")
  check(tablex.natural_less("C2", "C10") and not tablex.natural_less("C10", "C2"), "natural order")
  check(svg.escape([[<a href="x">&'</a>]]) == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;", "svg escape")
  local chart = svg.line_chart({ { name = "<x>", points = { { 0, 1 }, { 1, 2 } } } }, { limit = 1.5, title = "T" })
  check(chart:find("^<svg") and chart:find("stroke%-dasharray") and not chart:find("<x>", 1, true), "line chart with limit")
end)

print(string.format("%d passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1)
