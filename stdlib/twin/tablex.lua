--- twin.tablex: small table helpers with deterministic results
--- (sorted keys, stable sorts) so plugin output does not depend on hash order.
---@class twin.tablex
local M = {}

--- Order for mixed keys: numbers before strings, then each by `<` (others by their text).
---@param a any
---@param b any
---@return boolean
function M.key_less(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "number" or ta == "string" then return a < b end
  return tostring(a) < tostring(b)
end

--- Natural order for ids: "c2" < "c10" (digit runs compare as numbers), then plain string order.
---@param a any
---@param b any
---@return boolean
function M.natural_less(a, b)
  local sa, sb = tostring(a), tostring(b)
  local pa, pb = 1, 1
  while pa <= #sa and pb <= #sb do
    local da, db = sa:match("^%d+", pa), sb:match("^%d+", pb)
    if da and db then
      local na, nb = tonumber(da), tonumber(db)
      if na ~= nb then return na < nb end
      pa, pb = pa + #da, pb + #db
    else
      local ca, cb = sa:sub(pa, pa), sb:sub(pb, pb)
      if ca ~= cb then return ca < cb end
      pa, pb = pa + 1, pb + 1
    end
  end
  if (#sa - pa) ~= (#sb - pb) then return (#sa - pa) < (#sb - pb) end
  return sa < sb
end

--- Keys of `t`, sorted (numbers first, then strings).
---@param t table
---@return any[]
function M.keys(t)
  local ks = {}
  for k in pairs(t) do ks[#ks + 1] = k end
  table.sort(ks, M.key_less)
  return ks
end

--- Iterate `t` in sorted key order: `for k, v in tablex.sorted_pairs(t) do`.
---@param t table
---@return fun(): any, any
function M.sorted_pairs(t)
  local ks, i = M.keys(t), 0
  return function()
    i = i + 1
    local k = ks[i]
    if k ~= nil then return k, t[k] end
  end
end

--- New array with f(v, i) for each element of the array `t`.
---@generic T, U
---@param t T[]
---@param f fun(v: T, i: integer): U
---@return U[]
function M.map(t, f)
  local r = {}
  for i = 1, #t do r[i] = f(t[i], i) end
  return r
end

--- New array of the elements of `t` for which pred(v, i) is truthy, order kept.
---@generic T
---@param t T[]
---@param pred fun(v: T, i: integer): any
---@return T[]
function M.filter(t, pred)
  local r = {}
  for i = 1, #t do if pred(t[i], i) then r[#r + 1] = t[i] end end
  return r
end

--- Shallow copy.
---@generic T: table
---@param t T
---@return T
function M.copy(t)
  local r = {}
  for k, v in pairs(t) do r[k] = v end
  return r
end

--- Deep copy (tables copied recursively, cycles preserved, metatables shared).
---@generic T
---@param t T
---@param seen? table internal: copies made so far
---@return T
function M.deepcopy(t, seen)
  if type(t) ~= "table" then return t end
  seen = seen or {}
  if seen[t] then return seen[t] end
  local r = {}
  seen[t] = r
  for k, v in pairs(t) do r[M.deepcopy(k, seen)] = M.deepcopy(v, seen) end
  return setmetatable(r, getmetatable(t))
end

--- New array sorted ascending by key(v) (or by field name), stable: equal keys keep input order.
---@generic T
---@param t T[]
---@param key string|fun(v: T): any field name or key function
---@param descending? boolean
---@return T[]
function M.sort_by(t, key, descending)
  local kf = type(key) == "function" and key or function(v) return v[key] end
  local idx = {}
  for i = 1, #t do idx[i] = { k = kf(t[i]), i = i, v = t[i] } end
  table.sort(idx, function(a, b)
    if a.k ~= b.k then
      if descending then return a.k > b.k end
      return a.k < b.k
    end
    return a.i < b.i
  end)
  return M.map(idx, function(e) return e.v end)
end

--- Group an array by key(v) (or field name): { [key] = { v, ... } }, order within a group kept.
--- Elements whose key is nil are left out.
---@generic T
---@param t T[]
---@param key string|fun(v: T): any
---@return table<any, T[]>
function M.group_by(t, key)
  local kf = type(key) == "function" and key or function(v) return v[key] end
  local g = {}
  for i = 1, #t do
    local k = kf(t[i])
    if k ~= nil then
      local list = g[k]
      if not list then list = {}; g[k] = list end
      list[#list + 1] = t[i]
    end
  end
  return g
end

--- Sum of value(v) (or of a numeric field) over an array; nil values count as 0.
---@generic T
---@param t T[]
---@param value string|fun(v: T): number?
---@return number
function M.sum_by(t, value)
  local vf = type(value) == "function" and value or function(v) return v[value] end
  local s = 0
  for i = 1, #t do s = s + (vf(t[i]) or 0) end
  return s
end

return M
