--- twin.repl: how the REPL shows values and completes names. Pure Lua, usable from scripts too:
---   local repl = require "twin.repl"; print(repl.show({ a = 1, b = { 2, 3 } }))
local tablex = require "twin.tablex"

local repl = {}

local function is_identifier(key)
  return type(key) == "string" and key:match("^[%a_][%w_]*$") ~= nil
end

local function show_scalar(value)
  if type(value) == "string" then return string.format("%q", value) end
  if math.type(value) == "float" then
    if value == math.floor(value) and math.abs(value) < 1e15 then return string.format("%.1f", value) end
    return string.format("%.10g", value)
  end
  return tostring(value)
end

---Renders a value for people: tables nested and indented with sorted keys, cut at `max_depth`
---levels and `max_items` entries per table; objects through their `__tostring`.
---@param value any
---@param max_depth? integer default 3
---@param max_items? integer default 40
---@return string
function repl.show(value, max_depth, max_items)
  max_depth, max_items = max_depth or 3, max_items or 40
  local seen = {}
  local function render(v, depth, indent)
    if type(v) ~= "table" then return show_scalar(v) end
    local mt = getmetatable(v)
    if type(mt) == "table" and mt.__tostring then return tostring(v) end
    if seen[v] then return "<cycle>" end
    if depth >= max_depth then return "{...}" end
    seen[v] = true
    local n = #v
    local keys = {}
    for k in pairs(v) do
      if not (math.type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
    end
    table.sort(keys, tablex.key_less)
    local parts, shown = {}, 0
    for i = 1, n do
      shown = shown + 1
      if shown > max_items then break end
      parts[#parts + 1] = render(v[i], depth + 1, indent .. "  ")
    end
    for _, k in ipairs(keys) do
      shown = shown + 1
      if shown > max_items then break end
      local label = is_identifier(k) and k or ("[" .. show_scalar(k) .. "]")
      parts[#parts + 1] = label .. " = " .. render(v[k], depth + 1, indent .. "  ")
    end
    local total = n + #keys
    if total > max_items then parts[#parts + 1] = string.format("... (%d more)", total - max_items) end
    seen[v] = nil
    if #parts == 0 then return "{}" end
    local flat = "{ " .. table.concat(parts, ", ") .. " }"
    if #flat <= 72 and not flat:find("\n") then return flat end
    return "{\n" .. indent .. "  " .. table.concat(parts, ",\n" .. indent .. "  ") .. "\n" .. indent .. "}"
  end
  return render(value, 0, "")
end

local function fields_of(value)
  local names, seen = {}, {}
  local function add(k) if is_identifier(k) and not seen[k] then seen[k] = true; names[#names + 1] = k end end
  local guard = 0
  while value ~= nil and guard < 4 do
    guard = guard + 1
    if type(value) == "table" then for k in pairs(value) do add(k) end end
    local mt = getmetatable(value)
    if type(mt) ~= "table" then break end
    if type(mt.__methods) == "table" then for k in pairs(mt.__methods) do add(k) end end
    if type(mt.__fields) == "table" then for k in pairs(mt.__fields) do add(k) end end
    value = type(mt.__index) == "table" and mt.__index or nil
  end
  return names
end

---Completes the word before the cursor: `tw` -> `twin`, `twin.al` -> `twin.alloc`,
---`sim:ru` -> `sim:run`, `sim:run_until`. Walks the dotted path from `env` (default _G).
---@param word string
---@param env? table
---@return string[] candidates, sorted
function repl.complete(word, env)
  env = env or _G
  local prefix, sep, partial = word:match("^(.*)([%.:])([%w_]*)$")
  local base
  if prefix then
    base = env
    for part in prefix:gmatch("[^%.:]+") do
      local ok, next_value = pcall(function() return base[part] end)
      if not ok or next_value == nil then return {} end
      base = next_value
    end
  else
    prefix, sep, partial, base = "", "", word, env
  end
  local out = {}
  for _, name in ipairs(fields_of(base)) do
    if name:sub(1, #partial) == partial then out[#out + 1] = prefix .. sep .. name end
  end
  if base == env then
    for _, kw in ipairs({ "and", "break", "else", "elseif", "end", "false", "for", "function", "goto",
                          "if", "local", "nil", "not", "repeat", "return", "then", "true", "until", "while" }) do
      if prefix == "" and kw:sub(1, #partial) == partial then out[#out + 1] = kw end
    end
  end
  table.sort(out)
  return out
end

return repl
