--- twin.json: deterministic JSON. Objects are encoded with sorted keys, integers as integers,
--- floats with "%.10g"; NaN and infinities are refused. Tables whose keys are exactly 1..n are
--- arrays; an empty table is `[]` unless marked with `json.object`. Decode errors name the position.
---@class twin.json
local M = {}

--- Marker metatable: `setmetatable({}, json.object_mt)` encodes as `{}`.
M.object_mt = { __json = "object" }
--- Value that encodes as / decodes from JSON null inside arrays and objects.
M.null = setmetatable({}, { __json = "null", __tostring = function() return "null" end })

--- Mark a table to encode as a JSON object even when empty.
---@param t? table
---@return table
function M.object(t) return setmetatable(t or {}, M.object_mt) end

local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f',
                  ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }

--- Quote and escape a string for JSON.
---@param s string
---@return string
local function escape_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return escapes[c] or string.format("\\u%04x", c:byte())
  end) .. '"'
end

-- Key order (numbers before strings, then ascending) is tablex's, so every output agrees.
local key_less = require("twin.tablex").key_less

-- Returns n if t is an array 1..n (n may be 0), else nil.
---@param t table
---@return integer?
local function array_length(t)
  local mt = getmetatable(t)
  if mt and mt.__json == "object" then return nil end
  local n = 0
  for k in pairs(t) do
    if math.type(k) ~= "integer" or k < 1 then return nil end
    if k > n then n = k end
  end
  for i = 1, n do if t[i] == nil then return nil end end
  return n
end

local encode_value

--- Deterministic number text; refuses NaN and infinities.
---@param x number
---@param path string JSON path for error messages
---@return string
local function encode_number(x, path)
  if x ~= x then error("json: cannot encode NaN at " .. path .. " (JSON has no NaN; use null or a string)", 0) end
  if x == math.huge or x == -math.huge then
    error("json: cannot encode infinity at " .. path .. " (JSON has no infinity; use null or a string)", 0)
  end
  if math.type(x) == "integer" then return string.format("%d", x) end
  if x == math.floor(x) and math.abs(x) < 2^53 then return string.format("%d", math.tointeger(x)) end
  return string.format("%.10g", x)
end

--- Append the JSON text of v to buf.
---@param v any
---@param opts twin.json.EncodeOptions
---@param indent string current indent
---@param path string JSON path for errors
---@param seen table tables on the current path (cycle check)
---@param buf string[]
function encode_value(v, opts, indent, path, seen, buf)
  local t = type(v)
  if v == nil or v == M.null then buf[#buf + 1] = "null"
  elseif t == "boolean" then buf[#buf + 1] = tostring(v)
  elseif t == "number" then buf[#buf + 1] = encode_number(v, path)
  elseif t == "string" then buf[#buf + 1] = escape_string(v)
  elseif t == "table" then
    if seen[v] then error("json: cycle at " .. path, 0) end
    seen[v] = true
    local nl, ind1 = "", ""
    if opts.indent then nl = "\n"; ind1 = indent .. opts.indent end
    local n = array_length(v)
    if n then
      if n == 0 then buf[#buf + 1] = "[]" else
        buf[#buf + 1] = "[" .. nl
        for i = 1, n do
          buf[#buf + 1] = ind1
          encode_value(v[i], opts, ind1, path .. "[" .. i .. "]", seen, buf)
          buf[#buf + 1] = (i < n and "," or "") .. nl
        end
        buf[#buf + 1] = indent .. "]"
      end
    else
      local keys = {}
      for k in pairs(v) do
        local tk = type(k)
        if tk ~= "string" and tk ~= "number" then
          error("json: object key of type " .. tk .. " at " .. path, 0)
        end
        keys[#keys + 1] = k
      end
      if opts.sort_keys ~= false then table.sort(keys, key_less) end
      if #keys == 0 then buf[#buf + 1] = "{}" else
        buf[#buf + 1] = "{" .. nl
        for i, k in ipairs(keys) do
          local ks = type(k) == "string" and k or encode_number(k, path)
          buf[#buf + 1] = ind1 .. escape_string(ks) .. (opts.indent and ": " or ":")
          encode_value(v[k], opts, ind1, path .. "." .. ks, seen, buf)
          buf[#buf + 1] = (i < #keys and "," or "") .. nl
        end
        buf[#buf + 1] = indent .. "}"
      end
    end
    seen[v] = nil
  else
    error("json: cannot encode a " .. t .. " at " .. path, 0)
  end
end

---@class twin.json.EncodeOptions
---@field sort_keys? boolean sort object keys (default true: stable output)
---@field indent? string indent unit for pretty output, e.g. "  " (default: compact)

--- Encode a Lua value as JSON text. Errors (with the path, e.g. `$.summary.peak_kw`) on
--- NaN/infinity, functions, cycles and non-string/number keys.
---@param value any
---@param opts? twin.json.EncodeOptions
---@return string
function M.encode(value, opts)
  local buf = {}
  encode_value(value, opts or {}, "", "$", {}, buf)
  return table.concat(buf)
end

-- Decoder -----------------------------------------------------------------

--- Raise a decode error naming line, column and byte.
---@param s string
---@param pos integer
---@param msg string
local function decode_error(s, pos, msg)
  local line, col = 1, 1
  for i = 1, pos - 1 do
    if s:byte(i) == 10 then line = line + 1; col = 1 else col = col + 1 end
  end
  error(string.format("json: %s at line %d, column %d (byte %d)", msg, line, col, pos), 0)
end

---@param s string
---@param pos integer
---@return integer position of the next non-space
local function skip_ws(s, pos) return s:find("[^ \t\r\n]", pos) or #s + 1 end

local decode_at

--- Decode the string starting at the quote at pos.
---@param s string
---@param pos integer
---@return string value, integer next
local function decode_string(s, pos)
  local buf, i = {}, pos + 1
  while true do
    local c = s:sub(i, i)
    if c == "" then decode_error(s, pos, "unterminated string") end
    if c == '"' then return table.concat(buf), i + 1 end
    if c == "\\" then
      local e = s:sub(i + 1, i + 1)
      local simple = ({ ['"'] = '"', ['\\'] = '\\', ['/'] = '/', b = '\b', f = '\f', n = '\n', r = '\r', t = '\t' })[e]
      if simple then buf[#buf + 1] = simple; i = i + 2
      elseif e == "u" then
        local hex = s:sub(i + 2, i + 5)
        if not hex:match("^%x%x%x%x$") then decode_error(s, i, "bad \\u escape") end
        local cp = tonumber(hex, 16)
        i = i + 6
        if cp >= 0xD800 and cp <= 0xDBFF and s:sub(i, i + 1) == "\\u" then
          local lo = tonumber(s:sub(i + 2, i + 5), 16)
          if lo and lo >= 0xDC00 and lo <= 0xDFFF then
            cp = 0x10000 + (cp - 0xD800) * 0x400 + (lo - 0xDC00); i = i + 6
          end
        end
        buf[#buf + 1] = utf8.char(cp)
      else decode_error(s, i, "bad escape \\" .. e) end
    elseif c:byte() < 32 then decode_error(s, i, "control character in string")
    else buf[#buf + 1] = c; i = i + 1 end
  end
end

--- Decode the value starting at pos.
---@param s string
---@param pos integer
---@return any value, integer next
function decode_at(s, pos)
  pos = skip_ws(s, pos)
  local c = s:sub(pos, pos)
  if c == "{" then
    local obj = M.object({})
    pos = skip_ws(s, pos + 1)
    if s:sub(pos, pos) == "}" then return obj, pos + 1 end
    while true do
      if s:sub(pos, pos) ~= '"' then decode_error(s, pos, "expected a string key") end
      local k; k, pos = decode_string(s, pos)
      pos = skip_ws(s, pos)
      if s:sub(pos, pos) ~= ":" then decode_error(s, pos, "expected ':'") end
      local v; v, pos = decode_at(s, pos + 1)
      obj[k] = v
      pos = skip_ws(s, pos)
      local d = s:sub(pos, pos)
      if d == "}" then return obj, pos + 1 end
      if d ~= "," then decode_error(s, pos, "expected ',' or '}'") end
      pos = skip_ws(s, pos + 1)
    end
  elseif c == "[" then
    local arr, n = {}, 0
    pos = skip_ws(s, pos + 1)
    if s:sub(pos, pos) == "]" then return arr, pos + 1 end
    while true do
      local v; v, pos = decode_at(s, pos)
      n = n + 1; arr[n] = v
      pos = skip_ws(s, pos)
      local d = s:sub(pos, pos)
      if d == "]" then return arr, pos + 1 end
      if d ~= "," then decode_error(s, pos, "expected ',' or ']'") end
      pos = pos + 1
    end
  elseif c == '"' then return decode_string(s, pos)
  elseif s:sub(pos, pos + 3) == "true" then return true, pos + 4
  elseif s:sub(pos, pos + 4) == "false" then return false, pos + 5
  elseif s:sub(pos, pos + 3) == "null" then return M.null, pos + 4
  else
    local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", pos)
    if num and num ~= "" and num ~= "-" then
      local v = math.tointeger(tonumber(num)) or tonumber(num)
      if num:find("[.eE]") then v = tonumber(num) end
      if v == nil then decode_error(s, pos, "bad number") end
      return v, pos + #num
    end
    if c == "" then decode_error(s, pos, "unexpected end of input") end
    decode_error(s, pos, "unexpected character '" .. c .. "'")
  end
end

--- Decode JSON text. Objects decode to tables marked with `json.object_mt`, null to `json.null`
--- (so arrays keep their length). Errors name the line, column and byte position.
---@param text string
---@return any
function M.decode(text)
  assert(type(text) == "string", "json.decode: expected a string")
  local v, pos = decode_at(text, 1)
  pos = skip_ws(text, pos)
  if pos <= #text then decode_error(text, pos, "trailing characters") end
  return v
end

return M
