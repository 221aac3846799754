/// The Lua side of the plugin host: constructors, `twin.alloc` over the Swift fast paths, the
/// session views and the tick views. Kept apart from the Swift so each reads on its own.
extension PluginHost {
    static let setupSource = #"""
    local fast = ...
    return function(fast)
      local made = setmetatable({}, { __mode = "k" })
      local H = {}
      local function ctor(kind)
        return function(def)
          if type(def) ~= "table" then error("twin." .. kind .. " expects a table {...}", 2) end
          made[def] = kind
          return def
        end
      end
      local current_ctx = nil
      local current_name = nil -- the policy being called (its path), for errors without a plugin frame
      local getinfo = debug.getinfo
      -- An error at the line that called the twin.alloc function (level 3 from here). A policy that
      -- ends with `return twin.alloc.sorted(ctx, key)` makes a tail call, which leaves no frame of
      -- its own: the caller is then this host chunk, so the message names the policy's file instead.
      local function raise(msg)
        local info = getinfo(3, "S")
        if info ~= nil and info.what ~= "C" and info.source ~= "=(twin plugin host)" then error(msg, 3) end
        error((current_name and (current_name .. ": ") or "") .. msg, 0)
      end
      local slow -- set below: fast.slow on a plain copy of the ctx
      local alloc = {}
      local builtin = { arrival = true, departure = true, laxity = true }
      function alloc.sorted(ctx, key)
        if type(ctx) ~= "table" then raise("twin.alloc.sorted: ctx expected") end
        if type(key) == "function" then
          local keys = {}
          for i, s in ipairs(ctx.sessions) do
            local k = key(s)
            if type(k) ~= "number" then
              raise("twin.alloc.sorted: key function returned a " .. type(k) .. " for session " .. i .. " (number expected)")
            end
            keys[i] = k
          end
          if rawequal(ctx, current_ctx) then return fast.sorted_keys(keys) end
          return slow("sorted", ctx, keys)
        end
        if not builtin[key] then
          raise("twin.alloc.sorted: key must be \"arrival\", \"departure\", \"laxity\" or a function(session) -> number, got " .. tostring(key))
        end
        if rawequal(ctx, current_ctx) then return fast.sorted(key) end
        return slow("sorted", ctx, key)
      end
      for _, op in ipairs { "fair_share", "balanced", "uncontrolled" } do
        alloc[op] = function(ctx)
          if type(ctx) ~= "table" then raise("twin.alloc." .. op .. ": ctx expected") end
          if rawequal(ctx, current_ctx) then return fast[op]() end
          return slow(op, ctx)
        end
      end
      local twin = { policy = ctor("policy"), behaviour = ctor("behaviour"), formatter = ctor("formatter"), alloc = alloc }
      H.twin_ref = function() return twin end
      H.kind_of = function(t) return made[t] end
      H.print = fast.print

      -- Session views: one Lua table per engine session, reused across ticks while the session is
      -- shown. Fields that cannot change during a session (and a few that rarely do, checked by
      -- Swift each call) are raw fields written when the session first appears or changes. The
      -- fields that change every tick (DYN) are not sent until the plugin first touches one (read,
      -- write or pairs): then all are filled for this call, and from then on every call sends them
      -- all (so a plugin's edits to them last until the next call, as when ctx was rebuilt). A plugin that only calls twin.alloc.* with a built-in key costs nothing
      -- per session in Lua.
      local DYN = { soc = 1, energy_wanted_kwh = 2, max_kw = 3, vehicle_max_kw = 4 }
      local dynamic = false -- the per-tick fields are raw fields, refreshed by every call
      local order = {}      -- the views of this call, in ctx order
      local spare = {}      -- the next order is built here from runs of this one
      local function fill()
        dynamic = true
        local v = fast.dynamic()
        for i = 1, #order do
          local s, o = order[i], (i - 1) * 4
          rawset(s, "soc", v[o + 1]); rawset(s, "energy_wanted_kwh", v[o + 2])
          rawset(s, "max_kw", v[o + 3]); rawset(s, "vehicle_max_kw", v[o + 4])
        end
      end
      local SM = {
        __metatable = "twin.session",
        __index = function(s, k)
          if not dynamic and DYN[k] then fill(); return rawget(s, k) end
        end,
        __newindex = function(s, k, v)
          if not dynamic and DYN[k] then fill() end
          rawset(s, k, v)
        end,
        __pairs = function(s)
          if not dynamic then fill() end
          return next, s, nil
        end,
      }
      local function is_view(s) return getmetatable(s) == "twin.session" end
      -- A plain copy of a ctx whose sessions may be views (for the slow path, which reads raw fields).
      local function plain(ctx)
        local ss = rawget(ctx, "sessions")
        if type(ss) ~= "table" then return ctx end
        local any = false
        for _, s in ipairs(ss) do if is_view(s) then any = true; break end end
        if not any then return ctx end
        local c, list = {}, {}
        for k, v in pairs(ctx) do c[k] = v end
        for i, s in ipairs(ss) do
          if is_view(s) then
            if not dynamic then fill() end
            local t = {}
            for k, v in next, s do t[k] = v end
            list[i] = t
          else
            list[i] = s
          end
        end
        c.sessions = list
        return c
      end
      H.plain = plain
      slow = function(op, ctx, key) return fast.slow(op, plain(ctx), key) end

      -- The answer of allocate as an array of n numbers (nil = 0), with a clear error otherwise.
      local function checked(name, r, n)
        if type(r) ~= "table" then
          error(name .. ": allocate must return an array of kW aligned with ctx.sessions, got " .. type(r), 0)
        end
        local out = {}
        for i = 1, n do
          local v = r[i]
          if v == nil then v = 0
          elseif type(v) ~= "number" then
            error(name .. ": allocate returned a " .. type(v) .. " at index " .. i .. " (kW number expected)", 0)
          end
          out[i] = v
        end
        return out
      end
      H.checked = checked

      -- A policy call. buf holds, in order: nrec records of R numbers (sessions new or changed since
      -- the last call), nrem ids (sessions gone), when reorder is true nruns runs of the last order
      -- (from, to, length) and nins new sessions (to, id), and when dyn is true the 4 per-tick fields of the n sessions (see LuaPolicy). The answer is returned as is when it is a plain table; Swift reads
      -- its numbers and falls back to `checked` for a clear error.
      H.make_policy = function(name, allocate, params, vids, cids, cabids)
        local R = 10
        local ctx, sessions, byid = {}, {}, {}
        local price_at = fast.price_at
        local tointeger, move = math.tointeger, table.move
        return function(buf, nrec, nrem, nruns, nins, reorder, dyn, n, now, step, limit, base, headroom, price, start, stop)
          ctx.now, ctx.step_s, ctx.site_limit_kw, ctx.base_kw = now, step, limit, base
          ctx.headroom_kw, ctx.price, ctx.start, ctx["end"] = headroom, price, start, stop
          ctx.price_at = price_at
          ctx.sessions = sessions
          local o = 0
          for _ = 1, nrec do
            local id = tointeger(buf[o + 1])
            local s = byid[id]
            if s == nil then
              byid[id] = setmetatable({ id = id, vehicle_id = vids[buf[o + 2]], charger_id = cids[buf[o + 3]],
                cabinet_id = cabids[buf[o + 4]], arrival = buf[o + 5], departure = buf[o + 6], target_soc = buf[o + 7],
                charger_max_kw = buf[o + 8], efficiency = buf[o + 9], capacity_kwh = buf[o + 10] }, SM)
            else
              rawset(s, "id", id); rawset(s, "vehicle_id", vids[buf[o + 2]]); rawset(s, "charger_id", cids[buf[o + 3]])
              rawset(s, "cabinet_id", cabids[buf[o + 4]]); rawset(s, "arrival", buf[o + 5]); rawset(s, "departure", buf[o + 6])
              rawset(s, "target_soc", buf[o + 7]); rawset(s, "charger_max_kw", buf[o + 8])
              rawset(s, "efficiency", buf[o + 9]); rawset(s, "capacity_kwh", buf[o + 10])
            end
            o = o + R
          end
          for j = 1, nrem do byid[buf[o + j]] = nil end
          o = o + nrem
          if reorder then
            local dst = spare
            for _ = 1, nruns do
              local src = buf[o + 1]
              move(order, src, src + buf[o + 3] - 1, buf[o + 2], dst)
              o = o + 3
            end
            for _ = 1, nins do
              dst[buf[o + 1]] = byid[buf[o + 2]]
              o = o + 2
            end
            for i = #dst, n + 1, -1 do dst[i] = nil end
            spare, order = order, dst
          end
          -- The exposed array is refilled every call, so a plugin that edits it affects only that call.
          move(order, 1, n, 1, sessions)
          if dyn then
            for i = 1, n do
              local s = order[i]
              s.soc, s.energy_wanted_kwh, s.max_kw, s.vehicle_max_kw = buf[o + 1], buf[o + 2], buf[o + 3], buf[o + 4]
              o = o + 4
            end
          end
          for i = #sessions, n + 1, -1 do sessions[i] = nil end
          current_ctx, current_name = ctx, name
          local r = allocate(ctx, params)
          if type(r) ~= "table" or getmetatable(r) ~= nil then return checked(name, r, n) end
          return r
        end
      end
      -- A behaviour's on_tick: ctx = { now, vehicles }, the vehicle tables reused across ticks (keyed
      -- by vehicle) and refreshed every call. buf holds K numbers per plugged vehicle.
      local tick_index = nil -- the on_tick hook running (its behaviour, when one raises)
      H.make_tick = function(hooks, params, ids, types, states, chargers)
        local K = 7
        local ctx, list, by = {}, {}, {}
        return function(buf, n, now)
          ctx.now = now
          ctx.vehicles = list
          for i = 1, n do
            local o = (i - 1) * K
            local v = buf[o + 1]
            local t = by[v]
            if t == nil then t = { id = ids[v], type = types[v] }; by[v] = t end
            t.id, t.type = ids[v], types[v]
            t.soc, t.energy_kwh, t.state, t.plugged = buf[o + 2], buf[o + 3], states[buf[o + 4]], buf[o + 5] ~= 0
            local d = buf[o + 6]
            if d ~= d then t.departure = nil else t.departure = d end
            t.charger_id = chargers[buf[o + 7]]  -- index 0: not plugged, nil
            list[i] = t
          end
          for i = #list, n + 1, -1 do list[i] = nil end
          for j = 1, #hooks do tick_index = j; hooks[j](ctx, params[j]) end
          tick_index = nil
        end
      end
      H.tick_index = function() return tick_index end
      H.seed = function(s) math.randomseed(s) end
      return H
    end
    """#
}
